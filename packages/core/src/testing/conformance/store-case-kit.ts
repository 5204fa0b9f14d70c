import { expect } from 'vitest';
import type { SessionEvent } from '../../model/events.js';
import type { Store } from '../../ports/store.js';
import type { ConformanceCase } from './cases.js';

/** What each store case gets: a fresh store, and for a durable store a way to reopen its data. */
export interface StoreCaseContext {
  store: Store;
  /** Opens the same data again, after `store` was closed (durable stores only). */
  reopen?: () => Promise<Store>;
  /**
   * Marks the running case skipped, with a note in the report: for a case of an optional capability
   * (e.g. `appendEventsAndUpdate`) the store does not have. Absent when a case is run by hand: such a
   * case then fails with the note instead.
   */
  skip?: (note: string) => never;
}

/** One store conformance case. */
export type StoreCase = ConformanceCase<StoreCaseContext>;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a promise settled with: `{ value }` or `{ error }`. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; rejected: boolean }> {
  return promise.then(
    (value) => ({ value, rejected: false }),
    (error: unknown) => ({ error, rejected: true }),
  );
}

/**
 * Expects a promise to reject with a `StoreError` carrying `code`; `requirement` says what the
 * port requires, so a failure reads as the rule that was broken.
 */
export async function expectCode(promise: Promise<unknown>, code: string, requirement?: string): Promise<void> {
  const outcome = await settle(promise);
  const rule = requirement ?? `the call must reject with a StoreError of code ${code}`;
  if (!outcome.rejected) expect.fail(`${rule}; it resolved instead`);
  const error = outcome.error as { name?: unknown; code?: unknown; message?: unknown } | undefined;
  expect(error, `${rule}; it rejected with a non-Error: ${String(error)}`).toBeInstanceOf(Error);
  expect(
    error?.code,
    `${rule}; it rejected with code ${String(error?.code)} (${String(error?.name)}: ${String(error?.message)})`,
  ).toBe(code);
}

/** An `executor.progress` event: the durable-store kit's `progressEventOf`. */
export { progressEventOf as progress } from '../durable-store/fixtures.js';

export function messagesOf(events: SessionEvent[]): string[] {
  return events.map((e) => (e.type === 'executor.progress' ? e.message : e.type));
}

export const ids = (sessions: Array<{ id: string }>) => sessions.map((s) => s.id);
