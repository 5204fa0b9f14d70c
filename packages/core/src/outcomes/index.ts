/** Outcomes: what became of a finished session's work, recorded as events on the session. */

export {
  OUTCOME_RATING_RANGE,
  type Outcome,
  type OutcomeKind,
  OutcomeKindSchema,
  OutcomeSchema,
  PULL_REQUEST_OUTCOMES,
} from './outcome.js';
export { OutcomeError } from './outcome-error.js';
export { type RecordOutcomeOptions, recordOutcome } from './record-outcome.js';
