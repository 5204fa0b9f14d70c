import { existsSync } from 'node:fs';
import { readFile as readHostFile, realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SandboxError } from '../../errors.js';
import { type Sandbox, TRUNCATION_MARKER } from '../../ports/sandbox.js';
import type { ConformanceCase } from './cases.js';
import { RESOURCE_CASES } from './sandbox-resource-cases.js';

/** What each sandbox case gets: a fresh sandbox over a fresh workspace, and a sibling directory outside it. */
export interface SandboxCaseContext {
  sandbox: Sandbox;
  /** Host path of the workspace handed to the factory. */
  workspace: string;
  /** Host directory next to the workspace, holding `secret.txt`; nothing may reach it. */
  outside: string;
  /** Name and value of a variable set in the host `process.env` while the case runs. */
  canary: { name: string; value: string };
}

type SandboxCase = ConformanceCase<SandboxCaseContext>;

/** Content of `outside/secret.txt`. */
export const OUTSIDE_SECRET = 'outside secret, never readable from the sandbox\n';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; false if it never did within `timeoutMs`. */
async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(25);
  }
  return check();
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** Fails with `message` unless the promise settles within `ms` (instead of hanging until the test timeout). */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a killed command may take to be reported. */
const SETTLE_MS = 15_000;

/**
 * Expects a `SandboxError` (or a subclass) with code `sandbox.path_escape`. Checked with
 * `SandboxError.isInstance`, not `instanceof`: the adapter under test may load another copy of core
 * than this kit (an ESM and a CJS copy, or two versions).
 */
async function expectPathEscape(promise: Promise<unknown>, what: string): Promise<void> {
  const error = await rejectionOf(promise);
  expect(SandboxError.isInstance(error), `${what} must be refused with a SandboxError, got ${String(error)}`).toBe(
    true,
  );
  expect((error as SandboxError).code, what).toBe('sandbox.path_escape');
}

/**
 * A shell command whose direct child spawns a grandchild that writes `started.txt` at once and
 * `late.txt` two seconds later, while the shell itself waits long. Killing only the shell leaves
 * the grandchild alive, and `late.txt` appears.
 */
const TREE_COMMAND = "sh -c 'echo started > started.txt; sleep 2; echo late > late.txt' & sleep 30";

/** Waits past the moment a surviving grandchild would have written `late.txt`, then checks it never did. */
async function expectNoLateFile(workspace: string, startedAt: number): Promise<void> {
  const late = join(workspace, 'late.txt');
  const appeared = await waitFor(() => existsSync(late), Math.max(0, startedAt + 3_000 - Date.now()));
  expect(appeared, 'a grandchild survived the kill and wrote late.txt').toBe(false);
}

