/** The page's client of the inspector API: the token (from `#token=...`, kept for the tab) on every request. */

const TOKEN_KEY = 'sessionhub-inspector-token';

/** Takes a `token=` out of the address fragment into session storage, so it is not left in the address bar. */
export function captureToken(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  // `#token=...` or `#/sessions/<id>&token=...`: keep the route, drop the token.
  const rest = location.hash.replace(/(^#|&)token=[^&]*/, (_m, lead: string) => (lead === '#' ? '#' : ''));
  history.replaceState(null, '', `${location.pathname}${location.search}${rest === '#' ? '#/' : rest}`);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

/** An API error answer. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function answer<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(body.error?.code ?? `http.${res.status}`, body.error?.message ?? res.statusText);
  return body as T;
}

/** GET a JSON resource. */
export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return answer<T>(await fetch(path, { headers: headers(), ...(signal ? { signal } : {}) }));
}

/** POST an action (with the header the server requires of actions). */
export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json', 'x-sessionhub-action': '1' }),
      body: JSON.stringify(body),
    }),
  );
}

/**
 * Follows a Server-Sent Events stream over fetch (so the token travels in a header, which `EventSource`
 * cannot send). Calls `onMessage` per message; resolves when the stream ends or the signal aborts.
 */
export async function follow(
  path: string,
  signal: AbortSignal,
  onMessage: (event: string, data: string) => void,
): Promise<void> {
  const res = await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal });
  if (!res.ok || !res.body) throw new ApiError(`http.${res.status}`, `stream failed: ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) onMessage(event, data.join('\n'));
      end = buffer.indexOf('\n\n');
    }
  }
}
