import type { Store } from '../ports/store.js';
import { type ConformanceOptions, registerCases } from './conformance/cases.js';
import { STORE_CASES } from './conformance/store-cases.js';

export type { ConformanceOptions } from './conformance/cases.js';
export { roundFloats } from './conformance/store-cases.js';

/** A fresh store for one conformance case, and how to clean up after it. */
export interface StoreFixture {
  store: Store;
  /** Runs after the case (after the suite has closed the store); e.g. removes a temp directory. */
  cleanup?: () => Promise<void>;
}

/** Makes a fresh, empty store; called once per case. */
export type StoreFactory = () => Promise<StoreFixture>;

/** Names of every store conformance case, for `options.skip`. */
export const STORE_CONFORMANCE_CASES: readonly string[] = STORE_CASES.map((c) => c.name);

/**
 * Registers the store conformance suite with vitest: the behaviour every {@link Store} adapter
 * must show, tested through the port only. Call it at the top level of a test file.
 *
 * Each case gets a fresh store from `factory`; afterwards the suite closes it (errors ignored)
 * and runs `cleanup`. Skip a case only when it clearly cannot apply, by name with a reason.
 *
 * @example
 * describeStoreConformance('sqlite', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'store-'));
 *   return { store: await openSqliteStore(join(dir, 'db.sqlite')), cleanup: () => rm(dir, { recursive: true }) };
 * });
 */
export function describeStoreConformance(name: string, factory: StoreFactory, options: ConformanceOptions = {}): void {
  registerCases(`Store conformance: ${name}`, STORE_CASES, options, async (testCase) => {
    const { store, cleanup } = await factory();
    try {
      await testCase.run({ store });
    } finally {
      await store.close().catch(() => undefined);
      await cleanup?.();
    }
  });
}