const execCases: SandboxCase[] = [
  {
    group: 'exec',
    name: 'sandbox reports its workspace and contract version',
    async run({ sandbox, workspace }) {
      expect(sandbox.specificationVersion).toBe(1);
      expect(typeof sandbox.id).toBe('string');
      expect(['docker', 'bubblewrap', 'none']).toContain(sandbox.isolation);
      expect(await realpath(sandbox.workspace)).toBe(await realpath(workspace));
    },
  },
  {
    group: 'exec',
    name: 'exec runs a shell string and reports stdout, stderr and exit code',
    async run({ sandbox }) {
      const result = await sandbox.exec('echo out; echo err >&2; exit 3');
      expect(result).toMatchObject({
        stdout: 'out\n',
        stderr: 'err\n',
        exitCode: 3,
        timedOut: false,
        truncated: false,
      });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      const ok = await sandbox.exec('printf ok');
      expect(ok).toMatchObject({ stdout: 'ok', stderr: '', exitCode: 0 });
    },
  },
  {
    group: 'exec',
    name: 'exec runs an argv without a shell',
    async run({ sandbox }) {
      const result = await sandbox.exec(['printf', '%s|', 'a b', '$HOME', '*', "it's"]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe("a b|$HOME|*|it's|");
      expect((await sandbox.exec(['sh', '-c', 'exit 7'])).exitCode).toBe(7);
    },
  },
  {
    group: 'exec',
    name: 'exec of a missing program does not succeed',
    async run({ sandbox }) {
      const outcome = await sandbox.exec(['sessionhub-no-such-program-3f9c']).then(
        (result) => result.exitCode,
        () => 'rejected',
      );
      expect(outcome).not.toBe(0);
    },
  },
  {
    group: 'exec',
    name: 'exec runs in the workspace root by default and in cwd relative to it',
    async run({ sandbox, workspace }) {
      await sandbox.writeFile('sub/dir/keep.txt', 'kept\n');
      await sandbox.exec('echo root > where.txt');
      expect(await readHostFile(join(workspace, 'where.txt'), 'utf8')).toBe('root\n');
      const result = await sandbox.exec('cat keep.txt && echo sub > where.txt', { cwd: 'sub/dir' });
      expect(result).toMatchObject({ stdout: 'kept\n', exitCode: 0 });
      expect(await sandbox.readFile('sub/dir/where.txt')).toBe('sub\n');
    },
  },
  {
    group: 'exec',
    name: 'exec passes the given environment',
    async run({ sandbox }) {
      const result = await sandbox.exec('printf "%s/%s" "$SH_CONFORMANCE_A" "$SH_CONFORMANCE_B"', {
        env: { SH_CONFORMANCE_A: 'hello world', SH_CONFORMANCE_B: 'x=y' },
      });
      expect(result.stdout).toBe('hello world/x=y');
      // The extra variables are for that command only.
      expect((await sandbox.exec(`printf %s "\${SH_CONFORMANCE_A:-unset}"`)).stdout).toBe('unset');
    },
  },
  {
    group: 'exec',
    name: 'exec does not see the host environment',
    async run({ sandbox, canary }) {
      expect(process.env[canary.name]).toBe(canary.value);
      const result = await sandbox.exec(`printf %s "\${${canary.name}:-absent}"`);
      expect(result.stdout).toBe('absent');
      const env = await sandbox.exec(['env']);
      expect(env.stdout).not.toContain(canary.value);
      expect(env.stdout).not.toContain(canary.name);
    },
  },
  {
    group: 'exec',
    name: 'exec feeds stdin and gives an empty stdin otherwise',
    async run({ sandbox }) {
      const fed = await sandbox.exec(['cat'], { stdin: 'line 1\nline 2 ✓\n' });
      expect(fed).toMatchObject({ stdout: 'line 1\nline 2 ✓\n', exitCode: 0 });
      // Without stdin a reader sees end of input at once instead of hanging.
      const empty = await sandbox.exec('wc -c', { timeoutMs: 10_000 });
      expect(empty.timedOut).toBe(false);
      expect(empty.stdout.trim()).toBe('0');
    },
  },
  {
    group: 'exec',
    name: 'exec streams output through onOutput',
    async run({ sandbox }) {
      const chunks: Array<{ stream: 'stdout' | 'stderr'; data: string }> = [];
      const result = await sandbox.exec('echo one; echo two >&2; echo three', { onOutput: (c) => chunks.push(c) });
      const joined = (stream: 'stdout' | 'stderr') =>
        chunks
          .filter((c) => c.stream === stream)
          .map((c) => c.data)
          .join('');
      expect(joined('stdout')).toBe(result.stdout);
      expect(joined('stderr')).toBe(result.stderr);
      expect(result.stdout).toBe('one\nthree\n');
    },
  },
  {
    group: 'exec',
    name: 'exec cuts output past maxOutputBytes and ends it with the marker',
    async run({ sandbox }) {
      const big = "head -c 200000 /dev/zero | tr '\\000' a";
      const out = await sandbox.exec(big, { maxOutputBytes: 1000 });
      expect(out.truncated).toBe(true);
      expect(out.stdout.endsWith(TRUNCATION_MARKER)).toBe(true);
      const kept = out.stdout.slice(0, -TRUNCATION_MARKER.length);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThanOrEqual(1000);
      expect(kept).toMatch(/^a+$/);
      const err = await sandbox.exec(`${big} >&2; echo small`, { maxOutputBytes: 1000 });
      expect(err.truncated).toBe(true);
      expect(err.stderr.endsWith(TRUNCATION_MARKER)).toBe(true);
      expect(err.stderr.length).toBeLessThanOrEqual(1000 + TRUNCATION_MARKER.length);
      expect(err.stdout).toBe('small\n');
      const small = await sandbox.exec('printf abc', { maxOutputBytes: 1000 });
      expect(small).toMatchObject({ stdout: 'abc', truncated: false });
    },
  },
  {
    group: 'exec',
    name: 'exec timeout kills the whole process tree',
    async run({ sandbox, workspace }) {
      const result = await within(
        sandbox.exec(TREE_COMMAND, { timeoutMs: 1_500 }),
        SETTLE_MS,
        'exec with timeoutMs 1500 did not return: part of the process tree (holding its output) survived',
      );
      const returnedAt = Date.now();
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).not.toBe(0);
      expect(existsSync(join(workspace, 'started.txt')), 'the grandchild never started').toBe(true);
      await expectNoLateFile(workspace, returnedAt);
    },
  },
  {
    group: 'exec',
    name: 'exec abort rejects and kills the whole process tree',
    async run({ sandbox, workspace }) {
      const controller = new AbortController();
      const running = rejectionOf(sandbox.exec(TREE_COMMAND, { signal: controller.signal }));
      const started = await waitFor(() => existsSync(join(workspace, 'started.txt')), 10_000);
      expect(started, 'the grandchild never started').toBe(true);
      const abortedAt = Date.now();
      controller.abort(new Error('conformance abort'));
      const error = await within(running, SETTLE_MS, 'aborted exec did not settle: part of the process tree survived');
      expect(error, 'an aborted exec must reject').toBeDefined();
      await expectNoLateFile(workspace, abortedAt);
    },
  },
  {
    group: 'exec',
    name: 'exec with an already aborted signal rejects without running',
    async run({ sandbox, workspace }) {
      const error = await rejectionOf(sandbox.exec('echo ran > ran.txt', { signal: AbortSignal.abort() }));
      expect(error).toBeDefined();
      await sleep(100);
      expect(existsSync(join(workspace, 'ran.txt'))).toBe(false);
    },
  },
];

