import {
  type PlannerAnswer,
  type PlannerLoopOptions,
  type PlannerSettings,
  plannerSettings,
  planRequest,
  planWithReasks,
} from '@sessionhub/actor-kit';
import type { PlanInput, Planner, PlanOptions, PlanResult } from '@sessionhub/core';
import type { FinishReason } from 'ai';
import { callModel } from './model-call.js';
import { type AiSdkModelOptions, type ResolvedOptions, resolveOptions } from './options.js';

/** Options of {@link AiSdkPlanner}: the model's, and the planner's of `@sessionhub/actor-kit` (`maxTokens` default 4096, `maxReasks` default 0). */
export interface AiSdkPlannerOptions extends AiSdkModelOptions, PlannerLoopOptions {}

/**
 * The Planner on any AI SDK language model, with the same prompt and guarantees as `AnthropicPlanner`: the answer
 * is parsed and linted; an answer cut off by the output limit is never returned (`planner.truncated`, retryable);
 * a content filter stop is `planner.refusal`; provider failures are `ProviderError`s; each call's usage goes to
 * `reportUsage` as soon as it returns.
 */
export class AiSdkPlanner implements Planner {
  readonly specificationVersion = 1 as const;
  readonly name = 'ai-sdk';
  private readonly opts: ResolvedOptions;
  private readonly settings: PlannerSettings;

  constructor(options: AiSdkPlannerOptions) {
    this.opts = resolveOptions(options);
    this.settings = plannerSettings(options);
  }

  plan(input: PlanInput, opts: PlanOptions): Promise<PlanResult> {
    const { system, maxTokens } = this.settings;
    return planWithReasks({
      settings: this.settings,
      request: planRequest(input),
      limitName: 'the output limit',
      ask: async (messages): Promise<PlannerAnswer> => {
        const call = await callModel(
          this.opts,
          { system, messages, maxOutputTokens: maxTokens, sessionId: input.sessionId },
          { signal: opts.signal, reportUsage: opts.reportUsage },
        );
        return {
          text: call.text,
          end: END[call.finishReason] ?? 'other',
          stopReason: call.rawFinishReason ?? call.finishReason,
          usage: call.usage,
        };
      },
    });
  }
}

const END: Partial<Record<FinishReason, PlannerAnswer['end']>> = {
  stop: 'done',
  length: 'cut',
  'content-filter': 'refused',
};
