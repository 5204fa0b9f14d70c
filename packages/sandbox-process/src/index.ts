export { SANDBOX_WORKSPACE } from './bwrap.js';
export { copyWorkspace } from './copy-workspace.js';
export type { ProcessIsolationOption, ProcessSandboxDefaults, ProcessSandboxProviderOptions } from './options.js';
export { type LimitsEnforcement, ProcessSandbox, SANDBOX_ID_VARIABLE } from './process-sandbox.js';
export { type IsolationReport, ProcessSandboxProvider } from './provider.js';
