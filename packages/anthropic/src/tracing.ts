import type { Tracer } from '@opentelemetry/api';
import { inSpan } from '@sessionhub/actor-kit';
import type { CallResult } from './model-call.js';

/** Runs one Messages call inside a `chat <model>` span with the GenAI request, response and usage attributes. */
export function tracedCall(
  tracer: Tracer | undefined,
  model: string,
  sessionId: string,
  call: () => Promise<CallResult>,
): Promise<CallResult> {
  const attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': model,
    'sessionhub.session.id': sessionId,
  };
  return inSpan(tracer, `chat ${model}`, attributes, async (span) => {
    const r = await call();
    span?.setAttributes({
      'gen_ai.response.model': r.message.model,
      'gen_ai.response.id': r.message.id,
      'gen_ai.response.finish_reasons': [r.message.stop_reason ?? 'end_turn'],
      'gen_ai.usage.input_tokens': r.usage.inputTokens + r.usage.cacheReadTokens + r.usage.cacheWriteTokens,
      'gen_ai.usage.output_tokens': r.usage.outputTokens,
    });
    return r;
  });
}
