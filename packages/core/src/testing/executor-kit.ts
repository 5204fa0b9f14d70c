import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseInstruction } from '@sessionhub/format';
import { InstructionFormatError } from '../errors.js';
import type { ExecuteInput, ExecutorProgress } from '../ports/executor.js';
import type { Sandbox, SandboxCreateOptions, SandboxProvider } from '../ports/sandbox.js';

/**
 * The `ExecuteInput` an engine would hand an executor for an instruction text (parsed leniently).
 * Throws `InstructionFormatError` when the text is not an instruction.
 */
export function executeInputOf(text: string, opts: { sessionId?: string; attempt?: number } = {}): ExecuteInput {
  const parsed = parseInstruction(text, { mode: 'lenient' });
  if (!parsed.instruction) throw new InstructionFormatError('not a session instruction', parsed.diagnostics);
  return { sessionId: opts.sessionId ?? 'ses_test', attempt: opts.attempt ?? 0, instruction: parsed.instruction, text };
}

/** Records an executor's progress events; pass `emit` as `ExecuteOptions.emit`. */
export function recordProgress(onEvent?: (progress: ExecutorProgress) => void): {
  events: ExecutorProgress[];
  emit: (progress: ExecutorProgress) => void;
} {
  const events: ExecutorProgress[] = [];
  return {
    events,
    emit: (progress) => {
      events.push(progress);
      onEvent?.(progress);
    },
  };
}

/**
 * A sandbox from `provider` over a fresh temp workspace holding `files` (workspace-relative path →
 * content, written on the host before the sandbox starts). Its `dispose` also deletes the workspace.
 */
export async function createTempSandbox(
  provider: SandboxProvider,
  files: Record<string, string> = {},
  opts: { prefix?: string; create?: Omit<SandboxCreateOptions, 'workspace'> } = {},
): Promise<Sandbox> {
  const workspace = await realpath(await mkdtemp(join(tmpdir(), opts.prefix ?? 'sessionhub-test-')));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), content);
    }
    const sandbox = await provider.create({ ...opts.create, workspace });
    const dispose = sandbox.dispose.bind(sandbox);
    sandbox.dispose = async () => {
      try {
        await dispose();
      } finally {
        await rm(workspace, { recursive: true, force: true });
      }
    };
    return sandbox;
  } catch (error) {
    await rm(workspace, { recursive: true, force: true });
    throw error;
  }
}

/** Something a test holds and must release: a fake server, a sandbox, a sandbox provider. */
export type Releasable = { close(): Promise<void> | void } | { dispose(): Promise<void> | void };

/**
 * Releases `resource` when the current test ends and returns it, through the test runner's per-test
 * hook (vitest's `onTestFinished`), so a test needs no module-level variables and no `afterEach`:
 * `const fake = releaseAfterTest(onTestFinished, await startFakeAnthropic(...))`.
 */
export function releaseAfterTest<T extends Releasable>(
  onTestFinished: (release: () => Promise<void>) => void,
  resource: T,
): T {
  onTestFinished(async () => {
    if ('dispose' in resource) await resource.dispose();
    else await resource.close();
  });
  return resource;
}

/**
 * Sandboxes over fresh temp workspaces (see {@link createTempSandbox}) from one provider, made on first
 * use and shared by every test of a file; `close()` releases it (a bench or an `afterAll` calls it).
 */
export function tempSandboxes(
  makeProvider: () => SandboxProvider & { close?(): Promise<void> },
  opts: { prefix?: string } = {},
): { create(files?: Record<string, string>): Promise<Sandbox>; close(): Promise<void> } {
  let provider: (SandboxProvider & { close?(): Promise<void> }) | undefined;
  return {
    create(files = {}) {
      provider ??= makeProvider();
      return createTempSandbox(provider, files, { prefix: opts.prefix });
    },
    async close() {
      await provider?.close?.();
      provider = undefined;
    },
  };
}

/** Whether an integration variant of a test (Docker, a real binary) runs here, and why not. */
export interface Readiness {
  ready: boolean;
  /** Why it does not run; shown in the skipped test's name. */
  reason: string;
}

/**
 * Decides whether an integration variant runs: `available()` probes the environment, `prepare()`
 * readies it (builds an image, say). Outside CI a failed probe or preparation skips the variant with
 * the reason; with `CI=true` it never skips, so the test runs and fails loudly.
 */
export async function integrationReadiness(check: {
  name: string;
  available: () => Promise<boolean>;
  prepare?: () => Promise<unknown>;
}): Promise<Readiness> {
  const ci = process.env.CI === 'true';
  const skip = (reason: string): Readiness => (ci ? { ready: true, reason: '' } : { ready: false, reason });
  if (!(await check.available().catch(() => false))) return skip(`${check.name} not reachable`);
  try {
    await check.prepare?.();
  } catch (err) {
    return skip(`${check.name} not ready: ${String(err).slice(0, 200)}`);
  }
  return { ready: true, reason: '' };
}
