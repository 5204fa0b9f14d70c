import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { HostResources } from '../../model/report.js';
import type { ExecResult } from '../../ports/sandbox.js';
import type { ConformanceCase } from './cases.js';
import type { SandboxCaseContext } from './sandbox-cases.js';

const MiB = 1024 * 1024;

/** The result's resources, failing the case when the sandbox did not measure them. */
function measured(result: ExecResult, what: string): HostResources {
  const resources = result.resources;
  expect(resources, `${what}: the result carries no resources`).toBeDefined();
  const r = resources as HostResources;
  expect(r.commands, `${what}: one command`).toBe(1);
  for (const field of ['cpuMs', 'peakMemoryBytes', 'bytesWritten'] as const) {
    expect(Number.isFinite(r[field]) && r[field] >= 0, `${what}: ${field} = ${r[field]}`).toBe(true);
  }
  return r;
}

/**
 * Per-command resource use (`ExecResult.resources`), checked against work of a known size with generous
 * ranges: each command does at least the amount it is checked for, whatever the machine's load. Commands used:
 * `perl` (a loop on its own CPU clock), `dd`, `head`, `true`. A sandbox that does not measure skips these.
 */
export const RESOURCE_CASES: ConformanceCase<SandboxCaseContext>[] = [
  {
    group: 'resources',
    name: 'exec reports the CPU time a command used',
    async run({ sandbox }) {
      // Spins until its own user CPU time reaches 0.3 s: at least 300 ms of CPU, however busy the host is.
      const result = await sandbox.exec(['perl', '-e', '1 while (times)[0] < 0.3'], { timeoutMs: 60_000 });
      expect(result.exitCode).toBe(0);
      const r = measured(result, 'a 300 ms CPU burn');
      expect(r.cpuMs).toBeGreaterThanOrEqual(250);
      // Far below what a lost measurement or a unit slip (µs, ns) would show.
      expect(r.cpuMs).toBeLessThan(60_000);
    },
  },
  {
    group: 'resources',
    name: 'exec reports the peak memory of a command',
    async run({ sandbox }) {
      // dd fills one 200 MiB buffer from /dev/zero: every page of it is touched.
      const result = await sandbox.exec('dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null', {
        timeoutMs: 60_000,
      });
      expect(result.exitCode).toBe(0);
      const r = measured(result, 'a 200 MiB allocation');
      expect(r.peakMemoryBytes).toBeGreaterThanOrEqual(150 * MiB);
      expect(r.peakMemoryBytes).toBeLessThan(1024 * MiB);
    },
  },
  {
    group: 'resources',
    name: 'exec reports the bytes a command wrote',
    async run({ sandbox, workspace }) {
      const result = await sandbox.exec('head -c 5242880 /dev/zero > big.bin', { timeoutMs: 60_000 });
      expect(result.exitCode).toBe(0);
      expect((await stat(join(workspace, 'big.bin'))).size).toBe(5 * MiB);
      const r = measured(result, 'a 5 MiB write');
      expect(r.bytesWritten).toBeGreaterThanOrEqual(5 * MiB);
      expect(r.bytesWritten).toBeLessThan(6 * MiB);
    },
  },
  {
    group: 'resources',
    name: 'exec of true reports small numbers',
    async run({ sandbox }) {
      const r = measured(await sandbox.exec(['true']), 'true');
      expect(r.cpuMs).toBeLessThan(100);
      expect(r.peakMemoryBytes).toBeLessThan(64 * MiB);
      expect(r.bytesWritten).toBeLessThan(64 * 1024);
    },
  },
  {
    group: 'resources',
    name: 'a command killed at its timeout still reports what it used',
    async run({ sandbox }) {
      // Burns 0.2 s of CPU, then waits to be killed.
      const result = await sandbox.exec(['perl', '-e', '1 while (times)[0] < 0.2; sleep 60'], { timeoutMs: 5_000 });
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).toBeNull();
      const r = measured(result, 'a timed-out command');
      expect(r.cpuMs).toBeGreaterThanOrEqual(150);
    },
  },
];
