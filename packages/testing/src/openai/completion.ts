import { approxTokens } from '../tokens.js';
import type { ChatMessageReply } from './script.js';
import type { ChatRequestBody, ChatUsage } from './wire.js';

/** A whole `chat.completion` object, as a non-streaming request gets it. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    };
    finish_reason: string;
    logprobs: null;
  }[];
  usage: ChatUsage;
}

/** The completion answering `body` with `reply`; usage is the fake's approximation (`ceil(chars / 4)`). */
export function buildCompletion(reply: ChatMessageReply, body: ChatRequestBody, id: string): ChatCompletion {
  const prompt = reply.usage?.promptTokens ?? approxTokens(JSON.stringify([body.messages, body.tools ?? null]));
  const completion =
    reply.usage?.completionTokens ??
    approxTokens(reply.content ?? '') + reply.toolCalls.reduce((n, c) => n + approxTokens(c.name + c.arguments), 0);
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: String(body.model),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content,
          refusal: null,
          ...(reply.toolCalls.length
            ? {
                tool_calls: reply.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        finish_reason: reply.finishReason,
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: reply.usage?.cachedTokens ?? 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

/**
 * The `chat.completion.chunk` objects of a streamed completion: the role, text deltas of `chunkChars`
 * code points, each tool call's header then its arguments in pieces, the finish reason, and (when the
 * request asked with `stream_options.include_usage`) a last chunk with empty `choices` and the usage.
 */
export function completionChunks(completion: ChatCompletion, chunkChars: number, includeUsage: boolean): unknown[] {
  const { id, created, model } = completion;
  const choice = completion.choices[0]!;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  const out: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of pieces(choice.message.content ?? '', chunkChars)) out.push(chunk({ content: piece }));
  for (const [index, call] of (choice.message.tool_calls ?? []).entries()) {
    out.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
      }),
    );
    for (const piece of pieces(call.function.arguments, chunkChars))
      out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  }
  out.push(chunk({}, choice.finish_reason));
  if (includeUsage)
    out.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: completion.usage });
  return out;
}

function pieces(text: string, size: number): string[] {
  const points = [...text];
  const out: string[] = [];
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(''));
  return out;
}

/** One SSE frame of the Chat Completions stream (`data: <json>`; the stream ends with `data: [DONE]`). */
export const sseData = (data: unknown): string => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
