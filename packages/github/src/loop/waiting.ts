import type { SessionHub } from '@sessionhub/core';

/**
 * Resumes a session after a restart. The dead process's claim on it blocks other engines until it runs out
 * (`policy.leaseMs`, 30 s by default): `session.owned_elsewhere` is retried every 5 s for up to two minutes.
 */
export async function resumeWhenFree(
  hub: Pick<SessionHub, 'resume'>,
  sessionId: string,
  signal: AbortSignal,
): Promise<Awaited<ReturnType<SessionHub['resume']>>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await hub.resume(sessionId);
    } catch (error) {
      if ((error as { code?: string }).code !== 'session.owned_elsewhere' || attempt >= 24) throw error;
      await new Promise((ok) => setTimeout(ok, 5_000));
      signal.throwIfAborted();
    }
  }
}

/** `promise`'s value, or `undefined` as soon as `signal` aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