const fileCases: SandboxCase[] = [
  {
    group: 'files',
    name: 'writeFile then readFile round-trips text, creating parent directories',
    async run({ sandbox, workspace }) {
      const text = 'héllo ✓\nsecond line\n';
      await sandbox.writeFile('a/b/c.txt', text);
      expect(await sandbox.readFile('a/b/c.txt')).toBe(text);
      expect(await readHostFile(join(workspace, 'a/b/c.txt'), 'utf8')).toBe(text);
      await sandbox.writeFile('a/b/c.txt', 'replaced');
      expect(await sandbox.readFile('a/b/c.txt')).toBe('replaced');
    },
  },
  {
    group: 'files',
    name: 'writeFile accepts bytes',
    async run({ sandbox }) {
      await sandbox.writeFile('bytes.txt', new TextEncoder().encode('from bytes ✓'));
      expect(await sandbox.readFile('bytes.txt')).toBe('from bytes ✓');
    },
  },
  {
    group: 'files',
    name: 'files are shared between file operations and commands',
    async run({ sandbox }) {
      await sandbox.writeFile('in.txt', 'written by writeFile\n');
      expect((await sandbox.exec('cat in.txt')).stdout).toBe('written by writeFile\n');
      await sandbox.exec('mkdir -p made/by && echo command > made/by/exec.txt');
      expect(await sandbox.readFile('made/by/exec.txt')).toBe('command\n');
    },
  },
  {
    group: 'files',
    name: 'readFile of a missing file rejects',
    async run({ sandbox }) {
      expect(await rejectionOf(sandbox.readFile('nope.txt'))).toBeInstanceOf(Error);
    },
  },
  {
    group: 'files',
    name: 'list gives workspace-relative entries sorted by path, recursive on request',
    async run({ sandbox, workspace }) {
      await sandbox.writeFile('b.txt', 'hello');
      await sandbox.writeFile('a/one.txt', '1');
      await sandbox.writeFile('a/two/three.txt', '333');
      await symlink('b.txt', join(workspace, 'c-link'));
      const top = await sandbox.list();
      expect(top.map((e) => [e.path, e.type])).toEqual([
        ['a', 'directory'],
        ['b.txt', 'file'],
        ['c-link', 'symlink'],
      ]);
      expect(top.find((e) => e.path === 'b.txt')?.size).toBe(5);
      expect((await sandbox.list('a')).map((e) => [e.path, e.type])).toEqual([
        ['a/one.txt', 'file'],
        ['a/two', 'directory'],
      ]);
      const all = await sandbox.list(undefined, { recursive: true });
      expect(all.map((e) => e.path)).toEqual(['a', 'a/one.txt', 'a/two', 'a/two/three.txt', 'b.txt', 'c-link']);
      expect(all.find((e) => e.path === 'a/two/three.txt')).toMatchObject({ type: 'file', size: 3 });
    },
  },
  {
    group: 'files',
    name: 'stat, where the adapter has it, gives one entry found as readFile finds it',
    async run({ sandbox, workspace }) {
      if (!sandbox.stat) {
        // Optional in the port: callers fall back to list.
        expect(sandbox.stat).toBeUndefined();
        return;
      }
      await sandbox.writeFile('a/one.txt', 'hello');
      await symlink('a/one.txt', join(workspace, 'link'));
      expect(await sandbox.stat('a/one.txt')).toEqual({ path: 'a/one.txt', type: 'file', size: 5 });
      expect(await sandbox.stat('link')).toEqual({ path: 'a/one.txt', type: 'file', size: 5 });
      expect(await sandbox.stat('a/../a/./one.txt')).toEqual({ path: 'a/one.txt', type: 'file', size: 5 });
      expect(await sandbox.stat('a')).toMatchObject({ path: 'a', type: 'directory' });
      const missing = await rejectionOf(sandbox.stat('nope.txt'));
      expect(SandboxError.isInstance(missing) && (missing as SandboxError).code).toBe('sandbox.not_found');
    },
  },
  {
    group: 'files',
    name: 'remove deletes a file and a directory tree',
    async run({ sandbox, workspace }) {
      await sandbox.writeFile('keep.txt', 'k');
      await sandbox.writeFile('gone.txt', 'g');
      await sandbox.writeFile('tree/x/y.txt', 'y');
      await sandbox.remove('gone.txt');
      await sandbox.remove('tree');
      expect((await sandbox.list(undefined, { recursive: true })).map((e) => e.path)).toEqual(['keep.txt']);
      expect(existsSync(join(workspace, 'tree'))).toBe(false);
      expect(await rejectionOf(sandbox.readFile('gone.txt'))).toBeInstanceOf(Error);
    },
  },
];

