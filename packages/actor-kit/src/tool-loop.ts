import {
  addUsage,
  type ExecuteOptions,
  type ExecutionReport,
  type ExecutorProgress,
  emptyUsage,
  type Sandbox,
  type Usage,
} from '@sessionhub/core';
import { recordExecution } from './execution-record.js';
import { EXECUTOR_SYSTEM_PROMPT } from './executor-prompt.js';
import { checkMcpConfigs, connectMcpServers, type McpServerConfig } from './mcp/index.js';
import { redactJson } from './redact.js';
import type { ModelStopError } from './stop-errors.js';
import { EXECUTOR_TOOLS, type ExecutorTool, type ToolContext } from './tools/index.js';

/** The options every model adapter's tool-loop Executor takes besides its model's (`AnthropicExecutor`, `AiSdkExecutor`). */
export interface ToolLoopOptions {
  /** Model calls before the executor stops. Default 50. */
  maxTurns?: number;
  /** Output tokens per call (`max_tokens` on the Messages API). Default 8192. */
  maxTokens?: number;
  /** Longest tool result sent back to the model, in characters; the middle is cut with a marker. Default 20 000. */
  maxToolOutputChars?: number;
  /** Default `run_command` timeout, and the bound of each `search`. Default 120 000 ms. */
  commandTimeoutMs?: number;
  /** Longest `run_command` timeout the model may ask for; longer requests are capped. Default 600 000 ms. */
  maxCommandTimeoutMs?: number;
  /** Largest file `read_file` returns whole; a larger one only by line range. Default 1 000 000 bytes. */
  maxReadFileBytes?: number;
  /** Answers cut off by the output limit in a row that the loop continues before it fails with `executor.max_tokens`. Default 2. */
  maxTokenContinuations?: number;
  /** Text appended to the system prompt (project conventions, for example). */
  extraSystemPrompt?: string;
  /**
   * MCP servers started over stdio inside the session's sandbox (which needs `spawn`) for each execution; their
   * tools join the executor's as `mcp__<server>__<tool>`. See docs/mcp.md.
   */
  mcpServers?: McpServerConfig[];
}

/** {@link ToolLoopOptions} with their defaults, and the system prompt they make. */
export interface ToolLoopSettings {
  readonly maxTurns: number;
  readonly maxTokens: number;
  readonly maxToolOutputChars: number;
  /** `commandTimeoutMs`, at most `maxCommandTimeoutMs`. */
  readonly commandTimeoutMs: number;
  readonly maxCommandTimeoutMs: number;
  readonly maxReadFileBytes: number;
  readonly maxTokenContinuations: number;
  /** {@link EXECUTOR_SYSTEM_PROMPT}, then `extraSystemPrompt` after a blank line when there is one. */
  readonly system: string;
  readonly mcpServers: readonly McpServerConfig[];
}

/** Applies the defaults of {@link ToolLoopOptions} and checks the MCP server configs (`checkMcpConfigs`). */
export function toolLoopSettings(options: ToolLoopOptions): ToolLoopSettings {
  const maxCommandTimeoutMs = options.maxCommandTimeoutMs ?? 600_000;
  const mcpServers = options.mcpServers ?? [];
  checkMcpConfigs(mcpServers);
  return {
    maxTurns: options.maxTurns ?? 50,
    maxTokens: options.maxTokens ?? 8192,
    maxToolOutputChars: options.maxToolOutputChars ?? 20_000,
    commandTimeoutMs: Math.min(options.commandTimeoutMs ?? 120_000, maxCommandTimeoutMs),
    maxCommandTimeoutMs,
    maxReadFileBytes: options.maxReadFileBytes ?? 1_000_000,
    maxTokenContinuations: options.maxTokenContinuations ?? 2,
    system: options.extraSystemPrompt
      ? `${EXECUTOR_SYSTEM_PROMPT}\n\n${options.extraSystemPrompt}`
      : EXECUTOR_SYSTEM_PROMPT,
    mcpServers,
  };
}

/**
 * Runs `loop` with the executor's tools: {@link EXECUTOR_TOOLS}, and the tools of the configured MCP servers,
 * started inside `sandbox` for this run and closed after it however it ends.
 */
