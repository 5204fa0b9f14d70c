import Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_PRICES, type PriceTable } from './pricing.js';

/** Options shared by {@link AnthropicPlanner} and {@link AnthropicExecutor}. */
export interface AnthropicModelOptions {
  /** Defaults to `process.env.ANTHROPIC_API_KEY`. Never appears in events or errors. */
  apiKey?: string;
  /** API base URL, e.g. a `@sessionhub/testing` fake. */
  baseURL?: string;
  /** Model id. Default `claude-sonnet-4-6`. */
  model?: string;
  /** `max_tokens` per call. */
  maxTokens?: number;
  temperature?: number;
  /** The SDK's retry budget for 408/409/429/5xx/529 and connection errors. Default 2. */
  maxRetries?: number;
  /** Per-request timeout in milliseconds (the SDK default otherwise). */
  timeoutMs?: number;
  /** Prices merged over {@link DEFAULT_PRICES}. */
  prices?: PriceTable;
  /** Cache breakpoints on tools, system and the conversation. Default true. */
  promptCaching?: boolean;
  /** A ready client; `apiKey`, `baseURL`, `maxRetries` and `timeoutMs` are then ignored. */
  client?: Anthropic;
}

/** Options resolved to values. */
export interface ResolvedModelOptions {
  client: Anthropic;
  apiKey: string | undefined;
  model: string;
  temperature: number | undefined;
  prices: PriceTable;
  promptCaching: boolean;
}

/** The default model of both actors. */
export const DEFAULT_MODEL = 'claude-sonnet-4-6';

/** Builds the client and fills in defaults. */
export function resolveModelOptions(opts: AnthropicModelOptions): ResolvedModelOptions {
  const apiKey = opts.apiKey ?? process.env.ANTHROPIC_API_KEY;
  const client =
    opts.client ??
    new Anthropic({
      apiKey: apiKey ?? null,
      baseURL: opts.baseURL,
      maxRetries: opts.maxRetries ?? 2,
      ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
    });
  return {
    client,
    apiKey,
    model: opts.model ?? DEFAULT_MODEL,
    temperature: opts.temperature,
    prices: { ...DEFAULT_PRICES, ...opts.prices },
    promptCaching: opts.promptCaching ?? true,
  };
}
