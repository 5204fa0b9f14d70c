import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatMatch,
  chatReply,
  FakeOptionError,
  FakeScriptError,
  match,
  reply,
  type ScriptedFake,
  startFakeAnthropic,
  startFakeOpenAI,
} from '../src/index.js';

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

interface Case {
  name: string;
  start(options: { port?: number; chunkChars?: number }): Promise<ScriptedFake<unknown, never>>;
  /** Starts the fake with one named turn that the request of `post` does not match, and one queued fault. */
  startUnfinished(): Promise<ScriptedFake<unknown, never>>;
  /** POSTs `body` as it is to the fake's endpoint with a valid key. */
  post(fake: ScriptedFake<unknown, never>, body: string): Promise<Response>;
}

const cases: Case[] = [
  {
    name: 'the Messages API fake',
    start: (options) => startFakeAnthropic(options) as Promise<ScriptedFake<unknown, never>>,
    startUnfinished: () =>
      startFakeAnthropic({
        script: [{ name: 'plan', match: match.lastUserContains('never sent'), reply: reply.text('x') }],
        faults: [{ kind: 'rate_limit' }],
      }) as Promise<ScriptedFake<unknown, never>>,
    post: (fake, body) =>
      fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
        body,
      }),
  },
  {
    name: 'the OpenAI Chat Completions fake',
    start: (options) => startFakeOpenAI(options) as Promise<ScriptedFake<unknown, never>>,
    startUnfinished: () =>
      startFakeOpenAI({
        script: [{ name: 'plan', match: chatMatch.lastUserContains('never sent'), reply: chatReply.text('x') }],
        faults: [{ kind: 'rate_limit' }],
      }) as Promise<ScriptedFake<unknown, never>>,
    post: (fake, body) =>
      fetch(`${fake.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
        body,
      }),
  },
];

describe.each(cases)('$name: the scaffolding both fakes share', ({ start, startUnfinished, post }) => {
  const open: ScriptedFake<unknown, never>[] = [];
  const held = <T extends ScriptedFake<unknown, never>>(fake: T): T => {
    open.push(fake);
    return fake;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((f) => f.close()));
  });

  it('listens on the port it is given, on 127.0.0.1, and says so in url and port', async () => {
    const port = await freePort();
    const fake = held(await start({ port }));
    expect(fake.port).toBe(port);
    expect(fake.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}(/v1)?$`));
    const res = await fetch(`http://127.0.0.1:${port}/nothing-here`);
    expect(res.status).toBe(404);
  });

  it('a port already in use rejects the start', async () => {
    const first = held(await start({}));
    await expect(start({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('refuses a port or chunkChars it cannot honour with fake.invalid_option', async () => {
    for (const options of [{ port: -1 }, { port: 65_536 }, { port: 1.5 }, { chunkChars: 0 }]) {
      const err = await start(options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FakeOptionError);
      expect(err).toMatchObject({ code: 'fake.invalid_option' });
    }
  });

  it('a JSON body that is not an object is a 400, not an internal error', async () => {
    const fake = held(await start({}));
    for (const body of ['null', '[]', '42', '{"model":']) {
      const res = await post(fake, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    }
  });

  it('assertDone names the turn never requested and the fault never served, in the same words for both fakes', async () => {
    const fake = held(await startUnfinished());
    expect(() => fake.assertDone()).toThrow(FakeScriptError);
    expect(() => fake.assertDone()).toThrow(expect.objectContaining({ code: 'fake.script_unfinished' }));
    expect(() => fake.assertDone()).toThrow(/script not completed as written:\n- turn 0 \(plan\) was never requested/);
    expect(() => fake.assertDone()).toThrow(/\n- 1 fault\(s\) never served: rate_limit$/);
  });
});
