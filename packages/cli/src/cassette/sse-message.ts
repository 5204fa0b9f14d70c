import type { StopReason, WireBlock } from '@sessionhub/testing';

/** A model answer put back together: its content blocks and stop reason. */
export interface AssembledMessage {
  content: WireBlock[];
  stop_reason: StopReason;
}

interface SseEvent {
  type: string;
  index?: number;
  content_block?: WireBlock;
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: StopReason };
  message?: { content?: WireBlock[]; stop_reason?: StopReason | null };
}

/** The `data:` payloads of a `text/event-stream` body, parsed. */
function* sseEvents(body: string): Generator<SseEvent> {
  for (const chunk of body.split(/\r?\n\r?\n/)) {
    const data = chunk
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data) yield JSON.parse(data) as SseEvent;
  }
}

/**
 * Puts a streamed Messages API answer back together (text deltas joined, tool inputs parsed from their
 * JSON pieces), as the final message the client saw. A non-streamed answer is read as it is.
 */
export function assembleMessage(body: string, streamed: boolean): AssembledMessage {
  if (!streamed) {
    const message = JSON.parse(body) as { content: WireBlock[]; stop_reason: StopReason };
    return { content: message.content, stop_reason: message.stop_reason };
  }
  const blocks: WireBlock[] = [];
  const json: string[] = [];
  let stopReason: StopReason = 'end_turn';
  for (const event of sseEvents(body)) {
    const i = event.index ?? 0;
    if (event.type === 'content_block_start' && event.content_block) {
      blocks[i] = { ...event.content_block };
      json[i] = '';
    } else if (event.type === 'content_block_delta' && event.delta) {
      const block = blocks[i];
      if (!block) continue;
      if (event.delta.type === 'text_delta') block.text = (block.text ?? '') + (event.delta.text ?? '');
      if (event.delta.type === 'input_json_delta') json[i] += event.delta.partial_json ?? '';
    } else if (event.type === 'content_block_stop') {
      const block = blocks[i];
      if (block?.type === 'tool_use') block.input = json[i] ? JSON.parse(json[i] as string) : (block.input ?? {});
    } else if (event.type === 'message_delta' && event.delta?.stop_reason) {
      stopReason = event.delta.stop_reason;
    } else if (event.type === 'error') {
      throw new Error('the stream ended with an error event');
    }
  }
  return { content: blocks.filter((b) => b !== undefined), stop_reason: stopReason };
}
