import type { Session, SessionFilter } from '../model/session.js';

/** An ISO-8601 timestamp as milliseconds since the epoch, `NaN` when it does not parse. */
export function instantOf(iso: string): number {
  return Date.parse(iso);
}

/**
 * Whether a session passes every given filter of a {@link SessionFilter}: `state` (one or any of
 * several), `templateId`, `tags` (every tag present), `since` (inclusive) and `until` (exclusive)
 * on `createdAt`, compared as instants. `limit` and `offset` are not filters and are ignored here.
 */
export function sessionMatchesFilter(session: Session, filter: SessionFilter = {}): boolean {
  if (filter.state !== undefined) {
    const states = Array.isArray(filter.state) ? filter.state : [filter.state];
    if (!states.includes(session.state)) return false;
  }
  if (filter.templateId !== undefined && session.templateId !== filter.templateId) return false;
  if (filter.tags !== undefined && filter.tags.length > 0) {
    const tags = session.tags ?? [];
    if (!filter.tags.every((tag) => tags.includes(tag))) return false;
  }
  const created = instantOf(session.createdAt);
  if (filter.since !== undefined && !(created >= instantOf(filter.since))) return false;
  if (filter.until !== undefined && !(created < instantOf(filter.until))) return false;
  return true;
}

/** Orders sessions newest `createdAt` first; equal instants by `id` ascending so the order is total. */
export function compareSessionsNewestFirst(a: Session, b: Session): number {
  const diff = instantOf(b.createdAt) - instantOf(a.createdAt);
  if (diff !== 0 && !Number.isNaN(diff)) return diff;
  return compareStrings(a.id, b.id);
}

/** Code-unit string order (what SQL's BINARY collation does), not locale order. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Applies `offset` then `limit` of a filter to an already ordered list. */
export function pageOf<T>(items: T[], filter: { limit?: number; offset?: number } = {}): T[] {
  const start = filter.offset ?? 0;
  const end = filter.limit === undefined ? undefined : start + filter.limit;
  return items.slice(start, end);
}
