/**
 * The engine's model-based test, for any durable store: random interleavings of `run`, `resume`,
 * `approve`, `reject`, `cancel`, `pause`, listener-triggered approvals, throwing listeners and engine crashes
 * (a store that starts failing, then a fresh engine) over several engines sharing ONE store, checked
 * against the promises of docs/engine.md:
 *
 * - every session ends exactly once, and no event follows `session.finished`;
 * - no finished step's actor is called again, and no step's actor runs twice at once;
 * - every accepted decision takes effect (an approve/reject that resolved is in the log; a cancel
 *   that resolved left the session ended; a pause that resolved here left it released, not ended);
 * - a live engine's `result` never rejects and every session it runs settles;
 * - no secret appears in anything stored (events, session records, Foundation versions and text).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createSessionHub,
  type ExecuteInput,
  type ExecuteOptions,
  type ExecutionReport,
  type Executor,
  type PlanInput,
  type Planner,
  type PlanOptions,
  type PlanResult,
  type Sandbox,
  type SessionHub,
  type Store,
  type Verdict,
  type Verifier,
  type VerifyInput,
  type VerifyOptions,
} from '@sessionhub/core';
import { gateResult, sampleInstruction, usageOf } from '@sessionhub/core/testing';
import { createFoundation } from '@sessionhub/format';
import fc from 'fast-check';
import { CrashingStore } from './support/crashing-store.js';
import { DirSandboxProvider, tempDir } from './support/dir-sandbox.js';

/** The secret every session handles: in its request, executor progress (key and value) and summary. */
export const MODEL_SECRET = 'sk-model-SECRET-0123456789';
/** How long an engine's claim on a session lasts without renewal (on the shared fake clock). */
const LEASE_MS = 60_000;

/** Options of {@link runEngineModel}. */
export interface EngineModelOptions {
  /** Opens a connection to the ONE store every engine of a run shares (same file for a durable store). */
  openStore: (run: number) => Promise<Store>;
  /** Engines per run. */
  engines: number;
  numRuns: number;
  seed?: number;
  /** fast-check's replay path of a counterexample (with its `seed`). */
  path?: string;
  /** Commands per run at most. */
  maxCommands?: number;
  /** Survey mode: do not stop at the first violation; count every kind over all runs. */
  survey?: boolean;
}

/** What the runs found: how many ran and the first violation (none when the promises held). */
export interface EngineModelReport {
  runs: number;
  commands: number;
  failure?: string;
  /** Survey mode: runs showing each kind of violation. */
  found?: Record<string, number>;
  /** What the runs exercised, summed over sessions: how each ended, budget pauses, takeovers by another engine. */
  exercised: Record<string, number>;
}

interface ActorCall {
  engine: number;
  /** The calling engine's id, to tell whether another engine took the session over from it. */
  owner: string;
  sessionId: string;
  stepId: string;
  /** The step had already finished in the log when the actor was called. */
  afterFinish: boolean;
  /** Another call of the same step was running at the time (on a live engine). */
  overlapping: boolean;
}

type DecisionKind = 'approve' | 'reject' | 'cancel' | 'pause';
interface Decision {
  kind: DecisionKind;
  sessionId: string;
  engine: number;
  /** `requested`: recorded in the log for the engine that drives the session (`decision.requested`). */
  outcome: 'pending' | 'accepted' | 'requested' | 'refused';
  /** For a cancel: whether the session had ended when the call resolved. */
  endedAtResolve?: boolean;
  /** For a pause: whether, when the call resolved, the session had not ended and this engine had released it. */
  pausedAtResolve?: boolean;
  error?: string;
}

interface EngineSlot {
  index: number;
  hub: SessionHub;
  crashing: CrashingStore;
  connection: Store;
  dead: boolean;
}

/** One run's world: the shared store, the engines, the fake clock and everything observed. */
class World {
  clock = Date.parse('2026-01-01T00:00:00Z');
  engines: EngineSlot[] = [];
  sessions: string[] = [];
  calls: ActorCall[] = [];
  /** The engines running each step's actor now, by `session step`. */
  running = new Map<string, number[]>();
  decisions: Decision[] = [];
  results: Array<{ engine: number; settled: boolean; rejected?: string }> = [];
  pending: Array<{ label: string; engine: number; settled: boolean }> = [];
  violations: string[] = [];
  nextId = 0;
  tick = 0;
  executed = 0;
  jumps = 0;

