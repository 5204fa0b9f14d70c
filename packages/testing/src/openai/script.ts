import { type ChatFinishReason, type ChatRequestBody, contentText, messagesOf } from './wire.js';

/** Checks one request: `undefined` when it matches, else a short account of what was received. */
export interface ChatTurnMatcher {
  readonly description: string;
  check(request: ChatRequestBody): string | undefined;
}

/** A scripted assistant message. */
export interface ChatMessageReply {
  kind: 'message';
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: ChatFinishReason;
  /** Overrides of the computed token counts. */
  usage?: { promptTokens?: number; completionTokens?: number; cachedTokens?: number };
}

/** A scripted API error (it consumes its turn, unlike a fault). */
export interface ChatErrorReply {
  kind: 'error';
  status: number;
  errorType: string;
  message: string;
  code?: string;
}

/** What a turn answers with. */
export type ChatReply = ChatMessageReply | ChatErrorReply;

/** One step of a scripted conversation. */
export interface ChatScriptTurn {
  name?: string;
  /** Every matcher must accept the request; none means any request matches. */
  match?: ChatTurnMatcher | ChatTurnMatcher[];
  reply: ChatReply | ((request: ChatRequestBody) => ChatReply);
}

/** An ordered list of turns; each request consumes the next turn. */
export type ChatScript = ChatScriptTurn[];

const excerpt = (text: string): string => {
  const flat = JSON.stringify(text);
  return flat.length > 160 ? `${flat.slice(0, 160)}…"` : flat;
};

const matcher = (description: string, check: ChatTurnMatcher['check']): ChatTurnMatcher => ({ description, check });

/** Matchers for {@link ChatScriptTurn.match}. */
export const chatMatch = {
  /** A system (or developer) message contains `text`. */
  systemContains: (text: string) =>
    matcher(`a system message containing ${excerpt(text)}`, (r) => {
      const system = messagesOf(r)
        .filter((m) => m.role === 'system' || m.role === 'developer')
        .map(contentText)
        .join('\n');
      return system.includes(text) ? undefined : `system ${excerpt(system)}`;
    }),
  /** The last user message contains `text`. */
  lastUserContains: (text: string) =>
    matcher(`a last user message containing ${excerpt(text)}`, (r) => {
      const last = contentText(messagesOf(r).findLast((m) => m.role === 'user'));
      return last.includes(text) ? undefined : `last user message ${excerpt(last)}`;
    }),
  /** The request offers at least these tools. */
  hasTools: (...names: string[]) =>
    matcher(`tools ${names.join(', ')}`, (r) => {
      const offered = (Array.isArray(r.tools) ? r.tools : []).map(
        (t: { function?: { name?: unknown } }) => t.function?.name,
      );
      const missing = names.filter((n) => !offered.includes(n));
      return missing.length ? `tools ${offered.join(', ') || '(none)'}` : undefined;
    }),
  /** The request ends with a `tool` message answering a call of `name` (and containing `contains`). */
  toolResult: (opts: { name: string; contains?: string }) =>
    matcher(`a tool result of ${opts.name}${opts.contains ? ` containing ${excerpt(opts.contains)}` : ''}`, (r) => {
      const messages = messagesOf(r);
      const last = messages.at(-1);
      if (last?.role !== 'tool') return `last message of role ${last?.role ?? '(none)'}`;
      const calls = messages.flatMap((m) => m.tool_calls ?? []);
      const call = calls.find((c) => c.id === last.tool_call_id);
      if (call?.function.name !== opts.name) return `a tool result of ${call?.function.name ?? '(unknown call)'}`;
      const text = contentText(last);
      return opts.contains && !text.includes(opts.contains) ? `tool result ${excerpt(text)}` : undefined;
    }),
};

let callCounter = 0;

/** Replies for {@link ChatScriptTurn.reply}. */
export const chatReply = {
  /** A text answer (`finish_reason: "stop"` unless given, e.g. `"length"` or `"content_filter"`). */
  text: (content: string, finishReason: ChatFinishReason = 'stop'): ChatMessageReply => ({
    kind: 'message',
    content,
    toolCalls: [],
    finishReason,
  }),
  /** One or more tool calls (`finish_reason: "tool_calls"`), with optional text before them. */
  toolCalls: (
    calls: { name: string; arguments: Record<string, unknown> }[],
    content: string | null = null,
  ): ChatMessageReply => ({
    kind: 'message',
    content,
    toolCalls: calls.map((c) => ({
      id: `call_fake_${String(++callCounter).padStart(6, '0')}`,
      name: c.name,
      arguments: JSON.stringify(c.arguments),
    })),
    finishReason: 'tool_calls',
  }),
  /** One tool call. */
  toolCall: (name: string, args: Record<string, unknown>): ChatMessageReply =>
    chatReply.toolCalls([{ name, arguments: args }]),
  /** An API error in the real shape, e.g. `(400, 'invalid_request_error', 'context_length_exceeded')`. */
  error: (status: number, errorType: string, message: string, code?: string): ChatErrorReply => ({
    kind: 'error',
    status,
    errorType,
    message,
    ...(code ? { code } : {}),
  }),
};
