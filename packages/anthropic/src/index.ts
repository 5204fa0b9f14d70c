/**
 * @sessionhub/anthropic: the Planner and SessionHub's tool-loop Executor on the Anthropic Messages API,
 * with prompt caching, retries, usage and cost.
 * @packageDocumentation
 */
export { withBreakpoints } from './caching.js';
export { redact, toProviderError } from './errors.js';
export { AnthropicExecutor, type AnthropicExecutorOptions } from './executor.js';
export { EXECUTOR_SYSTEM_PROMPT } from './executor-prompt.js';
export { type AnthropicModelOptions, DEFAULT_MODEL } from './options.js';
export { AnthropicPlanner, type AnthropicPlannerOptions, unwrapFence } from './planner.js';
export { PLANNER_SYSTEM_PROMPT, planRequest, reaskText } from './planner-prompt.js';
export { type ApiUsage, DEFAULT_PRICES, type ModelPrice, type PriceTable, priceFor, usageOf } from './pricing.js';
export { EXECUTOR_TOOLS, type ExecutorTool, type ToolContext, ToolInputError } from './tools/index.js';
export { truncateMiddle } from './truncate.js';
