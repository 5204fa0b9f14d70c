import { type ExecutionReport, SessionHubError, type Usage } from '@sessionhub/core';

/**
 * A model call ended in a way the actor cannot turn into a result: cut off by `max_tokens` past the
 * allowed continuations, a refusal, a full context window or an unknown stop reason. Codes:
 * `executor.max_tokens`, `executor.refusal`, `executor.context_window`, `executor.stop_reason`,
 * `planner.truncated`, `planner.refusal`, `planner.stop_reason`. The usage spent so far (already
 * reported through `reportUsage`) and, for the executor, a partial report travel with it.
 */
export class ModelStopError extends SessionHubError {
  /** The stop reason of the last call. */
  readonly stopReason: string;
  /** Tokens and cost of every call of the run, this one included. */
  readonly usage: Usage;
  /** What the executor did before it stopped (files it wrote, turns taken). */
  readonly report: ExecutionReport | undefined;
  /** Whether running the step again may succeed. */
  readonly retryable: boolean;

  constructor(
    code: string,
    message: string,
    details: { stopReason: string; usage: Usage; report?: ExecutionReport; retryable?: boolean },
  ) {
    super(code, message);
    this.stopReason = details.stopReason;
    this.usage = details.usage;
    this.report = details.report;
    this.retryable = details.retryable ?? false;
  }
}

/** The message sent after an answer was cut by `max_tokens`, so the model continues in smaller steps. */
export function cutOffNote(maxTokens: number, droppedTools: readonly string[]): string {
  const dropped = droppedTools.length
    ? ` It was cut inside a call of ${droppedTools.join(', ')}, which was not run.`
    : '';
  return `Your previous answer was cut off at the limit of ${maxTokens} output tokens.${dropped} Continue from where you were, in smaller steps: write large files in several parts (write_file, then edit_file to append) and keep each answer short.`;
}
