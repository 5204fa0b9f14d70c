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

/**
 * One streaming Messages call. Streaming keeps long outputs within the SDK's limits and lets the
 * signal abort the HTTP stream mid-flight. The SDK retries 429/5xx/529 within its budget; what is
 * left is thrown as a `ProviderError`.
 */
export async function callModel(
  opts: ResolvedModelOptions,
  req: CallRequest,
  signal: AbortSignal,
): Promise<CallResult> {
  if (signal.aborted) throw toProviderError(signal.reason, { apiKey: opts.apiKey, signal });
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
    const message = await stream.finalMessage();
    return { message, usage: usageOf(message.usage, opts.model, opts.prices) };
  } catch (err) {
    throw toProviderError(err, { apiKey: opts.apiKey, signal });
  }
}

/** The text blocks of a message, joined. */
export function textOf(message: Anthropic.Message): string {
  return message.content
    .flatMap((b) => (b.type === 'text' ? [b.text] : []))
    .join('\n')
    .trim();
}
