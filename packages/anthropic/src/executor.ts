import type Anthropic from '@anthropic-ai/sdk';
import type { Tracer } from '@opentelemetry/api';
import {
  checkMcpConfigs,
  connectMcpServers,
  cutOffNote,
  EXECUTOR_SYSTEM_PROMPT,
  EXECUTOR_TOOLS,
  type ExecutorTool,
  executorTask,
  type McpServerConfig,
  type ModelStopError,
  recordExecution,
  redact,
  runToolCall,
  shorten,
  type ToolContext,
} from '@sessionhub/actor-kit';
import {
  addUsage,
  type ExecuteInput,
  type ExecuteOptions,
  type ExecutionReport,
  type Executor,
  type ExecutorProgress,
  emptyUsage,
  type Sandbox,
} from '@sessionhub/core';
import { withBreakpoints } from './caching.js';
import { callModel, textOf } from './model-call.js';
import { type AnthropicModelOptions, type ResolvedModelOptions, resolveModelOptions } from './options.js';
import { tracedCall } from './tracing.js';

/** Options of {@link AnthropicExecutor}. */
export interface AnthropicExecutorOptions extends AnthropicModelOptions {
  /** Model calls before the executor stops. Default 50. */
  maxTurns?: number;
  /** `max_tokens` per call. Default 8192. */
  maxTokens?: number;
  /** Longest tool result sent back to the model, in characters; the middle is cut with a marker. Default 20 000. */
  maxToolOutputChars?: number;
  /** Default `run_command` timeout, and the bound of each `search`. Default 120 000 ms. */
  commandTimeoutMs?: number;
  /** Longest `run_command` timeout the model may ask for; longer requests are capped. Default 600 000 ms. */
  maxCommandTimeoutMs?: number;
  /** Largest file `read_file` returns whole; a larger one only by line range. Default 1 000 000 bytes. */
  maxReadFileBytes?: number;
  /** Answers cut off by `max_tokens` in a row that the loop continues before it fails with `executor.max_tokens`. Default 2. */
  maxTokenContinuations?: number;
  /** Text appended to the system prompt (project conventions, for example). */
  extraSystemPrompt?: string;
  /**
   * MCP servers started over stdio inside the session's sandbox (which needs `spawn`) for each execution; their
   * tools join the executor's as `mcp__<server>__<tool>`. See docs/mcp.md.
   */
  mcpServers?: McpServerConfig[];
  /** Where model-call (`chat <model>`) and tool-call (`execute_tool <name>`) spans go; see docs/tracing.md. */
  tracer?: Tracer;
}

/**
 * SessionHub's own tool-use loop on the Messages API: read_file, write_file, edit_file, list_files,
 * search and run_command, all through the `Sandbox` port. Prompt caching puts breakpoints on the
 * tools, the system prompt and the growing conversation, so each turn re-reads the previous prefix.
 *
 * Model failures left after the SDK's retries are thrown as `ProviderError`; a session can be resumed
 * and re-runs the execute step. Reaching `maxTurns` ends the loop with a report that says so (the
 * verifier then decides). Every stop reason has a deliberate outcome: `end_turn`/`stop_sequence` finish,
 * `tool_use` runs the tools, `pause_turn` continues, `max_tokens` drops the cut tool call and asks the
 * model to continue in smaller steps (at most `maxTokenContinuations` times in a row), and `refusal`,
 * `model_context_window_exceeded` or an unknown reason throw {@link ModelStopError}. Each call's usage
 * goes to `reportUsage` as soon as the call returns.
 *
 * @see packages/anthropic/README.md
 */
export class AnthropicExecutor implements Executor {
  readonly specificationVersion = 1 as const;
  readonly name = 'anthropic';
  private readonly opts: ResolvedModelOptions;
  private readonly maxTurns: number;
  private readonly maxTokens: number;
  private readonly maxToolOutputChars: number;
  private readonly commandTimeoutMs: number;
  private readonly maxCommandTimeoutMs: number;
  private readonly maxReadFileBytes: number;
  private readonly maxTokenContinuations: number;
  private readonly system: Anthropic.TextBlockParam[];
  private readonly tools: readonly ExecutorTool[] = EXECUTOR_TOOLS;
  private readonly mcpServers: McpServerConfig[];
  private readonly tracer: Tracer | undefined;

