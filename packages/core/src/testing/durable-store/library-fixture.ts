import type { Session, SessionState } from '../../model/session.js';
import { seededRandom } from './fixtures.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vi', 'zo', 'pe', 'su', 'dor', 'fin', 'gal', 'hex', 'jun'];
const STATES: SessionState[] = ['succeeded', 'succeeded', 'succeeded', 'failed', 'cancelled', 'executing'];

/** A vocabulary of `size` distinct pseudo-words (`kax`, `lox`, ...). */
export function vocabulary(size: number): string[] {
  const words: string[] = [];
  for (let i = 0; words.length < size; i++) {
    let n = i;
    let word = '';
    do {
      word += SYLLABLES[n % SYLLABLES.length];
      n = Math.floor(n / SYLLABLES.length);
    } while (n > 0);
    words.push(`${word}x`);
  }
  return words;
}

/** Options of {@link librarySessions}. */
export interface LibraryFixtureOptions {
  /** Number of sessions (the large-library tests use 100,000). */
  count: number;
  /** PRNG seed for the words; default 42. */
  seed?: number;
  /** Distinct words to draw from; default 2000. */
  vocabularySize?: number;
}

/**
 * A deterministic library: session `i` has a 3-word name, a 30-word instruction, an 8-word
 * summary (words drawn uniformly from the vocabulary), 2 of 40 tags, one of 20 templates and a
 * `createdAt` one minute after the previous. Session ids are `lib-<i>`.
 */
export function* librarySessions(opts: LibraryFixtureOptions): Generator<Session> {
  const random = seededRandom(opts.seed ?? 42);
  const vocab = vocabulary(opts.vocabularySize ?? 2000);
  const pick = () => vocab[Math.floor(random() * vocab.length)] as string;
  const words = (n: number) => Array.from({ length: n }, pick).join(' ');
  const base = Date.UTC(2025, 0, 1);
  for (let i = 0; i < opts.count; i++) {
    const at = new Date(base + i * 60_000).toISOString();
    yield {
      id: `lib-${i}`,
      state: STATES[i % STATES.length] as SessionState,
      input: { kind: 'request', request: `request ${i}` },
      createdAt: at,
      updatedAt: at,
      name: words(3),
      instruction: `${words(30)}.`,
      summary: words(8),
      templateId: `tpl-${i % 20}`,
      tags: [`tag${i % 40}`, `tag${(i * 7 + 3) % 40}`],
      usage: { inputTokens: 100, outputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.01 },
      fixAttempts: 0,
    };
  }
}