  constructor(
    readonly run: number,
    readonly base: Store,
    readonly root: string,
    readonly open: () => Promise<Store>,
  ) {}

  live(): EngineSlot[] {
    return this.engines.filter((e) => !e.dead);
  }

  /** A few macrotask turns, varying call by call so actors interleave differently. */
  async yieldSome(extra = 0): Promise<void> {
    const n = (this.tick++ % 3) + extra;
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  }

  /** Records an actor call, checking the log for the step's end and for another live engine running the step. */
  async enter(engine: number, sessionId: string, stepId: string): Promise<() => void> {
    const key = `${sessionId} ${stepId}`;
    const others = (this.running.get(key) ?? []).filter((e) => !this.engines[e]?.dead);
    const overlapping = others.length > 0 && !this.engines[engine]?.dead;
    this.running.set(key, [...(this.running.get(key) ?? []), engine]);
    const log = await this.base.readEvents(sessionId);
    // A "dead" engine's code still runs here, unlike a killed process's: its calls do not count.
    const afterFinish =
      !this.engines[engine]?.dead && log.some((e) => e.type === 'step.finished' && e.stepId === stepId);
    this.calls.push({
      engine,
      owner: this.engines[engine]?.hub.engineId ?? '',
      sessionId,
      stepId,
      afterFinish,
      overlapping,
    });
    return () => {
      const list = this.running.get(key) ?? [];
      list.splice(list.indexOf(engine), 1);
    };
  }

  track<T>(engine: number, p: Promise<T>, label = 'call'): Promise<T> {
    const entry = { label, engine, settled: false };
    this.pending.push(entry);
    p.then(
      () => {
        entry.settled = true;
      },
      () => {
        entry.settled = true;
      },
    );
    return p;
  }

