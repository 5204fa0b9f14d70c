import { readFile } from 'node:fs/promises';
import { type FakeAnthropic, match, reply, type ScriptTurn, startFakeAnthropic } from '@sessionhub/testing';
import { badInput } from '../cli-error.js';
import { describeIssues } from '../config/load-config.js';
import { type Cassette, cassetteSchema, requestKey, structuralDifference } from './format.js';

/** A request of the replayed session that differs from its recording. */
export interface Divergence {
  /** 1-based number of the recorded exchange. */
  exchange: number;
  /**
   * `structure`: a different actor, model, tool set, conversation length or block shape (the fake refused
   * the request with a 400, so the session could not go on as recorded); `text`: the same structure with other
   * words (answered as recorded); `extra`: a request after the last recorded one; `unused`: a recorded exchange
   * the session never asked for.
   */
  kind: 'structure' | 'text' | 'extra' | 'unused';
  detail: string;
}

/** A running replay: the fake Messages API serving a cassette. */
export interface Replay {
  /** Give it to the actors as `baseURL`. */
  readonly url: string;
  readonly cassette: Cassette;
  /** Every divergence so far (call after the session for the full list). */
  divergences(): Divergence[];
  close(): Promise<void>;
}

/** Reads and checks a cassette file (`cassette.invalid` naming the key path when it is not one). */
export async function readCassette(file: string, opts: { signal?: AbortSignal } = {}): Promise<Cassette> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, { encoding: 'utf8', ...(opts.signal ? { signal: opts.signal } : {}) }));
  } catch (cause) {
    throw badInput('cassette.unreadable', `cannot read cassette ${file}: ${(cause as Error).message}`);
  }
  const parsed = cassetteSchema.safeParse(value);
  if (!parsed.success) {
    throw badInput('cassette.invalid', `${file} is not a cassette:\n${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data as Cassette;
}

const excerpt = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

/**
 * Serves `cassette` from `@sessionhub/testing`'s fake Messages API on 127.0.0.1: the n-th request gets the n-th
 * recorded answer when it has the recorded structure, and a 400 otherwise. Requests are compared on
 * {@link requestKey}; see {@link Divergence} for what is reported.
 */
export async function startReplay(cassette: Cassette, opts: { signal?: AbortSignal } = {}): Promise<Replay> {
  opts.signal?.throwIfAborted();
  const soft: Divergence[] = [];
  const structural = new Map<number, string>();
  const script: ScriptTurn[] = cassette.exchanges.map((exchange, i) => ({
    name: `exchange ${i + 1}`,
    match: match.where(`the recorded ${exchange.request.actor} request ${i + 1}`, (body) => {
      const difference = structuralDifference(exchange.request, requestKey(body));
      if (difference) structural.set(i, difference);
      return difference === undefined;
    }),
    reply: (body) => {
      const actual = requestKey(body);
      if (actual.text !== exchange.request.text) {
        soft.push({
          exchange: i + 1,
          kind: 'text',
          detail: `the last message differs: recorded "${excerpt(exchange.request.text)}", sent "${excerpt(actual.text)}"`,
        });
      }
      return reply.message(exchange.response.content, exchange.response.stop_reason);
    },
  }));
  const fake: FakeAnthropic = await startFakeAnthropic({ script });
  return {
    url: fake.url,
    cassette,
    divergences() {
      const found: Divergence[] = [...soft];
      for (const m of fake.mismatches) {
        if (m.turn >= cassette.exchanges.length) {
          found.push({ exchange: m.turn + 1, kind: 'extra', detail: 'a request after the last recorded exchange' });
        } else {
          found.push({ exchange: m.turn + 1, kind: 'structure', detail: structural.get(m.turn) ?? m.received });
        }
      }
      const answered = new Set(fake.requests.map((r) => r.turn).filter((t) => t !== undefined));
      for (let i = 0; i < cassette.exchanges.length; i++) {
        if (!answered.has(i) && !found.some((d) => d.exchange === i + 1)) {
          found.push({ exchange: i + 1, kind: 'unused', detail: 'the session never made this request' });
        }
      }
      return found.sort((a, b) => a.exchange - b.exchange);
    },
    close: () => fake.close(),
  };
}
