import type { ExecutionReport, GateResult, Verdict } from '../model/report.js';
import { emptyUsage, type Usage } from '../model/usage.js';
import type { ExecuteInput, ExecuteOptions, Executor, ExecutorProgress } from '../ports/executor.js';
import type { PlanInput, Planner, PlanOptions, PlanResult } from '../ports/planner.js';
import type { Sandbox } from '../ports/sandbox.js';
import type { Verifier, VerifyInput, VerifyOptions } from '../ports/verifier.js';

/** A usage of `tokens` output tokens costing `costUsd`. */
export function usageOf(tokens: number, costUsd = 0): Usage {
  return { ...emptyUsage(), outputTokens: tokens, costUsd };
}

/** Resolves never; rejects with the signal's reason once it aborts. For actors that must be cancelled. */
export function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Options of {@link sampleInstruction}. */
export interface SampleInstructionOptions {
  version?: string;
  name?: string;
  objectives?: string[];
  requirements?: string[];
  validation?: string[];
  /** Lines appended to REQUIREMENTS verbatim (to inject boundary violations in tests). */
  extraRequirementLines?: string[];
}

/** A canonical session instruction (the form `formatInstruction` writes) that passes the actor-boundary linter. */
export function sampleInstruction(o: SampleInstructionOptions = {}): string {
  const version = o.version ?? '1.1';
  const bullets = (items: string[]) => items.map((i) => `- ${i}`);
  const lines = [
    `Session ${version}: ${o.name ?? 'Friendly Greeting'}`,
    'OBJECTIVES:',
    ...(o.objectives ?? ['Visitors are greeted by name on the welcome page']).map((t, i) => `${i + 1}. ${t}`),
    'REQUIREMENTS:',
    ...bullets(o.requirements ?? ['The greeting uses the name the visitor gave at sign-up']),
    ...(o.extraRequirementLines ?? []),
    'FOUNDATION UPDATE:',
    `- Update to version ${version}`,
    '- Add session to log',
    'VALIDATION:',
    ...bullets(o.validation ?? ['A visitor named Ada sees the greeting "Hello, Ada" on the welcome page']),
    'NOT INCLUDED:',
    '- Greetings in other languages',
  ];
  return `${lines.join('\n')}\n`;
}

/** What a scripted planner answers: a text, a full result, or a function of the input. */
export type PlannerReply =
  | string
  | PlanResult
  | ((
      input: PlanInput,
      call: number,
      opts: { signal: AbortSignal },
    ) => string | PlanResult | Promise<string | PlanResult>);

/** Options of {@link ScriptedPlanner}. */
export interface ScriptedPlannerOptions {
  /** Replies in call order; after the last one, `fallback` answers. */
  script?: PlannerReply[];
  /** Answers every call past the script. Default: {@link sampleInstruction} with the requested version. */
  fallback?: PlannerReply;
  /** Usage of each call whose reply is a string. Default zero. */
  usage?: Usage;
  /** Also report each call's usage through `opts.reportUsage` as it is incurred, as a model-backed planner does. */
  reportsUsage?: boolean;
}

/** A {@link Planner} that answers from a script and records every call. */
export class ScriptedPlanner implements Planner {
  readonly specificationVersion = 1 as const;
  readonly name = 'scripted-planner';
  /** Every call, in order. `attempt` is 0 for the initial plan and n for the n-th fix. */
  readonly calls: Array<{ input: PlanInput; attempt: number }> = [];

  constructor(private readonly options: ScriptedPlannerOptions = {}) {}

  async plan(input: PlanInput, opts: PlanOptions): Promise<PlanResult> {
    const call = this.calls.length;
    this.calls.push({ input, attempt: input.failed?.attempt ?? 0 });
    if (opts.signal.aborted) throw opts.signal.reason;
    const reply =
      this.options.script?.[call] ??
      this.options.fallback ??
      ((i: PlanInput) => sampleInstruction(i.nextVersion ? { version: i.nextVersion } : {}));
    const out = typeof reply === 'function' ? await reply(input, call, opts) : reply;
    const result = typeof out === 'string' ? { text: out, usage: this.options.usage ?? emptyUsage() } : out;
    if (this.options.reportsUsage) opts.reportUsage?.(result.usage);
    return result;
  }
}

