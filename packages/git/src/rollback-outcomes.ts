import { type RecordOutcomeOptions, recordOutcome, type Store } from '@sessionhub/core';
import type { DeployEvent } from './release-types.js';

/**
 * Records a `rolled_back` outcome on the log of every session whose released work a rollback undid, so
 * analytics counts it as rejected and the planner's lessons learn from it. Call it from
 * `GitReleasesOptions.onEvent` with the `deploy.rolled_back` event. Resolves with the sessions recorded.
 *
 * @throws {SessionStateError} `session.not_found` for a session the store does not have (an earlier one is
 *   recorded already); the outcome errors of `recordOutcome`.
 * @example
 * new GitReleases(workspaces, {
 *   onEvent: (e) => (e.type === 'deploy.rolled_back' ? recordRollbackOutcomes(store, e) : undefined),
 * });
 */
export async function recordRollbackOutcomes(
  store: Store,
  event: Extract<DeployEvent, { type: 'deploy.rolled_back' }>,
  opts: RecordOutcomeOptions = {},
): Promise<string[]> {
  for (const sessionId of event.sessionIds) {
    await recordOutcome(store, sessionId, { kind: 'rolled_back', source: 'git', note: event.reason }, opts);
  }
  return event.sessionIds;
}
