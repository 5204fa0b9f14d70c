import { type ChatMessage, type ChatRequestBody, messagesOf } from './wire.js';

/** One thing the real Chat Completions API refuses with a 400, as the fake checks it. */
export interface ChatRequestRule {
  /** A stable name, used in docs and tests. */
  readonly id: string;
  /** What the real API refuses, in words. */
  readonly description: string;
  /** `undefined` when the request keeps the rule, else the 400's message. */
  check(body: ChatRequestBody): string | undefined;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/**
 * The requests the fake OpenAI API refuses, in the order it checks them. Each is something the real API
 * answers with 400 `invalid_request_error`, so a test passing against the fake does not hide one.
 */
export const CHAT_REQUEST_RULES: readonly ChatRequestRule[] = [
  {
    id: 'model-required',
    description: '`model` must be a non-empty string',
    check: (b) => (typeof b.model === 'string' && b.model !== '' ? undefined : 'you must provide a model parameter'),
  },
  {
    id: 'messages-non-empty',
    description: '`messages` must be a non-empty array',
    check: (b) =>
      Array.isArray(b.messages) && b.messages.length > 0 ? undefined : "'messages' must be a non-empty array",
  },
  {
    id: 'message-role',
    description: 'every message has a known `role`',
    check: (b) => {
      const i = messagesOf(b).findIndex((m) => typeof m !== 'object' || m === null || !ROLES.has(m.role));
      return i < 0 ? undefined : `messages[${i}].role: invalid value`;
    },
  },
  {
    id: 'max-tokens-exclusive',
    description: '`max_tokens` and `max_completion_tokens` are not both set',
    check: (b) =>
      b.max_tokens !== undefined && b.max_completion_tokens !== undefined
        ? 'max_tokens and max_completion_tokens cannot both be set'
        : undefined,
  },
  {
    id: 'stream-options-need-stream',
    description: '`stream_options` only with `stream: true`',
    check: (b) =>
      b.stream_options !== undefined && b.stream !== true
        ? 'The stream_options parameter is only allowed when stream is enabled.'
        : undefined,
  },
  {
    id: 'tool-shape',
    description:
      'each tool is `{ type: "function", function: { name, parameters } }` with a name of 1–64 `[a-zA-Z0-9_-]` and an object schema',
    check: (b) => {
      if (b.tools === undefined) return undefined;
      if (!Array.isArray(b.tools) || b.tools.length === 0) return "'tools' must be a non-empty array when given";
      const names = new Set<string>();
      for (const [i, t] of (b.tools as { type?: unknown; function?: Record<string, unknown> }[]).entries()) {
        if (t?.type !== 'function') return `tools[${i}].type: only 'function' is supported`;
        const name = t.function?.name;
        if (typeof name !== 'string' || !NAME.test(name))
          return `tools[${i}].function.name: string does not match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
        if (names.has(name)) return `tools[${i}].function.name: duplicate tool name '${name}'`;
        names.add(name);
        const params = t.function?.parameters as { type?: unknown } | undefined;
        if (params !== undefined && params?.type !== 'object')
          return `Invalid schema for function '${name}': schema must be a JSON Schema of 'type: "object"'`;
      }
      return undefined;
    },
  },
  {
    id: 'tool-choice-needs-tools',
    description: '`tool_choice` only with `tools`',
    check: (b) =>
      b.tool_choice !== undefined && b.tools === undefined
        ? "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."
        : undefined,
  },
  {
    id: 'tool-results-answer-calls',
    description:
      'an assistant message with `tool_calls` is followed by one `tool` message per call id, and a `tool` message answers a call',
    check: (b) => checkToolPairs(messagesOf(b)),
  },
];

function checkToolPairs(messages: ChatMessage[]): string | undefined {
  let open = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (m.role === 'tool') {
      if (typeof m.tool_call_id !== 'string' || !open.delete(m.tool_call_id))
        return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages[${i}]).`;
      continue;
    }
    if (open.size > 0)
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
    open = new Set((m.role === 'assistant' ? (m.tool_calls ?? []) : []).map((c) => c.id));
  }
  if (open.size > 0)
    return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
  return undefined;
}

/** The first broken rule's message, or `undefined` when the request passes every rule. */
export function validateChatRequest(body: ChatRequestBody): string | undefined {
  for (const rule of CHAT_REQUEST_RULES) {
    const why = rule.check(body);
    if (why) return why;
  }
  return undefined;
}