const escapeCases: SandboxCase[] = [
  {
    group: 'path escape',
    name: 'a relative path leaving the workspace is refused',
    async run({ sandbox, outside, workspace }) {
      await sandbox.writeFile('a/inside.txt', 'x');
      await expectPathEscape(sandbox.readFile('../outside/secret.txt'), 'readFile ../outside/secret.txt');
      await expectPathEscape(sandbox.readFile('a/../../outside/secret.txt'), 'readFile a/../../outside/secret.txt');
      await expectPathEscape(sandbox.writeFile('../escaped.txt', 'x'), 'writeFile ../escaped.txt');
      await expectPathEscape(sandbox.list('..'), 'list ..');
      await expectPathEscape(sandbox.remove('../outside/secret.txt'), 'remove ../outside/secret.txt');
      await expectPathEscape(sandbox.remove('..'), 'remove ..');
      expect(existsSync(join(workspace, '..', 'escaped.txt'))).toBe(false);
      expect(await readHostFile(join(outside, 'secret.txt'), 'utf8')).toBe(OUTSIDE_SECRET);
    },
  },
  {
    group: 'path escape',
    name: 'an absolute path is refused',
    async run({ sandbox, outside }) {
      await expectPathEscape(sandbox.readFile('/etc/passwd'), 'readFile /etc/passwd');
      await expectPathEscape(sandbox.readFile(join(outside, 'secret.txt')), 'readFile of an absolute host path');
      await expectPathEscape(sandbox.writeFile(join(outside, 'new.txt'), 'x'), 'writeFile of an absolute host path');
      await expectPathEscape(sandbox.list('/'), 'list /');
      await expectPathEscape(sandbox.remove(join(outside, 'secret.txt')), 'remove of an absolute host path');
      expect(existsSync(join(outside, 'new.txt'))).toBe(false);
      expect(await readHostFile(join(outside, 'secret.txt'), 'utf8')).toBe(OUTSIDE_SECRET);
    },
  },
  {
    group: 'path escape',
    name: 'a symlink inside the workspace pointing out is refused',
    async run({ sandbox, outside, workspace }) {
      await symlink(outside, join(workspace, 'out-abs'));
      await symlink('../outside', join(workspace, 'out-rel'));
      await symlink(join(outside, 'secret.txt'), join(workspace, 'secret-link'));
      await symlink(join(outside, 'future.txt'), join(workspace, 'dangling'));
      for (const path of ['out-abs/secret.txt', 'out-rel/secret.txt', 'secret-link']) {
        await expectPathEscape(sandbox.readFile(path), `readFile ${path}`);
      }
      await expectPathEscape(sandbox.writeFile('out-abs/new.txt', 'x'), 'writeFile out-abs/new.txt');
      await expectPathEscape(sandbox.writeFile('out-rel/deep/new.txt', 'x'), 'writeFile out-rel/deep/new.txt');
      await expectPathEscape(sandbox.writeFile('secret-link', 'overwritten'), 'writeFile secret-link');
      await expectPathEscape(sandbox.writeFile('dangling', 'created'), 'writeFile through a dangling link');
      await expectPathEscape(sandbox.list('out-abs'), 'list out-abs');
      if (sandbox.stat) {
        for (const path of ['out-abs/secret.txt', 'secret-link', '../outside/secret.txt']) {
          await expectPathEscape(sandbox.stat(path), `stat ${path}`);
        }
      }
      await expectPathEscape(sandbox.remove('out-rel/secret.txt'), 'remove out-rel/secret.txt');
      expect(await readHostFile(join(outside, 'secret.txt'), 'utf8')).toBe(OUTSIDE_SECRET);
      for (const name of ['new.txt', 'deep', 'future.txt']) expect(existsSync(join(outside, name)), name).toBe(false);
    },
  },
];

