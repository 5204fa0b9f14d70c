import { z } from 'zod';

/**
 * What became of a finished session's work: its pull request `merged`, `closed` unmerged, `reverted` or
 * `rolled_back` (a deploy undone) later, or a user's `rating` of it.
 */
export const OutcomeKindSchema = z.enum(['merged', 'closed', 'reverted', 'rolled_back', 'rating']);
/** What became of a finished session's work (see {@link OutcomeKindSchema}). */
export type OutcomeKind = z.infer<typeof OutcomeKindSchema>;

/** The lowest and highest `value` of a `rating` outcome. */
export const OUTCOME_RATING_RANGE = Object.freeze({ min: 1, max: 5 });

/**
 * One outcome of a finished session, as stored on its `outcome.recorded` event.
 * A `rating` carries `value`, an integer from 1 (bad) to 5 (excellent); no other kind carries one.
 */
export const OutcomeSchema = z
  .object({
    kind: OutcomeKindSchema,
    /** The rating, 1..5; only (and always) on a `rating`. */
    value: z.number().int().min(OUTCOME_RATING_RANGE.min).max(OUTCOME_RATING_RANGE.max).optional(),
    /** Where the outcome was observed, e.g. `github`. */
    source: z.string().min(1),
    /** The user it came from (the rater of a `rating`): a later rating by the same user replaces theirs. */
    by: z.string().min(1).optional(),
    /** Free text, e.g. a rating's comment; secrets in it are redacted before it is stored. */
    note: z.string().optional(),
    /** Where to see it, e.g. the pull request. */
    url: z.string().optional(),
  })
  .superRefine((outcome, ctx) => {
    if (outcome.kind === 'rating' && outcome.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a rating needs a value from 1 to 5' });
    }
    if (outcome.kind !== 'rating' && outcome.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `a ${outcome.kind} outcome carries no value` });
    }
  });
/** One outcome of a finished session (see {@link OutcomeSchema}). */
export type Outcome = z.infer<typeof OutcomeSchema>;

/** The pull-request kinds of outcome: the latest of them is what became of the session's work. */
export const PULL_REQUEST_OUTCOMES: readonly OutcomeKind[] = Object.freeze([
  'merged',
  'closed',
  'reverted',
  'rolled_back',
]);
