/** Shared set-up for engine tests: a real temp workspace, a MemoryStore, a directory sandbox and the doubles. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createSessionHub,
  MemoryStore,
  type SessionEvent,
  type SessionHub,
  type SessionHubOptions,
  type Store,
  type Verifier,
} from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing';
import { createFoundation } from '@sessionhub/format';
import { expect } from 'vitest';
import { DirSandboxProvider, tempDir } from './dir-sandbox.js';

/** A Foundation document at version 1.0, as `createFoundation` writes it. */
export const FOUNDATION_1_0 = createFoundation({ title: 'Demo Foundation', version: '1.0' });

export interface Harness {
  hub: SessionHub;
  store: Store;
  workspace: string;
  planner: ScriptedPlanner;
  executor: ScriptedExecutor;
  verifier: ScriptedVerifier;
  sandboxes: DirSandboxProvider;
}

/** Options of {@link makeHarness}: actors and options to override, and whether to write a Foundation document. */
export interface HarnessOptions extends Partial<Omit<SessionHubOptions, 'planner' | 'executor' | 'verifier'>> {
  planner?: ScriptedPlanner;
  executor?: ScriptedExecutor;
  verifier?: ScriptedVerifier;
  /** A real verifier to use instead of the scripted one. */
  realVerifier?: Verifier;
  foundation?: string;
}

export async function makeHarness(o: HarnessOptions = {}): Promise<Harness> {
  const workspace = o.workspace && typeof o.workspace === 'string' ? o.workspace : await tempDir();
  if (o.foundation !== undefined) await writeFile(join(workspace, 'FOUNDATION.md'), o.foundation);
  const store = o.store ?? new MemoryStore();
  const planner = o.planner ?? new ScriptedPlanner();
  const executor = o.executor ?? new ScriptedExecutor({ writes: { 'greeting.txt': 'Hello, Ada\n' } });
  const verifier = o.verifier ?? new ScriptedVerifier();
  const sandboxes = new DirSandboxProvider();
  const hub = createSessionHub({
    env: {},
    ...o,
    // Engine tests without a Foundation document run without one unless they set the policy.
    policy: { foundation: 'skip', ...o.policy },
    planner,
    executor,
    verifier: o.realVerifier ?? verifier,
    store,
    sandbox: o.sandbox ?? sandboxes,
    workspace,
  });
  return { hub, store, workspace, planner, executor, verifier, sandboxes };
}

/** Collects an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** The `state.changed` targets of a log, in order. */
export function states(events: readonly SessionEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'state.changed' ? [e.to] : []));
}

/** Asserts the write-ahead invariants of a finished log. */
export function expectSoundLog(events: readonly SessionEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
  expect(events[0]?.type).toBe('session.created');
  expect(events.filter((e) => e.type === 'session.created')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'session.finished')).toHaveLength(1);
  expect(events[events.length - 1]?.type).toBe('session.finished');
  const started = events.flatMap((e) => (e.type === 'step.started' ? [e.stepId] : []));
  const finished = events.flatMap((e) => (e.type === 'step.finished' ? [e.stepId] : []));
  expect(new Set(started).size).toBe(started.length);
  expect(new Set(finished).size).toBe(finished.length);
  // Every finished step started earlier.
  for (const e of events) {
    if (e.type !== 'step.finished') continue;
    const start = events.find((s) => s.type === 'step.started' && s.stepId === e.stepId);
    expect(start && start.seq < e.seq).toBe(true);
  }
}

/** Step ids of a log's `step.finished` events. */
export function finishedSteps(events: readonly SessionEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'step.finished' ? [e.stepId] : []));
}
