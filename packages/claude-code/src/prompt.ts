import type { ExecuteInput } from '@sessionhub/core';

/** The executor preamble put before the frozen instruction text. */
export const EXECUTOR_PREAMBLE = `You are the Executor in SessionHub's Two-Actor Model. A Planner wrote the session instruction below: it says what to achieve; you decide how and do the work in the current working directory (the workspace).
- Implement the instruction completely, making every technical choice yourself. Do not change its objectives or scope, and do not add features it did not ask for.
- Stay inside the workspace and never print secrets.
- Make its VALIDATION and SUCCESS CRITERIA items true: they are checked independently after you finish.
- When done, reply with a short report: the files you changed, how you checked them, anything left open.`;

/** The prompt Claude Code gets: the preamble, then the instruction text verbatim. */
export function executorPrompt(input: ExecuteInput): string {
  const fix =
    input.attempt > 0
      ? `\nThis is fix attempt ${input.attempt}: the previous attempt failed verification; the instruction below says what must now be true.\n`
      : '';
  return `${EXECUTOR_PREAMBLE}\n${fix}\n<instruction>\n${input.text}\n</instruction>`;
}
