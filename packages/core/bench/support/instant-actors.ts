/** Instant planner, executor, verifier and sandbox for the engine benchmarks: they measure the engine and its store, not actors. */
import {
  createSessionHub,
  type ExecResult,
  emptyUsage,
  MemoryStore,
  type Sandbox,
  type SandboxProvider,
  type SessionHub,
  type SessionHubOptions,
  type Store,
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

/**
 * A hub on the instant actors (a fresh `MemoryStore` unless `store` is given). The library search and the
 * Foundation document are off: they have no LangGraph counterpart; the rest runs as by default.
 */
export function instantHub(opts: { workspace: string; store?: Store; concurrency?: number }): SessionHub {
  return createSessionHub({
    ...instantActors(opts.workspace),
    store: opts.store ?? new MemoryStore(),
    workspace: opts.workspace,
    policy: {
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      libraryContextSize: 0,
      foundation: 'skip',
    },
  });
}

/** Runs `total` sessions on `hub`, `concurrency` at once; throws when one does not succeed. */
export async function runSessions(hub: SessionHub, total: number, concurrency: number): Promise<void> {
  await runPool(total, concurrency, async () => {
    const { session } = await (await hub.run({ request: 'greet visitors by name' })).result;
    if (session.state !== 'succeeded') throw new Error(`session ended ${session.state}: ${session.error?.message}`);
  });
}

/** Runs `total` jobs with at most `concurrency` at once. */
export async function runPool(total: number, concurrency: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await one(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
