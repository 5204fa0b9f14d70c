import { type SessionFilter, type SessionState, SessionStateSchema } from '@sessionhub/core';
import { InspectorError } from '../errors.js';

/** Largest page a list or an event read returns. */
export const MAX_PAGE = 500;

const bad = (message: string) => new InspectorError('inspector.bad_request', message);

/** A non-negative integer query parameter, or the default. */
export function intParam(raw: string | undefined, name: string, def: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw bad(`${name} must be a non-negative integer, got "${raw}"`);
  const n = Number(raw);
  if (n > max) throw bad(`${name} must be at most ${max}, got ${n}`);
  return n;
}

/** States from `state=a,b` (each checked). */
export function statesParam(raw: string | undefined): SessionState[] | undefined {
  if (!raw) return undefined;
  return raw.split(',').map((s) => {
    const parsed = SessionStateSchema.safeParse(s);
    if (!parsed.success) throw bad(`unknown state "${s}" (one of ${SessionStateSchema.options.join(', ')})`);
    return parsed.data;
  });
}

/** An ISO-8601 instant, or undefined. */
export function instantParam(raw: string | undefined, name: string): string | undefined {
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw bad(`${name} must be an ISO-8601 date, got "${raw}"`);
  return new Date(ms).toISOString();
}

/** Tags from `tag=a&tag=b` or `tags=a,b`. */
export function tagsParam(all: string[], joined: string | undefined): string[] | undefined {
  const tags = [...all, ...(joined ? joined.split(',') : [])].map((t) => t.trim()).filter((t) => t !== '');
  return tags.length > 0 ? tags : undefined;
}

/** The session filter of a list request (limit/offset applied by the caller). */
export function sessionFilter(q: (name: string) => string | undefined, tags: string[]): Omit<SessionFilter, 'limit'> {
  const state = statesParam(q('state'));
  const tagList = tagsParam(tags, q('tags'));
  const since = instantParam(q('since'), 'since');
  const until = instantParam(q('until'), 'until');
  const templateId = q('template') || undefined;
  return {
    ...(state ? { state } : {}),
    ...(tagList ? { tags: tagList } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(templateId ? { templateId } : {}),
  };
}
