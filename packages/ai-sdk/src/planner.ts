import {
  ModelStopError,
  PLANNER_SYSTEM_PROMPT,
  planRequest,
  reaskText,
  truncatedText,
  unwrapFence,
} from '@sessionhub/actor-kit';
import {
  addUsage,
  emptyUsage,
  type PlanInput,
  type Planner,
  type PlanOptions,
  type PlanResult,
} from '@sessionhub/core';
import { type Diagnostic, type LintOptions, lintInstruction, parseInstruction } from '@sessionhub/format';
import type { ModelMessage } from 'ai';
import { callModel } from './model-call.js';
import { type AiSdkModelOptions, type ResolvedOptions, resolveOptions } from './options.js';

/** Options of {@link AiSdkPlanner}. */
export interface AiSdkPlannerOptions extends AiSdkModelOptions {
  /** Output tokens per call. Default 4096. */
  maxTokens?: number;
  /** Re-asks on a parse or lint error or a cut-off answer. Default 0: the engine owns the re-ask budget. */
  maxReasks?: number;
  /** Text appended to the system prompt. */
  extraSystemPrompt?: string;
  /** Lint rule overrides; pass the engine's `policy.lintRules`. */
  lintRules?: LintOptions['rules'];
}

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
  private readonly maxTokens: number;
  private readonly maxReasks: number;
  private readonly system: string;
  private readonly lintRules: LintOptions['rules'];

  constructor(options: AiSdkPlannerOptions) {
    this.opts = resolveOptions(options);
    this.maxTokens = options.maxTokens ?? 4096;
    this.maxReasks = options.maxReasks ?? 0;
    this.lintRules = options.lintRules;
    this.system = options.extraSystemPrompt
      ? `${PLANNER_SYSTEM_PROMPT}\n\n${options.extraSystemPrompt}`
      : PLANNER_SYSTEM_PROMPT;
  }

  async plan(input: PlanInput, opts: PlanOptions): Promise<PlanResult> {
    const messages: ModelMessage[] = [{ role: 'user', content: planRequest(input) }];
    let usage = emptyUsage();
    for (let attempt = 0; ; attempt++) {
      const call = await callModel(
        this.opts,
        { system: this.system, messages, maxOutputTokens: this.maxTokens, sessionId: input.sessionId },
        { signal: opts.signal, reportUsage: opts.reportUsage },
      );
      usage = addUsage(usage, call.usage);
      const reason = call.finishReason;
      const canReask = attempt < this.maxReasks;
      const stopReason = call.rawFinishReason ?? reason;
      if (reason === 'content-filter')
        throw new ModelStopError('planner.refusal', `the planner model refused: ${call.text.slice(0, 500)}`, {
          stopReason,
          usage,
        });
      if (reason === 'length') {
        if (!canReask)
          throw new ModelStopError(
            'planner.truncated',
            `the planner's answer was cut off at the output limit (${this.maxTokens}); a truncated instruction is never accepted`,
            { stopReason, usage, retryable: true },
          );
        messages.push(
          { role: 'assistant', content: call.text || '(empty)' },
          { role: 'user', content: truncatedText() },
        );
        continue;
      }
      if (reason !== 'stop')
        throw new ModelStopError(
          'planner.stop_reason',
          `the planner model stopped for an unexpected reason: ${stopReason}`,
          {
            stopReason,
            usage,
          },
        );
      const text = unwrapFence(call.text);
      const checked = check(text, this.lintRules);
      if (checked.errors.length === 0 || !canReask)
        return checked.instruction ? { text, instruction: checked.instruction, usage } : { text, usage };
      messages.push(
        { role: 'assistant', content: call.text || '(empty)' },
        { role: 'user', content: reaskText(checked.errors) },
      );
    }
  }
}

function check(
  text: string,
  rules: LintOptions['rules'],
): { instruction?: PlanResult['instruction']; errors: Diagnostic[] } {
  const parsed = parseInstruction(text, { mode: 'lenient' });
  const parseErrors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.instruction)
    return {
      errors: parseErrors.length
        ? parseErrors
        : [
            {
              code: 'not-an-instruction',
              severity: 'error',
              message: 'the answer could not be read as a session instruction',
              line: 1,
              column: 1,
            },
          ],
    };
  const lint = lintInstruction(text, rules ? { rules } : {});
  const errors = [...parseErrors, ...lint.diagnostics.filter((d) => d.severity === 'error')];
  return errors.length ? { errors } : { instruction: parsed.instruction, errors };
}
