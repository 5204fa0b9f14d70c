import type Anthropic from '@anthropic-ai/sdk';
import type { Usage } from '@sessionhub/core';
import { toProviderError } from './errors.js';
import type { ResolvedModelOptions } from './options.js';
import { usageOf } from './pricing.js';

/** The request of one call, without model and sampling settings. */
export interface CallRequest {
  system: Anthropic.TextBlockParam[];
  messages: Anthropic.MessageParam[];
  tools?: Anthropic.Tool[];
  maxTokens: number;
}

/** One model call's answer and its costed usage. */
export interface CallResult {
  message: Anthropic.Message;
  usage: Usage;
}

/** What a call reports besides its result. */
export interface CallHooks {
  signal: AbortSignal;
  /** Called with the call's usage as soon as it returns, before anything else happens with the answer. */
  reportUsage?: ((usage: Usage) => void) | undefined;
}

const warnedUnpriced = new WeakSet<ResolvedModelOptions>();

/**
 * One streaming Messages call. Streaming keeps long outputs within the SDK's limits and lets the
 * signal abort the HTTP stream mid-flight. The SDK retries 429/5xx/529 within its budget; what is
 * left is thrown as a `ProviderError`. A model without a price is warned about once (through the
 * logger) and its usage carries `costUnknown`.
 */
export async function callModel(opts: ResolvedModelOptions, req: CallRequest, hooks: CallHooks): Promise<CallResult> {
  const { signal } = hooks;
  const ctx = { secrets: opts.secrets, signal, baseURL: opts.client.baseURL };
  if (signal.aborted) throw toProviderError(signal.reason, ctx);
  let message: Anthropic.Message;
  try {
    const stream = opts.client.messages.stream(
      {
        model: opts.model,
        max_tokens: req.maxTokens,
        system: req.system,
        messages: req.messages,
        ...(req.tools ? { tools: req.tools } : {}),
        ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
      },
      { signal },
    );
    message = await stream.finalMessage();
  } catch (err) {
    throw toProviderError(err, ctx);
  }
  const usage: Usage = { ...usageOf(message.usage, opts.model, opts.prices), model: opts.model };
  if (usage.costUnknown && !warnedUnpriced.has(opts)) {
    warnedUnpriced.add(opts);
    opts.logger.warn(
      `@sessionhub/anthropic: no price for model "${opts.model}"; its cost is counted as 0 (usage.costUnknown). Add it with the prices option.`,
    );
  }
  hooks.reportUsage?.(usage);
  return { message, usage };
}

/** The text blocks of a message, joined. */
export function textOf(message: Anthropic.Message): string {
  return message.content
    .flatMap((b) => (b.type === 'text' ? [b.text] : []))
    .join('\n')
    .trim();
}
