/**
 * @sessionhub/core/testing/doubles: plain test doubles and fixtures for code built on SessionHub,
 * with no test runner in their import graph, so they load from ESM and CommonJS alike (`require()`
 * works) and in any runner or none: the scripted actors (`ScriptedPlanner`, `ScriptedExecutor`,
 * `ScriptedVerifier`), `sampleInstruction()`, `usageOf()`, `gateResult()`, `waitForAbort()`; the
 * executor kit (`executeInputOf()`, `recordProgress()`, `createTempSandbox()`); and data fixtures
 * (`sessionOf()`, `tempDir()`, `seededRandom()`, `librarySessions()`, `vocabulary()`).
 *
 * The `describe*` conformance suites need vitest and live in `@sessionhub/core/testing`, which also
 * re-exports everything here.
 * @packageDocumentation
 */
export * from './testing/doubles.js';
export * from './testing/durable-store/fixtures.js';
export * from './testing/durable-store/library-fixture.js';
export * from './testing/executor-kit.js';