  /**
   * Waits until every tracked call of a live engine has settled, or `ms` have passed (a hang detector
   * with a generous bound, not a speed check: file-system steps take real time).
   */
  async drain(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.pending.every((p) => p.settled || this.engines[p.engine]?.dead)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  trackResult(engine: number, result: Promise<unknown>): void {
    const entry: { engine: number; settled: boolean; rejected?: string } = { engine, settled: false };
    this.results.push(entry);
    this.track(
      engine,
      result.then(
        () => {
          entry.settled = true;
        },
        (err: unknown) => {
          entry.settled = true;
          entry.rejected = String(err);
        },
      ),
      'result',
    );
  }

  decide(engine: number, kind: DecisionKind, sessionId: string, call: () => Promise<unknown>): void {
    const d: Decision = { kind, sessionId, engine, outcome: 'pending' };
    this.decisions.push(d);
    this.track(
      engine,
      (async () => {
        const by = this.engines[engine]?.hub.engineId;
        const requests = async () =>
          (await this.base.readEvents(sessionId)).filter(
            (e) => e.type === 'decision.requested' && e.by === by && e.decision === kind,
          ).length;
        const before = await requests();
        try {
          await call();
          d.outcome = (await requests()) > before ? 'requested' : 'accepted';
          if (kind === 'cancel' && d.outcome === 'accepted') d.endedAtResolve = await this.ended(sessionId);
          if (kind === 'pause' && d.outcome === 'accepted') {
            const log = await this.base.readEvents(sessionId);
            d.pausedAtResolve =
              !log.some((e) => e.type === 'session.finished') &&
              log.some((e) => e.type === 'session.released' && e.owner === by);
          }
        } catch (err) {
          d.outcome = 'refused';
          d.error = String(err);
        }
      })(),
      `${kind} ${sessionId}`,
    );
  }

  async ended(sessionId: string): Promise<boolean> {
    return (await this.base.readEvents(sessionId)).some((e) => e.type === 'session.finished');
  }

  async addEngine(): Promise<EngineSlot> {
    const index = this.engines.length;
    const connection = await this.open();
    const crashing = new CrashingStore(connection);
    const hub = createSessionHub({
      planner: new ModelPlanner(this, index),
      executor: new ModelExecutor(this, index),
      verifier: new ModelVerifier(this, index),
      store: crashing,
      sandbox: new DirSandboxProvider(),
      workspace: async (session) => {
        const dir = join(this.root, session.id);
        await mkdir(dir, { recursive: true });
        const file = join(dir, 'FOUNDATION.md');
        await readFile(file).catch(() => writeFile(file, createFoundation({ title: 'Model', version: '1.0' })));
        return dir;
      },
      env: {},
      now: () => this.clock,
      generateId: () => `r${this.run}-s${this.nextId++}`,
      // A cost budget that sessions re-running steps after crashes reach: they pause for a raise.
      policy: {
        requireApproval: true,
        maxFixAttempts: 1,
        secrets: [MODEL_SECRET],
        leaseMs: LEASE_MS,
        budgets: { costUsd: 0.15 },
      },
    });
    const slot: EngineSlot = { index, hub, crashing, connection, dead: false };
    this.engines.push(slot);
    return slot;
  }
}

class ModelPlanner implements Planner {
  readonly specificationVersion = 1 as const;
  readonly name = 'model-planner';
  constructor(
    private readonly world: World,
    private readonly engine: number,
  ) {}
  async plan(input: PlanInput, opts: PlanOptions): Promise<PlanResult> {
    const leave = await this.world.enter(this.engine, input.sessionId, `plan:${input.failed?.attempt ?? 0}`);
    try {
      await this.world.yieldSome();
      opts.signal.throwIfAborted();
      opts.reportUsage?.(usageOf(10, 0.01));
      return { text: sampleInstruction({ version: input.nextVersion ?? '1.1' }), usage: usageOf(10, 0.01) };
    } finally {
      leave();
    }
  }
}

class ModelExecutor implements Executor {
  readonly specificationVersion = 1 as const;
  readonly name = 'model-executor';
  constructor(
    private readonly world: World,
    private readonly engine: number,
  ) {}
  async execute(input: ExecuteInput, _sandbox: Sandbox, opts: ExecuteOptions): Promise<ExecutionReport> {
    const leave = await this.world.enter(this.engine, input.sessionId, `execute:${input.attempt}`);
    try {
      opts.emit({ kind: 'output', message: `using ${MODEL_SECRET}`, data: { [MODEL_SECRET]: MODEL_SECRET } });
      opts.reportUsage?.(usageOf(100, 0.1));
      await this.world.yieldSome();
      opts.signal.throwIfAborted();
      return { summary: `done with ${MODEL_SECRET}`, changedFiles: [], usage: usageOf(100, 0.1) };
    } finally {
      leave();
    }
  }
}

class ModelVerifier implements Verifier {
  readonly specificationVersion = 1 as const;
  readonly name = 'model-verifier';
  constructor(
    private readonly world: World,
    private readonly engine: number,
  ) {}
  async verify(input: VerifyInput, _sandbox: Sandbox, opts: VerifyOptions): Promise<Verdict> {
    const leave = await this.world.enter(this.engine, input.sessionId, `verify:${input.attempt}`);
    try {
      await this.world.yieldSome();
      opts.signal.throwIfAborted();
      // Every other session fails its first verification, to exercise the fix loop.
      const passed = input.attempt > 0 || Number(input.sessionId.split('-s')[1]) % 2 === 0;
      return { passed, gates: [gateResult('model', passed)] };
    } finally {
      leave();
    }
  }
}

/** Approves a session, raising its budget when it is paused at one. */
async function approveAny(hub: SessionHub, id: string): Promise<void> {
  try {
    await hub.approve(id);
  } catch (err) {
    if (!String(err).includes('over budget') && !String(err).includes('budget')) throw err;
    await hub.approve(id, { raiseBudget: { costUsd: 1000 } });
  }
}

type Model = { sessions: number };
type Cmd = fc.AsyncCommand<Model, World>;

const cmd = (label: string, run: (w: World) => void | Promise<void>, needsSession = false): Cmd => ({
  check: (m) => !needsSession || m.sessions > 0,
  run: async (m, w) => {
    w.executed++;
    if (label.startsWith('run')) m.sessions++;
    await run(w);
  },
  toString: () => label,
});

const sessionAt = (w: World, i: number): string | undefined => w.sessions[i % Math.max(1, w.sessions.length)];
const engineAt = (w: World, e: number): EngineSlot | undefined => {
  const live = w.live();
  return live[e % Math.max(1, live.length)];
};

function commands(engines: number): fc.Arbitrary<Cmd>[] {
  const e = fc.nat(engines - 1);
  const i = fc.nat(7);
  return [
    e.map((k) =>
      cmd(`run(${k})`, (w) => {
        const slot = engineAt(w, k);
        if (!slot) return;
        w.track(
          slot.index,
          slot.hub.run({ request: `Greet visitors, key ${MODEL_SECRET}` }).then((h) => {
            w.sessions.push(h.id);
            w.trackResult(slot.index, h.result);
          }),
        );
      }),
    ),
    fc.tuple(e, i).map(([k, n]) =>
      cmd(
        `resume(${k}, ${n})`,
        (w) => {
          const slot = engineAt(w, k);
          const id = sessionAt(w, n);
          if (!slot || !id) return;
          w.track(
            slot.index,
            slot.hub.resume(id).then((h) => w.trackResult(slot.index, h.result)),
          );
        },
        true,
      ),
    ),
    ...(['approve', 'reject', 'cancel', 'pause'] as const).map((kind) =>
      fc.tuple(e, i).map(([k, n]) =>
        cmd(
          `${kind}(${k}, ${n})`,
          (w) => {
            const slot = engineAt(w, k);
            const id = sessionAt(w, n);
            if (!slot || !id) return;
            w.decide(slot.index, kind, id, () =>
              kind === 'approve'
                ? slot.hub.approve(id)
                : kind === 'reject'
                  ? slot.hub.reject(id)
                  : kind === 'cancel'
                    ? slot.hub.cancel(id)
                    : slot.hub.pause(id),
            );
          },
          true,
        ),
      ),
    ),
    fc.tuple(e, i).map(([k, n]) =>
      cmd(
        `raiseBudget(${k}, ${n})`,
        (w) => {
          const slot = engineAt(w, k);
          const id = sessionAt(w, n);
          if (!slot || !id) return;
          w.decide(slot.index, 'approve', id, () => slot.hub.approve(id, { raiseBudget: { costUsd: 1000 } }));
        },
        true,
      ),
    ),
    e.map((k) =>
      cmd(`listenerApprove(${k})`, (w) => {
        const slot = engineAt(w, k);
        slot?.hub.emitter.once('approval.requested', (ev) => {
          w.decide(slot.index, 'approve', ev.sessionId, () => slot.hub.approve(ev.sessionId));
        });
      }),
    ),
    e.map((k) =>
      cmd(`throwingListener(${k})`, (w) => {
        engineAt(w, k)?.hub.emitter.once('executor.progress', () => {
          throw new Error('a listener bug');
        });
      }),
    ),
    e.map((k) =>
      cmd(`crash(${k})`, async (w) => {
        const slot = engineAt(w, k);
        if (!slot || w.live().length === 0) return;
        slot.crashing.kill();
        slot.dead = true;
        // The dead engine's claims run out; a fresh engine takes its place.
        w.clock += 2 * LEASE_MS;
        w.jumps++;
        await w.addEngine();
      }),
    ),
    fc.nat(6).map((n) =>
      cmd(`yield(${n})`, async () => {
        for (let j = 0; j < n; j++) await new Promise((r) => setImmediate(r));
      }),
    ),
  ];
}

/** Lets every live engine finish: approves what waits, then hands what is left to a fresh engine. */
async function settle(w: World): Promise<void> {
  for (let round = 0; round < 20; round++) {
    await w.drain(50);
    let waiting = false;
    for (const id of w.sessions) {
      const s = await w.base.getSession(id);
      if (s?.state !== 'awaiting_approval') continue;
      waiting = true;
      for (const slot of w.live()) w.decide(slot.index, 'approve', id, () => approveAny(slot.hub, id));
    }
    if (!waiting && (await w.drain(50))) break;
  }
  await w.drain(10_000);
  for (const p of w.pending) {
    if (!p.settled && !w.engines[p.engine]?.dead)
      w.violations.push(`${p.label} on live engine ${p.engine} never settled`);
  }
  for (const r of w.results) {
    if (r.rejected && !w.engines[r.engine]?.dead) {
      w.violations.push(`a result on live engine ${r.engine} rejected: ${r.rejected}`);
    }
  }
  // Every engine "dies"; a janitor engine, after the claims run out, finishes what is left.
  for (const slot of w.live()) {
    slot.crashing.kill();
    slot.dead = true;
  }
  w.clock += 2 * LEASE_MS;
  w.jumps++;
  const janitor = await w.addEngine();
  for (const id of w.sessions) {
    if (await w.ended(id)) {
      // Opening a finished session repairs a record a crash left behind its log.
      await janitor.hub.resume(id).catch((err: unknown) => w.violations.push(`janitor: ${id}: ${String(err)}`));
      continue;
    }
    const done = { settled: false };
    const finishing = (async () => {
      const handle = await janitor.hub.resume(id);
      // Approves whatever it waits for (a plan, a budget pause) until it has ended.
      const until = Date.now() + 10_000;
      while (!(await w.ended(id)) && Date.now() < until) {
        await approveAny(janitor.hub, id).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1));
      }
      await handle.result;
    })().then(
      () => {
        done.settled = true;
      },
      (err: unknown) => {
        done.settled = true;
        w.violations.push(`janitor could not finish ${id}: ${String(err)}`);
      },
    );
    const deadline = Date.now() + 10_000;
    while (!done.settled && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    if (!done.settled) w.violations.push(`janitor: ${id} never finished`);
    void finishing;
  }
}

