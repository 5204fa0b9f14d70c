/**
 * What this adapter shares with `@sessionhub/anthropic`: the actors' prompts, the sandbox tools and the
 * text helpers, so both adapters ask and act alike. One module, so the dependency is visible in one place.
 * @module
 */
export {
  EXECUTOR_SYSTEM_PROMPT,
  type McpServerConfig,
  McpServerError,
  ModelStopError,
  PLANNER_SYSTEM_PROMPT,
} from '@sessionhub/anthropic';
export {
  checkMcpConfigs,
  connectMcpServers,
  cutOffNote,
  EXECUTOR_TOOLS,
  type ExecutorTool,
  executorTask,
  planRequest,
  reaskText,
  shorten,
  type ToolContext,
  truncatedText,
  truncateMiddle,
  unwrapFence,
} from '@sessionhub/anthropic/internal';
