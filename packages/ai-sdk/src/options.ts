import type { Tracer } from '@opentelemetry/api';
import type { LanguageModel } from 'ai';
import { DEFAULT_PRICES, type PriceTable } from './pricing.js';

/** Options shared by {@link AiSdkPlanner} and {@link AiSdkExecutor}. */
export interface AiSdkModelOptions {
  /**
   * The model: any AI SDK language model, e.g. `createOpenAI({ apiKey }).chat('gpt-4.1')`,
   * `createAnthropic()('claude-sonnet-4-6')` or an OpenAI-compatible local server's model.
   */
  model: Exclude<LanguageModel, string>;
  /** Prices merged over {@link DEFAULT_PRICES}, keyed by the model id. */
  prices?: PriceTable;
  /** The AI SDK's retry budget (429, 5xx, connection errors). Default 2. */
  maxRetries?: number;
  temperature?: number;
  /**
   * Longest time one model call may take, the SDK's retries included, in milliseconds; past it the call fails with
   * `provider.timeout` (retryable). Default 600 000; a stalled connection never hangs a session.
   */
  timeoutMs?: number;
  /**
   * Credentials to keep out of errors and progress events (the provider's API key). The AI SDK does not
   * expose a provider's key, so pass it here when it could appear in a message.
   */
  secrets?: readonly string[];
  /** Where model-call and tool-call spans go (see `@sessionhub/otel`); none by default. */
  tracer?: Tracer;
}

/** Options resolved to values. */
export interface ResolvedOptions {
  model: Exclude<LanguageModel, string>;
  modelId: string;
  provider: string;
  prices: PriceTable;
  maxRetries: number;
  temperature: number | undefined;
  timeoutMs: number;
  secrets: string[];
  tracer: Tracer | undefined;
}

/** Fills in defaults. */
export function resolveOptions(opts: AiSdkModelOptions): ResolvedOptions {
  const model = opts.model;
  if (typeof model !== 'object' || model === null || typeof model.modelId !== 'string')
    throw new TypeError('@sessionhub/ai-sdk: `model` must be an AI SDK language model object');
  return {
    model,
    modelId: model.modelId,
    provider: model.provider,
    prices: { ...DEFAULT_PRICES, ...opts.prices },
    maxRetries: opts.maxRetries ?? 2,
    temperature: opts.temperature,
    timeoutMs: opts.timeoutMs ?? 600_000,
    secrets: [...new Set((opts.secrets ?? []).filter((s) => s.length >= 4))],
    tracer: opts.tracer,
  };
}
