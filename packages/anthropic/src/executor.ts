import type Anthropic from '@anthropic-ai/sdk';
import {
  addUsage,
  CancelledError,
  diffWorkspaceSnapshots,
  type ExecuteInput,
  type ExecuteOptions,
  type ExecutionReport,
  type Executor,
  type ExecutorProgress,
  emptyUsage,
  type Sandbox,
  snapshotWorkspace,
} from '@sessionhub/core';
import { withBreakpoints } from './caching.js';
import { redact } from './errors.js';
import { EXECUTOR_SYSTEM_PROMPT, executorTask } from './executor-prompt.js';
import { callModel, textOf } from './model-call.js';
import { type AnthropicModelOptions, type ResolvedModelOptions, resolveModelOptions } from './options.js';
import { EXECUTOR_TOOLS, type ExecutorTool, type ToolContext } from './tools/index.js';
import { truncateMiddle } from './truncate.js';

/** Options of {@link AnthropicExecutor}. */
export interface AnthropicExecutorOptions extends AnthropicModelOptions {
  /** Model calls before the executor stops. Default 50. */
  maxTurns?: number;
  /** `max_tokens` per call. Default 8192. */
  maxTokens?: number;
  /** Longest tool result sent back to the model, in characters; the middle is cut with a marker. Default 20 000. */
  maxToolOutputChars?: number;
  /** Default `run_command` timeout. Default 120 000 ms. */
  commandTimeoutMs?: number;
  /** Text appended to the system prompt (project conventions, for example). */
  extraSystemPrompt?: string;
}

/**
 * SessionHub's own tool-use loop on the Messages API: read_file, write_file, edit_file, list_files,
 * search and run_command, all through the `Sandbox` port. Prompt caching puts breakpoints on the
 * tools, the system prompt and the growing conversation, so each turn re-reads the previous prefix.
 *
 * Model failures left after the SDK's retries are thrown as `ProviderError`; a session can be resumed
 * and re-runs the execute step. Reaching `maxTurns` ends the loop with a report that says so (the
 * verifier then decides).
 */
export class AnthropicExecutor implements Executor {
  readonly specificationVersion = 1 as const;
  readonly name = 'anthropic';
  private readonly opts: ResolvedModelOptions;
  private readonly maxTurns: number;
  private readonly maxTokens: number;
  private readonly maxToolOutputChars: number;
  private readonly commandTimeoutMs: number;
  private readonly system: Anthropic.TextBlockParam[];
  private readonly tools: readonly ExecutorTool[] = EXECUTOR_TOOLS;

  constructor(options: AnthropicExecutorOptions = {}) {
    this.opts = resolveModelOptions(options);
    this.maxTurns = options.maxTurns ?? 50;
    this.maxTokens = options.maxTokens ?? 8192;
    this.maxToolOutputChars = options.maxToolOutputChars ?? 20_000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 120_000;
    const text = options.extraSystemPrompt
      ? `${EXECUTOR_SYSTEM_PROMPT}\n\n${options.extraSystemPrompt}`
      : EXECUTOR_SYSTEM_PROMPT;
    this.system = [{ type: 'text', text }];
  }

