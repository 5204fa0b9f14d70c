/**
 * @sessionhub/core/testing: the conformance suites every adapter must pass (`describe*`, registered
 * with vitest, so this entry imports vitest and loads only where vitest does: ESM test files), the
 * durable-store kit, and a re-export of every plain double and fixture of
 * `@sessionhub/core/testing/doubles`. Code that wants only the doubles (or must `require()` them)
 * imports `@sessionhub/core/testing/doubles`, which has no test runner in its graph.
 * @packageDocumentation
 */

export * from './testing/conformance/git-host-suite.js';
export * from './testing/durable-store/index.js';
export * from './testing/escape-suite.js';
export * from './testing/sandbox-conformance.js';
export * from './testing/store-conformance.js';
export * from './testing-doubles.js';
