import { createRedactor, REDACTED, type SessionEvent, secretsFromEnv } from '@sessionhub/core';
import { gateResult, ScriptedExecutor, ScriptedVerifier } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { makeHarness } from './support/harness.js';

describe('redaction', () => {
  it('replaces secrets deeply, longest first, and keeps untouched values as they are', () => {
    const redact = createRedactor(['abc12345', 'abc12345-long-form']);
    const value = { a: 'x abc12345-long-form y abc12345', b: [1, { c: 'abc12345' }], d: 'clean' };
    expect(redact(value)).toEqual({ a: `x ${REDACTED} y ${REDACTED}`, b: [1, { c: REDACTED }], d: 'clean' });
    const clean = { d: 'clean', n: [1, 2] };
    expect(redact(clean)).toBe(clean);
  });

  it('takes secrets from env vars named like keys, tokens, secrets or passwords (8+ chars)', () => {
    const secrets = secretsFromEnv({
      ANTHROPIC_API_KEY: 'sk-ant-0123456789',
      GITHUB_TOKEN: 'ghp_abcdefgh',
      DB_PASSWORD: 'hunter2hunter2',
      CLIENT_SECRET: 'short',
      HOME: '/home/someone-long-path',
      PATH: '/usr/bin:/bin',
    });
    expect(secrets.sort()).toEqual(['ghp_abcdefgh', 'hunter2hunter2', 'sk-ant-0123456789'].sort());
  });

  it('never stores or emits a canary secret', async () => {
    const canary = `canary-${crypto.randomUUID()}`;
    const envCanary = `envcanary-${crypto.randomUUID()}`;
    const executor = new ScriptedExecutor({
      progress: [{ kind: 'output', message: `printed ${canary}`, data: { nested: [`${envCanary}`] } }],
      respond: () => ({ summary: `used ${canary} and ${envCanary}` }),
    });
    const verifier = new ScriptedVerifier([
      { passed: false, gates: [gateResult('tests', false, `token ${canary} rejected`)] },
      true,
    ]);
    const h = await makeHarness({
      executor,
      verifier,
      policy: { secrets: [canary] },
      env: { SERVICE_AUTH_TOKEN: envCanary },
    });
    const emitted: SessionEvent[] = [];
    h.hub.emitter.on('event', (e) => emitted.push(e));
    const handle = await h.hub.run({ request: `Greet visitors; the key is ${canary}` });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    // The actors saw the real values; the log and the emitter never did.
    expect(h.planner.calls[0]?.input.request).toContain(canary);
    const stored = JSON.stringify(await h.store.readEvents(handle.id));
    const session = JSON.stringify(await h.hub.get(handle.id));
    for (const text of [stored, session, JSON.stringify(emitted)]) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain(envCanary);
    }
    expect(stored).toContain(REDACTED);
    expect(session).toContain(REDACTED);
  });
});
