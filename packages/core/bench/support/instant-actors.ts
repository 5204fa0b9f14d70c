/** Instant planner, executor, verifier and sandbox for the engine benchmarks: they measure the engine and its store, not actors. */
import {
  type ExecResult,
  emptyUsage,
  type Sandbox,
  type SandboxProvider,
  type SessionHubOptions,
} from '@sessionhub/core';
import { sampleInstruction } from '@sessionhub/core/testing';

// Every session gets its own instruction text, as with a real planner: nothing can be cached across sessions.
let planned = 0;
export const nextInstruction = () => sampleInstruction({ version: '1.1', name: `Friendly Greeting ${++planned}` });
export const REPORT = { summary: 'done', changedFiles: [] as string[], usage: emptyUsage() };
export const VERDICT = {
  passed: true,
  gates: [{ name: 'instant', passed: true, durationMs: 0, output: 'ok', failures: [] }],
};

/** A sandbox that does nothing, instantly. */
export function instantSandboxProvider(workspace: string): SandboxProvider {
  const done: ExecResult = { exitCode: 0, stdout: '', stderr: '', timedOut: false, truncated: false, durationMs: 0 };
  const sandbox: Sandbox = {
    specificationVersion: 1,
    id: 'instant',
    workspace,
    isolation: 'none',
    exec: async () => done,
    readFile: async () => '',
    writeFile: async () => undefined,
    list: async () => [],
    remove: async () => undefined,
    dispose: async () => undefined,
  };
  return { specificationVersion: 1, name: 'instant', create: async () => sandbox };
}

/** The instant actors as `createSessionHub` options. */
export function instantActors(
  workspace: string,
): Pick<SessionHubOptions, 'planner' | 'executor' | 'verifier' | 'sandbox'> {
  return {
    planner: {
      specificationVersion: 1,
      name: 'instant',
      plan: async () => ({ text: nextInstruction(), usage: emptyUsage() }),
    },
    executor: { specificationVersion: 1, name: 'instant', execute: async () => REPORT },
    verifier: { specificationVersion: 1, name: 'instant', verify: async () => VERDICT },
    sandbox: instantSandboxProvider(workspace),
  };
}

/** Runs `total` jobs with at most `concurrency` at once. */
export async function runPool(total: number, concurrency: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await one(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
