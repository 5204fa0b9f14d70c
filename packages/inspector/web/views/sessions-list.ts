import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { cost, duration, when } from '../format.js';

interface Summary {
  id: string;
  name?: string;
  version?: string;
  state: string;
  templateId?: string;
  tags: string[];
  createdAt: string;
  durationMs: number;
  usage: { costUsd: number };
}

const STATES = [
  '',
  'created',
  'planning',
  'awaiting_approval',
  'executing',
  'verifying',
  'fixing',
  'succeeded',
  'failed',
  'cancelled',
];
const PAGE = 50;
const RUNNING = new Set(['created', 'planning', 'executing', 'verifying', 'fixing']);

/** The sessions, newest first, one server-side page at a time, with filters. */
export function SessionsList() {
  const [filters, setFilters] = useState({ state: '', template: '', tag: '' });
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ sessions: Summary[]; hasMore: boolean } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (filters.state) q.set('state', filters.state);
    if (filters.template) q.set('template', filters.template);
    if (filters.tag) q.set('tags', filters.tag);
    get<{ sessions: Summary[]; hasMore: boolean }>(`/api/sessions?${q}`, ctl.signal)
      .then((p) => {
        setPage(p);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => ctl.abort();
  }, [filters, offset, tick]);
  // Running sessions move on: refresh the page while any is shown.
  useEffect(() => {
    if (!page?.sessions.some((s) => RUNNING.has(s.state))) return;
    const t = setTimeout(() => setTick((n) => n + 1), 2000);
    return () => clearTimeout(t);
  }, [page]);
  const set = (key: keyof typeof filters) => (e: Event) => {
    setOffset(0);
    setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement).value });
  };
  return html`
    <h2>Sessions</h2>
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>state <select name="state" value=${filters.state} onChange=${set('state')}>${STATES.map((s) => html`<option value=${s}>${s || 'any'}</option>`)}</select></label>
      <label>template <input name="template" value=${filters.template} onChange=${set('template')} /></label>
      <label>tags <input name="tag" value=${filters.tag} placeholder="a,b" onChange=${set('tag')} /></label>
    </form>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <table class="sessions" data-testid="sessions">
      <thead><tr><th>session</th><th>state</th><th>template</th><th>tags</th><th>duration</th><th>cost</th><th>created</th></tr></thead>
      <tbody>
        ${(page?.sessions ?? []).map(
          (s) => html`<tr data-id=${s.id}>
            <td><a href=${`#/sessions/${encodeURIComponent(s.id)}`}>${s.name ? `${s.version}: ${s.name}` : s.id.slice(0, 12)}</a></td>
            <td><span class=${`state state-${s.state}`}>${s.state}</span></td>
            <td>${s.templateId ?? ''}</td>
            <td>${s.tags.map((t) => html`<span class="tag">${t}</span> `)}</td>
            <td>${duration(s.durationMs)}</td>
            <td>${cost(s.usage.costUsd)}</td>
            <td>${when(s.createdAt)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <div class="pager">
      <button disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>← newer</button>
      <span class="muted">${offset + 1}–${offset + (page?.sessions.length ?? 0)}</span>
      <button disabled=${!page?.hasMore} onClick=${() => setOffset(offset + PAGE)}>older →</button>
    </div>
  `;
}
