/**
 * @sessionhub/inspector: a web UI over any SessionHub `Store`: the two-actor timeline of each session,
 * the library, templates and analytics, with a JSON + SSE API and guarded actions.
 * @module
 */
export { InspectorError } from './errors.js';
export { createInspector, type InspectorHandler } from './server/create-inspector.js';
export { ACTION_HEADER } from './server/guard.js';
export { type RunningInspector, type StartInspectorOptions, startInspector } from './server/start-inspector.js';
export type {
  DeployRecord,
  DeploySource,
  InspectorHub,
  InspectorOptions,
  SessionLink,
  SessionLinkSource,
  SessionSummary,
} from './types.js';