async function check(w: World, exercised: Record<string, number>): Promise<void> {
  const v = w.violations;
  const count = (what: string) => {
    exercised[what] = (exercised[what] ?? 0) + 1;
  };
  for (const id of w.sessions) {
    const log = await w.base.readEvents(id);
    count('sessions');
    for (const e of log) {
      if (e.type === 'session.finished') count(e.state);
      if (e.type === 'approval.requested' && e.budget) count('budget pauses');
      if (e.type === 'session.released') count('releases');
    }
    if (new Set(log.flatMap((e) => (e.type === 'session.claimed' ? [e.owner] : []))).size > 1) count('taken over');
    const finished = log.filter((e) => e.type === 'session.finished');
    if (finished.length !== 1) v.push(`${id}: ${finished.length} session.finished events`);
    const at = log.findIndex((e) => e.type === 'session.finished');
    if (at >= 0 && at !== log.length - 1) v.push(`${id}: ${log[at + 1]?.type} after session.finished`);
    if (log.some((e, k) => e.seq !== k + 1)) v.push(`${id}: seq not gap-free`);
    if (log[0]?.type !== 'session.created') v.push(`${id}: log starts with ${log[0]?.type}`);
    const ended = finished[0];
    for (const d of w.decisions.filter((x) => x.sessionId === id && x.outcome === 'accepted')) {
      if (d.kind === 'cancel' && !d.endedAtResolve) v.push(`${id}: cancel() resolved before the session ended`);
      if (d.kind === 'pause') {
        count('paused');
        if (!d.pausedAtResolve) v.push(`${id}: pause() resolved but the session was not paused (released) by then`);
      }
      if (d.kind === 'approve' && !log.some((e) => e.type === 'approval.resolved' && e.approved)) {
        v.push(`${id}: an accepted approve() is not in the log (ended ${ended?.state})`);
      }
      if (d.kind === 'reject' && !log.some((e) => e.type === 'approval.resolved' && !e.approved)) {
        v.push(`${id}: an accepted reject() is not in the log (ended ${ended?.state})`);
      }
    }
    // One decision per request: a plan's approval, or each budget pause.
    let open = 0;
    for (const e of log) {
      if (e.type === 'approval.requested') open = 1;
      if (e.type === 'approval.resolved' && open-- !== 1) v.push(`${id}: approval.resolved without a request`);
      // A decision made on another engine is recorded only while the session waits for one.
      const anyTime = e.type === 'decision.requested' && (e.decision === 'cancel' || e.decision === 'pause');
      if (e.type === 'decision.requested' && !anyTime && open !== 1) {
        v.push(`${id}: decision.requested ${e.decision} while the session waited for no decision`);
      }
    }
    // A cancel recorded for the owner stops the session: at most the step whose start was already on its
    // way to the store starts after it.
    const cancelAt = log.findIndex((e) => e.type === 'decision.requested' && e.decision === 'cancel');
    if (cancelAt >= 0) {
      count('cancels requested');
      const later = log.slice(cancelAt).filter((e) => e.type === 'step.started').length;
      if (later > 1) v.push(`${id}: ${later} steps started after a requested cancel`);
    }
    if (log.some((e) => e.type === 'decision.requested' && e.decision !== 'cancel' && e.decision !== 'pause')) {
      count('decisions requested');
    }
    if (log.some((e) => e.type === 'decision.requested' && e.decision === 'pause')) count('pauses requested');
    const record = await w.base.getSession(id);
    if (record && ended && record.state !== ended.state) v.push(`${id}: record ${record.state}, log ${ended.state}`);
    if (JSON.stringify(log).includes(MODEL_SECRET) || JSON.stringify(record).includes(MODEL_SECRET)) {
      v.push(`${id}: the secret is stored`);
    }
  }
  for (const c of w.calls) {
    // An engine whose claim ran out while it worked (the clock jumped past it: a stall longer than
    // the claim) may have an actor call in flight when another engine takes over: the documented
    // "at most the step in flight runs again". Its writes still never land (they are conditional).
    const log = await w.base.readEvents(c.sessionId);
    const overtaken = log.some((e) => e.type === 'session.claimed' && e.owner !== c.owner) && w.jumps > 0;
    if (c.afterFinish && !overtaken) v.push(`${c.sessionId}: actor of finished step ${c.stepId} called again`);
    if (c.overlapping && !overtaken) v.push(`${c.sessionId}: ${c.stepId} ran twice at once`);
  }
  for (const id of w.sessions) {
    const finished = (await w.base.readEvents(id)).flatMap((e) => (e.type === 'step.finished' ? [e.stepId] : []));
    if (new Set(finished).size !== finished.length) v.push(`${id}: a step finished twice in the log`);
  }
  const versions = await w.base.listFoundationVersions();
  if (JSON.stringify(versions).includes(MODEL_SECRET)) v.push('the secret is in a stored Foundation version');
  for (const id of w.sessions) {
    const text = await readFile(join(w.root, id, 'FOUNDATION.md'), 'utf8').catch(() => '');
    if (text.includes(MODEL_SECRET)) v.push(`${id}: the secret is in the Foundation document`);
  }
}

