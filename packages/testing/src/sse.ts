import type { StopReason, WireBlock, WireUsage } from './wire.js';

/** One server-sent event. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/** Encodes one event the way the real API frames it. */
export function encodeSse(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/** A complete assistant message as the non-streaming endpoint returns it. */
export interface WireMessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: WireBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: WireUsage;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Pieces of `size` code points: the real API never splits a surrogate pair across deltas. */
function chunks(text: string, size: number): string[] {
  if (text.length === 0) return [''];
  const out: string[] = [];
  if (!SURROGATE.test(text)) {
    // Every code point is one UTF-16 unit: cut the text itself, without splitting it into code points first.
    for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
    return out;
  }
  const points = Array.from(text);
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(''));
  return out;
}

/**
 * The real streaming sequence for a message: `message_start` (empty content, input usage),
 * `ping`, per block `content_block_start` / `content_block_delta` (`text_delta` or
 * `input_json_delta`) / `content_block_stop`, `message_delta` (stop reason, usage), `message_stop`.
 */
export function messageEvents(msg: WireMessageResponse, chunkChars = 24): SseEvent[] {
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          ...msg,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...msg.usage, output_tokens: 1 },
        },
      },
    },
    { event: 'ping', data: { type: 'ping' } },
  ];
  msg.content.forEach((block, index) => {
    if (block.type === 'tool_use') {
      events.push({
        event: 'content_block_start',
        data: {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        },
      });
      const json = typeof block.partial_json === 'string' ? block.partial_json : JSON.stringify(block.input ?? {});
      for (const part of chunks(json, chunkChars)) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } },
        });
      }
    } else if (block.type === 'text') {
      events.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
      });
      for (const part of chunks(block.text ?? '', chunkChars)) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part } },
        });
      }
    } else {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: block } });
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push(
    {
      event: 'message_delta',
      data: { type: 'message_delta', delta: { stop_reason: msg.stop_reason, stop_sequence: null }, usage: msg.usage },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  );
  return events;
}
