import { SandboxError } from '../errors.js';
import type { RunnerConnection } from './runner-connection.js';

/**
 * Asks a runner to kill every leftover process (its `killAll` op) and resolves with the count. A runner that
 * does not answer within `timeoutMs` (stopped, or killed by a command) fails closed with
 * `sandbox.unresponsive`: the caller must not go on as if the sandbox were clean.
 */
export async function killAllThrough(
  connection: RunnerConnection,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<number> {
  opts.signal?.throwIfAborted();
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await Promise.race([
      connection.call({ op: 'killAll' }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SandboxError('sandbox.unresponsive', 'the sandbox runner did not answer killAll in time')),
          opts.timeoutMs ?? 10_000,
        );
      }),
    ]);
    return typeof reply.killed === 'number' ? reply.killed : 0;
  } finally {
    clearTimeout(timer);
  }
}
