import type { MessagesRequestBody, WireBlock, WireCacheControl } from './wire.js';

/** What a rule looks at: the parsed body and the raw JSON text it came from. */
export interface RuleInput {
  body: MessagesRequestBody;
  raw: string;
}

/**
 * One thing the real Messages API refuses with a 400 `invalid_request_error`. `check` returns the
 * error message the real API sends (with the same path prefix), or `undefined` when the body passes.
 */
export interface RequestRule {
  /** A stable id, listed in docs/testing.md. */
  readonly id: string;
  /** `quoted`: the message is the real API's, copied from real responses; `inferred`: the shape follows the API's other messages. */
  readonly source: 'quoted' | 'inferred';
  /** What the rule requires, in words. */
  readonly description: string;
  check(input: RuleInput): string | undefined;
}

/** A content block with where it sits in the body: see {@link pathOf}. */
interface Located {
  block: WireBlock;
  /** `tools`, `system` or `messages`. */
  section: 'tools' | 'system' | 'messages';
  /** Index in its section. */
  index: number;
  /** Index in its message's content (section `messages`). */
  content?: number;
  /** Index in its tool_result's content, for a block nested there. */
  nested?: number;
  /** Index of the message it belongs to, when it is in `messages`. */
  message?: number;
}

/** Where a block sits in the body, e.g. `messages.2.content.0` (built only for an error message). */
function pathOf(l: Located): string {
  const head = `${l.section}.${l.index}`;
  if (l.content === undefined) return head;
  return l.nested === undefined ? `${head}.content.${l.content}` : `${head}.content.${l.content}.content.${l.nested}`;
}

const blocksOf = (content: string | WireBlock[] | undefined): WireBlock[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];

/** What the rules ask of one body, computed once per {@link validateRequest} call. */
interface BodyFacts {
  blocks?: Located[];
  texts?: Located[];
  /** Per message, the ids of its `tool_use` blocks. */
  toolUseIds?: string[][];
}

/** The body {@link validateRequest} is checking and what the rules found in it so far (reset after each call). */
let validating: { body: MessagesRequestBody; facts: BodyFacts } | undefined;

/** The facts of `body`: shared by the rules while {@link validateRequest} checks it, fresh for a rule called alone. */
function factsOf(body: MessagesRequestBody): BodyFacts {
  return validating?.body === body ? validating.facts : {};
}

/** Every block that can carry `cache_control`, in the API's processing order: tools, system, messages (nested tool_result content included). */
function cacheableBlocks(body: MessagesRequestBody): Located[] {
  const facts = factsOf(body);
  facts.blocks ??= collectBlocks(body);
  return facts.blocks;
}

function collectBlocks(body: MessagesRequestBody): Located[] {
  const out: Located[] = [];
  const tools = body.tools ?? [];
  for (let i = 0; i < tools.length; i++) out.push({ block: tools[i] as WireBlock, section: 'tools', index: i });
  if (Array.isArray(body.system))
    for (let i = 0; i < body.system.length; i++) out.push({ block: body.system[i]!, section: 'system', index: i });
  const messages = body.messages;
  for (let i = 0; i < messages.length; i++) {
    const content = messages[i]!.content;
    if (!Array.isArray(content)) continue;
    for (let j = 0; j < content.length; j++) {
      const b = content[j]!;
      out.push({ block: b, section: 'messages', index: i, content: j, message: i });
      if (b.type !== 'tool_result' || !Array.isArray(b.content)) continue;
      for (let k = 0; k < b.content.length; k++)
        out.push({ block: b.content[k]!, section: 'messages', index: i, content: j, nested: k, message: i });
    }
  }
  return out;
}

const marked = (b: WireBlock): WireCacheControl | undefined => b.cache_control ?? undefined;

/** Text blocks of the messages, nested tool_result text included, with their paths. */
function messageTextBlocks(body: MessagesRequestBody): Located[] {
  const facts = factsOf(body);
  facts.texts ??= cacheableBlocks(body).filter((l) => l.message !== undefined && l.block.type === 'text');
  return facts.texts;
}

