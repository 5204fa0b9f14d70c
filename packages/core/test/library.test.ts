import { describe, expect, it } from 'vitest';
import { LIBRARY_FIELD_WEIGHTS, scoreSession, searchSessions, tokenizeForSearch } from '../src/store/index.js';
import { makeSession } from '../src/testing/conformance/store-fixtures.js';

describe('tokenizeForSearch', () => {
  it('lower-cases and splits on anything but letters and digits', () => {
    expect(tokenizeForSearch('Add OAuth2-login, fast_path!')).toEqual(['add', 'oauth2', 'login', 'fast', 'path']);
    expect(tokenizeForSearch('Ünïcode naïve café 42')).toEqual(['ünïcode', 'naïve', 'café', '42']);
    expect(tokenizeForSearch('')).toEqual([]);
    expect(tokenizeForSearch(undefined)).toEqual([]);
    expect(tokenizeForSearch(' -- ')).toEqual([]);
  });
});

describe('scoreSession', () => {
  const session = makeSession('s', {
    name: 'Login page login',
    tags: ['auth', 'login'],
    instruction: 'Build the login form. Login must work.',
    summary: 'Login done',
  });

  it('sums occurrences times field weights', () => {
    expect(LIBRARY_FIELD_WEIGHTS).toEqual({ name: 3, tags: 3, instruction: 1, summary: 1 });
    // name 2×3 + tags 1×3 + instruction 2×1 + summary 1×1
    expect(scoreSession(session, ['login'])).toBe(12);
    expect(scoreSession(session, ['auth'])).toBe(3);
    expect(scoreSession(session, ['form'])).toBe(1);
  });

  it('counts each distinct query term once and scores missing terms 0', () => {
    expect(scoreSession(session, ['login', 'login'])).toBe(12);
    expect(scoreSession(session, ['login', 'auth'])).toBe(15);
    expect(scoreSession(session, ['nothing'])).toBe(0);
    expect(scoreSession(session, [])).toBe(0);
  });

  it('copes with missing optional fields', () => {
    expect(scoreSession(makeSession('bare'), ['login'])).toBe(0);
  });
});

describe('searchSessions', () => {
  const sessions = [
    makeSession('old-name-hit', { createdAt: '2026-01-01T00:00:00.000Z', name: 'Cache layer', state: 'succeeded' }),
    makeSession('body-hit', { createdAt: '2026-01-02T00:00:00.000Z', instruction: 'Add a cache', state: 'succeeded' }),
    makeSession('new-name-hit', {
      createdAt: '2026-01-03T00:00:00.000Z',
      name: 'Cache',
      state: 'failed',
      tags: ['perf'],
    }),
    makeSession('miss', { createdAt: '2026-01-04T00:00:00.000Z', name: 'Other', state: 'succeeded' }),
  ];

  it('ranks by score, ties newest first, and leaves out sessions without a term', () => {
    const hits = searchSessions(sessions, { text: 'cache' });
    expect(hits.map((h) => [h.session.id, h.score])).toEqual([
      ['new-name-hit', 3],
      ['old-name-hit', 3],
      ['body-hit', 1],
    ]);
  });

  it('matches any term of several', () => {
    expect(searchSessions(sessions, { text: 'other perf' }).map((h) => h.session.id)).toEqual(['miss', 'new-name-hit']);
  });

  it('lists everything matching the filters, newest first, for empty text', () => {
    expect(searchSessions(sessions, { state: 'succeeded' }).map((h) => [h.session.id, h.score])).toEqual([
      ['miss', 0],
      ['body-hit', 0],
      ['old-name-hit', 0],
    ]);
  });

  it('applies filters and limit', () => {
    expect(searchSessions(sessions, { text: 'cache', state: 'succeeded', limit: 1 }).map((h) => h.session.id)).toEqual([
      'old-name-hit',
    ]);
    expect(searchSessions(sessions, { text: 'cache', tags: ['perf'] }).map((h) => h.session.id)).toEqual([
      'new-name-hit',
    ]);
    expect(searchSessions(sessions, { until: '2026-01-02T00:00:00.000Z' }).map((h) => h.session.id)).toEqual([
      'old-name-hit',
    ]);
    expect(searchSessions(sessions, { text: 'cache', limit: 0 })).toEqual([]);
  });
});
