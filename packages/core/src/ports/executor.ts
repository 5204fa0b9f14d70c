import type { Instruction } from '@sessionhub/format';
import type { ExecutionReport } from '../model/report.js';
import type { Usage } from '../model/usage.js';
import type { Sandbox } from './sandbox.js';

/** Deeply read-only view of a value. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? ReadonlyArray<DeepReadonly<U>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** A progress event an executor reports while it works. */
export interface ExecutorProgress {
  kind: 'tool_call' | 'tool_result' | 'file_change' | 'output' | 'message';
  message: string;
  data?: Record<string, unknown>;
}

/** What an executor is given. The instruction is frozen: nothing the executor does can change it. */
export interface ExecuteInput {
  sessionId: string;
  /** 0 for the first execution, n for the n-th fix. */
  attempt: number;
  instruction: DeepReadonly<Instruction>;
  /** The canonical instruction text. */
  text: string;
}

/** Options of `Executor.execute`. */
export interface ExecuteOptions {
  signal: AbortSignal;
  /** Reports progress; the engine redacts and stores it. */
  emit: (progress: ExecutorProgress) => void;
  /**
   * Reports model usage as it is incurred: call it once per model call, with that call's usage,
   * as soon as the call returns (before running the tools it asks for). The engine stores each
   * report write-ahead, so money spent before a crash or an executor error is still counted by
   * analytics and budgets. The report's final `usage` stays the step's total: the engine records
   * only what was not already reported, so an executor that never calls this is counted as before.
   */
  reportUsage?: (usage: Usage) => void;
}

/**
 * The Executor actor: implements an instruction inside a sandbox, making every technical choice.
 * It never rewrites the instruction.
 */
export interface Executor {
  readonly specificationVersion: 1;
  readonly name: string;
  execute(input: ExecuteInput, sandbox: Sandbox, opts: ExecuteOptions): Promise<ExecutionReport>;
}
