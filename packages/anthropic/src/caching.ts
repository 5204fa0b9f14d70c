import type Anthropic from '@anthropic-ai/sdk';

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Copies a request's tools, system and messages with SessionHub's cache breakpoints:
 * the last tool, the last system block, the last block of the newest message and the last block
 * of the user message before it (the previous request's breakpoint, so the previous prefix is found
 * even when a turn adds more than the API's 20-block lookback). Four breakpoints, the API's maximum.
 * The history itself is never mutated.
 */
export function withBreakpoints(
  tools: Anthropic.Tool[] | undefined,
  system: Anthropic.TextBlockParam[],
  messages: Anthropic.MessageParam[],
): { tools: Anthropic.Tool[] | undefined; system: Anthropic.TextBlockParam[]; messages: Anthropic.MessageParam[] } {
  const markedTools = tools?.map((t, i) => (i === tools.length - 1 ? { ...t, cache_control: EPHEMERAL } : t));
  const markedSystem = system.map((b, i) => (i === system.length - 1 ? { ...b, cache_control: EPHEMERAL } : b));
  const last = messages.length - 1;
  let previousUser = -1;
  for (let i = last - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') {
      previousUser = i;
      break;
    }
  }
  const markedMessages = messages.map((m, i) => (i === last || i === previousUser ? markLastBlock(m) : m));
  return { tools: markedTools, system: markedSystem, messages: markedMessages };
}

function markLastBlock(message: Anthropic.MessageParam): Anthropic.MessageParam {
  const blocks: Anthropic.ContentBlockParam[] =
    typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : [...message.content];
  // The last block that can carry a breakpoint: the prefix through it is still the conversation so far.
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i]!;
    if (!canCache(block)) continue;
    blocks[i] = { ...block, cache_control: EPHEMERAL } as Anthropic.ContentBlockParam;
    return { ...message, content: blocks } as Anthropic.MessageParam;
  }
  return message;
}

/**
 * Whether a block may carry a breakpoint: thinking blocks never, and the API refuses `cache_control`
 * on an empty text block or an empty tool result.
 */
function canCache(block: Anthropic.ContentBlockParam): boolean {
  if (block.type === 'thinking' || block.type === 'redacted_thinking') return false;
  if (block.type === 'text') return block.text !== '';
  if (block.type === 'tool_result') {
    const c = block.content;
    return c !== undefined && c !== '' && !(Array.isArray(c) && c.length === 0);
  }
  return true;
}
