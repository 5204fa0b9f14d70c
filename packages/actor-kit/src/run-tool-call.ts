import type { Tracer } from '@opentelemetry/api';
import { CancelledError } from '@sessionhub/core';
import { inSpan } from './span.js';
import { shorten, truncateMiddle } from './text-cut.js';
import type { ExecutorTool, ToolContext } from './tools/types.js';

/** One tool call as the model asked for it, in provider-neutral terms. */
export interface ToolCall {
  /** The provider's id of the call, sent back with its result. */
  id: string;
  name: string;
  /** The parsed input; anything but an object is taken as `{}`. */
  input: unknown;
  /** Set when the provider could not read the input: the call fails with this text and the tool is not run. */
  inputError?: string;
}

/** What {@link runToolCall} needs besides the call. */
export interface RunToolCallOptions {
  tools: readonly ExecutorTool[];
  ctx: ToolContext;
  /** The executor's turn, for the `tool_call` event. */
  turn: number;
  sessionId: string;
  /** Traces the call as an `execute_tool <name>` span when given. */
  tracer: Tracer | undefined;
  /** Longest result text sent back to the model; longer output keeps its head and tail. */
  maxOutputChars: number;
}

/**
 * Runs one tool call through the session's sandbox: emits `tool_call`, runs the tool inside an
 * `execute_tool` span, emits `tool_result` and returns the text for the model. An unknown tool, unreadable
 * input or a failing tool is an error result the model can act on (a typed failure names its code, e.g.
 * `[mcp.server_exited]`); a cancelled session throws `CancelledError` instead.
 */
export async function runToolCall(
  call: ToolCall,
  opts: RunToolCallOptions,
): Promise<{ text: string; isError: boolean }> {
  const { tools, ctx } = opts;
  const tool = tools.find((t) => t.definition.name === call.name);
  const input = (typeof call.input === 'object' && call.input !== null ? call.input : {}) as Record<string, unknown>;
  ctx.emit({
    kind: 'tool_call',
    message: tool ? tool.describe(input) : call.name,
    data: { tool: call.name, id: call.id, turn: opts.turn, input: summarizeInput(input) },
  });
  const attributes = {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': call.name,
    'gen_ai.tool.call.id': call.id,
    'sessionhub.session.id': opts.sessionId,
  };
  const { output, isError } = await inSpan(
    opts.tracer,
    `execute_tool ${call.name}`,
    attributes,
    async (span) => {
      try {
        if (!tool)
          throw new Error(`unknown tool "${call.name}"; use one of ${tools.map((t) => t.definition.name).join(', ')}`);
        if (call.inputError !== undefined) throw new Error(`the tool input could not be read: ${call.inputError}`);
        return { output: await tool.run(input, ctx), isError: false };
      } catch (err) {
        if (ctx.signal.aborted) throw new CancelledError('execution cancelled during a tool call', { cause: err });
        const code = (err as { code?: unknown }).code;
        span?.setAttribute('error.type', typeof code === 'string' ? code : 'tool_error');
        // A typed failure (an MCP server that exited or hung) names its code, so the model can tell.
        const text = err instanceof Error ? err.message : String(err);
        return { output: `error: ${typeof code === 'string' ? `[${code}] ` : ''}${text}`, isError: true };
      }
    },
    'internal',
  );
  const cut = truncateMiddle(output || '(no output)', opts.maxOutputChars);
  ctx.emit({
    kind: 'tool_result',
    message: `${call.name} ${isError ? 'failed' : 'ok'}${cut.truncated ? ' (truncated)' : ''}`,
    data: {
      tool: call.name,
      id: call.id,
      isError,
      chars: output.length,
      truncated: cut.truncated,
      excerpt: shorten(cut.text, 500),
    },
  });
  return { text: cut.text, isError };
}

/** Long strings of a tool input shortened for an event (file contents stay out of the log). */
function summarizeInput(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input))
    out[k] = typeof v === 'string' && v.length > 200 ? `${shorten(v, 200)} (${v.length} chars)` : v;
  return out;
}