/** What a scripted executor does for one call. */
export type ExecutorReply = (
  input: ExecuteInput,
  sandbox: Sandbox,
  opts: ExecuteOptions,
) => Partial<ExecutionReport> | Promise<Partial<ExecutionReport>>;

/** Options of {@link ScriptedExecutor}. */
export interface ScriptedExecutorOptions {
  /** Files written into the sandbox on every call (path → content); they become `changedFiles`. */
  writes?: Record<string, string>;
  /** Progress reported on every call. */
  progress?: ExecutorProgress[];
  /** Custom behaviour; its fields override the defaults. */
  respond?: ExecutorReply;
  /** Usage of each call. Default zero. */
  usage?: Usage;
  /** Report `usage` through `opts.reportUsage` as it is incurred (before `respond` runs), as a model-backed executor does. */
  reportsUsage?: boolean;
}

/** An {@link Executor} that writes scripted files, reports scripted progress, and records every call. */
export class ScriptedExecutor implements Executor {
  readonly specificationVersion = 1 as const;
  readonly name = 'scripted-executor';
  readonly calls: ExecuteInput[] = [];

  constructor(private readonly options: ScriptedExecutorOptions = {}) {}

  async execute(input: ExecuteInput, sandbox: Sandbox, opts: ExecuteOptions): Promise<ExecutionReport> {
    this.calls.push(input);
    if (opts.signal.aborted) throw opts.signal.reason;
    if (this.options.reportsUsage) opts.reportUsage?.(this.options.usage ?? emptyUsage());
    for (const p of this.options.progress ?? []) opts.emit(p);
    const writes = Object.entries(this.options.writes ?? {});
    for (const [path, content] of writes) await sandbox.writeFile(path, content, { signal: opts.signal });
    const custom = (await this.options.respond?.(input, sandbox, opts)) ?? {};
    return {
      summary: `implemented ${input.instruction.name} (attempt ${input.attempt})`,
      changedFiles: writes.map(([path]) => path),
      usage: this.options.usage ?? emptyUsage(),
      ...custom,
    };
  }
}

/** What a scripted verifier answers for one attempt. */
export type VerifierReply =
  | boolean
  | Verdict
  | ((input: VerifyInput, sandbox: Sandbox, opts: VerifyOptions) => boolean | Verdict | Promise<boolean | Verdict>);

/** A gate result for a scripted verdict. */
export function gateResult(name: string, passed: boolean, message = 'check failed'): GateResult {
  return {
    name,
    passed,
    durationMs: 0,
    output: passed ? 'ok' : message,
    failures: passed ? [] : [{ message }],
  };
}

/** A {@link Verifier} answering per attempt (so a resumed session gets the same answer) and recording calls. */
export class ScriptedVerifier implements Verifier {
  readonly specificationVersion = 1 as const;
  readonly name = 'scripted-verifier';
  readonly calls: VerifyInput[] = [];

  /** `byAttempt[n]` answers attempt n; past the end, the last entry answers. Default: always passed. */
  constructor(private readonly byAttempt: VerifierReply[] = [true]) {}

  async verify(input: VerifyInput, sandbox: Sandbox, opts: VerifyOptions): Promise<Verdict> {
    this.calls.push(input);
    if (opts.signal.aborted) throw opts.signal.reason;
    const reply = this.byAttempt[Math.min(input.attempt, this.byAttempt.length - 1)] ?? true;
    const out = typeof reply === 'function' ? await reply(input, sandbox, opts) : reply;
    if (typeof out !== 'boolean') return out;
    return { passed: out, gates: [gateResult('scripted', out, `attempt ${input.attempt} failed`)] };
  }
}
