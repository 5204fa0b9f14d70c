/**
 * @sessionhub/actor-kit: the provider-neutral parts SessionHub's model-driven actors are built from, so
 * every model adapter asks and acts alike without importing another adapter: the Planner's and the
 * Executor's prompts, options and re-ask texts, the Planner's conversation and the tool loop's provider-neutral state, the six sandbox tools (definitions and their implementations on the
 * `Sandbox` port), running one tool call (events and an OpenTelemetry span), MCP servers run inside the
 * sandbox, stop-reason errors, secret redaction and text cutting on code points. No stability promise beyond
 * the adapters that use it: names may change in any minor version.
 *
 * @see packages/actor-kit/README.md
 * @packageDocumentation
 */
export { type ExecutionRecord, type ExecutionStop, recordExecution } from './execution-record.js';
export { EXECUTOR_SYSTEM_PROMPT, executorTask } from './executor-prompt.js';
export {
  checkMcpConfigs,
  connectMcpServers,
  type McpConnection,
  type McpServerConfig,
  McpServerError,
  SandboxStdioTransport,
} from './mcp/index.js';
export {
  type PlannerAnswer,
  type PlannerLoop,
  type PlannerLoopOptions,
  type PlannerMessage,
  type PlannerSettings,
  plannerSettings,
  planWithReasks,
} from './planner-loop.js';
export { PLANNER_SYSTEM_PROMPT, planRequest, reaskText, truncatedText } from './planner-prompt.js';
export { redact } from './redact.js';
export { type MeteredSandbox, meterSandbox } from './resource-meter.js';
export { type RunToolCallOptions, runToolCall, type ToolCall } from './run-tool-call.js';
export { inSpan } from './span.js';
export { cutOffNote, ModelStopError } from './stop-errors.js';
export { headOf, shorten, tailOf, truncateMiddle } from './text-cut.js';
export {
  startToolLoop,
  type ToolLoopOptions,
  type ToolLoopRun,
  type ToolLoopSettings,
  toolLoopSettings,
  withExecutorTools,
} from './tool-loop.js';
export {
  EXECUTOR_TOOLS,
  type ExecutorTool,
  type ToolContext,
  type ToolDefinition,
  ToolInputError,
} from './tools/index.js';
export { unwrapFence } from './unwrap-fence.js';
