import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { RUNNER_BOOTSTRAP, RUNNER_SOURCE_LINE } from '../src/runner/bootstrap.js';

// The bootstrap is plain node: these cases run it on the host, without Docker, as the container runs it.
describe('runner bootstrap', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  function start(): { lines: Promise<string[]>; child: ChildProcessWithoutNullStreams } {
    child = spawn(process.execPath, ['-e', RUNNER_BOOTSTRAP], {
      env: { SESSIONHUB_METER: 'off', SESSIONHUB_WORKSPACE: '/nonexistent' },
    });
    const started = child;
    const lines = new Promise<string[]>((resolve) => {
      let out = '';
      started.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const got = out.split('\n').filter(Boolean);
        if (got.length >= 2) resolve(got);
      });
    });
    return { lines, child: started };
  }

  it('runs the source of the first stdin line and hands it the rest of that chunk', async () => {
    const { lines, child } = start();
    child.stdin.write(`${RUNNER_SOURCE_LINE}${JSON.stringify({ id: 1, op: 'ping' })}\n`);
    const [ready, pong] = (await lines).map((line) => JSON.parse(line));
    expect(ready).toMatchObject({ t: 'ready', pid: child.pid });
    expect(pong).toEqual({ id: 1, t: 'ok' });
  });

  it('reassembles a source that arrives in many small chunks, multi-byte characters split between them', async () => {
    const { lines, child } = start();
    // Any source runs: this one answers with text whose characters take two to four bytes.
    const source = `process.stdin.setEncoding('utf8');
      process.stdout.write('ready \u00b5\u20ac\ud834\udd1e\\n');
      process.stdin.on('data', (text) => process.stdout.write('echo ' + text));`;
    const bytes = Buffer.from(`${JSON.stringify(source)}\n`, 'utf8');
    for (let at = 0; at < bytes.length; at += 3) {
      child.stdin.write(bytes.subarray(at, at + 3));
      await new Promise((resolve) => setImmediate(resolve));
    }
    child.stdin.write('after the source\n');
    expect(await lines).toEqual(['ready \u00b5\u20ac\ud834\udd1e', 'echo after the source']);
  });

  it('exits quietly when stdin closes before the source came', async () => {
    const { child } = start();
    child.stdin.end('only part of a line');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
  });
});
