import type { Instruction } from '@sessionhub/format';
import type { ExecutionReport, GateResult, Verdict } from '../model/report.js';
import type { DeepReadonly } from './executor.js';
import type { Sandbox } from './sandbox.js';

/** What a verifier is given. */
export interface VerifyInput {
  sessionId: string;
  attempt: number;
  instruction: DeepReadonly<Instruction>;
  text: string;
  report: ExecutionReport;
}

/** Options of `Verifier.verify`. */
export interface VerifyOptions {
  signal: AbortSignal;
  /** Reports each gate as it finishes. */
  emitGate?: (result: GateResult) => void;
}

/**
 * The Verifier: runs the instruction's VALIDATION and the project's quality gates
 * (typecheck, tests, lint, secret scan) and returns a verdict.
 */
export interface Verifier {
  readonly specificationVersion: 1;
  readonly name: string;
  verify(input: VerifyInput, sandbox: Sandbox, opts: VerifyOptions): Promise<Verdict>;
}
