import type { NewSessionEvent, SessionEvent, Store, StoreCallOptions } from '@sessionhub/core';

/** The error a simulated crash throws. */
export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash');
  }
}

/**
 * Wraps a real store. Its `crashAt`-th `appendEvents` (or `appendEventsAndUpdate`, when the inner store has it)
 * call throws (nothing of it is applied) and from then on every call throws, as if the process had died.
 * `kill()` does the same on demand.
 */
export class CrashingStore implements Store {
  readonly specificationVersion = 1 as const;
  readonly name = 'crashing';
  appends = 0;
  /** How many of `appends` were `appendEventsAndUpdate` calls (the record update with its append). */
  combinedAppends = 0;
  dead = false;

  /** The inner store's one-transaction append and record update, when it has one: counted and crashed as an append. */
  readonly appendEventsAndUpdate?: Store['appendEventsAndUpdate'];

  constructor(
    private readonly inner: Store,
    private readonly crashAt = Number.POSITIVE_INFINITY,
  ) {
    const combined = inner.appendEventsAndUpdate?.bind(inner);
    if (combined) {
      this.appendEventsAndUpdate = async (...a) => {
        this.countAppend();
        this.combinedAppends++;
        return combined(...a);
      };
    }
  }

  kill(): void {
    this.dead = true;
  }

  private live(): void {
    if (this.dead) throw new SimulatedCrash();
  }

  /** Runs a call on the real store unless the "process" is dead. */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    this.live();
    return call();
  }

  async appendEvents(id: string, events: NewSessionEvent[], opts?: StoreCallOptions): Promise<SessionEvent[]> {
    this.countAppend();
    return this.inner.appendEvents(id, events, opts);
  }

  /** Counts an append; the `crashAt`-th throws before it is applied, as does every call after it. */
  private countAppend(): void {
    this.live();
    this.appends++;
    if (this.appends === this.crashAt) {
      this.dead = true;
      throw new SimulatedCrash();
    }
  }

  createSession: Store['createSession'] = (...a) => this.guard(() => this.inner.createSession(...a));
  getSession: Store['getSession'] = (...a) => this.guard(() => this.inner.getSession(...a));
  updateSession: Store['updateSession'] = (...a) => this.guard(() => this.inner.updateSession(...a));
  listSessions: Store['listSessions'] = (...a) => this.guard(() => this.inner.listSessions(...a));
  readEvents: Store['readEvents'] = (...a) => this.guard(() => this.inner.readEvents(...a));
  searchLibrary: Store['searchLibrary'] = (...a) => this.guard(() => this.inner.searchLibrary(...a));
  putTemplate: Store['putTemplate'] = (...a) => this.guard(() => this.inner.putTemplate(...a));
  getTemplate: Store['getTemplate'] = (...a) => this.guard(() => this.inner.getTemplate(...a));
  listTemplates: Store['listTemplates'] = (...a) => this.guard(() => this.inner.listTemplates(...a));
  deleteTemplate: Store['deleteTemplate'] = (...a) => this.guard(() => this.inner.deleteTemplate(...a));
  addFoundationVersion: Store['addFoundationVersion'] = (...a) =>
    this.guard(() => this.inner.addFoundationVersion(...a));
  listFoundationVersions: Store['listFoundationVersions'] = (...a) =>
    this.guard(() => this.inner.listFoundationVersions(...a));
  analytics: Store['analytics'] = (...a) => this.guard(() => this.inner.analytics(...a));
  close: Store['close'] = async () => undefined;
}
