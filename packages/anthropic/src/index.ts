/**
 * @sessionhub/anthropic: the Planner and SessionHub's tool-loop Executor on the Anthropic Messages API,
 * with prompt caching, retries, usage and cost. Building blocks (request shaping, error mapping, the
 * tools) are in `@sessionhub/anthropic/internal`, without the stability promise of this entry point.
 *
 * @see packages/anthropic/README.md (options, prompt caching, usage and cost, errors)
 * @packageDocumentation
 */
export {
  EXECUTOR_SYSTEM_PROMPT,
  type McpServerConfig,
  McpServerError,
  ModelStopError,
  PLANNER_SYSTEM_PROMPT,
} from '@sessionhub/actor-kit';
export { AnthropicExecutor, type AnthropicExecutorOptions } from './executor.js';
export { type AnthropicLogger, type AnthropicModelOptions, DEFAULT_MODEL } from './options.js';
export { AnthropicPlanner, type AnthropicPlannerOptions } from './planner.js';
export { type ApiUsage, DEFAULT_PRICES, type ModelPrice, type PriceTable, priceFor, usageOf } from './pricing.js';
