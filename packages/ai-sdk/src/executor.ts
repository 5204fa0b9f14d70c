import {
  cutOffNote,
  type ExecutorTool,
  executorTask,
  type ModelStopError,
  runToolCall,
  shorten,
  startToolLoop,
  type ToolContext,
  type ToolLoopOptions,
  type ToolLoopSettings,
  toolLoopSettings,
  withExecutorTools,
} from '@sessionhub/actor-kit';
import type { ExecuteInput, ExecuteOptions, ExecutionReport, Executor, Sandbox } from '@sessionhub/core';
import { jsonSchema, type ModelMessage, type ToolResultPart, type ToolSet, tool } from 'ai';
import { callModel } from './model-call.js';
import { type AiSdkModelOptions, type ResolvedOptions, resolveOptions } from './options.js';

/**
 * Options of {@link AiSdkExecutor}: the model's, and the tool loop's of `@sessionhub/actor-kit` (`maxTurns` 50,
 * `maxTokens` 8192, ...; the same meaning as in `AnthropicExecutor`).
 */
export interface AiSdkExecutorOptions extends AiSdkModelOptions, ToolLoopOptions {}

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
  private readonly settings: ToolLoopSettings;

  constructor(options: AiSdkExecutorOptions) {
    this.opts = resolveOptions(options);
    this.settings = toolLoopSettings(options);
  }

  execute(input: ExecuteInput, sandbox: Sandbox, options: ExecuteOptions): Promise<ExecutionReport> {
    return withExecutorTools(this.settings, sandbox, options, (tools) => this.loop(input, sandbox, options, tools));
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
    const { maxTurns, maxTokens, system } = this.settings;
    const run = await startToolLoop(sandbox, options, this.settings, {
      secrets: this.opts.secrets,
      limitName: 'the output limit',
    });
    const { emit } = run;
    const messages: ModelMessage[] = [{ role: 'user', content: executorTask(input) }];
    for (let turn = 1; turn <= maxTurns; turn++) {
      const call = await callModel(
        this.opts,
        { system, messages, tools: toolSet, maxOutputTokens: maxTokens, sessionId: input.sessionId },
        { signal, reportUsage: options.reportUsage },
      );
      run.count(call.usage);
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
        run.cutOff(turn, stopReason);
        // A cut tool call is never run; what was said before it stays in the conversation.
        if (call.text) messages.push({ role: 'assistant', content: call.text });
        const note = cutOffNote(
          maxTokens,
          call.toolCalls.map((c) => c.toolName),
        );
        messages.push({ role: 'user', content: note });
        emit({ kind: 'message', message: note, data: { turn, stopReason } });
        continue;
      }
      run.notCutOff();
      if (reason === 'content-filter')
        throw run.stop(
          'executor.refusal',
          `the model refused to continue${call.text ? `: ${shorten(call.text, 500)}` : ''}`,
          stopReason,
          turn,
        );
      if (reason === 'stop' || (reason === 'tool-calls' && call.toolCalls.length === 0))
        return run.finish(call.text, turn);
      if (reason !== 'tool-calls')
        throw run.stop(
          'executor.stop_reason',
          `the model stopped for an unexpected reason: ${stopReason}`,
          stopReason,
          turn,
        );
      // The SDK answers calls it judged invalid (unknown tool, unreadable input) with its own tool message;
      // this loop answers every call itself, so only the assistant message is kept (one result per call id).
      messages.push(...call.responseMessages.filter((m) => m.role === 'assistant'));
      const results: ToolResultPart[] = [];
      for (const c of call.toolCalls) results.push(await this.runTool(c, run.ctx, turn, input.sessionId, tools));
      messages.push({ role: 'tool', content: results });
    }
    return run.outOfTurns();
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
      { tools, ctx, turn, sessionId, tracer: this.opts.tracer, maxOutputChars: this.settings.maxToolOutputChars },
    );
    return {
      type: 'tool-result',
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      output: isError ? { type: 'error-text', value: text } : { type: 'text', value: text },
    };
  }
}
