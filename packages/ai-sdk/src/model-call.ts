import { inSpan } from '@sessionhub/actor-kit';
import { ProviderError, type Usage } from '@sessionhub/core';
import { type FinishReason, generateText, type ModelMessage, type ToolSet } from 'ai';
import { toProviderError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { usageOf } from './pricing.js';

/** The request of one call, without model settings. */
export interface CallRequest {
  system: string;
  messages: ModelMessage[];
  /** Tools without `execute`: the caller runs them, so one call is one model request. */
  tools?: ToolSet;
  maxOutputTokens: number;
  /** `sessionhub.session.id` on the call's span. */
  sessionId: string;
}

/** One call's answer and its costed usage. */
export interface CallResult {
  text: string;
  toolCalls: { toolCallId: string; toolName: string; input: unknown; invalid?: boolean; error?: unknown }[];
  finishReason: FinishReason;
  /** The provider's own finish reason, e.g. `tool_calls` or `end_turn`. */
  rawFinishReason: string | undefined;
  /** The assistant message(s) to append to the conversation. */
  responseMessages: ModelMessage[];
  usage: Usage;
}

/**
 * One model request through the AI SDK (`generateText` with a single step; tools are never executed by the SDK).
 * The SDK retries 429/5xx and connection errors within `maxRetries`; what is left is thrown as a `ProviderError`.
 * The signal aborts the HTTP request. The usage goes to `reportUsage` as soon as the call returns.
 */
export async function callModel(
  opts: ResolvedOptions,
  req: CallRequest,
  hooks: { signal: AbortSignal; reportUsage?: ((usage: Usage) => void) | undefined },
): Promise<CallResult> {
  const { signal } = hooks;
  const attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': opts.provider,
    'gen_ai.request.model': opts.modelId,
    'gen_ai.request.max_tokens': req.maxOutputTokens,
    'sessionhub.session.id': req.sessionId,
  };
  return inSpan(opts.tracer, `chat ${opts.modelId}`, attributes, async (span) => {
    if (signal.aborted) throw toProviderError(signal.reason, { secrets: opts.secrets, signal });
    let result: Awaited<ReturnType<typeof generateText>>;
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    try {
      result = await generateText({
        model: opts.model,
        system: req.system,
        messages: req.messages,
        ...(req.tools ? { tools: req.tools } : {}),
        maxOutputTokens: req.maxOutputTokens,
        maxRetries: opts.maxRetries,
        abortSignal: AbortSignal.any([signal, timeout]),
        ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
      });
    } catch (err) {
      if (timeout.aborted && !signal.aborted)
        throw new ProviderError('provider.timeout', `the model call took longer than ${opts.timeoutMs} ms`, {
          cause: err,
          retryable: true,
        });
      throw toProviderError(err, { secrets: opts.secrets, signal });
    }
    const usage: Usage = { ...usageOf(result.usage, opts.modelId, opts.prices), model: opts.modelId };
    hooks.reportUsage?.(usage);
    span?.setAttributes({
      'gen_ai.response.model': result.response.modelId,
      'gen_ai.response.id': result.response.id,
      'gen_ai.response.finish_reasons': [result.finishReason],
      'gen_ai.usage.input_tokens': usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
      'gen_ai.usage.output_tokens': usage.outputTokens,
      'sessionhub.usage.cost_usd': usage.costUsd,
    });
    return {
      text: result.text.trim(),
      toolCalls: result.toolCalls as CallResult['toolCalls'],
      finishReason: result.finishReason,
      rawFinishReason: result.rawFinishReason,
      responseMessages: result.response.messages,
      usage,
    };
  });
}
