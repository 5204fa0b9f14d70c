import type Anthropic from '@anthropic-ai/sdk';
import type { Tracer } from '@opentelemetry/api';
import {
  type PlannerAnswer,
  type PlannerLoopOptions,
  type PlannerSettings,
  plannerSettings,
  planRequest,
  planWithReasks,
} from '@sessionhub/actor-kit';
import type { PlanInput, Planner, PlanOptions, PlanResult } from '@sessionhub/core';
import { withBreakpoints } from './caching.js';
import { callModel, textOf } from './model-call.js';
import { type AnthropicModelOptions, type ResolvedModelOptions, resolveModelOptions } from './options.js';
import { tracedCall } from './tracing.js';

/**
 * Options of {@link AnthropicPlanner}: the model's, and the planner's of `@sessionhub/actor-kit` (`maxTokens`
 * default 4096, `maxReasks` default 0).
 */
export interface AnthropicPlannerOptions extends AnthropicModelOptions, PlannerLoopOptions {
  /** Where model-call (`chat <model>`) spans go; see docs/tracing.md. */
  tracer?: Tracer;
}

/**
 * The Planner on the Messages API. Its system prompt teaches the instruction format and the actor
 * boundary; the request, the Foundation document, library context and (for fixes) the failed verdict
 * go into the user message. The answer is parsed with `parseInstruction` and linted with
 * `lintInstruction`; with `maxReasks` > 0 errors go back to the model that many times. Otherwise the
 * answer is returned and the engine's own boundary check (and its re-ask budget) decides.
 *
 * An answer cut off by `max_tokens` is never returned as a plan: it is re-asked (when `maxReasks`
 * allows) or fails with `ModelStopError` `planner.truncated`; a refusal fails with `planner.refusal`.
 * Each call's usage goes to `reportUsage` as soon as it returns.
 *
 * @see packages/anthropic/README.md
 */
export class AnthropicPlanner implements Planner {
  readonly specificationVersion = 1 as const;
  readonly name = 'anthropic';
  private readonly opts: ResolvedModelOptions;
  private readonly settings: PlannerSettings;
  private readonly system: Anthropic.TextBlockParam[];
  private readonly tracer: Tracer | undefined;

  constructor(options: AnthropicPlannerOptions = {}) {
    this.tracer = options.tracer;
    this.opts = resolveModelOptions(options);
    this.settings = plannerSettings(options);
    this.system = [{ type: 'text', text: this.settings.system }];
  }

  plan(input: PlanInput, opts: PlanOptions): Promise<PlanResult> {
    return planWithReasks({
      settings: this.settings,
      request: planRequest(input),
      limitName: 'max_tokens',
      ask: async (messages): Promise<PlannerAnswer> => {
        const request = this.opts.promptCaching
          ? withBreakpoints(undefined, this.system, messages)
          : { system: this.system, messages };
        const { message, usage } = await tracedCall(this.tracer, this.opts.model, input.sessionId, () =>
          callModel(
            this.opts,
            { system: request.system, messages: request.messages, maxTokens: this.settings.maxTokens },
            { signal: opts.signal, reportUsage: opts.reportUsage },
          ),
        );
        const text = textOf(message);
        const stopReason = message.stop_reason ?? 'end_turn';
        return { text, replay: text.trimEnd(), end: endOf(stopReason), stopReason, usage };
      },
    });
  }
}

function endOf(reason: string): PlannerAnswer['end'] {
  if (reason === 'refusal') return 'refused';
  if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') return 'cut';
  if (reason === 'end_turn' || reason === 'stop_sequence') return 'done';
  return 'other';
}
