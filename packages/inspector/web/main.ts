import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { captureToken, get } from './api.js';
import { Analytics } from './views/analytics.js';
import { Library, Templates } from './views/library.js';
import { SessionView } from './views/session-view.js';
import { SessionsList } from './views/sessions-list.js';

function useRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || '/');
  useEffect(() => {
    const on = () => setRoute(location.hash.slice(1) || '/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function App() {
  const route = useRoute();
  const [info, setInfo] = useState<{ store: string; actions: boolean } | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    get<{ store: string; actions: boolean }>('/api/info')
      .then(setInfo)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  const session = /^\/sessions\/(.+)$/.exec(route);
  const nav = (href: string, label: string) =>
    html`<a href=${`#${href}`} class=${route === href || (href === '/' && session) ? 'active' : ''}>${label}</a>`;
  let view: ReturnType<typeof html>;
  if (session?.[1])
    view = html`<${SessionView} key=${session[1]} id=${decodeURIComponent(session[1])} actions=${info?.actions ?? false} />`;
  else if (route === '/library') view = html`<${Library} />`;
  else if (route === '/templates') view = html`<${Templates} />`;
  else if (route === '/analytics') view = html`<${Analytics} />`;
  else view = html`<${SessionsList} />`;
  return html`
    <header>
      <h1>SessionHub</h1>
      <nav>${nav('/', 'Sessions')}${nav('/library', 'Library')}${nav('/templates', 'Templates')}${nav('/analytics', 'Analytics')}</nav>
      <span class="muted">${info ? `store: ${info.store}` : ''}</span>
    </header>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <main>${view}</main>
  `;
}

captureToken();
const root = document.getElementById('app');
if (root) render(html`<${App} />`, root);