/** The ids of the `tool_use` blocks of message `i`. */
function toolUseIds(body: MessagesRequestBody, i: number): string[] {
  const facts = factsOf(body);
  facts.toolUseIds ??= body.messages.map((m) => {
    const ids: string[] = [];
    if (typeof m.content === 'string' || !Array.isArray(m.content)) return ids;
    for (const b of m.content) if (b.type === 'tool_use' && b.id) ids.push(b.id);
    return ids;
  });
  return facts.toolUseIds[i] ?? [];
}

/** `String.prototype.isWellFormed` (ES2024, Node 20): whether a string holds no lone UTF-16 surrogate. */
const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** Whether any string (or key) anywhere in a JSON value holds a lone UTF-16 surrogate. */
function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return !isWellFormed(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasLoneSurrogate(value[i])) return true;
    return false;
  }
  if (value && typeof value === 'object') {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (!isWellFormed(key) || hasLoneSurrogate((value as Record<string, unknown>)[key])) return true;
    }
  }
  return false;
}

/** Position (0-based) of the first `\uXXXX` escape in the raw JSON that is a surrogate without its partner. */
function loneSurrogateIndex(raw: string): number {
  const escapes = /(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})/g;
  for (let m = escapes.exec(raw); m; m = escapes.exec(raw)) {
    if (m[1]!.length % 2 === 0) continue; // an escaped backslash followed by literal "u..."
    const unit = Number.parseInt(m[2]!, 16);
    const at = m.index + m[1]!.length - 1;
    const next = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(raw.slice(at + 6));
    if (unit < 0xdc00) {
      if (next) {
        escapes.lastIndex = at + 12; // a well-formed pair: skip its low half
        continue;
      }
      return at;
    }
    return at; // a low surrogate not consumed as the second half of a pair
  }
  return -1;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const ROLES: readonly string[] = ['user', 'assistant', 'system'];

/** Index of the nearest message before (`step` -1) or after (+1) `i` that is not a `system` message. */
function neighbour(body: MessagesRequestBody, i: number, step: -1 | 1): number {
  let k = i + step;
  while (body.messages[k]?.role === 'system') k += step;
  return k;
}

/**
 * The rules, in the order the fake applies them; the first that fails answers the request.
 * docs/testing.md lists each with its real error text.
 */
