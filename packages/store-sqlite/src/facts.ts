import { errorSignature, hostResourcesOfEvent, outcomeFact, PHASE_OF_STEP, type SessionEvent } from '@sessionhub/core';
import type { Statements } from './statements.js';

/**
 * Derives the analytics side-table rows of one stored event, inside the append transaction.
 * Together the side tables let `analytics` be plain SQL over small rows instead of a scan of
 * every event's JSON; the rules mirror core's `computeAnalytics` exactly:
 * - `step.started` opens (or re-opens) its `stepId`; `step.finished` closes the open one and
 *   records `max(0, finished.at - started.at)` under the finished step's phase;
 * - a failed `verifier.gate` records one gate failure and the `errorSignature` of each failure message;
 * - a `session.finished` with an error records the signature of its message;
 * - `usage.recorded` records the usage under its phase, with its `model` (or NULL) and `costUnknown`;
 * - plus the outcome and host-resource rows of {@link recordOutcomeFacts}.
 */
export function recordFacts(st: Statements, sessionPk: number, event: SessionEvent): void {
  recordOutcomeFacts(st, sessionPk, event);
  switch (event.type) {
    case 'step.started':
      st.openStep.run(sessionPk, event.stepId, Date.parse(event.at));
      return;
    case 'step.finished': {
      const open = st.getOpenStep.get(sessionPk, event.stepId);
      if (!open) return;
      st.closeStep.run(sessionPk, event.stepId);
      const durationMs = Math.max(0, Date.parse(event.at) - Number(open.started_ms));
      if (Number.isNaN(durationMs)) return;
      const phase = PHASE_OF_STEP[event.step];
      if (phase === undefined) return;
      st.insertDuration.run(sessionPk, event.seq, phase, durationMs);
      return;
    }
    case 'verifier.gate': {
      if (event.result?.passed !== false) return;
      st.insertGateFailure.run(sessionPk, event.seq, String(event.result.name));
      (event.result.failures ?? []).forEach((failure, n) => {
        st.insertSignature.run(sessionPk, event.seq, n, errorSignature(String(failure.message)));
      });
      return;
    }
    case 'session.finished':
      if (event.error) st.insertSignature.run(sessionPk, event.seq, 0, errorSignature(String(event.error.message)));
      return;
    case 'usage.recorded': {
      const u = event.usage;
      st.insertUsage.run(
        sessionPk,
        event.seq,
        event.phase,
        u.inputTokens,
        u.outputTokens,
        u.cacheReadTokens,
        u.cacheWriteTokens,
        u.costUsd,
        typeof u.model === 'string' && u.model !== '' ? u.model : null,
        u.costUnknown ? 1 : 0,
      );
      return;
    }
    default:
      return;
  }
}

/**
 * The rows of schema version 3, from one stored event, applied in log order (also the backfill of that
 * migration):
 * - an `outcome.recorded` (core's `outcomeFact`) of a pull-request kind becomes the session's `pr_kind`; a
 *   rating replaces its rater's earlier one (`latest_ratings`), and the session's `n_ratings` and `rating_sum`
 *   change by what that adds (a new rater: one more rating) — so they always count each rater's latest;
 * - core's `hostResourcesOfEvent` (a finished execute step's report, a gate result) records the resources
 *   under their phase.
 */
export function recordOutcomeFacts(st: Statements, sessionPk: number, event: SessionEvent): void {
  if (event.type === 'outcome.recorded') {
    const fact = outcomeFact(event);
    if (!fact) return;
    if (fact.value === null) {
      st.setPullRequestOutcome.run(sessionPk, fact.kind);
      return;
    }
    const previous = st.latestRating.get(sessionPk, fact.rater);
    st.putLatestRating.run(sessionPk, fact.rater, fact.value);
    if (previous) st.addRating.run(sessionPk, 0, fact.value - Number(previous.value));
    else st.addRating.run(sessionPk, 1, fact.value);
    return;
  }
  const measured = hostResourcesOfEvent(event);
  if (!measured) return;
  const r = measured.resources;
  st.insertResources.run(sessionPk, event.seq, measured.phase, r.commands, r.cpuMs, r.peakMemoryBytes, r.bytesWritten);
}
