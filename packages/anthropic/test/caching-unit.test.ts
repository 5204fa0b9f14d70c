import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { withBreakpoints } from '../src/internal.js';

const count = (v: unknown) => JSON.stringify(v).split('"cache_control"').length - 1;

describe('withBreakpoints', () => {
  it('marks the last tool, the system prompt, the newest message and the previous user message', () => {
    const tools: Anthropic.Tool[] = [
      { name: 'a', input_schema: { type: 'object' } },
      { name: 'b', input_schema: { type: 'object' } },
    ];
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'task' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'a', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r1' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'a', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: 'r2' }] },
    ];
    const out = withBreakpoints(tools, [{ type: 'text', text: 'sys' }], messages);
    expect(count(out)).toBe(4);
    expect(out.tools?.[1]).toHaveProperty('cache_control');
    expect(out.tools?.[0]).not.toHaveProperty('cache_control');
    expect(out.system[0]).toHaveProperty('cache_control');
    expect(count(out.messages[4])).toBe(1);
    expect(count(out.messages[2])).toBe(1);
    expect(count(out.messages[0])).toBe(0);
    // the history itself is untouched
    expect(count(messages)).toBe(0);
    expect(count(tools)).toBe(0);
  });

  it('never marks an empty text block or an empty tool result (the API refuses cache_control there)', () => {
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'task' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 't1', name: 'a', input: {} },
          { type: 'tool_use', id: 't2', name: 'a', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: 'r1' },
          { type: 'tool_result', tool_use_id: 't2', content: '' },
        ],
      },
    ];
    const out = withBreakpoints(undefined, [{ type: 'text', text: 'sys' }], messages);
    const last = out.messages[2]!.content as Anthropic.ToolResultBlockParam[];
    expect(last[1]).not.toHaveProperty('cache_control');
    expect(last[0]).toHaveProperty('cache_control'); // the breakpoint moves to the last block that can hold it
  });
});
