import type Anthropic from '@anthropic-ai/sdk';
import type { Tracer } from '@opentelemetry/api';
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
import { withBreakpoints } from './caching.js';
import { callModel, textOf } from './model-call.js';
import { type AnthropicModelOptions, type ResolvedModelOptions, resolveModelOptions } from './options.js';
import { tracedCall } from './tracing.js';

/** Options of {@link AnthropicPlanner}. */
export interface AnthropicPlannerOptions extends AnthropicModelOptions {
  /** `max_tokens` per call. Default 4096. */
  maxTokens?: number;
  /**
   * Re-asks this planner makes on its own, for an answer with parse or lint errors or one cut off by
   * `max_tokens`. Default 0: the engine owns the re-ask budget (`policy.maxPlannerReasks`), so one
   * `plan` call is one billed model call. Each re-ask adds one billed call.
   */
  maxReasks?: number;
  /** Text appended to the system prompt (house style, for example). */
  extraSystemPrompt?: string;
  /** Lint rule overrides; pass the engine's `policy.lintRules` so both judge alike. */
  lintRules?: LintOptions['rules'];
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
 * allows) or fails with {@link ModelStopError} `planner.truncated`; a refusal fails with `planner.refusal`.
 * Each call's usage goes to `reportUsage` as soon as it returns.
 *
 * @see packages/anthropic/README.md
 */
export class AnthropicPlanner implements Planner {
  readonly specificationVersion = 1 as const;
  readonly name = 'anthropic';
  private readonly opts: ResolvedModelOptions;
  private readonly maxTokens: number;
  private readonly maxReasks: number;
  private readonly system: Anthropic.TextBlockParam[];
  private readonly lintRules: LintOptions['rules'];
  private readonly tracer: Tracer | undefined;

  constructor(options: AnthropicPlannerOptions = {}) {
    this.lintRules = options.lintRules;
    this.tracer = options.tracer;
    this.opts = resolveModelOptions(options);
    this.maxTokens = options.maxTokens ?? 4096;
    this.maxReasks = options.maxReasks ?? 0;
    const text = options.extraSystemPrompt
      ? `${PLANNER_SYSTEM_PROMPT}\n\n${options.extraSystemPrompt}`
      : PLANNER_SYSTEM_PROMPT;
    this.system = [{ type: 'text', text }];
  }

  async plan(input: PlanInput, opts: PlanOptions): Promise<PlanResult> {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: planRequest(input) }];
    let usage = emptyUsage();
    for (let attempt = 0; ; attempt++) {
      const request = this.opts.promptCaching
        ? withBreakpoints(undefined, this.system, messages)
        : { system: this.system, messages };
      const { message, usage: callUsage } = await tracedCall(this.tracer, this.opts.model, input.sessionId, () =>
        callModel(
          this.opts,
          { system: request.system, messages: request.messages, maxTokens: this.maxTokens },
          { signal: opts.signal, reportUsage: opts.reportUsage },
        ),
      );
      usage = addUsage(usage, callUsage);
      const raw = textOf(message);
      const reason = message.stop_reason ?? 'end_turn';
      const canReask = attempt < this.maxReasks;
      if (reason === 'refusal') {
        throw new ModelStopError('planner.refusal', `the planner model refused: ${raw.slice(0, 500)}`, {
          stopReason: reason,
          usage,
        });
      }
      if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') {
        if (!canReask) {
          throw new ModelStopError(
            'planner.truncated',
            `the planner's answer was cut off at max_tokens (${this.maxTokens}); a truncated instruction is never accepted`,
            { stopReason: reason, usage, retryable: true },
          );
        }
        messages.push(
          { role: 'assistant', content: raw.trimEnd() || '(empty)' },
          { role: 'user', content: truncatedText() },
        );
        continue;
      }
      if (reason !== 'end_turn' && reason !== 'stop_sequence') {
        throw new ModelStopError(
          'planner.stop_reason',
          `the planner model stopped for an unexpected reason: ${reason}`,
          {
            stopReason: reason,
            usage,
          },
        );
      }
      const text = unwrapFence(raw);
      const checked = check(text, this.lintRules);
      if (checked.errors.length === 0 || !canReask) {
        return checked.instruction ? { text, instruction: checked.instruction, usage } : { text, usage };
      }
      messages.push(
        { role: 'assistant', content: raw.trimEnd() || '(empty)' },
        { role: 'user', content: reaskText(checked.errors) },
      );
    }
  }
}

/** Parse and lint errors of a planner answer. */
function check(
  text: string,
  rules: LintOptions['rules'],
): { instruction?: PlanResult['instruction']; errors: Diagnostic[] } {
  const parsed = parseInstruction(text, { mode: 'lenient' });
  const parseErrors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.instruction) {
    return { errors: parseErrors.length ? parseErrors : [noInstruction()] };
  }
  const lint = lintInstruction(text, rules ? { rules } : {});
  const errors = [...parseErrors, ...lint.diagnostics.filter((d) => d.severity === 'error')];
  return errors.length ? { errors } : { instruction: parsed.instruction, errors };
}

function noInstruction(): Diagnostic {
  return {
    code: 'not-an-instruction',
    severity: 'error',
    message: 'the answer could not be read as a session instruction',
    line: 1,
    column: 1,
  };
}
