import { createRequire } from 'node:module';
import { CommandVerifier, emptyUsage, parseFailures } from '@sessionhub/core';
import { sampleInstruction } from '@sessionhub/core/testing';
import { parseInstruction } from '@sessionhub/format';
import { describe, expect, it } from 'vitest';
import { type DirSandbox, DirSandboxProvider, tempDir } from './support/dir-sandbox.js';
import { makeHarness } from './support/harness.js';

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const instruction = parseInstruction(sampleInstruction()).instruction!;

async function sandbox(): Promise<DirSandbox> {
  return new DirSandboxProvider().create({ workspace: await tempDir() });
}

function input(changedFiles: string[] = []) {
  return {
    sessionId: 's',
    attempt: 0,
    instruction,
    text: sampleInstruction(),
    report: { summary: '', changedFiles, usage: emptyUsage() },
  };
}

const signal = new AbortController().signal;

describe('CommandVerifier', () => {
  it('passes when every gate command exits 0', async () => {
    const sb = await sandbox();
    await sb.writeFile('greeting.txt', 'Hello, Ada\n');
    const v = new CommandVerifier({ gates: [{ name: 'greeting', command: 'grep -q "Hello, Ada" greeting.txt' }] });
    const verdict = await v.verify(input(['greeting.txt']), sb, { signal });
    expect(verdict.passed).toBe(true);
    expect(verdict.gates.map((g) => [g.name, g.passed])).toEqual([
      ['greeting', true],
      ['secret-scan', true],
    ]);
  });

  it('parses real tsc failures into file, line and code', async () => {
    const sb = await sandbox();
    await sb.writeFile('bad.ts', 'export const x: number = "not a number";\n\nexport const y: string = 42;\n');
    const emitted: string[] = [];
    const v = new CommandVerifier({
      gates: [{ name: 'typecheck', command: ['node', TSC, '--noEmit', '--pretty', 'false', 'bad.ts'] }],
      secretScan: false,
    });
    const verdict = await v.verify(input(), sb, { signal, emitGate: (g) => emitted.push(g.name) });
    expect(verdict.passed).toBe(false);
    expect(emitted).toEqual(['typecheck']);
    const gate = verdict.gates[0]!;
    expect(gate.output).toContain('TS2322');
    expect(gate.failures).toEqual([
      expect.objectContaining({ file: 'bad.ts', line: 1, message: expect.stringMatching(/^TS2322: /) }),
      expect.objectContaining({ file: 'bad.ts', line: 3, message: expect.stringMatching(/^TS2322: /) }),
    ]);
  });

  it('fails a gate that times out', async () => {
    const sb = await sandbox();
    const v = new CommandVerifier({ gates: [{ name: 'slow', command: 'sleep 5', timeoutMs: 100 }], secretScan: false });
    const verdict = await v.verify(input(), sb, { signal });
    expect(verdict.passed).toBe(false);
    expect(verdict.gates[0]?.failures[0]?.message).toContain('timed out after 100 ms');
  });

  it('stops at the first failure when asked', async () => {
    const sb = await sandbox();
    const v = new CommandVerifier({
      gates: [
        { name: 'first', command: 'echo "src/a.ts:3: error: broken" >&2; exit 1' },
        { name: 'second', command: 'true' },
      ],
      stopOnFailure: true,
      secretScan: false,
    });
    const verdict = await v.verify(input(), sb, { signal });
    expect(verdict.gates.map((g) => g.name)).toEqual(['first']);
    expect(verdict.gates[0]?.failures[0]).toMatchObject({ file: 'src/a.ts', line: 3 });
  });

  it('is cancelled through the signal', async () => {
    const sb = await sandbox();
    const controller = new AbortController();
    const v = new CommandVerifier({ gates: [{ name: 'slow', command: 'sleep 30' }] });
    const pending = v.verify(input(), sb, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(pending).rejects.toThrow('stop');
  });

  it('runs as the verifier of a real session', async () => {
    const verifier = new CommandVerifier({
      gates: [{ name: 'greeting', command: 'grep -q "Hello, Ada" greeting.txt' }],
    });
    const h = await makeHarness({ realVerifier: verifier });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    const gates = (await h.store.readEvents(handle.id)).filter((e) => e.type === 'verifier.gate');
    expect(gates.map((e) => e.type === 'verifier.gate' && e.result.name)).toEqual(['greeting', 'secret-scan']);
  });
});

describe('failure parsing', () => {
  it('reads vitest and jest failures', () => {
    const vitest = [' FAIL  test/greeting.test.ts > greeting > says hello', 'AssertionError: expected 1 to be 2'].join(
      '\n',
    );
    expect(parseFailures(vitest)[0]).toEqual({ file: 'test/greeting.test.ts', message: 'greeting > says hello' });
    const jest = ['  ● greeting › says hello', '', '    expect(received).toBe(expected)'].join('\n');
    expect(parseFailures(jest)[0]).toEqual({ message: 'greeting › says hello' });
  });

  it('reads generic file:line errors and falls back to error lines', () => {
    expect(parseFailures('lib/x.py:12: error: Name "y" is not defined')[0]).toEqual({
      file: 'lib/x.py',
      line: 12,
      message: 'error: Name "y" is not defined',
    });
    expect(parseFailures('building...\nError: cannot find module\nexit')[0]).toEqual({
      message: 'Error: cannot find module',
    });
    expect(parseFailures('nothing useful\nlast line')).toEqual([{ message: 'last line' }]);
  });
});
