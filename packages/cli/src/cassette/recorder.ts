import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MessagesRequestBody } from '@sessionhub/testing';
import { type Cassette, type CassetteExchange, requestKey } from './format.js';
import { assembleMessage } from './sse-message.js';

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/**
 * Records every model exchange of a live session: give {@link CassetteRecorder.fetch} to the Anthropic client
 * (`new Anthropic({ fetch })`); each successful `POST /v1/messages` is kept (its request key and the answer,
 * re-assembled from the stream). Failed or aborted calls are not kept: a retry that succeeds is. `save` writes
 * the cassette.
 */
export class CassetteRecorder {
  private readonly pending: Promise<CassetteExchange | undefined>[] = [];

  constructor(private readonly request: string) {}

  /** A `fetch` that passes every call through and records the Messages API answers. */
  readonly fetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!urlOf(input).includes('/v1/messages') || !response.ok || typeof init?.body !== 'string') return response;
    const body = JSON.parse(init.body) as MessagesRequestBody;
    const copy = response.clone();
    this.pending.push(
      copy.text().then(
        (text) => ({ request: requestKey(body), response: assembleMessage(text, body.stream === true) }),
        () => undefined, // aborted mid-answer: the client never saw it whole
      ),
    );
    return response;
  };

  /** The cassette of what was recorded so far. */
  async cassette(): Promise<Cassette> {
    const exchanges = (await Promise.all(this.pending)).filter((e): e is CassetteExchange => e !== undefined);
    return {
      format: 'sessionhub-cassette',
      version: 1,
      request: this.request,
      recordedAt: new Date().toISOString(),
      exchanges,
    };
  }

  /** Writes the cassette as JSON to `file` (directories created); returns it. */
  async save(file: string, opts: { signal?: AbortSignal } = {}): Promise<Cassette> {
    const cassette = await this.cassette();
    opts.signal?.throwIfAborted();
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(cassette, null, 2)}\n`, opts.signal ? { signal: opts.signal } : {});
    return cassette;
  }
}
