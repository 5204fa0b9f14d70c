import type { ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { watchChild } from './child-process.js';
import type { OpenWorkerReport } from './open-worker.js';

/** Waits for an open worker child, asserts (with vitest) that it exited 0, and returns its report. */
export async function openWorkerReport(child: ChildProcess): Promise<OpenWorkerReport> {
  const watch = watchChild(child);
  const exit = await watch.exited;
  expect(exit.code, watch.stderr()).toBe(0);
  return JSON.parse(watch.lines[0] ?? '{}') as OpenWorkerReport;
}