/** Runs the model: `numRuns` random command sequences; returns what ran and the first violation. */
export async function runEngineModel(o: EngineModelOptions): Promise<EngineModelReport> {
  let runs = 0;
  let total = 0;
  const found: Record<string, number> = {};
  const exercised: Record<string, number> = {};
  const property = fc.asyncProperty(
    fc.commands(commands(o.engines), { maxCommands: o.maxCommands ?? 30, size: 'medium' }),
    async (cmds) => {
      const run = runs++;
      const root = await tempDir('sessionhub-model-');
      const base = await o.openStore(run);
      const world = new World(run, base, root, () => o.openStore(run));
      for (let k = 0; k < o.engines; k++) await world.addEngine();
      await fc.asyncModelRun(() => ({ model: { sessions: 0 }, real: world }), cmds);
      total += world.executed;
      await settle(world);
      await check(world, exercised);
      if (process.env.ENGINE_MODEL_DEBUG && world.violations.length > 0) {
        const lines = [`run ${run}: ${world.violations.join('; ')}`];
        for (const id of world.sessions) {
          const log = await base.readEvents(id);
          lines.push(`  ${id}: ${log.map((e) => e.type).join(' ')}`);
        }
        lines.push(`  decisions: ${JSON.stringify(world.decisions)}`);
        lines.push(
          `  calls: ${JSON.stringify(world.calls.map((c) => [c.engine, c.sessionId, c.stepId, c.overlapping]))}`,
        );
        console.log(lines.join('\n'));
      }
      if (o.survey) {
        const kinds = new Set(world.violations.map((x) => x.replace(/r\d+-s\d+/g, '<id>').replace(/\d+/g, 'N')));
        for (const k of kinds) found[k] = (found[k] ?? 0) + 1;
        world.violations = [];
      }
      for (const slot of world.engines) await slot.connection.close().catch(() => undefined);
      await base.close().catch(() => undefined);
      if (world.violations.length > 0) throw new Error(world.violations.slice(0, 5).join('\n'));
    },
  );
  const details = await fc.check(property, {
    numRuns: o.numRuns,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.path !== undefined ? { path: o.path } : {}),
  });
  const report: EngineModelReport = { runs, commands: total, exercised, ...(o.survey ? { found } : {}) };
  if (details.failed) {
    const error = details.errorInstance;
    report.failure = `${error instanceof Error ? error.message : String(error)}\ncounterexample: ${fc.stringify(details.counterexample)}\nseed: ${details.seed}, path: ${details.counterexamplePath}`;
  }
  return report;
}