const lifecycleCases: SandboxCase[] = [
  {
    group: 'lifecycle',
    name: 'dispose kills running commands',
    async run({ sandbox, workspace }) {
      const running = sandbox.exec(TREE_COMMAND).then(
        () => 'resolved',
        () => 'rejected',
      );
      const started = await waitFor(() => existsSync(join(workspace, 'started.txt')), 10_000);
      expect(started, 'the grandchild never started').toBe(true);
      const disposedAt = Date.now();
      await sandbox.dispose();
      // The command settles (either way) instead of running on for 30 seconds.
      const outcome = await within(running, SETTLE_MS, 'a running exec did not settle after dispose');
      expect(['resolved', 'rejected']).toContain(outcome);
      await expectNoLateFile(workspace, disposedAt);
    },
  },
  {
    group: 'lifecycle',
    name: 'dispose is idempotent and exec afterwards rejects',
    async run({ sandbox }) {
      await sandbox.dispose();
      await sandbox.dispose();
      expect(await rejectionOf(sandbox.exec('true'))).toBeInstanceOf(Error);
    },
  },
];

/** Every sandbox conformance case, in report order. */
export const SANDBOX_CASES: readonly SandboxCase[] = [
  ...execCases,
  ...RESOURCE_CASES,
  ...fileCases,
  ...escapeCases,
  ...lifecycleCases,
];
