import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExecResult, SandboxError, TRUNCATION_MARKER } from '@sessionhub/core';
import { RunnerConnection, runnerScript } from '@sessionhub/core/sandbox-runner';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** A runner started as a plain child process (no isolation), connected over its stdin and stdout. */
interface Started {
  child: ChildProcess;
  connection: RunnerConnection;
}

const started: Started[] = [];

async function startRunner(extension = '', env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['-e', runnerScript(extension)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { SESSIONHUB_BASE_ENV: JSON.stringify({ PATH: process.env.PATH ?? '/usr/bin:/bin', BASE: 'yes' }), ...env },
  });
  const connection = new RunnerConnection((line) => child.stdin.write(line));
  child.stdout.on('data', (chunk: Buffer) => connection.receive(chunk));
  child.once('close', () => connection.close(new SandboxError('sandbox.crashed', 'runner exited')));
  const runner = { child, connection };
  started.push(runner);
  await connection.ready;
  return runner;
}

afterEach(() => {
  for (const { child } of started.splice(0)) child.stdin?.end();
});

const base = { env: {}, maxOutputBytes: 1_000_000 };

/** Starts a long sleep through the runner; resolves with its pid once it runs, and its (pending) result. */
async function sleeper(connection: RunnerConnection): Promise<{ pid: number; result: Promise<unknown> }> {
  let pid = 0;
  const result = connection.exec({
    ...base,
    argv: ['/bin/sh', '-c', 'echo $$; exec sleep 30'],
    cwd: '/',
    onOutput: (chunk) => {
      pid ||= Number.parseInt(chunk.data, 10);
    },
  });
  result.catch(() => undefined);
  await vi.waitFor(() => expect(pid).toBeGreaterThan(0));
  return { pid, result };
}

