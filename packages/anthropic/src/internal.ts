/**
 * @sessionhub/anthropic/internal: the parts the actors are built from, for tests and for adapters
 * that reuse them. No stability promise: names here may change in any minor version.
 * @packageDocumentation
 */
export { withBreakpoints } from './caching.js';
export { causeCode, type ProviderErrorContext, redact, safeBaseURL, toProviderError } from './errors.js';
export { executorTask } from './executor-prompt.js';
export { checkMcpConfigs, connectMcpServers, type McpConnection, SandboxStdioTransport } from './mcp/index.js';
export { type CallHooks, type CallRequest, type CallResult, callModel, textOf } from './model-call.js';
export { type ResolvedModelOptions, resolveModelOptions, SILENT_LOGGER } from './options.js';
export { unwrapFence } from './planner.js';
export { planRequest, reaskText, truncatedText } from './planner-prompt.js';
export { cutOffNote } from './stop-errors.js';
export { headOf, shorten, tailOf, truncateMiddle } from './text-cut.js';
export { EXECUTOR_TOOLS, type ExecutorTool, type ToolContext, ToolInputError } from './tools/index.js';
