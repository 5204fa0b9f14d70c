import { LIBRARY_FIELD_WEIGHTS, type Session, tokenizeForSearch } from '@sessionhub/core';

/**
 * Each term of a session's searched fields with its weighted count: the number of its occurrences
 * in each field times the field's weight, summed. For a query, core's `scoreSession` adds exactly
 * these up over the query's distinct terms.
 */
export function termWeights(session: Session): Map<string, number> {
  const weights = new Map<string, number>();
  const add = (text: string | undefined, weight: number) => {
    for (const term of tokenizeForSearch(text)) weights.set(term, (weights.get(term) ?? 0) + weight);
  };
  add(session.name, LIBRARY_FIELD_WEIGHTS.name);
  add((session.tags ?? []).join(' '), LIBRARY_FIELD_WEIGHTS.tags);
  add(session.instruction, LIBRARY_FIELD_WEIGHTS.instruction);
  add(session.summary, LIBRARY_FIELD_WEIGHTS.summary);
  return weights;
}

/**
 * The library's inverted index: term → the sessions holding it, each with its {@link termWeights}
 * weight, so a query's scores are sums over a few posting lists instead of tokenizing every
 * candidate's text. An entry names the session object it was made from; once a newer version of
 * that session is added, the entry is superseded and ignored (the new version has its own entries).
 */
export class LibraryPostings {
  readonly #byTerm = new Map<string, { sessions: Session[]; weights: number[] }>();
  #superseded = 0;
  #size = 0;

  /** Adds a session's entries; `replacing` says it supersedes an earlier version added before. */
  add(session: Session, replacing: boolean): void {
    if (replacing) this.#superseded++;
    else this.#size++;
    for (const [term, weight] of termWeights(session)) {
      const list = this.#byTerm.get(term);
      if (list) {
        list.sessions.push(session);
        list.weights.push(weight);
      } else {
        this.#byTerm.set(term, { sessions: [session], weights: [weight] });
      }
    }
  }

  /** Whether superseded entries outnumber half the live sessions: time to build afresh. */
  get wasteful(): boolean {
    return this.#superseded > Math.max(1000, this.#size / 2);
  }

  /**
   * Every current session holding at least one of `terms`, with its score for them (what core's
   * `scoreSession` computes: above 0). `current` gives the live version of a session by id.
   */
  scores(terms: readonly string[], current: (id: string) => Session | undefined): Map<Session, number> {
    const scores = new Map<Session, number>();
    for (const term of new Set(terms)) {
      const list = this.#byTerm.get(term);
      if (!list) continue;
      const { sessions, weights } = list;
      for (let i = 0; i < sessions.length; i++) {
        const session = sessions[i] as Session;
        if (current(session.id) !== session) continue;
        scores.set(session, (scores.get(session) ?? 0) + (weights[i] as number));
      }
    }
    return scores;
  }
}