  constructor(options: AnthropicExecutorOptions = {}) {
    this.opts = resolveModelOptions(options);
    this.maxTurns = options.maxTurns ?? 50;
    this.maxTokens = options.maxTokens ?? 8192;
    this.maxToolOutputChars = options.maxToolOutputChars ?? 20_000;
    this.maxCommandTimeoutMs = options.maxCommandTimeoutMs ?? 600_000;
    this.commandTimeoutMs = Math.min(options.commandTimeoutMs ?? 120_000, this.maxCommandTimeoutMs);
    this.maxReadFileBytes = options.maxReadFileBytes ?? 1_000_000;
    this.maxTokenContinuations = options.maxTokenContinuations ?? 2;
    const text = options.extraSystemPrompt
      ? `${EXECUTOR_SYSTEM_PROMPT}\n\n${options.extraSystemPrompt}`
      : EXECUTOR_SYSTEM_PROMPT;
    this.system = [{ type: 'text', text }];
    this.mcpServers = options.mcpServers ?? [];
    checkMcpConfigs(this.mcpServers);
    this.tracer = options.tracer;
  }

  async execute(input: ExecuteInput, sandbox: Sandbox, options: ExecuteOptions): Promise<ExecutionReport> {
    if (this.mcpServers.length === 0) return this.loop(input, sandbox, options, this.tools);
    const mcp = await connectMcpServers(this.mcpServers, sandbox, { signal: options.signal });
    try {
      return await this.loop(input, sandbox, options, [...this.tools, ...mcp.tools]);
    } finally {
      await mcp.close();
    }
  }

