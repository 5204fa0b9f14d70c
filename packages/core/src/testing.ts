/**
 * @sessionhub/core/testing: conformance suites every adapter must pass, and scripted
 * test doubles of the actors for tests of code built on SessionHub. Needs vitest.
 * @packageDocumentation
 */
export * from './testing/doubles.js';
export * from './testing/durable-store/index.js';
export * from './testing/escape-suite.js';
export * from './testing/executor-kit.js';
export * from './testing/sandbox-conformance.js';
export * from './testing/store-conformance.js';
