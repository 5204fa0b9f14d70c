import type { SessionFilter } from '@sessionhub/core';
import { keyText, type SqlParams } from './sql-params.js';

/** An ISO-8601 time as epoch milliseconds, `null` when it does not parse (matches nothing, as in core). */
export function instantOrNull(iso: string | undefined): number | null {
  if (iso === undefined) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The WHERE condition of a session filter over `sessions s` (`state`, `templateId`, every tag,
 * `since` inclusive and `until` exclusive on `createdAt` compared as instants): the rules of
 * core's `sessionMatchesFilter`. A bound that does not parse binds NULL, so nothing matches.
 */
export function sessionWhere(filter: Omit<SessionFilter, 'limit' | 'offset'>, params: SqlParams): string {
  const parts: string[] = [];
  if (filter.state !== undefined) {
    const states = Array.isArray(filter.state) ? filter.state : [filter.state];
    parts.push(`s.state = ANY(${params.add(states.map(String))}::text[])`);
  }
  if (filter.templateId !== undefined) parts.push(`s.template_id = ${params.add(keyText(filter.templateId))}`);
  const tags = [...new Set(filter.tags ?? [])];
  if (tags.length > 0) parts.push(`s.tags @> ${params.add(tags.map((t) => keyText(String(t))))}::text[]`);
  if (filter.since !== undefined) parts.push(`s.created_ms >= ${params.add(instantOrNull(filter.since))}::bigint`);
  if (filter.until !== undefined) parts.push(`s.created_ms < ${params.add(instantOrNull(filter.until))}::bigint`);
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}
