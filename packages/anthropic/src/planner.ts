import type Anthropic from '@anthropic-ai/sdk';
import { addUsage, emptyUsage, type PlanInput, type Planner, type PlanResult } from '@sessionhub/core';
import { type Diagnostic, type LintOptions, lintInstruction, parseInstruction } from '@sessionhub/format';
import { withBreakpoints } from './caching.js';
import { callModel, textOf } from './model-call.js';
import { type AnthropicModelOptions, type ResolvedModelOptions, resolveModelOptions } from './options.js';
import { PLANNER_SYSTEM_PROMPT, planRequest, reaskText } from './planner-prompt.js';

/** Options of {@link AnthropicPlanner}. */
export interface AnthropicPlannerOptions extends AnthropicModelOptions {
  /** `max_tokens` per call. Default 4096. */
  maxTokens?: number;
  /** How often an instruction with parse or lint errors goes back to the model before it is returned as is. Default 2. */
  maxReasks?: number;
  /** Text appended to the system prompt (house style, for example). */
  extraSystemPrompt?: string;
  /** Lint rule overrides; pass the engine's `policy.lintRules` so both judge alike. */
  lintRules?: LintOptions['rules'];
}

/**
 * The Planner on the Messages API. Its system prompt teaches the instruction format and the actor
 * boundary; the request, the Foundation document, library context and (for fixes) the failed verdict
 * go into the user message. The answer is parsed with `parseInstruction` and linted with
 * `lintInstruction`; errors go back to the model, at most `maxReasks` times. After that the last
 * answer is returned and the engine's own boundary check decides.
 */
export class AnthropicPlanner implements Planner {
  readonly specificationVersion = 1 as const;
  readonly name = 'anthropic';
  private readonly opts: ResolvedModelOptions;
  private readonly maxTokens: number;
  private readonly maxReasks: number;
  private readonly system: Anthropic.TextBlockParam[];
  private readonly lintRules: LintOptions['rules'];

  constructor(options: AnthropicPlannerOptions = {}) {
    this.lintRules = options.lintRules;
    this.opts = resolveModelOptions(options);
    this.maxTokens = options.maxTokens ?? 4096;
    this.maxReasks = options.maxReasks ?? 2;
    const text = options.extraSystemPrompt
      ? `${PLANNER_SYSTEM_PROMPT}\n\n${options.extraSystemPrompt}`
      : PLANNER_SYSTEM_PROMPT;
    this.system = [{ type: 'text', text }];
  }

  async plan(input: PlanInput, opts: { signal: AbortSignal }): Promise<PlanResult> {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: planRequest(input) }];
    let usage = emptyUsage();
    for (let attempt = 0; ; attempt++) {
      const request = this.opts.promptCaching
        ? withBreakpoints(undefined, this.system, messages)
        : { system: this.system, messages };
      const { message, usage: callUsage } = await callModel(
        this.opts,
        { system: request.system, messages: request.messages, maxTokens: this.maxTokens },
        opts.signal,
      );
      usage = addUsage(usage, callUsage);
      const raw = textOf(message);
      const text = unwrapFence(raw);
      const checked = check(text, this.lintRules);
      if (checked.errors.length === 0 || attempt >= this.maxReasks) {
        return checked.instruction ? { text, instruction: checked.instruction, usage } : { text, usage };
      }
      messages.push(
        { role: 'assistant', content: raw || '(empty)' },
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

/** Removes one Markdown fence wrapping the whole answer (models add them despite being told not to). */
export function unwrapFence(text: string): string {
  const m = /^```[\w-]*\n([\s\S]*?)\n```\s*$/.exec(text.trim());
  return m ? `${m[1]!.trim()}\n` : `${text.trim()}\n`;
}
