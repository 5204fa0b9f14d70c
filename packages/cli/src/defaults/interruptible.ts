import type { Executor, Planner, Verifier } from '@sessionhub/core';
import { ProviderError } from '@sessionhub/core';

/** The code of the error an interrupted step ends with; the session is left paused, resumable. */
export const INTERRUPTED = 'session.interrupted';

/**
 * Runs `call` with a signal that also aborts when `interrupt` does. When the interrupt (and not the engine)
 * stopped it, the error becomes a retryable `ProviderError` `session.interrupted`: the engine then pauses the
 * session in its phase (`step.failed`, `session.released`, no `session.finished`), and `resume` re-runs the step.
 *
 * Temporary: the engine has no "stop without ending" call yet; see the CLI README.
 */
async function interruptible<T>(
  interrupt: AbortSignal,
  signal: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const stop = () =>
    new ProviderError(INTERRUPTED, 'interrupted: the session is paused and can be resumed', { retryable: true });
  if (interrupt.aborted && !signal.aborted) throw stop();
  try {
    return await call(AbortSignal.any([signal, interrupt]));
  } catch (error) {
    if (interrupt.aborted && !signal.aborted) throw stop();
    throw error;
  }
}

/** The three actors, each stopping at `interrupt` with a resumable pause instead of a cancellation. */
export function interruptibleActors(
  actors: { planner: Planner; executor: Executor; verifier: Verifier },
  interrupt: AbortSignal,
): { planner: Planner; executor: Executor; verifier: Verifier } {
  const { planner, executor, verifier } = actors;
  return {
    planner: {
      specificationVersion: 1,
      name: planner.name,
      plan: (input, opts) =>
        interruptible(interrupt, opts.signal, (signal) => planner.plan(input, { ...opts, signal })),
    },
    executor: {
      specificationVersion: 1,
      name: executor.name,
      execute: (input, sandbox, opts) =>
        interruptible(interrupt, opts.signal, (signal) => executor.execute(input, sandbox, { ...opts, signal })),
    },
    verifier: {
      specificationVersion: 1,
      name: verifier.name,
      verify: (input, sandbox, opts) =>
        interruptible(interrupt, opts.signal, (signal) => verifier.verify(input, sandbox, { ...opts, signal })),
    },
  };
}
