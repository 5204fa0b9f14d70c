/**
 * The Chat Completions wire shapes the fake reads and writes (the subset SessionHub's adapters use).
 * @module
 */

/** A tool call as the assistant message carries it. */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One message of a request. */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | null | { type: string; text?: string }[];
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  name?: string;
}

/** A function tool of a request. */
export interface ChatTool {
  type: string;
  function?: { name?: unknown; description?: unknown; parameters?: unknown; strict?: unknown };
}

/** A `POST /v1/chat/completions` request body. */
export interface ChatRequestBody {
  model?: unknown;
  messages?: unknown;
  tools?: unknown;
  tool_choice?: unknown;
  stream?: unknown;
  stream_options?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  temperature?: unknown;
  n?: unknown;
  [key: string]: unknown;
}

/** Why a completion ended. */
export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Token counts of a completion. */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** The error types the real API sends. */
export type ChatErrorType = 'invalid_request_error' | 'authentication_error' | 'rate_limit_error' | 'server_error';

/** The real error body: `{ error: { message, type, param, code } }`. */
export function chatErrorBody(type: string, message: string, code: string | null = null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

/** The messages of a request body when they are an array of objects, else an empty list. */
export function messagesOf(body: ChatRequestBody): ChatMessage[] {
  return Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
}

/** The text of a message's content (string, or the text of its parts). */
export function contentText(message: ChatMessage | undefined): string {
  const c = message?.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => p.text ?? '').join('\n');
  return '';
}
