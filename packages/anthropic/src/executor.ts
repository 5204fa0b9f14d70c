import type Anthropic from '@anthropic-ai/sdk';
import type { Tracer } from '@opentelemetry/api';
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
import { withBreakpoints } from './caching.js';
import { callModel, textOf } from './model-call.js';
import { type AnthropicModelOptions, type ResolvedModelOptions, resolveModelOptions } from './options.js';
import { tracedCall } from './tracing.js';

/**
 * Options of {@link AnthropicExecutor}: the model's, and the tool loop's of `@sessionhub/actor-kit` (`maxTurns` 50,
 * `maxTokens` 8192, `maxToolOutputChars` 20 000, `mcpServers`, ...).
 */
export interface AnthropicExecutorOptions extends AnthropicModelOptions, ToolLoopOptions {
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
  private readonly settings: ToolLoopSettings;
  private readonly system: Anthropic.TextBlockParam[];
  private readonly tracer: Tracer | undefined;

  constructor(options: AnthropicExecutorOptions = {}) {
    this.opts = resolveModelOptions(options);
    this.settings = toolLoopSettings(options);
    this.system = [{ type: 'text', text: this.settings.system }];
    this.tracer = options.tracer;
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
    const { signal } = options;
    const { maxTurns, maxTokens } = this.settings;
    const run = await startToolLoop(sandbox, options, this.settings, {
      secrets: this.opts.secrets,
      limitName: 'max_tokens',
    });
    const { emit } = run;
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: executorTask(input) }] },
    ];
    const definitions = tools.map((t) => t.definition);
    for (let turn = 1; turn <= maxTurns; turn++) {
      const request = this.opts.promptCaching
        ? withBreakpoints(definitions, this.system, messages)
        : { tools: definitions, system: this.system, messages };
      const { message, usage: callUsage } = await tracedCall(this.tracer, this.opts.model, input.sessionId, () =>
        callModel(
          this.opts,
          { system: request.system, messages: request.messages, tools: request.tools, maxTokens },
          { signal, reportUsage: options.reportUsage },
        ),
      );
      run.count(callUsage);
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
        run.cutOff(turn, reason);
        // A tool call cut mid-input is never run; what was said before it stays in the conversation.
        const kept = content
          .filter((b) => b.type === 'text')
          .map((b) => ({ ...b, text: (b as Anthropic.TextBlockParam).text.trimEnd() }));
        if (kept.length) messages.push({ role: 'assistant', content: kept });
        const note = {
          type: 'text' as const,
          text: cutOffNote(
            maxTokens,
            calls.map((c) => c.name),
          ),
        };
        appendUser(messages, note);
        emit({ kind: 'message', message: note.text, data: { turn, stopReason: reason } });
        continue;
      }
      run.notCutOff();
      if (reason === 'refusal') {
        throw run.stop(
          'executor.refusal',
          `the model refused to continue${text ? `: ${shorten(text, 500)}` : ''}`,
          reason,
          turn,
        );
      }
      if (reason === 'model_context_window_exceeded') {
        throw run.stop('executor.context_window', "the conversation filled the model's context window", reason, turn);
      }
      if (reason === 'pause_turn') {
        // The API paused a long turn: sending the conversation back (ending in this assistant message,
        // which the API refuses with trailing whitespace) lets it continue.
        if (content.length) messages.push({ role: 'assistant', content: trimLastText(content) });
        continue;
      }
      if (reason === 'end_turn' || reason === 'stop_sequence' || (reason === 'tool_use' && calls.length === 0)) {
        return run.finish(text, turn);
      }
      if (reason !== 'tool_use') {
        throw run.stop('executor.stop_reason', `the model stopped for an unknown reason: ${reason}`, reason, turn);
      }
      messages.push({ role: 'assistant', content });
      const results: Anthropic.ToolResultBlockParam[] = [];
      for (const call of calls) results.push(await this.runTool(call, run.ctx, turn, tools, input.sessionId));
      messages.push({ role: 'user', content: results });
    }
    return run.outOfTurns();
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
      { tools, ctx, turn, sessionId, tracer: this.tracer, maxOutputChars: this.settings.maxToolOutputChars },
    );
    return { type: 'tool_result', tool_use_id: call.id, content: text, ...(isError ? { is_error: true } : {}) };
  }
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