  private async loop(
    input: ExecuteInput,
    sandbox: Sandbox,
    options: ExecuteOptions,
    tools: readonly ExecutorTool[],
  ): Promise<ExecutionReport> {
    const { signal } = options;
    const secrets = this.opts.secrets;
    const emit = (p: ExecutorProgress): void => options.emit(redactProgress(p, secrets));
    // Every command the tools run is counted for the report's `resources`.
    const record = await recordExecution(sandbox, { signal, secrets });
    const ctx: ToolContext = {
      sandbox: record.sandbox,
      signal,
      emit,
      changed: record.changed,
      maxCommandOutputBytes: Math.max(1024, this.maxToolOutputChars * 2),
      commandTimeoutMs: this.commandTimeoutMs,
      maxCommandTimeoutMs: this.maxCommandTimeoutMs,
      maxReadFileBytes: this.maxReadFileBytes,
    };
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: executorTask(input) }] },
    ];
    const definitions = tools.map((t) => t.definition);
    let usage = emptyUsage();
    const finish = (summary: string, turns: number): Promise<ExecutionReport> => record.finish(summary, usage, turns);
    const stop = (code: string, why: string, stopReason: string, turns: number, retryable = false): ModelStopError =>
      record.stop(code, why, { stopReason, usage, turns, retryable });

    let cutOffsInARow = 0;
    for (let turn = 1; turn <= this.maxTurns; turn++) {
      const request = this.opts.promptCaching
        ? withBreakpoints(definitions, this.system, messages)
        : { tools: definitions, system: this.system, messages };
      const { message, usage: callUsage } = await tracedCall(this.tracer, this.opts.model, input.sessionId, () =>
        callModel(
          this.opts,
          { system: request.system, messages: request.messages, tools: request.tools, maxTokens: this.maxTokens },
          { signal, reportUsage: options.reportUsage },
        ),
      );
      usage = addUsage(usage, callUsage);
      const reason = message.stop_reason ?? 'end_turn';
      emit({
        kind: 'message',
        message: `model call ${turn}: ${callUsage.inputTokens} input, ${callUsage.cacheReadTokens} cache read, ${callUsage.cacheWriteTokens} cache write, ${callUsage.outputTokens} output tokens${callUsage.costUnknown ? ` (no price for ${this.opts.model}: cost counted as 0)` : ''}`,
        data: { turn, usage: callUsage, stopReason: reason },
      });
      const text = textOf(message);
      if (text) emit({ kind: 'message', message: shorten(text, 2000), data: { turn } });
      // The API refuses empty text blocks in a request: never send one back.
      const content = (message.content as Anthropic.ContentBlockParam[]).filter(
        (b) => b.type !== 'text' || b.text.trim() !== '',
      );
      const calls = message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');

      if (reason === 'max_tokens') {
        cutOffsInARow++;
        if (cutOffsInARow > this.maxTokenContinuations) {
          throw stop(
            'executor.max_tokens',
            `the model's answer was cut off at max_tokens (${this.maxTokens}) ${cutOffsInARow} times in a row; raise maxTokens or simplify the instruction`,
            reason,
            turn,
            true,
          );
        }
        // A tool call cut mid-input is never run; what was said before it stays in the conversation.
        const kept = content
          .filter((b) => b.type === 'text')
          .map((b) => ({ ...b, text: (b as Anthropic.TextBlockParam).text.trimEnd() }));
        if (kept.length) messages.push({ role: 'assistant', content: kept });
        const note = {
          type: 'text' as const,
          text: cutOffNote(
            this.maxTokens,
            calls.map((c) => c.name),
          ),
        };
        appendUser(messages, note);
        emit({ kind: 'message', message: note.text, data: { turn, stopReason: reason } });
        continue;
      }
      cutOffsInARow = 0;
      if (reason === 'refusal') {
        throw stop(
          'executor.refusal',
          `the model refused to continue${text ? `: ${shorten(text, 500)}` : ''}`,
          reason,
          turn,
        );
      }
      if (reason === 'model_context_window_exceeded') {
        throw stop('executor.context_window', "the conversation filled the model's context window", reason, turn);
      }
      if (reason === 'pause_turn') {
        // The API paused a long turn: sending the conversation back (ending in this assistant message,
        // which the API refuses with trailing whitespace) lets it continue.
        if (content.length) messages.push({ role: 'assistant', content: trimLastText(content) });
        continue;
      }
      if (reason === 'end_turn' || reason === 'stop_sequence' || (reason === 'tool_use' && calls.length === 0)) {
        return finish(text, turn);
      }
      if (reason !== 'tool_use') {
        throw stop('executor.stop_reason', `the model stopped for an unknown reason: ${reason}`, reason, turn);
      }
      messages.push({ role: 'assistant', content });
      const results: Anthropic.ToolResultBlockParam[] = [];
      for (const call of calls) results.push(await this.runTool(call, ctx, turn, tools, input.sessionId));
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
    tools: readonly ExecutorTool[],
    sessionId: string,
  ): Promise<Anthropic.ToolResultBlockParam> {
    const { text, isError } = await runToolCall(
      { id: call.id, name: call.name, input: call.input },
      { tools, ctx, turn, sessionId, tracer: this.tracer, maxOutputChars: this.maxToolOutputChars },
    );
    return { type: 'tool_result', tool_use_id: call.id, content: text, ...(isError ? { is_error: true } : {}) };
  }
}

function redactProgress(p: ExecutorProgress, secrets: readonly string[]): ExecutorProgress {
  if (secrets.length === 0) return p;
  return JSON.parse(redact(JSON.stringify(p), secrets)) as ExecutorProgress;
}

/** The blocks with the trailing whitespace of a final text block removed. */
function trimLastText(blocks: Anthropic.ContentBlockParam[]): Anthropic.ContentBlockParam[] {
  const last = blocks.at(-1);
  if (last?.type !== 'text') return blocks;
  return [...blocks.slice(0, -1), { ...last, text: last.text.trimEnd() }];
}

/** Adds a block to the conversation's last user message, or a new user message after an assistant one. */
function appendUser(messages: Anthropic.MessageParam[], block: Anthropic.TextBlockParam): void {
  const last = messages.at(-1);
  if (last?.role === 'user') {
    const blocks = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : last.content;
    messages[messages.length - 1] = { role: 'user', content: [...blocks, block] };
  } else {
    messages.push({ role: 'user', content: [block] });
  }
}
