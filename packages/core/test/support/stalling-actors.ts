/** Actors that stop in a chosen phase until their signal aborts, and a second engine over the same store. */
import { createSessionHub, type SessionHub, type SessionState, type Store } from '@sessionhub/core';
import {
  ScriptedExecutor,
  ScriptedPlanner,
  ScriptedVerifier,
  sampleInstruction,
  waitForAbort,
} from '@sessionhub/core/testing';
import { DirSandboxProvider } from './dir-sandbox.js';

/** The three actors; the first call made in `phase` waits until its signal aborts, and keeps the reason. */
export function actorsStallingIn(phase: SessionState) {
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  let reason: unknown;
  let stalled = false;
  const stallsNow = (p: SessionState) => {
    if (p !== phase || stalled) return false;
    stalled = true;
    return true;
  };
  const stall = async (signal: AbortSignal): Promise<never> => {
    started();
    try {
      return await waitForAbort(signal);
    } catch (err) {
      reason = err;
      throw err;
    }
  };
  const planner = new ScriptedPlanner({
    fallback: (input, _call, { signal }) =>
      stallsNow(input.kind === 'fix' ? 'fixing' : 'planning')
        ? stall(signal)
        : sampleInstruction(input.nextVersion ? { version: input.nextVersion } : {}),
  });
  const executor = new ScriptedExecutor({
    writes: { 'greeting.txt': 'Hello, Ada\n' },
    respond: (_input, _sandbox, opts) => (stallsNow('executing') ? stall(opts.signal) : {}),
  });
  const verifier = new ScriptedVerifier([
    (_input, _sandbox, opts) => (stallsNow('verifying') ? stall(opts.signal) : true),
  ]);
  return { planner, executor, verifier, running, reason: () => reason };
}

/** The actors of {@link actorsStallingIn}. */
export type StallingActors = ReturnType<typeof actorsStallingIn>;

/** Another engine over the same store and workspace, with the same actors. */
export function otherEngine(
  store: Store,
  workspace: string,
  actors: StallingActors,
  requireApproval = false,
): SessionHub {
  return createSessionHub({
    env: {},
    planner: actors.planner,
    executor: actors.executor,
    verifier: actors.verifier,
    store,
    sandbox: new DirSandboxProvider(),
    workspace,
    policy: { foundation: 'skip', decisionPollMs: 20, requireApproval },
  });
}
