/**
 * @sessionhub/core: ports, the write-ahead session engine, events, library, templates and analytics.
 * @packageDocumentation
 */

export * from './engine/index.js';
export * from './errors.js';
export type * from './model/analytics.js';
export * from './model/events.js';
export * from './model/report.js';
export * from './model/session.js';
export * from './model/session-commits.js';
export * from './model/template.js';
export * from './model/usage.js';
export * from './outcomes/index.js';
export * from './ports/check-versions.js';
export type * from './ports/executor.js';
export type * from './ports/git-host.js';
export type * from './ports/planner.js';
export * from './ports/sandbox.js';
export type * from './ports/store.js';
export type * from './ports/verifier.js';
export type * from './ports/workspace.js';
export * from './store/index.js';
export * from './verifier/index.js';
export * from './workspace-snapshot.js';
