import { afterAll, beforeAll, describe } from 'vitest';
import type { Store } from '../ports/store.js';
import { type ConformanceOptions, registerCases } from './conformance/cases.js';
import { STORE_CASES } from './conformance/store-cases.js';

export type { ConformanceOptions } from './conformance/cases.js';
export { roundFloats } from './conformance/store-analytics.js';
export { STORE_ERROR_CODES, type StoreErrorCode } from './conformance/store-error-codes.js';

/** A fresh store for one conformance case, and how to clean up after it. */
export interface StoreFixture {
  store: Store;
  /** Runs after the case (after the suite has closed the store); e.g. removes a temp directory. */
  cleanup?: () => Promise<void>;
  /**
   * Opens the same data again once `store` is closed. Durable stores give it, and the case
   * `what was acknowledged survives close() and a reopen` uses it; a store that keeps nothing
   * across `close()` (in memory) omits it and skips that case by name.
   */
  reopen?: () => Promise<Store>;
}

/** Makes a fresh, empty store; called once per case. */
export type StoreFactory = () => Promise<StoreFixture>;

/**
 * A factory with suite-level setup and teardown: `setup` runs once before the first case (start a
 * database server, create a schema), `teardown` once after the last; `create` once per case.
 */
export interface StoreSuiteFactory {
  setup?: () => Promise<void>;
  create: StoreFactory;
  teardown?: () => Promise<void>;
}

/** Names of every store conformance case, for `options.skip`. */
export const STORE_CONFORMANCE_CASES: readonly string[] = STORE_CASES.map((c) => c.name);

/**
 * Registers the store conformance suite with vitest: the behaviour every {@link Store} adapter
 * must show, tested through the port only. Call it at the top level of a test file.
 *
 * Each case gets a fresh store from the factory; afterwards the suite closes it (errors ignored)
 * and runs `cleanup`. Pass a {@link StoreSuiteFactory} to start a server once for the whole
 * suite. Skip a case only when it clearly cannot apply, by name with a reason.
 *
 * @example
 * describeStoreConformance('sqlite', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'store-'));
 *   const path = join(dir, 'db.sqlite');
 *   return {
 *     store: await openSqliteStore(path),
 *     reopen: () => openSqliteStore(path),
 *     cleanup: () => rm(dir, { recursive: true }),
 *   };
 * });
 */
export function describeStoreConformance(
  name: string,
  factory: StoreFactory | StoreSuiteFactory,
  options: ConformanceOptions = {},
): void {
  const suite: StoreSuiteFactory = typeof factory === 'function' ? { create: factory } : factory;
  const unknown = Object.keys(options.skip ?? {}).filter((skipped) => !STORE_CONFORMANCE_CASES.includes(skipped));
  if (unknown.length > 0) {
    // Checked here, before any `describe`, so a typo fails where the suite is declared.
    throw new Error(
      `Store conformance: ${name}: cannot skip unknown conformance cases: ${unknown.map((n) => `"${n}"`).join(', ')}`,
    );
  }
  describe(`Store conformance: ${name}`, () => {
    if (suite.setup) beforeAll(suite.setup);
    if (suite.teardown) afterAll(suite.teardown);
    registerCases(`port v1`, STORE_CASES, options, async (testCase, skip) => {
      const { store, cleanup, reopen } = await suite.create();
      try {
        await testCase.run({ store, reopen, skip });
      } finally {
        await store.close().catch(() => undefined);
        await cleanup?.();
      }
    });
  });
}
