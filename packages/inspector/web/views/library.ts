import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { when } from '../format.js';

interface Hit {
  score: number;
  session: {
    id: string;
    name?: string;
    version?: string;
    state: string;
    tags: string[];
    createdAt: string;
    summary?: string;
  };
}
interface Template {
  id: string;
  name: string;
  description?: string;
  text: string;
  variables: Array<{ name: string; type: string }>;
  updatedAt: string;
}

/** Library search: ranked sessions for free text. */
export function Library() {
  const [text, setText] = useState('');
  const [hits, setHits] = useState<Hit[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const search = (q: string) =>
    get<{ hits: Hit[] }>(`/api/library?q=${encodeURIComponent(q)}`)
      .then((r) => {
        setHits(r.hits);
        setError(undefined);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  return html`
    <h2>Library</h2>
    <form class="filters" onSubmit=${(e: Event) => {
      e.preventDefault();
      void search(text);
    }}>
      <input name="q" aria-label="search the library" value=${text} onInput=${(e: Event) => setText((e.currentTarget as HTMLInputElement).value)} placeholder="search instructions, summaries, tags" />
      <button type="submit">Search</button>
    </form>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      hits === undefined
        ? null
        : hits.length === 0
          ? html`<p class="muted">No match.</p>`
          : html`<ol class="hits" data-testid="hits">
      ${hits.map(
        (h) => html`<li>
        <a href=${`#/sessions/${encodeURIComponent(h.session.id)}`}>${h.session.name ? `Session ${h.session.version}: ${h.session.name}` : h.session.id}</a>
        <span class=${`state state-${h.session.state}`}>${h.session.state}</span>
        <span class="muted">${when(h.session.createdAt)} · score ${h.score.toFixed(2)}</span>
        ${h.session.summary ? html`<p>${h.session.summary}</p>` : null}
      </li>`,
      )}
    </ol>`
    }
  `;
}

/** The stored templates. */
export function Templates() {
  const [templates, setTemplates] = useState<Template[] | undefined>();
  useEffect(() => {
    const ctl = new AbortController();
    get<{ templates: Template[] }>('/api/templates', ctl.signal)
      .then((r) => setTemplates(r.templates))
      .catch(() => setTemplates([]));
    return () => ctl.abort();
  }, []);
  if (!templates) return html`<p class="muted">Loading…</p>`;
  return html`
    <h2>Templates</h2>
    ${templates.length === 0 ? html`<p class="muted">No templates yet: save a succeeded session as one.</p>` : null}
    <div data-testid="templates">
      ${templates.map(
        (t) => html`<details class="template">
        <summary><strong>${t.name}</strong> <span class="muted">${t.id} · ${t.variables.map((v) => `{{${v.name}}}`).join(' ')} · ${when(t.updatedAt)}</span></summary>
        ${t.description ? html`<p>${t.description}</p>` : null}
        <pre>${t.text}</pre>
      </details>`,
      )}
    </div>
  `;
}
