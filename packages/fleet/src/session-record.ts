import {
  type checkInstruction,
  createRedactor,
  newSessionRecord,
  type RunRequest,
  type Session,
  type Store,
} from '@sessionhub/core';

/** The linter rules of the engines' policy (`SessionHubPolicy.lintRules`). */
export type LintRules = Parameters<typeof checkInstruction>[1];

/**
 * The `created` session record of a request, checked as `hub.run` checks it (core's `newSessionRecord`), and
 * redacted, so bad input is refused before anything is stored or queued. The engine of the worker that takes
 * the job writes `session.created` and runs it.
 */
export async function sessionRecord(
  store: Store,
  request: RunRequest,
  opts: { id: string; now: Date; secrets?: string[]; lintRules?: LintRules; signal?: AbortSignal },
): Promise<Session> {
  const session = await newSessionRecord(store, request, {
    newId: () => opts.id,
    now: opts.now,
    lintRules: opts.lintRules,
    signal: opts.signal,
  });
  return createRedactor(opts.secrets ?? [])(session);
}
