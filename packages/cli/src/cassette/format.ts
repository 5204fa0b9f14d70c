import type { MessagesRequestBody, StopReason, WireBlock } from '@sessionhub/testing';
import { z } from 'zod';

/** What a recorded request is compared on when it is replayed. */
export interface RequestKey {
  /** `planner` (no tools) or `executor` (with tools). */
  actor: 'planner' | 'executor';
  model: string;
  /** Tool names, in order. */
  tools: string[];
  /** Messages in the conversation. */
  messages: number;
  /** The blocks of the last message: their type, tool_use id and error flag (the structure). */
  shape: string[];
  /** The last message's text (text blocks and tool results), normalized (paths and timings masked). */
  text: string;
}

/** One model call: what was asked (its key) and what the model answered. */
export interface CassetteExchange {
  request: RequestKey;
  response: { content: WireBlock[]; stop_reason: StopReason };
}

/** A recorded session: every model exchange in order, and the request that started it. */
export interface Cassette {
  format: 'sessionhub-cassette';
  version: 1;
  /** The session's request (what `sessionhub run` was given). */
  request: string;
  recordedAt: string;
  exchanges: CassetteExchange[];
}

const keySchema = z.object({
  actor: z.enum(['planner', 'executor']),
  model: z.string(),
  tools: z.array(z.string()),
  messages: z.number().int().nonnegative(),
  shape: z.array(z.string()),
  text: z.string(),
});

/** Checks a cassette file's content. */
export const cassetteSchema = z.object({
  format: z.literal('sessionhub-cassette'),
  version: z.literal(1),
  request: z.string().min(1),
  recordedAt: z.string(),
  exchanges: z.array(
    z.object({
      request: keySchema,
      response: z.object({
        content: z.array(z.looseObject({ type: z.string() })),
        stop_reason: z.enum(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'refusal', 'pause_turn']),
      }),
    }),
  ),
});

function blockText(block: WireBlock): string {
  if (block.type === 'text') return block.text ?? '';
  if (block.type === 'tool_result') {
    return typeof block.content === 'string' ? block.content : (block.content ?? []).map(blockText).join('\n');
  }
  return '';
}

/**
 * Masks what differs between two runs of the same session: absolute temp paths (the workspace is a fresh
 * directory each time), durations, dates and ids.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/\/(?:tmp|var\/folders|private)\/[^\s"'`:)]*/g, '<path>')
    .replace(/\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?\b/g, '<date>')
    .replace(/\b\d+(?:\.\d+)?\s?(?:ms|s)\b/g, '<time>')
    .replace(/duration_ms[:=\s]+[\d.]+/g, 'duration_ms <time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>')
    .trim();
}

/** The key a request is recorded under and compared on. */
export function requestKey(body: MessagesRequestBody): RequestKey {
  const last = body.messages.at(-1);
  const blocks: WireBlock[] =
    last === undefined ? [] : typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content;
  return {
    actor: body.tools && body.tools.length > 0 ? 'executor' : 'planner',
    model: body.model,
    tools: (body.tools ?? []).map((t) => t.name),
    messages: body.messages.length,
    shape: blocks.map((b) =>
      b.type === 'tool_result' ? `tool_result:${b.tool_use_id}${b.is_error ? ':error' : ''}` : b.type,
    ),
    text: normalizeText(blocks.map(blockText).join('\n')),
  };
}

/** Why `actual` does not have the structure of `recorded` (model, tools, turns, block shape), or undefined. */
export function structuralDifference(recorded: RequestKey, actual: RequestKey): string | undefined {
  if (recorded.actor !== actual.actor) return `the ${actual.actor} called where the ${recorded.actor} was recorded`;
  if (recorded.model !== actual.model) return `model ${actual.model}, recorded ${recorded.model}`;
  if (recorded.tools.join(',') !== actual.tools.join(','))
    return `tools [${actual.tools}], recorded [${recorded.tools}]`;
  if (recorded.messages !== actual.messages) return `${actual.messages} messages, recorded ${recorded.messages}`;
  if (recorded.shape.join(',') !== actual.shape.join(',')) {
    return `last message [${actual.shape}], recorded [${recorded.shape}]`;
  }
  return undefined;
}
