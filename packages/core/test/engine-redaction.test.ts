/** Redaction of everything the engine stores or writes (issue 10 items 10–12). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRedactor, REDACTED } from '@sessionhub/core';
import { ScriptedExecutor } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { FOUNDATION_1_0, makeHarness } from './support/harness.js';

const SECRET = 'sk-live-0123456789abcdef';

describe('redactor', () => {
  it('redacts a secret used as an object key (item 10)', () => {
    const redact = createRedactor([SECRET]);
    expect(redact({ data: { [SECRET]: 'value', [`x-${SECRET}`]: 1, plain: 2 } })).toEqual({
      data: { [REDACTED]: 'value', [`x-${REDACTED}`]: 1, plain: 2 },
    });
  });

  it('leaves no fragment of two overlapping secrets (item 11)', () => {
    const redact = createRedactor(['abcdef12', 'ef12ghij']);
    const out = redact('before abcdef12ghij after');
    expect(out).toBe(`before ${REDACTED} after`);
    for (const fragment of ['abcd', 'ghij', 'ef12']) expect(out).not.toContain(fragment);
    expect(redact('x ef12ghij abcdef12 y')).toBe(`x ${REDACTED} ${REDACTED} y`);
  });

  it('does not find a secret split across two strings (the documented limit)', () => {
    const redact = createRedactor([SECRET]);
    expect(redact(['sk-live-01234', '56789abcdef'])).toEqual(['sk-live-01234', '56789abcdef']);
  });
});

describe('engine: a secret in the executor summary', () => {
  it('reaches neither the Foundation document, nor its stored version, nor any event or record (item 12)', async () => {
    const executor = new ScriptedExecutor({
      progress: [{ kind: 'output', message: 'ok', data: { [SECRET]: SECRET } }],
      respond: () => ({ summary: `deployed with key ${SECRET}` }),
    });
    const h = await makeHarness({ executor, foundation: FOUNDATION_1_0, policy: { secrets: [SECRET] } });
    const handle = await h.hub.run({ request: `Greet visitors; key ${SECRET}` });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    const document = await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8');
    expect(document).toContain('1.1');
    const stored = [
      document,
      JSON.stringify(await h.store.listFoundationVersions()),
      JSON.stringify(await h.store.readEvents(handle.id)),
      JSON.stringify(await h.store.getSession(handle.id)),
    ];
    for (const text of stored) expect(text).not.toContain(SECRET);
    expect(stored[1]).toContain(REDACTED);
  });

  it('is redacted from a stored error message', async () => {
    const executor = new ScriptedExecutor({
      respond: () => {
        throw new Error(`the key ${SECRET} was refused`);
      },
    });
    const h = await makeHarness({ executor, policy: { secrets: [SECRET] } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('failed');
    expect(JSON.stringify(await h.store.getSession(handle.id))).not.toContain(SECRET);
    expect(JSON.stringify(await h.store.readEvents(handle.id))).not.toContain(SECRET);
    expect(result.session.error?.message).toContain(REDACTED);
  });
});
