import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandVerifier, emptyUsage, type GateResult, type VerifyInput } from '@sessionhub/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessSandboxProvider } from '../src/index.js';
import { bwrapTestEnv } from './bwrap-env.js';

const env = bwrapTestEnv();
const provider = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
afterAll(() => provider.close());

const input: VerifyInput = {
  sessionId: 'resources',
  attempt: 0,
  instruction: {} as VerifyInput['instruction'],
  text: '',
  report: { summary: '', changedFiles: [], usage: emptyUsage() },
};

describe.skipIf(!env.ready)(`CommandVerifier on a bubblewrap sandbox${env.note}`, () => {
  it("carries each gate command's resource use in its GateResult, passing or not", { timeout: 60_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'sessionhub-verifier-resources-'));
    const sandbox = await provider.create({ workspace: root });
    try {
      const emitted: GateResult[] = [];
      const verifier = new CommandVerifier({
        gates: [
          // At least 200 ms of CPU on perl's own clock, then a 1 MiB write, then a failure.
          { name: 'burn', command: "perl -e '1 while (times)[0] < 0.2' && head -c 1048576 /dev/zero > w.bin; exit 1" },
          { name: 'quick', command: 'true' },
        ],
        secretScan: false,
      });
      const verdict = await verifier.verify(input, sandbox, {
        signal: AbortSignal.timeout(50_000),
        emitGate: (g) => emitted.push(g),
      });
      expect(verdict.passed).toBe(false);
      const [burn, quick] = verdict.gates;
      expect(burn?.passed).toBe(false);
      expect(burn?.resources?.commands).toBe(1);
      expect(burn?.resources?.cpuMs).toBeGreaterThanOrEqual(150);
      expect(burn?.resources?.bytesWritten).toBeGreaterThanOrEqual(1024 * 1024);
      expect(quick?.passed).toBe(true);
      expect(quick?.resources?.commands).toBe(1);
      expect(quick?.resources?.cpuMs).toBeLessThan(100);
      // What `verifier.gate` events carry is the same result.
      expect(emitted.map((g) => g.resources)).toEqual([burn?.resources, quick?.resources]);
    } finally {
      await sandbox.dispose();
      await rm(root, { recursive: true, force: true });
    }
  });
});