  async execute(input: ExecuteInput, sandbox: Sandbox, options: ExecuteOptions): Promise<ExecutionReport> {
    const { signal } = options;
    const apiKey = this.opts.apiKey;
    const emit = (p: ExecutorProgress): void => options.emit(redactProgress(p, apiKey));
    const changed = new Set<string>();
    const ctx: ToolContext = {
      sandbox,
      signal,
      emit,
      changed: (path) => changed.add(path),
      maxCommandOutputBytes: Math.max(1024, this.maxToolOutputChars * 2),
      commandTimeoutMs: this.commandTimeoutMs,
    };
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: executorTask(input) }] },
    ];
    const definitions = this.tools.map((t) => t.definition);
    let usage = emptyUsage();
    const before = await snapshotWorkspace(sandbox, { signal });
    const finish = async (summaryText: string, turns: number): Promise<ExecutionReport> => {
      const after = await snapshotWorkspace(sandbox, { signal });
      for (const path of diffWorkspaceSnapshots(before, after)) changed.add(path);
      return { summary: summaryText, changedFiles: [...changed].sort(), usage, turns };
    };

    for (let turn = 1; turn <= this.maxTurns; turn++) {
      const request = this.opts.promptCaching
        ? withBreakpoints(definitions, this.system, messages)
        : { tools: definitions, system: this.system, messages };
      const { message, usage: callUsage } = await callModel(
        this.opts,
        { system: request.system, messages: request.messages, tools: request.tools, maxTokens: this.maxTokens },
        signal,
      );
      usage = addUsage(usage, callUsage);
      emit({
        kind: 'message',
        message: `model call ${turn}: ${callUsage.inputTokens} input, ${callUsage.cacheReadTokens} cache read, ${callUsage.cacheWriteTokens} cache write, ${callUsage.outputTokens} output tokens`,
        data: { turn, usage: callUsage, stopReason: message.stop_reason },
      });
      messages.push({ role: 'assistant', content: message.content as Anthropic.ContentBlockParam[] });
      const text = textOf(message);
      if (text) emit({ kind: 'message', message: text.slice(0, 2000), data: { turn } });

      const calls = message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      if (message.stop_reason !== 'tool_use' || calls.length === 0) {
        return finish(text, turn);
      }
      const results: Anthropic.ToolResultBlockParam[] = [];
      for (const call of calls) results.push(await this.runTool(call, ctx, turn));
      messages.push({ role: 'user', content: results });
    }
    const summary = `Stopped after the maximum of ${this.maxTurns} model turns without finishing.`;
    emit({ kind: 'message', message: summary, data: { maxTurnsReached: true } });
    return finish(summary, this.maxTurns);
  }

  private async runTool(
    call: Anthropic.ToolUseBlock,
    ctx: ToolContext,
    turn: number,
  ): Promise<Anthropic.ToolResultBlockParam> {
    const tool = this.tools.find((t) => t.definition.name === call.name);
    const input = (typeof call.input === 'object' && call.input !== null ? call.input : {}) as Record<string, unknown>;
    const describe = tool ? tool.describe(input) : call.name;
    ctx.emit({
      kind: 'tool_call',
      message: describe,
      data: { tool: call.name, id: call.id, turn, input: summarizeInput(input) },
    });
    let output: string;
    let isError = false;
    try {
      if (!tool)
        throw new Error(
          `unknown tool "${call.name}"; use one of ${this.tools.map((t) => t.definition.name).join(', ')}`,
        );
      output = await tool.run(input, ctx);
    } catch (err) {
      if (ctx.signal.aborted) throw new CancelledError('execution cancelled during a tool call', { cause: err });
      isError = true;
      output = `error: ${err instanceof Error ? err.message : String(err)}`;
    }
    const cut = truncateMiddle(output, this.maxToolOutputChars);
    ctx.emit({
      kind: 'tool_result',
      message: `${call.name} ${isError ? 'failed' : 'ok'}${cut.truncated ? ' (truncated)' : ''}`,
      data: {
        tool: call.name,
        id: call.id,
        isError,
        chars: output.length,
        truncated: cut.truncated,
        excerpt: cut.text.slice(0, 500),
      },
    });
    return { type: 'tool_result', tool_use_id: call.id, content: cut.text, ...(isError ? { is_error: true } : {}) };
  }
}

/** Long strings of a tool input shortened for an event (file contents stay out of the log). */
function summarizeInput(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input))
    out[k] = typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}… (${v.length} chars)` : v;
  return out;
}

function redactProgress(p: ExecutorProgress, apiKey: string | undefined): ExecutorProgress {
  if (!apiKey) return p;
  const json = redact(JSON.stringify(p), apiKey);
  return JSON.parse(json) as ExecutorProgress;
}
