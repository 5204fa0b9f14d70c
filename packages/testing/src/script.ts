import {
  errorStatus,
  type MessagesRequestBody,
  type StopReason,
  type WireBlock,
  type WireErrorType,
  type WireMessage,
  type WireUsage,
} from './wire.js';

/**
 * Checks one request against an expectation. `check` returns `undefined` when the request
 * matches, or a short account of what was received instead.
 */
export interface TurnMatcher {
  /** What the matcher expects, in words (shown on a mismatch). */
  readonly description: string;
  check(request: MessagesRequestBody): string | undefined;
}

/** A scripted model message: its content blocks and stop reason. */
export interface MessageReply {
  kind: 'message';
  content: WireBlock[];
  stopReason: StopReason;
  /** Overrides of the computed usage (rarely needed). */
  usage?: Partial<WireUsage>;
}

/** A scripted API error (consumes its turn, unlike a fault). */
export interface ErrorReply {
  kind: 'error';
  status: number;
  errorType: WireErrorType;
  message: string;
  headers?: Record<string, string>;
}

/** What a turn answers with. */
export type Reply = MessageReply | ErrorReply;

/** One step of a scripted conversation: which request it expects and what it answers. */
export interface ScriptTurn {
  /** A name shown in mismatch reports. */
  name?: string;
  /** Every matcher must accept the request; none means any request matches. */
  match?: TurnMatcher | TurnMatcher[];
  /**
   * The reply, or a function of the request that builds it. A function may also act on the fake,
   * e.g. `fake.enqueueFault({ kind: 'stall' })` to stall the request after this one: how a test
   * stops a run at a chosen point.
   */
  reply: Reply | ((request: MessagesRequestBody) => Reply);
}

/** An ordered list of turns; each request consumes the next turn. */
export type Script = ScriptTurn[];

const excerpt = (text: string, max = 160): string => {
  const flat = JSON.stringify(text);
  return flat.length > max ? `${flat.slice(0, max)}…"` : flat;
};

/** All text of a message (text blocks and tool_result contents), joined by newlines. */
export function messageText(message: WireMessage | undefined): string {
  if (!message) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content.map(blockText).join('\n');
}

function blockText(block: WireBlock): string {
  if (block.type === 'text') return block.text ?? '';
  if (block.type === 'tool_result') {
    if (typeof block.content === 'string') return block.content;
    return (block.content ?? []).map(blockText).join('\n');
  }
  return '';
}

const lastUser = (req: MessagesRequestBody): WireMessage | undefined =>
  [...req.messages].reverse().find((m) => m.role === 'user');

const systemText = (req: MessagesRequestBody): string =>
  typeof req.system === 'string' ? req.system : (req.system ?? []).map(blockText).join('\n');

/** Builders of {@link TurnMatcher}s. */
export const match = {
  /** Any request. */
  any(): TurnMatcher {
    return { description: 'any request', check: () => undefined };
  },
  /** The last user message's text (including tool results) contains `text`. */
  lastUserContains(text: string): TurnMatcher {
    return {
      description: `last user message contains ${excerpt(text)}`,
      check(req) {
        const got = messageText(lastUser(req));
        return got.includes(text) ? undefined : `last user message was ${excerpt(got)}`;
      },
    };
  },
  /** The system prompt contains `text`. */
  systemContains(text: string): TurnMatcher {
    return {
      description: `system prompt contains ${excerpt(text)}`,
      check(req) {
        const got = systemText(req);
        return got.includes(text) ? undefined : `system prompt was ${excerpt(got)}`;
      },
    };
  },
  /**
   * The last user message holds a `tool_result` matching every given field: the tool use `id`,
   * the `name` of the tool whose call it answers, text it `contains`, and whether it `isError`.
   */
  toolResult(expect: { id?: string; name?: string; contains?: string; isError?: boolean }): TurnMatcher {
    const parts = Object.entries(expect).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return {
      description: `a tool_result with ${parts.join(', ')}`,
      check(req) {
        const user = lastUser(req);
        const results =
          typeof user?.content === 'string' ? [] : (user?.content ?? []).filter((b) => b.type === 'tool_result');
        const names = toolUseNames(req);
        const ok = results.some(
          (r) =>
            (expect.id === undefined || r.tool_use_id === expect.id) &&
            (expect.name === undefined || names.get(r.tool_use_id ?? '') === expect.name) &&
            (expect.contains === undefined || blockText(r).includes(expect.contains)) &&
            (expect.isError === undefined || (r.is_error ?? false) === expect.isError),
        );
        if (ok) return undefined;
        const seen = results.map(
          (r) =>
            `{id=${r.tool_use_id}, name=${names.get(r.tool_use_id ?? '')}, is_error=${r.is_error ?? false}, content=${excerpt(blockText(r), 120)}}`,
        );
        return seen.length ? `tool results were ${seen.join('; ')}` : 'no tool_result in the last user message';
      },
    };
  },
  /** The request offers a tool of each given name. */
  hasTools(...names: string[]): TurnMatcher {
    return {
      description: `tools include ${names.join(', ')}`,
      check(req) {
        const got = (req.tools ?? []).map((t) => t.name);
        return names.every((n) => got.includes(n)) ? undefined : `tools were [${got.join(', ')}]`;
      },
    };
  },
  /** The request asks for this model. */
  model(name: string): TurnMatcher {
    return {
      description: `model ${name}`,
      check: (req) => (req.model === name ? undefined : `model was ${req.model}`),
    };
  },
  /** A custom predicate with a description. */
  where(description: string, predicate: (request: MessagesRequestBody) => boolean): TurnMatcher {
    return { description, check: (req) => (predicate(req) ? undefined : 'the predicate returned false') };
  },
};

function toolUseNames(req: MessagesRequestBody): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of req.messages) {
    if (m.role !== 'assistant' || typeof m.content === 'string') continue;
    for (const b of m.content) if (b.type === 'tool_use' && b.id && b.name) names.set(b.id, b.name);
  }
  return names;
}

/** A tool call in a scripted reply; the fake assigns `toolu_fake_<turn>_<block>` when `id` is absent. */
export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  id?: string;
}

/** Builders of {@link Reply}s. */
export const reply = {
  /** A plain text answer (`end_turn` unless told otherwise). */
  text(text: string, opts: { stopReason?: StopReason } = {}): MessageReply {
    return { kind: 'message', content: [{ type: 'text', text }], stopReason: opts.stopReason ?? 'end_turn' };
  },
  /** One tool call, optionally preceded by text; stop reason `tool_use`. */
  toolUse(name: string, input: Record<string, unknown>, opts: { id?: string; text?: string } = {}): MessageReply {
    return reply.toolUses([{ name, input, id: opts.id }], { text: opts.text });
  },
  /** Several parallel tool calls, optionally preceded by text; stop reason `tool_use`. */
  toolUses(calls: ToolCall[], opts: { text?: string } = {}): MessageReply {
    const content: WireBlock[] = opts.text ? [{ type: 'text', text: opts.text }] : [];
    for (const c of calls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
    return { kind: 'message', content, stopReason: 'tool_use' };
  },
  /** Any content blocks with an explicit stop reason. */
  message(content: WireBlock[], stopReason: StopReason): MessageReply {
    return { kind: 'message', content, stopReason };
  },
  /** An API error in the real shape, e.g. `reply.error('invalid_request_error', 'prompt is too long')`. */
  error(
    errorType: WireErrorType,
    message: string,
    opts: { status?: number; headers?: Record<string, string> } = {},
  ): ErrorReply {
    return { kind: 'error', errorType, message, status: opts.status ?? errorStatus(errorType), headers: opts.headers };
  },
};