export async function withExecutorTools<T>(
  settings: ToolLoopSettings,
  sandbox: Sandbox,
  opts: { signal: AbortSignal },
  loop: (tools: readonly ExecutorTool[]) => Promise<T>,
): Promise<T> {
  if (settings.mcpServers.length === 0) return loop(EXECUTOR_TOOLS);
  const mcp = await connectMcpServers([...settings.mcpServers], sandbox, { signal: opts.signal });
  try {
    return await loop([...EXECUTOR_TOOLS, ...mcp.tools]);
  } finally {
    await mcp.close();
  }
}

/** The state of one tool-loop run that does not depend on the model's provider: see {@link startToolLoop}. */
export interface ToolLoopRun {
  /** Sends progress to the engine with the secrets redacted. */
  readonly emit: (progress: ExecutorProgress) => void;
  /** What the tools run with: the metered sandbox, the limits, the changed-file record and {@link emit}. */
  readonly ctx: ToolContext;
  /** Tokens and cost of the calls counted so far. */
  readonly usage: Usage;
  /** Counts one model call's usage. */
  count(usage: Usage): void;
  /**
   * Counts an answer cut off by the output limit; past `maxTokenContinuations` in a row throws `executor.max_tokens`
   * (retryable).
   */
  cutOff(turn: number, stopReason: string): void;
  /** Notes an answer that was not cut off: the count of cut answers in a row starts again. */
  notCutOff(): void;
  /** A {@link ModelStopError} with the partial report: see `ExecutionRecord.stop`. */
  stop(code: string, why: string, stopReason: string, turns: number, retryable?: boolean): ModelStopError;
  /** The final report: see `ExecutionRecord.finish`. */
  finish(summary: string, turns: number): Promise<ExecutionReport>;
  /** The final report after `maxTurns` calls without an end, which says so (and a progress message too). */
  outOfTurns(): Promise<ExecutionReport>;
}

/**
 * Starts one tool-loop run on `sandbox` ({@link recordExecution}, so every command the tools run is counted for the
 * report's `resources`).
 *
 * @param limitName the output limit as the provider names it in messages (`max_tokens`, `the output limit`)
 */
export async function startToolLoop(
  sandbox: Sandbox,
  options: ExecuteOptions,
  settings: ToolLoopSettings,
  opts: { secrets: readonly string[]; limitName: string },
): Promise<ToolLoopRun> {
  const { signal } = options;
  const { secrets } = opts;
  const emit = (p: ExecutorProgress): void => options.emit(redactJson(p, secrets));
  const record = await recordExecution(sandbox, { signal, secrets });
  const ctx: ToolContext = {
    sandbox: record.sandbox,
    signal,
    emit,
    changed: record.changed,
    maxCommandOutputBytes: Math.max(1024, settings.maxToolOutputChars * 2),
    commandTimeoutMs: settings.commandTimeoutMs,
    maxCommandTimeoutMs: settings.maxCommandTimeoutMs,
    maxReadFileBytes: settings.maxReadFileBytes,
  };
  let usage = emptyUsage();
  let cutOffsInARow = 0;
  const stop = (code: string, why: string, stopReason: string, turns: number, retryable = false): ModelStopError =>
    record.stop(code, why, { stopReason, usage, turns, retryable });
  const finish = (summary: string, turns: number): Promise<ExecutionReport> => record.finish(summary, usage, turns);
  return {
    emit,
    ctx,
    get usage() {
      return usage;
    },
    count(callUsage) {
      usage = addUsage(usage, callUsage);
    },
    cutOff(turn, stopReason) {
      cutOffsInARow++;
      if (cutOffsInARow > settings.maxTokenContinuations) {
        throw stop(
          'executor.max_tokens',
          `the model's answer was cut off at ${opts.limitName} (${settings.maxTokens}) ${cutOffsInARow} times in a row; raise maxTokens or simplify the instruction`,
          stopReason,
          turn,
          true,
        );
      }
    },
    notCutOff() {
      cutOffsInARow = 0;
    },
    stop,
    finish,
    outOfTurns() {
      const summary = `Stopped after the maximum of ${settings.maxTurns} model turns without finishing.`;
      emit({ kind: 'message', message: summary, data: { maxTurnsReached: true } });
      return finish(summary, settings.maxTurns);
    },
  };
}
