import { analyticsCases } from './store-analytics.js';
import { appendUpdateCases } from './store-append-update.js';
import type { StoreCase } from './store-case-kit.js';
import { eventCases } from './store-events.js';
import { foundationCases } from './store-foundation.js';
import { libraryCases } from './store-library.js';
import { lifecycleCases } from './store-lifecycle.js';
import { sessionCases } from './store-sessions.js';
import { templateCases } from './store-templates.js';

export { roundFloats } from './store-analytics.js';
export type { StoreCase, StoreCaseContext } from './store-case-kit.js';

/**
 * Every store conformance case, in report order. Each group lives in its own file
 * (`store-<group>.ts`), so the file of a failing case is named by its group.
 */
export const STORE_CASES: readonly StoreCase[] = [
  ...sessionCases,
  ...eventCases,
  ...appendUpdateCases,
  ...libraryCases,
  ...templateCases,
  ...foundationCases,
  ...analyticsCases,
  ...lifecycleCases,
];
