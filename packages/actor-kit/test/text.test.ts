import { describe, expect, it } from 'vitest';
import { headOf, redact, shorten, tailOf, truncateMiddle, unwrapFence } from '../src/index.js';
import { redactJson } from '../src/redact.js';

const INSTRUCTION = 'Session 1.1: Greeting Module\nOBJECTIVES:\n1. Visitors are greeted by name\n';

describe('text helpers shared by every model adapter', () => {
  it('unwraps an answer wrapped in one Markdown fence and leaves a bare answer as it is', () => {
    expect(unwrapFence(`\`\`\`text\n${INSTRUCTION}\`\`\``)).toBe(INSTRUCTION);
    expect(unwrapFence(`\n${INSTRUCTION}\n\n`)).toBe(INSTRUCTION);
  });

  it('cuts on code points: never half of a surrogate pair, at either end or in the middle', () => {
    const text = `ab😀cd😀ef`; // 😀 is two UTF-16 units
    expect(headOf(text, 3)).toBe('ab');
    expect(shorten(text, 3)).toBe('ab…');
    expect(shorten(text, 4)).toBe('ab😀…');
    expect(tailOf(text, 3)).toBe('ef');
    const cut = truncateMiddle(`${'😀'.repeat(20)}`, 11);
    expect(cut.truncated).toBe(true);
    expect(cut.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(cut.text).toContain('characters truncated by SessionHub');
    expect(truncateMiddle('short', 10)).toEqual({ text: 'short', truncated: false });
  });

  it('redacts every secret of four characters or more, and ignores shorter or missing ones', () => {
    expect(redact('key sk-secret-1 and abc in sk-secret-1', ['sk-secret-1', 'abc', undefined])).toBe(
      'key [redacted] and abc in [redacted]',
    );
    expect(redact('token tok-9999', 'tok-9999')).toBe('token [redacted]');
    expect(redact('nothing here', undefined)).toBe('nothing here');
  });

  it('redacts a JSON value (a progress event) in keys and strings, and hands back a value without secrets as it is', () => {
    const leaky = { kind: 'tool_result', message: 'ok', data: { excerpt: 'token tok-9999', 'tok-9999': 1 } };
    expect(redactJson(leaky, ['tok-9999'])).toEqual({
      kind: 'tool_result',
      message: 'ok',
      data: { excerpt: 'token [redacted]', '[redacted]': 1 },
    });
    expect(leaky.data.excerpt).toBe('token tok-9999');
    const clean = { kind: 'message', message: 'model call 1', data: { turn: 1 } };
    expect(redactJson(clean, ['tok-9999'])).toBe(clean);
    expect(redactJson(leaky, [])).toBe(leaky);
  });
});
