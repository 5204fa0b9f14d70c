import {
  diffWorkspaceSnapshots,
  type ExecutionReport,
  type Sandbox,
  snapshotWorkspace,
  type Usage,
} from '@sessionhub/core';
import { redact } from './redact.js';
import { meterSandbox } from './resource-meter.js';
import { ModelStopError } from './stop-errors.js';

/** How a tool-loop executor's run ended without a result: see {@link ExecutionRecord.stop}. */
export interface ExecutionStop {
  /** The stop reason of the last model call. */
  stopReason: string;
  /** Tokens and cost of every call of the run. */
  usage: Usage;
  /** Model calls made. */
  turns: number;
  /** Whether running the step again may succeed. Default false. */
  retryable?: boolean;
}

/** What a tool-loop executor's {@link ExecutionReport} is built from while it runs: see {@link recordExecution}. */
export interface ExecutionRecord {
  /** The session's sandbox with every command metered: the one to hand the tools. */
  readonly sandbox: Sandbox;
  /** Notes a file a tool changed (a `ToolContext.changed`). */
  changed(path: string): void;
  /** The report so far: the files noted as changed (sorted) and the summed resources of the metered commands. */
  report(summary: string, usage: Usage, turns: number): ExecutionReport;
  /** The final report: {@link report}, and every file that differs from the workspace as it was at the start. */
  finish(summary: string, usage: Usage, turns: number): Promise<ExecutionReport>;
  /** A {@link ModelStopError} whose message and partial report summary are `why` with the secrets redacted. */
  stop(code: string, why: string, details: ExecutionStop): ModelStopError;
}

/**
 * Starts the record of one executor run on `sandbox`: snapshots the workspace (its own commands are not
 * metered), wraps the sandbox with {@link meterSandbox}, and collects the files the tools report as changed.
 *
 * @param secrets values redacted from a stop error's message and report
 */
export async function recordExecution(
  sandbox: Sandbox,
  opts: { signal?: AbortSignal; secrets: readonly string[] },
): Promise<ExecutionRecord> {
  const { signal, secrets } = opts;
  const changed = new Set<string>();
  const metered = meterSandbox(sandbox);
  const before = await snapshotWorkspace(sandbox, { signal });
  const report = (summary: string, usage: Usage, turns: number): ExecutionReport => ({
    summary,
    changedFiles: [...changed].sort(),
    usage,
    turns,
    resources: metered.total(),
  });
  return {
    sandbox: metered.sandbox,
    changed: (path) => {
      changed.add(path);
    },
    report,
    async finish(summary, usage, turns) {
      const after = await snapshotWorkspace(sandbox, { signal });
      for (const path of diffWorkspaceSnapshots(before, after)) changed.add(path);
      return report(summary, usage, turns);
    },
    stop(code, why, { stopReason, usage, turns, retryable = false }) {
      const message = redact(why, secrets);
      return new ModelStopError(code, message, { stopReason, usage, retryable, report: report(message, usage, turns) });
    },
  };
}
