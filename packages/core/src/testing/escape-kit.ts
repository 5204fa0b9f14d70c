import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { SandboxError } from '../errors.js';
import type { Sandbox, SandboxLimits } from '../ports/sandbox.js';

/*
 * The escape suite's vocabulary (contract, context, attempt, outcome) and the small helpers its attempts share.
 * The attempts live in escape-suite.ts (host, network, limits, file API) and escape-attempts-*.ts.
 */

/**
 * The isolation an adapter must apply for the escape suite: bombs are bounded by these limits, so
 * nothing harms the machine even when an attempt is not blocked.
 */
export interface EscapeContract {
  limits: Required<SandboxLimits>;
  /** Always `false`: the suite checks that there is no network. */
  network: false;
}

/** The contract the suite asks for unless `options.contract` changes it. */
export const DEFAULT_ESCAPE_CONTRACT: EscapeContract = {
  limits: { cpus: 1, memoryMb: 256, pids: 64, tmpMb: 64, diskMb: 64 },
  network: false,
};

/** Makes a sandbox over `workspaceDir` (an existing empty host directory) honouring `contract`. */
export type EscapeSandboxFactory = (workspaceDir: string, contract: EscapeContract) => Promise<Sandbox>;

/** One row of the escape table. */
export interface EscapeResult {
  attempt: string;
  adapter: string;
  /** `null` when the attempt was skipped. */
  blocked: boolean | null;
  detail: string;
}

/** Options of {@link describeEscapeSuite}. */
export interface EscapeSuiteOptions {
  /** Attempts that cannot apply, by name, with the reason shown in the table. Unknown names throw. */
  skip?: Record<string, string>;
  /** Overrides of {@link DEFAULT_ESCAPE_CONTRACT}'s limits. */
  contract?: Partial<SandboxLimits>;
  /** Per-attempt timeout in ms (default 60 000). */
  timeoutMs?: number;
  /**
   * When the factory wraps a sandbox (e.g. so that `exec` goes through an agent's tools), the sandbox the
   * verifier's gates use: gates are the verifier's commands, never the agent's.
   */
  unwrap?: (sandbox: Sandbox) => Sandbox;
  /** Called with each row as it is decided (e.g. to merge tables of several adapters). */
  onResult?: (row: EscapeResult) => void;
  /** Where the table goes after the suite; default `console.log`. `false` prints nothing. */
  print?: ((table: string) => void) | false;
}

/** What an attempt gets: a fresh sandbox, its workspace, a host directory outside it, and bait. */
export interface EscapeContext {
  sandbox: Sandbox;
  workspace: string;
  /** Host directory next to the workspace, holding `secret.txt` (= {@link ESCAPE_OUTSIDE_SECRET}). */
  outside: string;
  /** A variable set in the host `process.env` during the attempt. */
  canary: { name: string; value: string };
  /** Port of a TCP listener on the host's 127.0.0.1, and how many connections it has accepted so far. */
  listener: { port: number; connections(): number };
  /** A random token for file names and markers of this attempt. */
  mark: string;
  /** The contract the sandbox was made under. */
  contract: EscapeContract;
  /** The sandbox a verifier's gates run in: `sandbox` itself, unless the suite was told to unwrap it. */
  gateSandbox: Sandbox;
}

/** How an attempt ended. */
export interface EscapeOutcome {
  blocked: boolean;
  detail: string;
}

/** One escape attempt. */
export interface EscapeAttempt {
  name: string;
  /** Why the attempt cannot apply on this machine (e.g. it needs root), or `undefined` when it applies. */
  applies?(): string | undefined;
  run(context: EscapeContext): Promise<EscapeOutcome>;
}

/** Content of `outside/secret.txt`. */
export const ESCAPE_OUTSIDE_SECRET = 'escape-suite outside secret: never readable from a sandbox\n';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function short(text: string, max = 160): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}...` : one;
}

export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error ?? new Error('rejected'),
  );
}

export function codeOf(error: unknown): string {
  if (error instanceof SandboxError) return error.code;
  // Duck-typed too: a built adapter may carry its own copy of the error class.
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  if (typeof code === 'string') return code;
  if (error instanceof Error) return error.name;
  return error === undefined ? 'no error' : String(error);
}

/** Waits `settleMs`, then tells whether a host file changed over `windowMs` (a process still writing). */
export async function stillWriting(file: string, settleMs: number, windowMs: number): Promise<boolean> {
  await sleep(settleMs);
  const read = async () => (existsSync(file) ? `${(await stat(file)).mtimeMs}:${await readFile(file, 'utf8')}` : '');
  const before = await read();
  await sleep(windowMs);
  return (await read()) !== before;
}

export async function waitForFile(file: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) return true;
    await sleep(25);
  }
  return existsSync(file);
}
