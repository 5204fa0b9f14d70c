/** The Foundation document and the workspace, checked where the session starts (issue 9 items 1–2). */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError, SessionStateError } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, sampleInstruction, waitForAbort } from '@sessionhub/core/testing';
import { createFoundation, parseFoundation } from '@sessionhub/format';
import { describe, expect, it } from 'vitest';
import { expectSoundLog, FOUNDATION_1_0, finishedSteps, makeHarness } from './support/harness.js';

describe('engine: the instruction version is checked where it is accepted (issue 9 item 1)', () => {
  it('re-asks a planner whose version does not move forward, with the diagnostic, before anything executes', async () => {
    const planner = new ScriptedPlanner({ script: [sampleInstruction({ version: '0.9' })] });
    const h = await makeHarness({ planner, foundation: FOUNDATION_1_0 });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    expect(planner.calls).toHaveLength(2);
    expect(planner.calls[0]?.input.nextVersion).toBe('1.1');
    const rejected = planner.calls[1]?.input.rejected;
    expect(rejected?.diagnostics[0]).toMatchObject({ code: 'foundation.version_not_forward' });
    expect(rejected?.diagnostics[0]?.message).toContain('write version 1.1');
    expect(h.executor.calls).toHaveLength(1);
    expect(h.executor.calls[0]?.instruction.version.text).toBe('1.1');
    const events = await h.store.readEvents(handle.id);
    expect(events.some((e) => e.type === 'planner.reask')).toBe(true);
    expect(parseFoundation(await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8')).document.version?.text).toBe(
      '1.1',
    );
  });

  it('fails before execution when the planner never moves forward', async () => {
    const planner = new ScriptedPlanner({ fallback: sampleInstruction({ version: '1.0' }) });
    const h = await makeHarness({ planner, foundation: FOUNDATION_1_0, policy: { maxPlannerReasks: 1 } });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('failed');
    expect(result.error).toMatchObject({ code: 'boundary.violation', rule: 'foundation.version_not_forward' });
    expect(planner.calls).toHaveLength(2);
    expect(h.executor.calls).toHaveLength(0);
    expect(await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8')).toBe(FOUNDATION_1_0);
  });
});

describe('engine: a missing Foundation document (issue 9 item 2)', () => {
  it('create (the default): writes one from the template before the first model call and records it', async () => {
    const h = await makeHarness({ policy: { foundation: 'create' } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    expect(h.planner.calls[0]?.input.foundation?.version).toBe('0.0');
    expect(h.planner.calls[0]?.input.nextVersion).toBe('0.1');
    const document = parseFoundation(await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8')).document;
    expect(document.version?.text).toBe('0.1');
    expect(document.log.map((e) => e.version.text)).toContain('0.1');
    const events = await h.store.readEvents(handle.id);
    expect(events.find((e) => e.type === 'foundation.created')).toMatchObject({
      path: 'FOUNDATION.md',
      version: '0.0',
    });
    expect(finishedSteps(events)).toContain('foundation:0');
  });

  it('require: fails with foundation.missing before any model call', async () => {
    const h = await makeHarness({ policy: { foundation: 'require', foundationPath: 'docs/FOUNDATON.md' } });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('failed');
    expect(SessionStateError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'foundation.missing' });
    expect(result.error?.message).toContain('docs/FOUNDATON.md');
    expect(h.planner.calls).toHaveLength(0);
  });

  it('skip: runs without one and records that it did', async () => {
    const h = await makeHarness({ policy: { foundation: 'skip' } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    expect((await handle.result).session.state).toBe('succeeded');
    const events = await h.store.readEvents(handle.id);
    expect(events.find((e) => e.type === 'foundation.skipped')).toMatchObject({ path: 'FOUNDATION.md' });
    expect(finishedSteps(events)).not.toContain('foundation:0');
  });

  it('skip: a document the executor writes meanwhile is left alone (the session has no Foundation step)', async () => {
    const executor = new ScriptedExecutor({ writes: { 'FOUNDATION.md': FOUNDATION_1_0 } });
    const h = await makeHarness({ executor, policy: { foundation: 'skip' } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    expect((await handle.result).session.state).toBe('succeeded');
    const events = await h.store.readEvents(handle.id);
    expect(finishedSteps(events)).not.toContain('foundation:0');
    expect(events.some((e) => e.type === 'foundation.updated')).toBe(false);
    expect(await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8')).toBe(FOUNDATION_1_0);
  });

  it('skip: also after a resume, where the plan that skipped it is only in the log', async () => {
    let stalled!: () => void;
    const stalling = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    let calls = 0;
    const executor = new ScriptedExecutor({
      writes: { 'FOUNDATION.md': FOUNDATION_1_0 },
      respond: (_input, _sandbox, opts) => {
        if (++calls > 1) return {};
        stalled();
        return waitForAbort(opts.signal);
      },
    });
    const h = await makeHarness({ executor, policy: { foundation: 'skip' } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await stalling;
    await h.hub.pause(handle.id);
    const done = await (await h.hub.resume(handle.id)).result;
    expect(done.session.state).toBe('succeeded');
    const events = await h.store.readEvents(handle.id);
    expect(finishedSteps(events)).toEqual(['plan:0', 'execute:0', 'verify:0']);
    expect(await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8')).toBe(FOUNDATION_1_0);
  });

  it('a workspace that does not exist fails with workspace.not_found before any model call', async () => {
    const h = await makeHarness();
    await rm(h.workspace, { recursive: true, force: true });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('failed');
    expect(result.error).toMatchObject({ code: 'workspace.not_found' });
    expect(h.planner.calls).toHaveLength(0);
  });
});

describe('engine: cancellation and the Foundation step', () => {
  it('a cancel that arrives once the document is written does not leave a completed entry for a cancelled session', async () => {
    let cancel: (() => void) | undefined;
    const h = await makeHarness({ foundation: FOUNDATION_1_0 });
    // The cancel lands while the Foundation step records the version in the store.
    const store = h.store;
    const add = store.addFoundationVersion.bind(store);
    store.addFoundationVersion = async (version, opts) => {
      cancel?.();
      return add(version, opts);
    };
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    cancel = () => handle.cancel();
    const result = await handle.result;
    const document = parseFoundation(await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8')).document;
    const completed = document.log.some((e) => e.version.text === '1.1');
    // The document and the session agree: a completed log entry means a succeeded session.
    expect(result.session.state).toBe(completed ? 'succeeded' : 'cancelled');
    expect(completed).toBe(true);
    expectSoundLog(await h.store.readEvents(handle.id));
  });

  it('a cancel before the document is written leaves it untouched', async () => {
    const executor = new ScriptedExecutor({
      respond: async (_i, _s, { signal }) => waitForAbort(signal),
    });
    const h = await makeHarness({ executor, foundation: createFoundation({ title: 'Demo', version: '1.0' }) });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'step.started' && e.step === 'execute') break;
    handle.cancel();
    const result = await handle.result;
    expect(result.error).toBeInstanceOf(CancelledError);
    expect(parseFoundation(await readFile(join(h.workspace, 'FOUNDATION.md'), 'utf8')).document.log).toHaveLength(0);
  });
});
