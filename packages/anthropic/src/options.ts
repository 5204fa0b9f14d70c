import Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_PRICES, type PriceTable } from './pricing.js';

/** Where the SDK's log lines go (the SDK's own logger shape). */
export interface AnthropicLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

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
  /**
   * A ready client; `apiKey`, `baseURL`, `maxRetries` and `timeoutMs` are then ignored. Its key (and auth
   * token) are redacted from errors and events like `apiKey`.
   */
  client?: Anthropic;
  /**
   * Where the SDK's log lines (at its `warn` level and above) and the actors' warnings go. Default:
   * nowhere; a library never writes to the console. A `client` is used through a copy with this logger.
   */
  logger?: AnthropicLogger;
}

/** Options resolved to values. */
export interface ResolvedModelOptions {
  client: Anthropic;
  /** Every credential to redact: the API key and auth token, from the options, the environment or the client. */
  secrets: string[];
  model: string;
  temperature: number | undefined;
  prices: PriceTable;
  promptCaching: boolean;
  /** The logger warnings of the actors go to (silent by default). */
  logger: AnthropicLogger;
}

/** The default model of both actors. */
export const DEFAULT_MODEL = 'claude-sonnet-4-6';

const noop = (): void => {};
/** A logger that drops everything: the default. */
export const SILENT_LOGGER: AnthropicLogger = { error: noop, warn: noop, info: noop, debug: noop };

/** Builds the client and fills in defaults. */
export function resolveModelOptions(opts: AnthropicModelOptions): ResolvedModelOptions {
  const logger = opts.logger ?? SILENT_LOGGER;
  const apiKey = opts.client ? undefined : (opts.apiKey ?? process.env.ANTHROPIC_API_KEY);
  const logging = { logger, logLevel: 'warn' as const };
  const client = opts.client
    ? opts.client.withOptions(logging)
    : new Anthropic({
        apiKey: apiKey ?? null,
        baseURL: opts.baseURL,
        maxRetries: opts.maxRetries ?? 2,
        ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
        ...logging,
      });
  const secrets = [apiKey, opts.apiKey, client.apiKey, client.authToken].filter(
    (s): s is string => typeof s === 'string' && s.length >= 4,
  );
  return {
    client,
    secrets: [...new Set(secrets)],
    model: opts.model ?? DEFAULT_MODEL,
    temperature: opts.temperature,
    prices: { ...DEFAULT_PRICES, ...opts.prices },
    promptCaching: opts.promptCaching ?? true,
    logger,
  };
}
