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
import { jsonSchema, type ModelMessage, type ToolResultPart, type ToolSet, tool } from 'ai';
import { callModel } from './model-call.js';
import { type AiSdkModelOptions, type ResolvedOptions, resolveOptions } from './options.js';

/** Options of {@link AiSdkExecutor}. */
export interface AiSdkExecutorOptions extends AiSdkModelOptions {
  /** Model calls before the executor stops. Default 50. */
  maxTurns?: number;
  /** Output tokens per call. Default 8192. */
  maxTokens?: number;
  /** Longest tool result sent back to the model, in characters (the middle is cut). Default 20 000. */
  maxToolOutputChars?: number;
  /** Default `run_command` timeout and the bound of each `search`. Default 120 000 ms. */
  commandTimeoutMs?: number;
  /** Longest `run_command` timeout the model may ask for. Default 600 000 ms. */
  maxCommandTimeoutMs?: number;
  /** Largest file `read_file` returns whole. Default 1 000 000 bytes. */
  maxReadFileBytes?: number;
  /** Answers cut off by the output limit in a row that the loop continues before `executor.max_tokens`. Default 2. */
  maxTokenContinuations?: number;
  /** Text appended to the system prompt. */
  extraSystemPrompt?: string;
  /** MCP servers started over stdio inside the session's sandbox for each execution (as in `AnthropicExecutor`); see docs/mcp.md. */
  mcpServers?: McpServerConfig[];
}

/**
 * SessionHub's tool loop on any AI SDK language model, with the tools of `AnthropicExecutor` (read_file,
 * write_file, edit_file, list_files, search, run_command), all through the `Sandbox` port. The loop is SessionHub's
 * own: each model call is one AI SDK request whose tool calls this executor runs, so usage is reported per call,
 * cancellation reaches the model call and the sandbox command, and every finish reason has a deliberate outcome:
 * `stop` finishes, `tool-calls` runs the tools, `length` drops cut tool calls and asks for smaller steps (at most
 * `maxTokenContinuations` times in a row, then `executor.max_tokens`), `content-filter` is `executor.refusal`, and
 * anything else `executor.stop_reason` ({@link ModelStopError}). Provider failures are `ProviderError`s.
 */
export class AiSdkExecutor implements Executor {
  readonly specificationVersion = 1 as const;
  readonly name = 'ai-sdk';
  private readonly opts: ResolvedOptions;
  private readonly maxTurns: number;
  private readonly maxTokens: number;
  private readonly maxToolOutputChars: number;
  private readonly commandTimeoutMs: number;
  private readonly maxCommandTimeoutMs: number;
  private readonly maxReadFileBytes: number;
  private readonly maxTokenContinuations: number;
  private readonly system: string;
  private readonly tools: readonly ExecutorTool[] = EXECUTOR_TOOLS;
  private readonly mcpServers: McpServerConfig[];

