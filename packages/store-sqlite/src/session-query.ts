import type { SessionFilter } from '@sessionhub/core';
import type { SqlValue } from './driver.js';

/** A SQL condition over `sessions s` with its parameters. */
export interface SqlWhere {
  sql: string;
  params: SqlValue[];
}

/** An ISO-8601 time as epoch milliseconds, `null` when it does not parse (matches nothing, as in core). */
export function instantOrNull(iso: string | undefined): number | null {
  if (iso === undefined) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The WHERE clause of a session filter (`state`, `templateId`, every tag, `since` inclusive and
 * `until` exclusive on `createdAt` compared as instants), the same rules as core's
 * `sessionMatchesFilter`. A bound that does not parse binds NULL, so nothing matches, like `NaN` there.
 */
export function sessionWhere(filter: Omit<SessionFilter, 'limit' | 'offset'> = {}): SqlWhere {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (filter.state !== undefined) {
    const states = Array.isArray(filter.state) ? filter.state : [filter.state];
    if (states.length === 0) parts.push('0');
    else {
      parts.push(`s.state IN (${states.map(() => '?').join(', ')})`);
      params.push(...states);
    }
  }
  if (filter.templateId !== undefined) {
    parts.push('s.template_id = ?');
    params.push(filter.templateId);
  }
  const tags = [...new Set(filter.tags ?? [])];
  if (tags.length > 0) {
    parts.push(
      `(SELECT count(*) FROM session_tags t WHERE t.session_pk = s.pk AND t.tag IN (${tags.map(() => '?').join(', ')})) = ?`,
    );
    params.push(...tags, tags.length);
  }
  if (filter.since !== undefined) {
    parts.push('s.created_ms >= ?');
    params.push(instantOrNull(filter.since));
  }
  if (filter.until !== undefined) {
    parts.push('s.created_ms < ?');
    params.push(instantOrNull(filter.until));
  }
  return { sql: parts.length === 0 ? '1' : parts.join(' AND '), params };
}
