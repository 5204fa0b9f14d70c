import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAnthropic, reply, startFakeAnthropic } from '../src/index.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const headers = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };

/** A frame of the fake's SSE stream: its `event:` line and its `data:` JSON. */
interface Frame {
  eventLine: string | undefined;
  data: { type: string; delta?: { type?: string; text?: string; partial_json?: string } };
}

/** Posts a streaming Messages request with one user message; returns the response's content type and its frames. */
async function streamFrames(url: string, content: string): Promise<{ contentType: string | null; frames: Frame[] }> {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'm', max_tokens: 100, stream: true, messages: [{ role: 'user', content }] }),
  });
  const frames = (await res.text())
    .trim()
    .split('\n\n')
    .map((f) => {
      const [eventLine, dataLine] = f.split('\n');
      return { eventLine, data: JSON.parse(dataLine!.slice('data: '.length)) as Frame['data'] };
    });
  return { contentType: res.headers.get('content-type'), frames };
}

describe('the SSE wire format', { timeout: 10_000 }, () => {
  it('sends the real event sequence for text followed by a tool call', async () => {
    fake = await startFakeAnthropic({
      chunkChars: 8,
      script: [{ reply: reply.toolUse('search', { pattern: 'needle in a haystack' }, { text: 'Looking for it.' }) }],
    });
    const { contentType, frames } = await streamFrames(fake.url, 'find');
    expect(contentType).toContain('text/event-stream');
    const events = frames.map(({ eventLine, data }) => {
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
    const names = events.map((e) => (e.type === 'content_block_delta' ? `delta:${e.delta?.type}` : e.type));
    const collapsed = names.filter((n, i) => n !== names[i - 1]);
    expect(collapsed).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'delta:text_delta',
      'content_block_stop',
      'content_block_start',
      'delta:input_json_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const json = events
      .filter((e) => e.delta?.type === 'input_json_delta')
      .map((e) => e.delta?.partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ pattern: 'needle in a haystack' });
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('cuts deltas by code points: an emoji is never split across two deltas, plain text by characters', async () => {
    const text = 'ab😀cd😀e';
    fake = await startFakeAnthropic({
      chunkChars: 2,
      script: [{ reply: reply.text(text) }, { reply: reply.text('abcde') }],
    });
    const deltas = async (): Promise<string[]> =>
      (await streamFrames(fake!.url, 'go')).frames.flatMap(({ data }) =>
        data.delta?.text === undefined ? [] : [data.delta.text],
      );
    expect(await deltas()).toEqual(['ab', '😀c', 'd😀', 'e']);
    expect(await deltas()).toEqual(['ab', 'cd', 'e']);
  });

  it('answers unknown routes with a not_found_error', async () => {
    fake = await startFakeAnthropic();
    const res = await fetch(`${fake.url}/v1/models`, { headers });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});