/** The process group of a live process. */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Whether a process runs (a zombie waiting for a reaper does not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('the shared sandbox runner', () => {
  it('runs a command with its cwd, base environment, extra environment and stdin', async () => {
    const { connection } = await startRunner();
    const cwd = await mkdtemp(join(tmpdir(), 'sessionhub-runner-'));
    const seen: string[] = [];
    const result = await connection.exec({
      ...base,
      argv: ['/bin/sh', '-c', 'pwd; echo "$BASE $EXTRA"; cat; echo oops >&2; exit 3'],
      cwd,
      env: { EXTRA: 'given' },
      stdin: 'from stdin\n',
      onOutput: (chunk) => seen.push(chunk.data),
    });
    expect(result).toMatchObject({
      exitCode: 3,
      stdout: `${cwd}\nyes given\nfrom stdin\n`,
      stderr: 'oops\n',
      timedOut: false,
      truncated: false,
    });
    expect(seen.join('')).toContain('from stdin');
  });

  it('cuts each stream at the cap and marks it', async () => {
    const { connection } = await startRunner();
    const result = await connection.exec({
      ...base,
      argv: ['/bin/sh', '-c', 'head -c 5000 /dev/zero | tr "\\0" a; echo short >&2'],
      cwd: '/',
      maxOutputBytes: 100,
    });
    expect(result.stdout).toBe(`${'a'.repeat(100)}${TRUNCATION_MARKER}`);
    expect(result.stderr).toBe('short\n');
    expect(result.truncated).toBe(true);
  });

  it('kills only its own commands when runners share /proc (each tag is unique per runner)', async () => {
    const a = await startRunner();
    const b = await startRunner();
    // Both commands are each runner's first request (id 1): a tag made of the request id alone would collide.
    const { pid: pidOfB, result: runningB } = await sleeper(b.connection);
    const timedOut = await a.connection.exec({ ...base, argv: ['sleep', '30'], cwd: '/', timeoutMs: 50 });
    expect(timedOut).toMatchObject({ timedOut: true, exitCode: null });
    expect(alive(pidOfB)).toBe(true);
    const controller = new AbortController();
    const cancelled = b.connection.exec({ ...base, argv: ['sleep', '30'], cwd: '/', signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(cancelled).rejects.toThrow('stop');
    b.child.stdin?.end();
    await expect(runningB).rejects.toMatchObject({ code: 'sandbox.crashed' });
    // SIGKILL is delivered asynchronously: wait for the process to be gone.
    await vi.waitFor(() => expect(alive(pidOfB)).toBe(false));
  });

  it('answers an extension op, refuses an unknown op and fails requests in flight when it goes away', async () => {
    const { child, connection } = await startRunner(
      "OPS.echo = function (msg) { send({ id: msg.id, t: 'ok', value: msg.value }); };",
    );
    expect((await connection.call({ op: 'echo', value: 42 })).value).toBe(42);
    await expect(connection.call({ op: 'nope' })).rejects.toMatchObject({ code: 'sandbox.protocol' });
    const { pid, result: running } = await sleeper(connection);
    child.kill('SIGKILL');
    await expect(running).rejects.toMatchObject({ code: 'sandbox.crashed' });
    // The runner was killed before it could: its command's group is ours to clean up.
    process.kill(-processGroupOf(pid), 'SIGKILL');
    expect(() => connection.send({ op: 'ping' }, () => true)).toThrow(SandboxError);
  });

  it('measures each command through its measurer: CPU, peak memory and the file bytes it wrote', async () => {
    const { connection } = await startRunner();
    const dir = await mkdtemp(join(tmpdir(), 'sessionhub-runner-meter-'));
    const result = await connection.exec({
      ...base,
      // At least 100 ms of CPU on perl's own clock, then 100 000 bytes into a file and 1 MB into a pipe.
      argv: [
        '/bin/sh',
        '-c',
        "perl -e '1 while (times)[0] < 0.1' && head -c 100000 /dev/zero > out.bin && head -c 1000000 /dev/zero | wc -c >/dev/null; exit 4",
      ],
      cwd: dir,
    });
    expect(result.exitCode).toBe(4);
    expect(result.resources?.commands).toBe(1);
    // The file's pages, not the pipe's bytes (page-granular: at most one page more, 64 KiB on large-page systems).
    expect(result.resources?.bytesWritten).toBeGreaterThanOrEqual(100_000);
    expect(result.resources?.bytesWritten).toBeLessThan(100_000 + 65_536);
    expect(result.resources?.cpuMs).toBeGreaterThanOrEqual(80);
    expect(result.resources?.peakMemoryBytes).toBeGreaterThan(0);
    const off = await startRunner('', { SESSIONHUB_METER: 'off' });
    const unmeasured = await off.connection.exec({ ...base, argv: ['/bin/sh', '-c', 'exit 4'], cwd: '/' });
    expect(unmeasured.exitCode).toBe(4);
    expect(unmeasured.resources).toBeUndefined();
  });

  it("keeps a command's environment away from the measurer's perl (PERL5OPT)", async () => {
    const { connection } = await startRunner();
    const result = await connection.exec({
      ...base,
      env: { PERL5OPT: '-Mno::such::Module', SEEN: 'yes' },
      argv: ['/bin/sh', '-c', 'printf "%s|%s" "$SEEN" "$PERL5OPT"'],
      cwd: '/',
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'yes|-Mno::such::Module' });
    expect(result.resources?.commands).toBe(1);
  });

  it('a command that kills its measurer ends as killed, unmeasured, with what it started killed too', async () => {
    const { connection } = await startRunner();
    const dir = await mkdtemp(join(tmpdir(), 'sessionhub-runner-measurer-'));
    // The resident measurer is the parent of every command's process ($PPID).
    const result = await connection.exec({
      ...base,
      argv: ['/bin/sh', '-c', 'kill -9 $PPID; sleep 1; echo late > late.txt; exit 0'],
      cwd: dir,
    });
    expect(result.exitCode).toBeNull();
    expect(result.resources).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(existsSync(join(dir, 'late.txt'))).toBe(false);
    // A slot of the dead measurer may end its command as killed or unstarted (unmeasured), never as a success;
    // a new measurer serves the next ones.
    const after: ExecResult[] = [];
    for (let i = 0; i < 3; i++) {
      after.push(await connection.exec({ ...base, argv: ['/bin/sh', '-c', 'exit 5'], cwd: '/' }));
    }
    for (const next of after) {
      if (next.exitCode === 5) expect(next.resources?.commands).toBe(1);
      else {
        expect(next.exitCode).not.toBe(0);
        expect(next.resources).toBeUndefined();
      }
    }
    expect(after[2]).toMatchObject({ exitCode: 5, resources: { commands: 1 } });
  });

  it("serves commands past a measurer's 64 slots, one at a time and at once, each measured on its own", async () => {
    const { connection } = await startRunner();
    const run = (i: number) =>
      connection.exec({ ...base, argv: ['/bin/sh', '-c', `echo ${i}; exit ${i % 7}`], cwd: '/' });
    for (let i = 0; i < 70; i++) {
      const result = await run(i);
      expect(result).toMatchObject({ exitCode: i % 7, stdout: `${i}\n` });
      expect(result.resources?.commands).toBe(1);
    }
    const together = await Promise.all(Array.from({ length: 70 }, (_, i) => run(i)));
    expect(together.map((r) => r.stdout)).toEqual(Array.from({ length: 70 }, (_, i) => `${i}\n`));
    expect(together.every((r) => r.resources !== undefined)).toBe(true);
  });

  it('killAll spares the measurer and the command processes it keeps ready: the next commands run measured', async () => {
    const { connection } = await startRunner();
    await connection.exec({ ...base, argv: ['/bin/sh', '-c', 'sleep 30 >/dev/null 2>&1 &'], cwd: '/' });
    expect((await connection.call({ op: 'killAll' })).killed).toBeGreaterThanOrEqual(1);
    for (const code of [6, 7]) {
      const next = await connection.exec({ ...base, argv: ['/bin/sh', '-c', `exit ${code}`], cwd: '/' });
      expect(next).toMatchObject({ exitCode: code, resources: { commands: 1 } });
    }
  });

  it('reports a command that cannot start', async () => {
    const { connection } = await startRunner();
    const result = await connection.exec({ ...base, argv: ['/no/such/binary'], cwd: '/' });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('ENOENT');
  });
});
