import type { GateResult, Verdict } from '../model/report.js';
import type { Sandbox } from '../ports/sandbox.js';
import type { Verifier, VerifyInput, VerifyOptions } from '../ports/verifier.js';
import { excerpt, parseFailures } from './failure-parsers.js';
import { type ProtectedPaths, withProtectedPaths } from './protected-paths.js';
import { secretScanGate } from './secret-scan.js';

/** One quality gate: a command run in the session's sandbox; exit code 0 passes. */
export interface GateCommand {
  name: string;
  /** A string runs through `/bin/sh -c`; an array is an argv. */
  command: string | string[];
  /** Kill the gate after this long; it then fails. Default 10 minutes. */
  timeoutMs?: number;
  /** Workspace-relative working directory. */
  cwd?: string;
  env?: Record<string, string>;
}

/** Options of {@link CommandVerifier}. */
export interface CommandVerifierOptions {
  gates: GateCommand[];
  /** Add the built-in `secret-scan` gate over the executor's changed files. Default true. */
  secretScan?: boolean;
  /** Characters of output kept in a gate result. Default 4000. */
  maxOutputChars?: number;
  /** Skip the remaining gates after the first failure. Default false. */
  stopOnFailure?: boolean;
  /**
   * Test files, test configuration and gate scripts the executor must not change to make a gate pass: their
   * changes are listed in a `protected-paths` gate, and the policy may run the gates on the base versions.
   */
  protect?: ProtectedPaths;
}

const DEFAULT_TIMEOUT_MS = 600_000;

/**
 * A real verifier: runs each gate as a command in the session's sandbox (typecheck, tests, lint,
 * the instruction's own checks), parses failures out of the output (tsc, vitest/jest, `file:line`),
 * and scans changed files for credentials.
 */
export class CommandVerifier implements Verifier {
  readonly specificationVersion = 1 as const;
  readonly name = 'command';

  constructor(private readonly options: CommandVerifierOptions) {}

  async verify(input: VerifyInput, sandbox: Sandbox, opts: VerifyOptions): Promise<Verdict> {
    // Nothing the executor's phase left running may touch the gates: it is killed first (both SessionHub
    // sandboxes implement `killAll`; one that does not answer throws `sandbox.unresponsive`).
    await sandbox.killAll?.({ signal: opts.signal });
    const runGates = async (): Promise<GateResult[]> => {
      const results: GateResult[] = [];
      for (const gate of this.options.gates) {
        const result = await this.runGate(gate, sandbox, opts.signal);
        results.push(result);
        opts.emitGate?.(result);
        if (!result.passed && this.options.stopOnFailure) break;
      }
      return results;
    };
    const gates = this.options.protect
      ? await withProtectedPaths(sandbox, this.options.protect, opts.signal, runGates, opts.emitGate)
      : await runGates();
    if (this.options.secretScan !== false) {
      const result = await secretScanGate(sandbox, input.report.changedFiles, opts.signal);
      gates.push(result);
      opts.emitGate?.(result);
    }
    return { passed: gates.every((g) => g.passed), gates };
  }

  private async runGate(gate: GateCommand, sandbox: Sandbox, signal: AbortSignal): Promise<GateResult> {
    const timeoutMs = gate.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const res = await sandbox.exec(gate.command, {
      signal,
      timeoutMs,
      maxOutputBytes: 1_000_000,
      ...(gate.cwd ? { cwd: gate.cwd } : {}),
      ...(gate.env ? { env: gate.env } : {}),
    });
    if (signal.aborted) throw signal.reason;
    const output = [res.stdout, res.stderr].filter((s) => s.length > 0).join('\n');
    const passed = res.exitCode === 0 && !res.timedOut;
    const failures = passed ? [] : parseFailures(output);
    if (res.timedOut) failures.unshift({ message: `timed out after ${timeoutMs} ms` });
    else if (!passed && res.exitCode === null) failures.unshift({ message: 'killed by a signal' });
    return {
      name: gate.name,
      passed,
      durationMs: res.durationMs,
      output: excerpt(output, this.options.maxOutputChars ?? 4000),
      failures,
      ...(res.resources ? { resources: res.resources } : {}),
    };
  }
}
