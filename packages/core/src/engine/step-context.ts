import type { NewSessionEvent, Phase } from '../model/events.js';
import { addUsage, isEmptyUsage, type Usage, usageBeyond } from '../model/usage.js';
import type { WriteAheadRunner } from './write-ahead-runner.js';

/** Usage of one actor call: reported as incurred, then settled against the call's total. */
export interface UsageMeter {
  /** One model call's usage, as it is incurred: written at once and counted by the budgets. */
  report(usage: Usage): void;
  /** The call's total: records what it adds to what was reported (never negative). */
  settle(total: Usage): void;
}

/** What one step's body sees: its signal, and the only ways it may write (through the runner, in order). */
export interface StepContext {
  signal: AbortSignal;
  /** Buffers an event; it is written together with the step's end. */
  record(event: NewSessionEvent): void;
  /** A usage meter for one actor call of a phase. */
  meter(phase: Phase): UsageMeter;
  /** Writes an event now (executor progress), in order with every other write. Dropped once the step ended. */
  appendLive(event: NewSessionEvent): void;
}

/** A step's view of the runner: what its body may do besides its side effect (see {@link StepContext}). */
export class StepScope implements StepContext {
  /** What the step records, written with its end (or ahead of its `step.failed`). */
  readonly buffered: NewSessionEvent[] = [];
  /** Cleared once the step ended: later progress or usage is dropped. */
  open = true;

  constructor(
    private readonly runner: WriteAheadRunner,
    readonly signal: AbortSignal,
  ) {}

  record(event: NewSessionEvent): void {
    this.buffered.push(event);
  }

  meter(phase: Phase): UsageMeter {
    return new StepMeter(this, this.runner, phase);
  }

  appendLive(event: NewSessionEvent): void {
    if (this.open) this.runner.appendLive(event);
  }
}

/** The usage meter of one actor call in a step. */
class StepMeter implements UsageMeter {
  private reported: Usage | undefined;
  /** Bound: actors are handed `report` alone (`reportUsage`). */
  readonly report: (usage: Usage) => void;

  constructor(
    private readonly scope: StepScope,
    private readonly runner: WriteAheadRunner,
    private readonly phase: Phase,
  ) {
    this.report = this.reportNow.bind(this);
  }

  private reportNow(usage: Usage): void {
    if (!this.scope.open) return;
    this.reported = this.reported ? addUsage(this.reported, usage) : usage;
    this.runner.reportUsage(this.phase, usage);
  }

  settle(total: Usage): void {
    const rest = this.reported ? usageBeyond(total, this.reported) : total;
    if (this.reported && isEmptyUsage(rest)) return;
    this.scope.buffered.push({
      type: 'usage.recorded',
      sessionId: this.runner.sessionId,
      phase: this.phase,
      usage: rest,
    });
    this.runner.settleUsage(rest);
  }
}
