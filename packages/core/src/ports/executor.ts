import type { Instruction } from '@sessionhub/format';
import type { ExecutionReport } from '../model/report.js';
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
