import { addUsage, emptyUsage, type PlanResult, type Usage } from '@sessionhub/core';
import { type Diagnostic, type LintOptions, lintInstruction, parseInstruction } from '@sessionhub/format';
import { PLANNER_SYSTEM_PROMPT, reaskText, truncatedText } from './planner-prompt.js';
import { ModelStopError } from './stop-errors.js';
import { unwrapFence } from './unwrap-fence.js';

/** The options every model adapter's Planner takes besides its model's (`AnthropicPlanner`, `AiSdkPlanner`). */
export interface PlannerLoopOptions {
  /** Output tokens per call (`max_tokens` on the Messages API). Default 4096. */
  maxTokens?: number;
  /**
   * Re-asks this planner makes on its own, for an answer with parse or lint errors or one cut off by the output
   * limit. Default 0: the engine owns the re-ask budget (`policy.maxPlannerReasks`), so one `plan` call is one
   * billed model call. Each re-ask adds one billed call.
   */
  maxReasks?: number;
  /** Text appended to the system prompt (house style, for example). */
  extraSystemPrompt?: string;
  /** Lint rule overrides; pass the engine's `policy.lintRules` so both judge alike. */
  lintRules?: LintOptions['rules'];
}

/** {@link PlannerLoopOptions} with their defaults, and the system prompt they make. */
export interface PlannerSettings {
  readonly maxTokens: number;
  readonly maxReasks: number;
  /** {@link PLANNER_SYSTEM_PROMPT}, then `extraSystemPrompt` after a blank line when there is one. */
  readonly system: string;
  readonly lintRules: LintOptions['rules'];
}

/** Applies the defaults of {@link PlannerLoopOptions}. */
export function plannerSettings(options: PlannerLoopOptions): PlannerSettings {
  return {
    maxTokens: options.maxTokens ?? 4096,
    maxReasks: options.maxReasks ?? 0,
    system: options.extraSystemPrompt
      ? `${PLANNER_SYSTEM_PROMPT}\n\n${options.extraSystemPrompt}`
      : PLANNER_SYSTEM_PROMPT,
    lintRules: options.lintRules,
  };
}

/** A message of a planning conversation: plain text, which every provider's message type accepts. */
export type PlannerMessage = { role: 'user'; content: string } | { role: 'assistant'; content: string };

/** One planner model call, as the adapter read it from its provider's answer. */
export interface PlannerAnswer {
  /** The answer's text. */
  text: string;
  /** What goes back as the assistant's turn before a re-ask, when it is not `text` (`(empty)` stands for none). */
  replay?: string;
  /**
   * How the call ended: `done` a whole answer, `cut` stopped by the output limit (or a full context window),
   * `refused` a refusal or content filter, `other` any other reason.
   */
  end: 'done' | 'cut' | 'refused' | 'other';
  /** The provider's own name of the stop reason, for {@link ModelStopError.stopReason} and messages. */
  stopReason: string;
  /** Tokens and cost of this call. */
  usage: Usage;
}

/** What {@link planWithReasks} needs from a model adapter. */
export interface PlannerLoop {
  settings: PlannerSettings;
  /** The first user message: `planRequest(input)`. */
  request: string;
  /** The output limit as the provider names it in messages (`max_tokens`, `the output limit`). */
  limitName: string;
  /** One model call on the conversation so far (with `settings.system` and `settings.maxTokens`). */
  ask(messages: PlannerMessage[]): Promise<PlannerAnswer>;
}

/**
 * The Planner's conversation, the same for every model adapter: the answer is unwrapped from a fence, parsed and
 * linted; errors (and a cut-off answer) go back to the model while `maxReasks` allows. An answer cut off by the
 * output limit is never returned: past the re-asks it is {@link ModelStopError} `planner.truncated` (retryable); a
 * refusal is `planner.refusal`, any other stop `planner.stop_reason`. Past the re-asks an answer with errors is
 * returned without `instruction`, for the engine's own boundary check to judge.
 */
export async function planWithReasks(loop: PlannerLoop): Promise<PlanResult> {
  const { settings } = loop;
  const messages: PlannerMessage[] = [{ role: 'user', content: loop.request }];
  let usage = emptyUsage();
  for (let attempt = 0; ; attempt++) {
    const answer = await loop.ask(messages);
    usage = addUsage(usage, answer.usage);
    const { text: raw, stopReason } = answer;
    const canReask = attempt < settings.maxReasks;
    const replay = { role: 'assistant' as const, content: (answer.replay ?? raw) || '(empty)' };
    if (answer.end === 'refused') {
      throw new ModelStopError('planner.refusal', `the planner model refused: ${raw.slice(0, 500)}`, {
        stopReason,
        usage,
      });
    }
    if (answer.end === 'cut') {
      if (!canReask) {
        throw new ModelStopError(
          'planner.truncated',
          `the planner's answer was cut off at ${loop.limitName} (${settings.maxTokens}); a truncated instruction is never accepted`,
          { stopReason, usage, retryable: true },
        );
      }
      messages.push(replay, { role: 'user', content: truncatedText() });
      continue;
    }
    if (answer.end !== 'done') {
      throw new ModelStopError(
        'planner.stop_reason',
        `the planner model stopped for an unexpected reason: ${stopReason}`,
        { stopReason, usage },
      );
    }
    const text = unwrapFence(raw);
    const checked = checkPlan(text, settings.lintRules);
    if (checked.errors.length === 0 || !canReask) {
      return checked.instruction ? { text, instruction: checked.instruction, usage } : { text, usage };
    }
    messages.push(replay, { role: 'user', content: reaskText(checked.errors) });
  }
}

/** Parse and lint errors of a planner answer, or its instruction when it has none. */
function checkPlan(
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
