import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BoundaryViolationError,
  BudgetExceededError,
  MemoryStore,
  type SessionEvent,
  SessionStateError,
} from '@sessionhub/core';
import {
  gateResult,
  ScriptedExecutor,
  ScriptedPlanner,
  ScriptedVerifier,
  sampleInstruction,
  usageOf,
} from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { CrashingStore, SimulatedCrash } from './support/crashing-store.js';
import { collect, expectSoundLog, FOUNDATION_1_0, finishedSteps, makeHarness, states } from './support/harness.js';

/** An instruction that hands the executor code: the linter rejects it by default. */
const CODE_VIOLATION = sampleInstruction({
  extraRequirementLines: ['```ts', 'export const greet = (name: string) => "Hello, " + name;', '```'],
});
/** An instruction that gives a shell command: a warning unless the policy makes it an error. */
const SHELL_VIOLATION = sampleInstruction({ extraRequirementLines: ['- Run npm install left-pad first'] });

describe('engine: lifecycle', () => {
  it('runs created → planning → executing → verifying → succeeded and writes each step ahead', async () => {
    const h = await makeHarness();
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.error).toBeUndefined();
    expect(result.session.state).toBe('succeeded');
    expect(result.verdict?.passed).toBe(true);
    expect(result.report?.changedFiles).toEqual(['greeting.txt']);
    const events = await h.store.readEvents(handle.id);
    expectSoundLog(events);
    expect(states(events)).toEqual(['planning', 'executing', 'verifying', 'succeeded']);
    expect(finishedSteps(events)).toEqual(['plan:0', 'execute:0', 'verify:0']);
    // The planner's text is stored as accepted, and the session record mirrors it.
    const accepted = events.find((e) => e.type === 'instruction.accepted');
    expect(accepted?.type === 'instruction.accepted' && accepted.name).toBe('Friendly Greeting');
    const stored = await h.hub.get(handle.id);
    expect(stored?.state).toBe('succeeded');
    expect(stored?.name).toBe('Friendly Greeting');
    expect(stored?.summary).toContain('Friendly Greeting');
    // The executor's file is really in the workspace, and the sandbox was disposed.
    expect(await readFile(join(h.workspace, 'greeting.txt'), 'utf8')).toBe('Hello, Ada\n');
    expect(h.sandboxes.created).toHaveLength(1);
    expect(h.sandboxes.created[0]?.isDisposed).toBe(true);
  });

  it('starts from an issue and hands the issue to the planner', async () => {
    const h = await makeHarness();
    const issue = { host: 'github', repo: 'o/r', number: 7, title: 'Greet by name', body: 'Please', labels: [] };
    const result = await (await h.hub.run({ issue })).result;
    expect(result.session.state).toBe('succeeded');
    expect(h.planner.calls[0]?.input.issue).toEqual(issue);
    expect(h.planner.calls[0]?.input.request).toContain('Greet by name');
  });

  it('rejects an empty request with a typed error', async () => {
    const h = await makeHarness();
    await expect(h.hub.run({ request: '  ' })).rejects.toMatchObject({ code: 'session.invalid_input' });
  });

  it('offers the most relevant successful sessions to the planner as library context', async () => {
    const h = await makeHarness({ policy: { libraryContextSize: 2 } });
    for (const request of ['Greet visitors by name', 'Greet admins by name', 'Greet guests by name']) {
      await (await h.hub.run({ request })).result;
    }
    await (await h.hub.run({ request: 'Greet members by name' })).result;
    const last = h.planner.calls[h.planner.calls.length - 1]!;
    expect(last.input.library).toHaveLength(2);
    for (const hit of last.input.library) expect(hit.session.state).toBe('succeeded');
    expect(h.planner.calls[0]?.input.library).toEqual([]);
  });

  it('emits every stored event on the emitter and replays them to late subscribers', async () => {
    const h = await makeHarness();
    const seen: SessionEvent[] = [];
    h.hub.emitter.on('event', (e) => seen.push(e));
    const finished: string[] = [];
    h.hub.emitter.on('session.finished', (e) => finished.push(e.state));
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const live = collect(handle.events);
    await handle.result;
    const stored = await h.store.readEvents(handle.id);
    expect(await live).toEqual(stored);
    expect(seen).toEqual(stored);
    expect(finished).toEqual(['succeeded']);
    // A subscriber arriving after the end still gets the whole log.
    expect(await collect(h.hub.events(handle.id))).toEqual(stored);
  });

  it('gives the executor a frozen instruction it cannot change', async () => {
    let mutationError: unknown;
    const executor = new ScriptedExecutor({
      respond: (input) => {
        try {
          (input.instruction as { name: string }).name = 'Hijacked';
        } catch (err) {
          mutationError = err;
        }
        return { summary: 'tried to rename the session' };
      },
    });
    const h = await makeHarness({ executor });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(mutationError).toBeInstanceOf(TypeError);
    expect(result.session.name).toBe('Friendly Greeting');
    expect(h.verifier.calls[0]?.instruction.name).toBe('Friendly Greeting');
  });

  it('stores executor progress as events', async () => {
    const executor = new ScriptedExecutor({
      progress: [
        { kind: 'tool_call', message: 'write greeting.txt' },
        { kind: 'output', message: 'done', data: { bytes: 11 } },
      ],
    });
    const h = await makeHarness({ executor });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await handle.result;
    const progress = (await h.store.readEvents(handle.id)).filter((e) => e.type === 'executor.progress');
    expect(progress.map((e) => e.type === 'executor.progress' && e.message)).toEqual(['write greeting.txt', 'done']);
  });

  it('fails with the actor error when the executor throws', async () => {
    const executor = new ScriptedExecutor({
      respond: () => {
        throw new Error('model unavailable');
      },
    });
    const h = await makeHarness({ executor });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('failed');
    expect(result.error?.code).toBe('execute.failed');
    const events = await h.store.readEvents(handle.id);
    expectSoundLog(events);
    expect(events.some((e) => e.type === 'step.failed' && e.stepId === 'execute:0')).toBe(true);
    expect(h.sandboxes.created[0]?.isDisposed).toBe(true);
  });

  it('runs many sessions at once without exceeding the concurrency limit, one sandbox each', async () => {
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const executor = new ScriptedExecutor({
      respond: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return {};
      },
    });
    const h = await makeHarness({ executor, policy: { concurrency: 3 } });
    const handles = await Promise.all(
      Array.from({ length: 8 }, (_v, i) => h.hub.run({ request: `Greet visitor number ${i}` })),
    );
    // Each time every slot is busy (or every remaining session is), let the waiting executors finish.
    let released = 0;
    while (released < 8) {
      while (gates.length < Math.min(3, 8 - released)) await new Promise((r) => setImmediate(r));
      while (gates.length > 0) {
        gates.shift()!();
        released++;
      }
    }
    const results = await Promise.all(handles.map((x) => x.result));
    expect(results.every((r) => r.session.state === 'succeeded')).toBe(true);
    expect(peak).toBe(3);
    expect(h.sandboxes.created).toHaveLength(8);
    expect(h.sandboxes.created.every((s) => s.isDisposed)).toBe(true);
  });
});

