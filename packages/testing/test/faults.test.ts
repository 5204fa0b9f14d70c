import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAnthropic, reply, startFakeAnthropic } from '../src/index.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const req = { model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };
const sdk = (f: FakeAnthropic, maxRetries = 2) => new Anthropic({ apiKey: 'k', baseURL: f.url, maxRetries });

describe('fault injection', { timeout: 10_000 }, () => {
  it('429 with retry-after is retried by the SDK and the retry gets the scripted turn', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('after the wait') }] });
    fake.enqueueFault({ kind: 'rate_limit', retryAfterS: 0.01 });
    const msg = await sdk(fake).messages.stream(req).finalMessage();
    expect(msg.content[0]).toMatchObject({ text: 'after the wait' });
    expect(fake.requests.map((r) => [r.status, r.retryCount])).toEqual([
      [429, 0],
      [200, 1],
    ]);
    fake.assertDone();
  });

  it('500 and 529 are retried; past the retry budget they surface as typed SDK errors', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('ok') }] });
    fake.enqueueFault({ kind: 'server_error', retryAfterMs: 1 });
    fake.enqueueFault({ kind: 'overloaded', retryAfterMs: 1 });
    expect((await sdk(fake).messages.create(req)).content[0]).toMatchObject({ text: 'ok' });
    fake.enqueueFault({ kind: 'overloaded', retryAfterMs: 1 }, 3);
    const err = await sdk(fake)
      .messages.create(req)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error' },
    });
  });

  it('a connection dropped mid-stream is an error on the client, not a hang', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('a long answer that will not arrive in full') }] });
    fake.enqueueFault({ kind: 'drop_mid_stream', afterEvents: 3 });
    await expect(sdk(fake, 0).messages.stream(req).finalMessage()).rejects.toThrow();
    expect(fake.requests[0]?.fault).toBe('drop_mid_stream');
    // the turn was not consumed: a second attempt gets it
    expect((await sdk(fake, 0).messages.stream(req).finalMessage()).content[0]).toMatchObject({ type: 'text' });
  });

  it('malformed SSE is an error on the client', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('x') }] });
    fake.enqueueFault({ kind: 'malformed_sse' });
    await expect(sdk(fake, 0).messages.stream(req).finalMessage()).rejects.toThrow();
  });

  it('a slow first byte still answers the turn', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('slow but fine') }] });
    fake.enqueueFault({ kind: 'slow_first_byte', delayMs: 100 });
    const msg = await sdk(fake, 0).messages.stream(req).finalMessage();
    expect(msg.content[0]).toMatchObject({ text: 'slow but fine' });
    fake.assertDone();
  });

  it('a stalled stream ends when the client aborts, and the fake records the abort', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('never finished') }] });
    fake.enqueueFault({ kind: 'stall', afterEvents: 2 });
    const controller = new AbortController();
    const stream = sdk(fake, 0).messages.stream(req, { signal: controller.signal });
    stream.on('streamEvent', (e) => {
      if (e.type === 'message_start') controller.abort();
    });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    await expect.poll(() => fake?.requests[0]?.aborted).toBe(true);
  });

  it('an error event in the middle of a 200 stream is an APIError of its type; the turn is kept for the retry', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('the answer after the overload') }] });
    fake.enqueueFault({ kind: 'stream_error', afterEvents: 4 });
    const err = await sdk(fake, 0)
      .messages.stream(req)
      .finalMessage()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect(fake.requests[0]).toMatchObject({ status: 200, fault: 'stream_error' });
    const msg = await sdk(fake, 0).messages.stream(req).finalMessage();
    expect(msg.content[0]).toMatchObject({ text: 'the answer after the overload' });
    // a non-streaming request gets the error's own status
    fake.setScript([{ reply: reply.text('x') }]);
    fake.enqueueFault({ kind: 'stream_error' });
    const status = await sdk(fake, 0)
      .messages.create(req)
      .catch((e: { status?: number }) => e.status);
    expect(status).toBe(529);
  });

  it('malformed JSON in a non-streaming 200 is an error on the client', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('x') }] });
    fake.enqueueFault({ kind: 'malformed_json' });
    await expect(sdk(fake, 0).messages.create(req)).rejects.toThrow();
    expect(fake.requests[0]).toMatchObject({ status: 200, fault: 'malformed_json', stream: false });
    expect((await sdk(fake, 0).messages.create(req)).content[0]).toMatchObject({ text: 'x' });
  });

  it('a reply function may enqueue a fault for the next request', async () => {
    fake = await startFakeAnthropic({
      script: [
        {
          reply: () => {
            fake?.enqueueFault({ kind: 'server_error' });
            return reply.text('first');
          },
        },
        { reply: reply.text('second') },
      ],
    });
    expect((await sdk(fake, 0).messages.create(req)).content[0]).toMatchObject({ text: 'first' });
    await expect(sdk(fake, 0).messages.create(req)).rejects.toMatchObject({ status: 500 });
    expect((await sdk(fake, 0).messages.create(req)).content[0]).toMatchObject({ text: 'second' });
    fake.assertDone();
  });

  it('assertDone lists faults that were never served', async () => {
    fake = await startFakeAnthropic({ faults: [{ kind: 'server_error' }] });
    expect(() => fake?.assertDone()).toThrow(/fault\(s\) never served: server_error/);
  });
});
