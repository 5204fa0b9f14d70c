import { createRedactor, type Redactor, secretsFromEnv } from '../engine/redaction.js';
import { SessionStateError, StoreError } from '../errors.js';
import type { SessionEventOf } from '../model/events.js';
import { isTerminal } from '../model/session.js';
import type { Store } from '../ports/store.js';
import { type Outcome, OutcomeSchema } from './outcome.js';
import { OutcomeError } from './outcome-error.js';

/** Options of {@link recordOutcome}. */
export interface RecordOutcomeOptions {
  signal?: AbortSignal;
  /**
   * Replaces secrets in the outcome before it is stored (e.g. the hub's, from `createRedactor`). Default:
   * the values of environment variables named like a key, token, secret or password (`secretsFromEnv`).
   */
  redact?: Redactor;
}

/** Appends lost to a concurrent writer before giving up. */
const MAX_TRIES = 50;

/**
 * Records what became of a finished session's work (its pull request merged, closed, reverted or rolled
 * back; a user's rating) as an `outcome.recorded` event at the end of the session's log. The session's
 * record and state are not touched: an outcome describes finished work, and analytics and the library read
 * it from the log. Safe beside other writers: the append is conditional on the log's last seq and is retried
 * when someone else wrote meanwhile.
 *
 * @param store where the session lives
 * @param sessionId the session the outcome is about
 * @param outcome what happened (see `OutcomeSchema`); unknown fields are dropped
 * @returns the stored event
 * @throws `OutcomeError` `outcome.invalid` for a malformed outcome (nothing is written);
 *   `SessionStateError` `session.not_found` for an unknown session and `session.invalid_state` for a
 *   session that has not ended; a `StoreError` from the store.
 *
 * @example
 * await recordOutcome(store, id, { kind: 'merged', source: 'github', url: pr.html_url }, { signal });
 */
export async function recordOutcome(
  store: Store,
  sessionId: string,
  outcome: Outcome,
  opts: RecordOutcomeOptions = {},
): Promise<SessionEventOf<'outcome.recorded'>> {
  const parsed = OutcomeSchema.safeParse(outcome);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'outcome'}: ${i.message}`).join('; ');
    throw new OutcomeError('outcome.invalid', `outcome for session ${sessionId} is invalid: ${detail}`, {
      cause: parsed.error,
    });
  }
  const redact = opts.redact ?? createRedactor(secretsFromEnv(process.env));
  const event = redact({ type: 'outcome.recorded' as const, sessionId, outcome: parsed.data });
  const signal = opts.signal;
  signal?.throwIfAborted();
  const session = await store.getSession(sessionId, { signal });
  if (!session) throw new SessionStateError('session.not_found', `session ${sessionId} not found`);
  let log = await store.readEvents(sessionId, { signal });
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    if (!isTerminal(session.state) && !log.some((e) => e.type === 'session.finished')) {
      throw new SessionStateError(
        'session.invalid_state',
        `session ${sessionId} has not ended (${session.state}): an outcome describes finished work`,
      );
    }
    const lastSeq = log.at(-1)?.seq ?? 0;
    try {
      const [stored] = await store.appendEvents(sessionId, [event], { signal, expectedSeq: lastSeq });
      return stored as SessionEventOf<'outcome.recorded'>;
    } catch (err) {
      if (!(StoreError.isInstance(err) && err.code === 'store.conflict')) throw err;
    }
    log = log.concat(await store.readEvents(sessionId, { signal, fromSeq: lastSeq + 1 }));
  }
  throw new StoreError(
    'store.conflict',
    `session ${sessionId}: the outcome could not be appended, the log kept growing; try again`,
  );
}
