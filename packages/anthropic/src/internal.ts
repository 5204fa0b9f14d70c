/**
 * @sessionhub/anthropic/internal: the parts the actors are built from, for tests and for adapters
 * that reuse them. No stability promise: names here may change in any minor version. The
 * provider-neutral parts (prompts, tools, MCP, text helpers) live in `@sessionhub/actor-kit` and are
 * re-exported here under their old names.
 * @packageDocumentation
 */
export {
  checkMcpConfigs,
  connectMcpServers,
  cutOffNote,
  EXECUTOR_TOOLS,
  type ExecutorTool,
  executorTask,
  headOf,
  type McpConnection,
  planRequest,
  reaskText,
  redact,
  SandboxStdioTransport,
  shorten,
  type ToolContext,
  ToolInputError,
  tailOf,
  truncatedText,
  truncateMiddle,
  unwrapFence,
} from '@sessionhub/actor-kit';
export { withBreakpoints } from './caching.js';
export { causeCode, type ProviderErrorContext, safeBaseURL, toProviderError } from './errors.js';
export { type CallHooks, type CallRequest, type CallResult, callModel, textOf } from './model-call.js';
export { type ResolvedModelOptions, resolveModelOptions, SILENT_LOGGER } from './options.js';
