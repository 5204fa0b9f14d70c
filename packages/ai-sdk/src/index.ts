/**
 * @sessionhub/ai-sdk: SessionHub's Planner and tool-loop Executor on any AI SDK language model (OpenAI, Google,
 * Mistral, Bedrock, Anthropic, OpenAI-compatible local servers), with the guarantees of `@sessionhub/anthropic`:
 * tools through the Sandbox port, usage and cost reported per call, typed `ProviderError`s, cancellation.
 *
 * @see packages/ai-sdk/README.md
 * @packageDocumentation
 */

export { type McpServerConfig, McpServerError, ModelStopError } from '@sessionhub/actor-kit';
export { toProviderError } from './errors.js';
export { AiSdkExecutor, type AiSdkExecutorOptions } from './executor.js';
export type { AiSdkModelOptions } from './options.js';
export { AiSdkPlanner, type AiSdkPlannerOptions } from './planner.js';
export { DEFAULT_PRICES, type ModelPrice, type PriceTable, priceFor, usageOf } from './pricing.js';