export const REQUEST_RULES: readonly RequestRule[] = [
  {
    id: 'body.lone_surrogate',
    source: 'quoted',
    description: 'No string in the body may hold a lone UTF-16 surrogate (half of an emoji cut in two).',
    check({ body, raw }) {
      if (!hasLoneSurrogate(body)) return undefined;
      const at = loneSurrogateIndex(raw);
      const where = at >= 0 ? `line 1 column ${at + 1} (char ${at})` : 'line 1 column 1 (char 0)';
      return `The request body is not valid JSON: no low surrogate in string: ${where}`;
    },
  },
  {
    id: 'model.required',
    source: 'quoted',
    description: '`model` is a non-empty string.',
    check: ({ body }) => (typeof body.model === 'string' && body.model ? undefined : 'model: Field required'),
  },
  {
    id: 'max_tokens.positive',
    source: 'quoted',
    description: '`max_tokens` is an integer of at least 1.',
    check({ body }) {
      if (body.max_tokens === undefined) return 'max_tokens: Field required';
      return Number.isInteger(body.max_tokens) && body.max_tokens >= 1
        ? undefined
        : 'max_tokens: Input should be greater than or equal to 1';
    },
  },
  {
    id: 'temperature.range',
    source: 'inferred',
    description: '`temperature`, when given, lies between 0 and 1.',
    check({ body }) {
      const t = body.temperature;
      if (t === undefined) return undefined;
      if (typeof t !== 'number' || t < 0) return 'temperature: Input should be greater than or equal to 0';
      return t > 1 ? 'temperature: Input should be less than or equal to 1' : undefined;
    },
  },
  {
    id: 'thinking.budget',
    source: 'quoted',
    description: 'With `thinking: { type: "enabled" }`, `budget_tokens` is at least 1024 and below `max_tokens`.',
    check({ body }) {
      const thinking = body.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
      if (thinking?.type !== 'enabled') return undefined;
      const budget = thinking.budget_tokens;
      if (typeof budget !== 'number' || budget < 1024) {
        return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
      }
      return body.max_tokens > budget
        ? undefined
        : '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
    },
  },
  {
    id: 'messages.non_empty',
    source: 'quoted',
    description: '`messages` is a non-empty array.',
    check: ({ body }) =>
      Array.isArray(body.messages) && body.messages.length > 0
        ? undefined
        : 'messages: at least one message is required',
  },
  {
    id: 'messages.role',
    source: 'inferred',
    description:
      'Every message has the role `user`, `assistant` or `system` (Claude Code sends `system` messages, which the real API accepts).',
    check({ body }) {
      const i = body.messages.findIndex((m) => !ROLES.includes(m.role));
      return i < 0 ? undefined : `messages.${i}.role: Input should be 'user', 'assistant' or 'system'`;
    },
  },
  {
    id: 'messages.first_user',
    source: 'quoted',
    description: 'The first message is a `user` message.',
    check: ({ body }) =>
      body.messages[0]?.role === 'user' ? undefined : 'messages: first message must use the "user" role',
  },
  {
    id: 'messages.non_empty_content',
    source: 'quoted',
    description: 'Every message has content, except a final `assistant` message.',
    check({ body }) {
      const i = body.messages.findIndex(
        (m, k) =>
          (m.content === '' || (Array.isArray(m.content) && m.content.length === 0)) &&
          !(k === body.messages.length - 1 && m.role === 'assistant'),
      );
      return i < 0
        ? undefined
        : `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    },
  },
  {
    id: 'text.non_empty',
    source: 'quoted',
    description: 'No text block in `messages` is empty (a string `content` counts as one text block).',
    check: ({ body }) =>
      messageTextBlocks(body).some((l) => (l.block.text ?? '') === '')
        ? 'messages: text content blocks must be non-empty'
        : undefined,
  },
  {
    id: 'text.non_whitespace',
    source: 'quoted',
    description: 'No text block in `messages` is whitespace only.',
    check: ({ body }) =>
      messageTextBlocks(body).some((l) => (l.block.text ?? '').trim() === '')
        ? 'messages: text content blocks must contain non-whitespace text'
        : undefined,
  },
  {
    id: 'assistant.final_whitespace',
    source: 'quoted',
    description: 'A final `assistant` message (a prefill) does not end with whitespace.',
    check({ body }) {
      const last = body.messages.at(-1);
      if (last?.role !== 'assistant') return undefined;
      const lastBlock = blocksOf(last.content).at(-1);
      return lastBlock?.type === 'text' && /\s$/.test(lastBlock.text ?? '')
        ? 'final assistant content cannot end with trailing whitespace'
        : undefined;
    },
  },
  {
    id: 'tool_result.matches_tool_use',
    source: 'quoted',
    description: 'Every `tool_result` answers a `tool_use` of the message right before it (an assistant message).',
    check({ body }) {
      for (let i = 0; i < body.messages.length; i++) {
        const m = body.messages[i]!;
        if (typeof m.content === 'string') continue;
        const k = neighbour(body, i, -1);
        const ids = body.messages[k]?.role === 'assistant' ? toolUseIds(body, k) : [];
        for (let j = 0; j < m.content.length; j++) {
          const b = m.content[j]!;
          if (b.type !== 'tool_result') continue;
          if (m.role === 'user' && b.tool_use_id && ids.includes(b.tool_use_id)) continue;
          return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
      return undefined;
    },
  },
  {
    id: 'tool_use.answered',
    source: 'quoted',
    description: 'Every `tool_use` is answered by a `tool_result` in the next message (when there is one).',
    check({ body }) {
      for (let i = 0; i < body.messages.length - 1; i++) {
        const m = body.messages[i]!;
        if (m.role !== 'assistant') continue;
        const ids = toolUseIds(body, i);
        if (ids.length === 0) continue;
        const after = body.messages[neighbour(body, i, 1)];
        if (!after) continue;
        const next = blocksOf(after.content);
        const missing = ids.filter((id) => !next.some((b) => b.type === 'tool_result' && b.tool_use_id === id));
        if (missing.length) {
          return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
        }
      }
      return undefined;
    },
  },
  {
    id: 'tool_use.unique_ids',
    source: 'inferred',
    description: 'No two `tool_use` blocks share an id.',
    check({ body }) {
      const seen = new Set<string>();
      for (let i = 0; i < body.messages.length; i++) {
        for (const id of toolUseIds(body, i)) {
          if (seen.has(id)) return `messages.${i}: \`tool_use\` ids must be unique: ${id}`;
          seen.add(id);
        }
      }
      return undefined;
    },
  },
  {
    id: 'tools.name',
    source: 'quoted',
    description: 'Tool names match `^[a-zA-Z0-9_-]{1,128}$` and are unique.',
    check({ body }) {
      const names = new Set<string>();
      for (const [i, tool] of (body.tools ?? []).entries()) {
        if (tool.type !== undefined && tool.type !== 'custom') continue; // server tools are named by the API
        if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
          return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
        }
        if (names.has(tool.name)) return 'tools: Tool names must be unique.';
        names.add(tool.name);
      }
      return undefined;
    },
  },
  {
    id: 'cache_control.max_breakpoints',
    source: 'quoted',
    description:
      'At most 4 blocks carry `cache_control`, counting tools, system, messages and blocks nested in `tool_result` content.',
    check({ body }) {
      const n = cacheableBlocks(body).filter((l) => marked(l.block)).length;
      return n > 4 ? `A maximum of 4 blocks with cache_control may be provided. Found ${n}.` : undefined;
    },
  },
  {
    id: 'cache_control.empty_text',
    source: 'quoted',
    description: '`cache_control` is never set on an empty text block, nor on a `tool_result` whose content is empty.',
    check({ body }) {
      for (const l of cacheableBlocks(body)) {
        if (!marked(l.block)) continue;
        if (l.block.type === 'text' && (l.block.text ?? '') === '') {
          return `${pathOf(l)}.text: cache_control cannot be set for empty text blocks`;
        }
        const c = l.block.content;
        if (l.block.type === 'tool_result' && (c === undefined || c === '' || (Array.isArray(c) && c.length === 0))) {
          return `${pathOf(l)}.content: cache_control cannot be set for empty text blocks`;
        }
      }
      return undefined;
    },
  },
  {
    id: 'cache_control.ttl',
    source: 'inferred',
    description: "`cache_control.ttl`, when given, is `'5m'` or `'1h'`.",
    check({ body }) {
      for (const l of cacheableBlocks(body)) {
        const ttl = marked(l.block)?.ttl;
        if (ttl !== undefined && ttl !== '5m' && ttl !== '1h') {
          return `${pathOf(l)}.cache_control.ttl: Input should be '5m' or '1h'`;
        }
      }
      return undefined;
    },
  },
  {
    id: 'cache_control.ttl_order',
    source: 'quoted',
    description: "A `ttl: '1h'` breakpoint never comes after a 5-minute one (order: tools, system, messages).",
    check({ body }) {
      let sawShort = false;
      for (const l of cacheableBlocks(body)) {
        const cc = marked(l.block);
        if (!cc) continue;
        if (cc.ttl === '1h' && sawShort) {
          return `${pathOf(l)}.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: \`tools\`, \`system\`, \`messages\`.`;
        }
        if (cc.ttl !== '1h') sawShort = true;
      }
      return undefined;
    },
  },
];

/** The real API's error message for the first rule the body breaks, or `undefined` when it passes them all. */
export function validateRequest(body: MessagesRequestBody, raw: string): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'body: Input should be a valid dictionary';
  validating = { body, facts: {} };
  try {
    for (const rule of REQUEST_RULES) {
      const message = rule.check({ body, raw });
      if (message !== undefined) return message;
    }
    return undefined;
  } finally {
    validating = undefined;
  }
}