describe('engine: actor boundary', () => {
  it('re-asks the planner with the diagnostics, then accepts a clean instruction', async () => {
    const planner = new ScriptedPlanner({ script: [CODE_VIOLATION], fallback: sampleInstruction() });
    const h = await makeHarness({ planner });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    expect(planner.calls).toHaveLength(2);
    const rejected = planner.calls[1]?.input.rejected;
    expect(rejected?.text).toBe(CODE_VIOLATION);
    expect(rejected?.diagnostics[0]?.code).toBe('no-code-block');
    expect(rejected?.diagnostics.length).toBeGreaterThan(0);
    const reasks = (await h.store.readEvents(handle.id)).filter((e) => e.type === 'planner.reask');
    expect(reasks).toHaveLength(1);
  });

  it('fails with a BoundaryViolationError naming the rule after the bounded re-asks', async () => {
    const planner = new ScriptedPlanner({ fallback: CODE_VIOLATION });
    const h = await makeHarness({ planner, policy: { maxPlannerReasks: 2 } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('failed');
    expect(result.error).toBeInstanceOf(BoundaryViolationError);
    const error = result.error as BoundaryViolationError;
    expect(error.code).toBe('boundary.violation');
    expect(error.rule).toBe('no-code-block');
    expect(error.message).toContain(error.rule);
    expect(planner.calls).toHaveLength(3);
    expect(h.executor.calls).toHaveLength(0);
    const events = await h.store.readEvents(handle.id);
    expectSoundLog(events);
    expect(events.filter((e) => e.type === 'planner.reask')).toHaveLength(2);
  });

  it('applies the policy lint rules: a warning made an error is enforced', async () => {
    const relaxed = await makeHarness({ planner: new ScriptedPlanner({ fallback: SHELL_VIOLATION }) });
    expect((await (await relaxed.hub.run({ request: 'Greet' })).result).session.state).toBe('succeeded');
    const strict = await makeHarness({
      planner: new ScriptedPlanner({ fallback: SHELL_VIOLATION }),
      policy: { maxPlannerReasks: 0, lintRules: { 'no-shell-commands': 'error' } },
    });
    const result = await (await strict.hub.run({ request: 'Greet' })).result;
    expect(result.error).toBeInstanceOf(BoundaryViolationError);
    expect((result.error as BoundaryViolationError).rule).toBe('no-shell-commands');
    expect(strict.planner.calls).toHaveLength(1);
  });

  it('fails with an InstructionFormatError when the planner never writes an instruction', async () => {
    const planner = new ScriptedPlanner({ fallback: 'Sure! I will get right on it.' });
    const h = await makeHarness({ planner, policy: { maxPlannerReasks: 1 } });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('failed');
    expect(result.error?.code).toBe('format.invalid');
    expect(planner.calls).toHaveLength(2);
  });
});

describe('engine: fix loop', () => {
  it('sends the failed verdict to the planner and succeeds on a fix', async () => {
    const verifier = new ScriptedVerifier([
      { passed: false, gates: [gateResult('tests', false, 'greeting.test.ts:3: expected "Hello, Ada"')] },
      true,
    ]);
    const h = await makeHarness({ verifier });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    expect(result.session.fixAttempts).toBe(1);
    const fix = h.planner.calls[1]?.input;
    expect(fix?.kind).toBe('fix');
    expect(fix?.failed?.attempt).toBe(1);
    expect(fix?.failed?.verdict.gates[0]?.name).toBe('tests');
    expect(fix?.failed?.verdict.gates[0]?.failures[0]?.message).toContain('expected "Hello, Ada"');
    expect(fix?.failed?.instructionText).toBe(sampleInstruction());
    const events = await h.store.readEvents(handle.id);
    expectSoundLog(events);
    expect(states(events)).toEqual([
      'planning',
      'executing',
      'verifying',
      'fixing',
      'executing',
      'verifying',
      'succeeded',
    ]);
    expect(h.executor.calls.map((c) => c.attempt)).toEqual([0, 1]);
  });

  it('is bounded by policy.maxFixAttempts', async () => {
    const h = await makeHarness({ verifier: new ScriptedVerifier([false]), policy: { maxFixAttempts: 2 } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('failed');
    expect(result.error).toBeInstanceOf(BudgetExceededError);
    expect((result.error as BudgetExceededError).budget).toBe('fix_attempts');
    expect(result.verdict?.passed).toBe(false);
    expect(h.planner.calls).toHaveLength(3);
    expect(h.executor.calls).toHaveLength(3);
    expect(h.verifier.calls).toHaveLength(3);
    expect(result.session.fixAttempts).toBe(2);
    expectSoundLog(await h.store.readEvents(handle.id));
  });
});

describe('engine: approval', () => {
  it('waits in awaiting_approval until approve()', async () => {
    const h = await makeHarness({ policy: { requireApproval: true } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    expect((await h.hub.get(handle.id))?.state).toBe('awaiting_approval');
    expect(h.executor.calls).toHaveLength(0);
    await h.hub.approve(handle.id);
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    const events = await h.store.readEvents(handle.id);
    expect(states(events)).toEqual(['planning', 'awaiting_approval', 'executing', 'verifying', 'succeeded']);
    expect(events.some((e) => e.type === 'approval.resolved' && e.approved)).toBe(true);
  });

  it('fails the session on reject() with the reason', async () => {
    const h = await makeHarness({ policy: { requireApproval: true } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    await h.hub.reject(handle.id, 'out of scope');
    const result = await handle.result;
    expect(result.session.state).toBe('failed');
    expect(result.error?.code).toBe('approval.rejected');
    expect(result.error?.message).toContain('out of scope');
    expect(h.executor.calls).toHaveLength(0);
    expect(h.sandboxes.created).toHaveLength(0);
  });

  it('asks the onApproval callback when given', async () => {
    const asked: string[] = [];
    const h = await makeHarness({
      policy: { requireApproval: true },
      onApproval: async ({ instructionText }) => {
        asked.push(instructionText);
        return { approved: true };
      },
    });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('succeeded');
    expect(asked).toEqual([sampleInstruction()]);
  });

  it('approves a waiting session whose owner died: the decision is recorded, and applied by the engine that resumes it', async () => {
    const store = new MemoryStore();
    const dying = new CrashingStore(store);
    const first = await makeHarness({ store: dying, policy: { requireApproval: true } });
    const handle = await first.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    // The first engine's process dies while the session waits.
    dying.kill();
    handle.cancel();
    await expect(handle.result).rejects.toBeInstanceOf(SimulatedCrash);
    // Its claim on the session runs out (leaseMs, default 30 s); then another engine may drive it.
    const later = () => Date.now() + 60_000;
    // Meanwhile (the claim is live, its holder this live process) an approval is recorded for the owner.
    const early = await makeHarness({ store, workspace: first.workspace, policy: { requireApproval: true } });
    await early.hub.approve(handle.id);
    expect((await store.readEvents(handle.id)).at(-1)).toMatchObject({
      type: 'decision.requested',
      decision: 'approve',
      by: early.hub.engineId,
    });
    const second = await makeHarness({
      store,
      workspace: first.workspace,
      now: later,
      policy: { requireApproval: true },
    });
    // No second approve: the recorded one is applied.
    const resumed = await second.hub.resume(handle.id);
    const result = await resumed.result;
    expect(result.session.state).toBe('succeeded');
    expect(second.planner.calls).toHaveLength(0);
    expect(second.executor.calls).toHaveLength(1);
    expectSoundLog(await store.readEvents(handle.id));
  });

  it('refuses approve() for a session not awaiting approval', async () => {
    const h = await makeHarness();
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await handle.result;
    await expect(h.hub.approve(handle.id)).rejects.toBeInstanceOf(SessionStateError);
    await expect(h.hub.approve('no-such-session')).rejects.toMatchObject({ code: 'session.not_found' });
  });
});

describe('engine: foundation update', () => {
  it('applies FOUNDATION UPDATE on success and records the version', async () => {
    const planner = new ScriptedPlanner();
    const h = await makeHarness({ planner, foundation: FOUNDATION_1_0 });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    expect(planner.calls[0]?.input.foundation?.version).toBe('1.0');
    expect(planner.calls[0]?.input.nextVersion).toBe('1.1');
    const text = await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8');
    expect(text).toContain('Friendly Greeting');
    expect(text).toMatch(/Current Version:\**\s*1\.1/);
    const versions = await h.store.listFoundationVersions();
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: '1.1', previousVersion: '1.0', sessionId: handle.id, text });
    const events = await h.store.readEvents(handle.id);
    expect(events.find((e) => e.type === 'foundation.updated')).toMatchObject({
      version: '1.1',
      path: 'FOUNDATION.md',
    });
    expect(finishedSteps(events)).toContain('foundation:0');
  });

  it('does not touch the Foundation document when the session fails', async () => {
    const h = await makeHarness({ foundation: FOUNDATION_1_0, verifier: new ScriptedVerifier([false]) });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('failed');
    expect(await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8')).toBe(FOUNDATION_1_0);
    expect(await h.store.listFoundationVersions()).toHaveLength(0);
  });

  it('records usage from every actor on the session', async () => {
    const planner = new ScriptedPlanner({ usage: usageOf(100, 0.01) });
    const executor = new ScriptedExecutor({ usage: usageOf(1000, 0.1) });
    const h = await makeHarness({ planner, executor });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.usage.outputTokens).toBe(1100);
    expect(result.session.usage.costUsd).toBeCloseTo(0.11);
  });
});

describe('engine: concurrency and approval', () => {
  it('lets queued sessions run while another waits for approval', async () => {
    const h = await makeHarness({ policy: { requireApproval: true, concurrency: 1 } });
    const waiting = await h.hub.run({ request: 'Greet visitors by name' });
    for await (const e of waiting.events) if (e.type === 'approval.requested') break;
    const second = await h.hub.run({ request: 'Greet admins by name' });
    for await (const e of second.events) if (e.type === 'approval.requested') break;
    await h.hub.approve(second.id);
    expect((await second.result).session.state).toBe('succeeded');
    await h.hub.approve(waiting.id);
    expect((await waiting.result).session.state).toBe('succeeded');
  });
});

describe('engine: failure from every working state', () => {
  it('verifying → failed when the verifier throws', async () => {
    const verifier = new ScriptedVerifier([
      () => {
        throw new Error('gate runner crashed');
      },
    ]);
    const h = await makeHarness({ verifier });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.error?.code).toBe('verify.failed');
    const events = await h.store.readEvents(handle.id);
    expectSoundLog(events);
    expect(states(events).slice(-2)).toEqual(['verifying', 'failed']);
  });

  it('fixing → failed when the fix planner breaks the boundary', async () => {
    const planner = new ScriptedPlanner({
      fallback: (input) => (input.kind === 'fix' ? CODE_VIOLATION : sampleInstruction()),
    });
    const h = await makeHarness({ planner, verifier: new ScriptedVerifier([false]), policy: { maxPlannerReasks: 0 } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.error).toBeInstanceOf(BoundaryViolationError);
    const events = await h.store.readEvents(handle.id);
    expectSoundLog(events);
    expect(states(events).slice(-2)).toEqual(['fixing', 'failed']);
    expect(events.some((e) => e.type === 'step.failed' && e.stepId === 'plan:1')).toBe(true);
  });

  it('executing → failed when the sandbox cannot be created', async () => {
    const h = await makeHarness({
      sandbox: {
        specificationVersion: 1,
        name: 'broken',
        create: async () => {
          throw new Error('no sandbox today');
        },
      },
    });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('failed');
    expect(result.error?.message).toContain('no sandbox today');
  });
});

describe('engine: event stream', () => {
  it('stops following a session when its signal aborts', async () => {
    const h = await makeHarness({ policy: { requireApproval: true } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const e of h.hub.events(handle.id, { signal: controller.signal })) {
      seen.push(e.type);
      if (e.type === 'approval.requested') controller.abort();
    }
    expect(seen[0]).toBe('session.created');
    expect(seen).toContain('approval.requested');
    expect(seen).not.toContain('session.finished');
    await h.hub.cancel(handle.id);
  });
});
