/**
 * The engine parts a test worker runs with: scripted planner (costing `plannerTokens` a plan) and verifier, an executor that takes
 * `executorMs` (honouring its signal), a real process sandbox, and a workspace directory per session.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionHubPolicy } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier, usageOf } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { type FleetWorker, startWorker } from '../../src/index.js';
import type { FleetEnv } from './fleet-env.js';

export function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

export function engineParts(opts: {
  workspaceRoot: string;
  executorMs: number;
  /** Tokens each plan costs (default none), to bring a session to its token budget. */
  plannerTokens?: number;
  policy?: SessionHubPolicy;
  /** Called when the executor starts on a session. */
  onExecute?: (sessionId: string) => void;
}) {
  return {
    env: {},
    planner: new ScriptedPlanner(opts.plannerTokens ? { usage: usageOf(opts.plannerTokens) } : {}),
    executor: new ScriptedExecutor({
      respond: async (input, _sandbox, { signal }) => {
        opts.onExecute?.(input.sessionId);
        await sleepFor(opts.executorMs, signal);
        return {};
      },
    }),
    verifier: new ScriptedVerifier(),
    sandbox: new ProcessSandboxProvider({ allowUnisolated: true }),
    workspace: async (session: { id: string }) => {
      const dir = join(opts.workspaceRoot, session.id.replace(/[^\w-]/g, '_'));
      await mkdir(dir, { recursive: true });
      return dir;
    },
    policy: { foundation: 'skip' as const, leaseMs: 5000, ...opts.policy },
  };
}

/** A worker in this process over `env`'s store and queue, running {@link engineParts}. */
export function startTestWorker(
  env: FleetEnv,
  opts: { executorMs: number; concurrency: number; onExecute?: (sessionId: string) => void },
): Promise<FleetWorker> {
  return startWorker({
    ...engineParts({ workspaceRoot: env.workspaceRoot, executorMs: opts.executorMs, onExecute: opts.onExecute }),
    store: env.store,
    queue: env.queue,
    concurrency: opts.concurrency,
  });
}
