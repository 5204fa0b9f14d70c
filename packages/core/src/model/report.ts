import { z } from 'zod';
import { UsageSchema } from './usage.js';

/**
 * What commands took from the host, as a sandbox measured them (see docs/sandboxes.md, "Per-command
 * resource use"). One command's measurement has `commands: 1`; a sum over several adds the counts, CPU
 * times and bytes and keeps the highest peak.
 */
export const HostResourcesSchema = z.object({
  /** How many commands were measured. */
  commands: z.number().int().nonnegative(),
  /** CPU time (user + system) of the command and every descendant it waited for, in milliseconds. */
  cpuMs: z.number().nonnegative(),
  /** The largest resident set size any one of those processes reached, in bytes (not a sum over processes). */
  peakMemoryBytes: z.number().nonnegative(),
  /**
   * Bytes of file data those processes wrote to disk-backed filesystems (the workspace, a disk-capped one too),
   * counted in the pages they dirtied (so page-granular); not tmpfs (`/tmp`), pipes, sockets or their output.
   */
  bytesWritten: z.number().nonnegative(),
});
/** What commands took from the host, as a sandbox measured them. */
export type HostResources = z.infer<typeof HostResourcesSchema>;

/** Host resources of no command at all. */
export function emptyHostResources(): HostResources {
  return { commands: 0, cpuMs: 0, peakMemoryBytes: 0, bytesWritten: 0 };
}

/** Two measurements together: commands, CPU time and bytes written add up, the peak is the higher one. */
export function addHostResources(a: HostResources, b: HostResources): HostResources {
  return {
    commands: a.commands + b.commands,
    cpuMs: a.cpuMs + b.cpuMs,
    peakMemoryBytes: Math.max(a.peakMemoryBytes, b.peakMemoryBytes),
    bytesWritten: a.bytesWritten + b.bytesWritten,
  };
}

/** What an executor did. */
export const ExecutionReportSchema = z.object({
  /** The executor's own account of the result. */
  summary: z.string(),
  /** Workspace-relative paths the executor created, changed or deleted. */
  changedFiles: z.array(z.string()),
  usage: UsageSchema,
  /** Model turns taken, where the executor counts them. */
  turns: z.number().int().nonnegative().optional(),
  /**
   * What the executor's commands took from the host, summed over the commands whose sandbox measured them
   * (`commands` counts those). Absent when the executor does not count.
   */
  resources: HostResourcesSchema.optional(),
});
/** What an executor did. */
export type ExecutionReport = z.infer<typeof ExecutionReportSchema>;

/** One failure a gate parsed from its output (a failing test, a type error, a leaked secret). */
export const GateFailureSchema = z.object({
  message: z.string(),
  file: z.string().optional(),
  line: z.number().int().optional(),
});
export type GateFailure = z.infer<typeof GateFailureSchema>;

/** The result of one quality gate or validation check. */
export const GateResultSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  durationMs: z.number().nonnegative(),
  /** A bounded excerpt of the gate's output. */
  output: z.string(),
  failures: z.array(GateFailureSchema),
  /** What the gate's command took from the host, when the sandbox measured it. */
  resources: HostResourcesSchema.optional(),
});
/** The result of one quality gate or validation check. */
export type GateResult = z.infer<typeof GateResultSchema>;

/** A verifier's verdict: passed only when every gate passed. */
export const VerdictSchema = z.object({
  passed: z.boolean(),
  gates: z.array(GateResultSchema),
});
/** A verifier's verdict: passed only when every gate passed. */
export type Verdict = z.infer<typeof VerdictSchema>;
