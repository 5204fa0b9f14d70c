import {
  type PlanInput,
  type Planner,
  type PlanOptions,
  type PlanResult,
  type Session,
  type SessionEvent,
  type Store,
  sessionOutcome,
  type Verdict,
} from '@sessionhub/core';

/** What went wrong in one past session, as the planner is told. */
export interface FailureLesson {
  sessionId: string;
  /** The past request, shortened. */
  request: string;
  /**
   * `failed`: the session failed; `reverted`, `closed`, `rolled_back`: the latest outcome recorded on its log
   * (`outcome.recorded`) says its pull request was reverted, closed unmerged, or its deploy rolled back.
   */
  outcome: 'failed' | 'reverted' | 'closed' | 'rolled_back';
  /** Gates that failed in its last verdict, with an excerpt of their output. */
  failingGates: { name: string; excerpt: string }[];
  fixRounds: number;
  /** The error it ended with (`budget.exceeded`, ...). */
  error?: string;
  /** How alike the requests are (0..1, word overlap). */
  similarity: number;
}

const STOP = new Set([
  'the',
  'and',
  'for',
  'with',
  'that',
  'this',
  'from',
  'into',
  'are',
  'can',
  'not',
  'should',
  'when',
  'have',
  'has',
  'its',
  'was',
  'will',
]);

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 3 && !STOP.has(w)),
  );
}

function similarityOf(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/** The request text of a session (a request, an issue's title and body, or a template id). */
export function requestText(session: Session): string {
  const input = session.input;
  if (input.kind === 'request') return input.request;
  if (input.kind === 'issue') return `${input.issue.title}\n${input.issue.body}`;
  return `${input.template} ${JSON.stringify(input.variables)}`;
}

function lastVerdict(events: SessionEvent[]): Verdict | undefined {
  const finished = events.filter(
    (e): e is Extract<SessionEvent, { type: 'step.finished' }> => e.type === 'step.finished' && e.step === 'verify',
  );
  return finished.at(-1)?.output as Verdict | undefined;
}

/**
 * Failed past sessions, and succeeded ones whose work was later rejected (the latest pull-request outcome on their
 * log is `closed`, `reverted` or `rolled_back`), whose request resembles `request`; most alike first, with their
 * failing gates and fix rounds read from their event logs. Only sessions alike enough have their log read.
 */
export async function findFailureLessons(
  store: Store,
  request: string,
  options: { limit?: number; minSimilarity?: number; exclude?: string; signal?: AbortSignal } = {},
): Promise<FailureLesson[]> {
  const wanted = words(request);
  const call = options.signal ? { signal: options.signal } : {};
  const alike: { session: Session; similarity: number }[] = [];
  for (const session of await store.listSessions({ state: ['failed', 'succeeded'], limit: 500 }, call)) {
    if (session.id === options.exclude) continue;
    const similarity = similarityOf(wanted, words(requestText(session)));
    if (similarity >= (options.minSimilarity ?? 0.2)) alike.push({ session, similarity });
  }
  alike.sort((a, b) => b.similarity - a.similarity);
  const lessons: FailureLesson[] = [];
  for (const { session, similarity } of alike) {
    if (lessons.length >= (options.limit ?? 3)) break;
    const events = await store.readEvents(session.id, call);
    const later = sessionOutcome(events).pullRequest;
    const outcome: FailureLesson['outcome'] | undefined =
      session.state === 'failed' ? 'failed' : later === 'merged' ? undefined : later;
    if (!outcome) continue;
    const verdict = lastVerdict(events);
    lessons.push({
      sessionId: session.id,
      request: requestText(session).slice(0, 160).replaceAll('\n', ' '),
      outcome,
      failingGates: (verdict?.gates ?? [])
        .filter((g) => !g.passed)
        .map((g) => ({
          name: g.name,
          excerpt: (g.failures[0]?.message ?? g.output).slice(0, 200).replaceAll('\n', ' '),
        })),
      fixRounds: session.fixAttempts,
      ...(session.error ? { error: session.error.code } : {}),
      similarity: Number(similarity.toFixed(2)),
    });
  }
  return lessons;
}

/** The lessons as the planner reads them, after the request. */
export function renderLessons(lessons: FailureLesson[]): string {
  if (lessons.length === 0) return '';
  const lines = lessons.map((l) => {
    const gates = l.failingGates.map((g) => `${g.name} failed (${g.excerpt})`).join('; ');
    const how = {
      failed: 'failed',
      reverted: 'was merged, then reverted',
      closed: 'was closed unmerged',
      rolled_back: 'was deployed, then rolled back',
    }[l.outcome];
    return `- A similar request ("${l.request}") ${how} after ${l.fixRounds} fix round(s)${gates ? `: ${gates}` : ''}${l.error ? ` [${l.error}]` : ''}.`;
  });
  return `\n\nWhat went wrong in similar past sessions (make the objectives and validation avoid these traps):\n${lines.join('\n')}`;
}

/**
 * A planner that is told, for a new session, what went wrong in similar past sessions: their failing gates and
 * fix rounds, and work reverted, closed unmerged or rolled back (outcomes on their logs). The lessons are added to
 * `PlanInput.request` (core's `PlanInput` has no field for them); fix plans are passed through unchanged.
 */
export function withFailureLessons(
  planner: Planner,
  options: { store: Store; limit?: number; minSimilarity?: number },
): Planner {
  return {
    specificationVersion: planner.specificationVersion,
    name: `${planner.name}+lessons`,
    async plan(input: PlanInput, opts: PlanOptions): Promise<PlanResult> {
      if (input.kind !== 'initial') return planner.plan(input, opts);
      const lessons = await findFailureLessons(options.store, input.request, {
        ...options,
        exclude: input.sessionId,
        signal: opts.signal,
      });
      return planner.plan(
        lessons.length > 0 ? { ...input, request: input.request + renderLessons(lessons) } : input,
        opts,
      );
    },
  };
}
