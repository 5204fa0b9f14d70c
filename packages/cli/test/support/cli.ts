import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

/** The CLI's source entry, run as `node --conditions=@sessionhub/source --import tsx bin.ts` (no build needed). */
export const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
export const NODE_ARGS = ['--conditions=@sessionhub/source', '--import', 'tsx', BIN];

/** What a finished CLI process left. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running CLI process: its output so far, a way to wait for a line, and its end. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once stdout contains `text`. */
  waitFor(text: string | RegExp): Promise<void>;
  done: Promise<CliRun>;
}

/** Starts `sessionhub <args>` without a TTY; killed when the test ends. */
export function startCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string | RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (typeof w.text === 'string' ? stdout.includes(w.text) : w.text.test(stdout)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    check();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    output: () => stdout,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve });
        check();
        done.then(() => reject(new Error(`the CLI exited before printing ${text}:\n${stdout}\n${stderr}`)));
      }),
    done,
  };
}

/** Runs `sessionhub <args>` to its end. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return startCli(args, opts).done;
}

/** A fresh temp directory (its real path), removed when the test ends. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A PATH of one directory linking every program on the current PATH except `name`. */
export async function pathWithout(name: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const seen = new Set<string>([name]);
  for (const from of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    for (const entry of await readdir(from).catch(() => [] as string[])) {
      if (seen.has(entry)) continue;
      seen.add(entry);
      await symlink(join(from, entry), join(dir, entry));
    }
  }
  return dir;
}

/** The environment of a CLI run: this process's, without an API key, plus `extra`. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('ANTHROPIC_API_KEY' in extra)) delete env.ANTHROPIC_API_KEY;
  return env;
}

/**
 * A small project: a Foundation document at 1.0, a `check.mjs` gate that wants `greet.mjs` to greet by name,
 * and `.sessionhub/config.json` with `config` merged in (bubblewrap sandbox, that one gate).
 */
export async function writeGreeterProject(dir: string, config: Record<string, unknown> = {}): Promise<string> {
  await mkdir(join(dir, '.sessionhub'), { recursive: true });
  await writeFile(join(dir, 'FOUNDATION.md'), '# Greeter\n\n**Current Version:** 1.0\n\n## Session Log\n');
  await writeFile(
    join(dir, 'check.mjs'),
    "import { greet } from './greet.mjs';\nif (greet('Ada') !== 'Hello, Ada') { console.error('FAIL greet(Ada) was ' + greet('Ada')); process.exit(1); }\nconsole.log('ok');\n",
  );
  await writeFile(
    join(dir, '.sessionhub', 'config.json'),
    JSON.stringify(
      {
        sandbox: { kind: 'bubblewrap' },
        gates: [{ name: 'check', command: 'node check.mjs', timeoutMs: 30_000 }],
        ...config,
      },
      null,
      2,
    ),
  );
  return dir;
}

/** {@link writeGreeterProject} in a fresh temp directory removed when the test ends. */
export async function greeterProject(config: Record<string, unknown> = {}): Promise<string> {
  return writeGreeterProject(await tempDir('sessionhub-cli-'), config);
}