  constructor(options: AiSdkExecutorOptions) {
    this.opts = resolveOptions(options);
    this.maxTurns = options.maxTurns ?? 50;
    this.maxTokens = options.maxTokens ?? 8192;
    this.maxToolOutputChars = options.maxToolOutputChars ?? 20_000;
    this.maxCommandTimeoutMs = options.maxCommandTimeoutMs ?? 600_000;
    this.commandTimeoutMs = Math.min(options.commandTimeoutMs ?? 120_000, this.maxCommandTimeoutMs);
    this.maxReadFileBytes = options.maxReadFileBytes ?? 1_000_000;
    this.maxTokenContinuations = options.maxTokenContinuations ?? 2;
    this.system = options.extraSystemPrompt
      ? `${EXECUTOR_SYSTEM_PROMPT}\n\n${options.extraSystemPrompt}`
      : EXECUTOR_SYSTEM_PROMPT;
    this.mcpServers = options.mcpServers ?? [];
    checkMcpConfigs(this.mcpServers);
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
    const toolSet: ToolSet = Object.fromEntries(
      tools.map((t) => [
        t.definition.name,
        tool({
          description: t.definition.description ?? t.definition.name,
          inputSchema: jsonSchema(t.definition.input_schema as Parameters<typeof jsonSchema>[0]),
        }),
      ]),
    );
    const { signal } = options;
    const secrets = this.opts.secrets;
    const emit = (p: ExecutorProgress): void =>
      options.emit(secrets.length ? (JSON.parse(redact(JSON.stringify(p), secrets)) as ExecutorProgress) : p);
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
    const messages: ModelMessage[] = [{ role: 'user', content: executorTask(input) }];
    let usage = emptyUsage();
    const finish = (summary: string, turns: number): Promise<ExecutionReport> => record.finish(summary, usage, turns);
    const stop = (code: string, why: string, stopReason: string, turns: number, retryable = false): ModelStopError =>
      record.stop(code, why, { stopReason, usage, turns, retryable });

    let cutOffsInARow = 0;
    for (let turn = 1; turn <= this.maxTurns; turn++) {
      const call = await callModel(
        this.opts,
        {
          system: this.system,
          messages,
          tools: toolSet,
          maxOutputTokens: this.maxTokens,
          sessionId: input.sessionId,
        },
        { signal, reportUsage: options.reportUsage },
      );
      usage = addUsage(usage, call.usage);
      const reason = call.finishReason;
      const stopReason = call.rawFinishReason ?? reason;
      const u = call.usage;
      emit({
        kind: 'message',
        message: `model call ${turn}: ${u.inputTokens} input, ${u.cacheReadTokens} cache read, ${u.outputTokens} output tokens${u.costUnknown ? ` (no price for ${this.opts.modelId}: cost counted as 0)` : ''}`,
        data: { turn, usage: u, stopReason },
      });
      if (call.text) emit({ kind: 'message', message: shorten(call.text, 2000), data: { turn } });

      if (reason === 'length') {
        cutOffsInARow++;
        if (cutOffsInARow > this.maxTokenContinuations)
          throw stop(
            'executor.max_tokens',
            `the model's answer was cut off at the output limit (${this.maxTokens}) ${cutOffsInARow} times in a row; raise maxTokens or simplify the instruction`,
            stopReason,
            turn,
            true,
          );
        // A cut tool call is never run; what was said before it stays in the conversation.
        if (call.text) messages.push({ role: 'assistant', content: call.text });
        const note = cutOffNote(
          this.maxTokens,
          call.toolCalls.map((c) => c.toolName),
        );
        messages.push({ role: 'user', content: note });
        emit({ kind: 'message', message: note, data: { turn, stopReason } });
        continue;
      }
      cutOffsInARow = 0;
      if (reason === 'content-filter')
        throw stop(
          'executor.refusal',
          `the model refused to continue${call.text ? `: ${shorten(call.text, 500)}` : ''}`,
          stopReason,
          turn,
        );
      if (reason === 'stop' || (reason === 'tool-calls' && call.toolCalls.length === 0)) return finish(call.text, turn);
      if (reason !== 'tool-calls')
        throw stop(
          'executor.stop_reason',
          `the model stopped for an unexpected reason: ${stopReason}`,
          stopReason,
          turn,
        );
      // The SDK answers calls it judged invalid (unknown tool, unreadable input) with its own tool message;
      // this loop answers every call itself, so only the assistant message is kept (one result per call id).
      messages.push(...call.responseMessages.filter((m) => m.role === 'assistant'));
      const results: ToolResultPart[] = [];
      for (const c of call.toolCalls) results.push(await this.runTool(c, ctx, turn, input.sessionId, tools));
      messages.push({ role: 'tool', content: results });
    }
    const summary = `Stopped after the maximum of ${this.maxTurns} model turns without finishing.`;
    emit({ kind: 'message', message: summary, data: { maxTurnsReached: true } });
    return finish(summary, this.maxTurns);
  }

  private async runTool(
    call: { toolCallId: string; toolName: string; input: unknown; invalid?: boolean; error?: unknown },
    ctx: ToolContext,
    turn: number,
    sessionId: string,
    tools: readonly ExecutorTool[],
  ): Promise<ToolResultPart> {
    const { text, isError } = await runToolCall(
      {
        id: call.toolCallId,
        name: call.toolName,
        input: call.input,
        ...(call.invalid ? { inputError: String(call.error) } : {}),
      },
      { tools, ctx, turn, sessionId, tracer: this.opts.tracer, maxOutputChars: this.maxToolOutputChars },
    );
    return {
      type: 'tool-result',
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      output: isError ? { type: 'error-text', value: text } : { type: 'text', value: text },
    };
  }
}
