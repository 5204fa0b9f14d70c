import type { Session, Store } from '@sessionhub/core';
import type { SqliteOutcomeLog } from './outcome-log.js';

/** Outcome figures of one group of sessions. */
export interface OutcomeStats {
  /** The group: a template id, a request kind (`request`, `issue`, `template`), or a tag's value (`model:<id>` → `<id>`). */
  key: string;
  sessions: number;
  succeeded: number;
  /** Sessions whose pull request was merged (and not reverted since). */
  merged: number;
  /** Pull requests closed unmerged, or merged and then reverted. */
  rejected: number;
  /** merged ÷ (merged + rejected); `null` before any pull request was decided. */
  mergeRate: number | null;
  /** Mean of the users' ratings (1..5); `null` without ratings. */
  satisfaction: number | null;
  ratings: number;
}

/**
 * Merge rate and satisfaction per template, per request kind, or per tag value (`by: 'tag'` with `tagPrefix:
 * 'model:'` groups sessions the loop tagged `model:<id>`, see `IssueLoopOptions.tags`), from the store's sessions
 * and the outcome log.
 */
export async function outcomeStats(
  store: Store,
  outcomes: SqliteOutcomeLog,
  options: { by: 'template' | 'kind' | 'tag'; tagPrefix?: string; signal?: AbortSignal },
): Promise<OutcomeStats[]> {
  const sessions = await store.listSessions({}, options.signal ? { signal: options.signal } : {});
  const groups = new Map<string, Session[]>();
  for (const s of sessions) {
    const prefix = options.tagPrefix ?? '';
    const key =
      options.by === 'template'
        ? (s.templateId ?? '(none)')
        : options.by === 'kind'
          ? s.input.kind
          : (s.tags.find((t) => t.startsWith(prefix))?.slice(prefix.length) ?? '(none)');
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.entries()]
    .map(([key, list]) => {
      let merged = 0;
      let rejected = 0;
      const ratings: number[] = [];
      for (const s of list) {
        const found = outcomes.forSession(s.id);
        const kinds = new Set(found.map((o) => o.kind));
        if (kinds.has('reverted') || (kinds.has('closed') && !kinds.has('merged'))) rejected++;
        else if (kinds.has('merged')) merged++;
        for (const o of found) if (o.kind === 'rating') ratings.push(o.value);
      }
      const decided = merged + rejected;
      return {
        key,
        sessions: list.length,
        succeeded: list.filter((s) => s.state === 'succeeded').length,
        merged,
        rejected,
        mergeRate: decided > 0 ? merged / decided : null,
        satisfaction: ratings.length > 0 ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
        ratings: ratings.length,
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}
