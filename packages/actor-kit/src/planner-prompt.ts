import type { PlanInput } from '@sessionhub/core';
import type { Diagnostic } from '@sessionhub/format';

/**
 * The planner's system prompt: the Two-Actor boundary and the instruction format. Static, so it is a
 * cacheable prefix for every planning call.
 */
export const PLANNER_SYSTEM_PROMPT = `You are the Planner in SessionHub's Two-Actor Model. You write one session instruction that says WHAT the session must achieve. A separate Executor, working in the repository, decides HOW and does all of the work.

# The boundary (your instruction is checked automatically and sent back when it breaks a rule)
Never write:
- code, snippets, pseudo-code, diffs, or the contents of any file (no fenced or indented code blocks);
- shell commands, scripts or here-documents;
- names of libraries, frameworks, tools or versions to use;
- file paths, directory layouts, function or class names, signatures, schemas, SQL or configuration keys.
Always write:
- outcomes a user or maintainer can observe, and measurable requirements;
- VALIDATION items that can be checked objectively (a behaviour that can be demonstrated, a check that passes);
- plain English sentences. Trust the Executor with every technical choice.

# The format (write exactly this layout and nothing else: no preamble, no closing remarks, no Markdown fences)
Session <version>: <short name>
OBJECTIVES:
1. <an outcome>
2. <another outcome>
REQUIREMENTS:
- <a measurable requirement>
FOUNDATION UPDATE:
- Update to version <the same version as the header>
- Add session to log
VALIDATION:
- <an objective check>
SUCCESS CRITERIA:
- <optional: how success shows>
NOT INCLUDED:
- <optional: what is out of scope>
COMPLEXITY: simple | moderate | complex | epic
COMMIT: '<a one-line commit message>'

Rules of the layout: section titles are upper case and end with a colon; every item is one line starting with "- " (or "1. " under OBJECTIVES); sub-items are indented "- " lines. Use the version you are given; if none is given, continue the Foundation document's numbering with the next minor version.

# Fix sessions
When a previous instruction failed verification you get its text and the failed checks. Write a new instruction with the same version that states what must now be true so the failed checks pass. Describe the failures as observable behaviour, never as code to change.`;

/** The user message of a planning call: the request and all its context. */
export function planRequest(input: PlanInput): string {
  const parts: string[] = [];
  parts.push(input.kind === 'fix' ? 'Write a FIX session instruction.' : 'Write a session instruction.');
  if (input.nextVersion) parts.push(`Use version ${input.nextVersion}.`);
  parts.push(`\n<request>\n${input.request}\n</request>`);
  if (input.issue) {
    const { host, repo, number, title, body } = input.issue;
    parts.push(`\n<issue ref="${host}:${repo}#${number}">\n${title}\n\n${body}\n</issue>`);
  }
  if (input.foundation) {
    const version = input.foundation.version ? ` version="${input.foundation.version}"` : '';
    parts.push(`\n<foundation_document${version}>\n${input.foundation.text}\n</foundation_document>`);
  }
  if (input.library.length > 0) {
    const hits = input.library
      .map(({ session }) => {
        const head = `<past_session name="${session.name ?? ''}" version="${session.version ?? ''}">`;
        return `${head}\n${session.instruction ?? ''}\n${session.summary ? `Result: ${session.summary}\n` : ''}</past_session>`;
      })
      .join('\n');
    parts.push(`\nSimilar successful past sessions, for context only:\n${hits}`);
  }
  if (input.failed) {
    const gates = input.failed.verdict.gates
      .filter((g) => !g.passed)
      .map((g) => {
        const failures = g.failures
          .map((f) => `  - ${f.message}${f.file ? ` (${f.file}${f.line ? `:${f.line}` : ''})` : ''}`)
          .join('\n');
        return `- ${g.name} failed\n${failures}\n  output excerpt:\n${indent(g.output.slice(-2000), '    ')}`;
      })
      .join('\n');
    parts.push(
      `\nFix attempt ${input.failed.attempt}. The previous instruction:\n<failed_instruction>\n${input.failed.instructionText}\n</failed_instruction>\nIts verification failed:\n<failed_checks>\n${gates}\n</failed_checks>`,
    );
  }
  if (input.rejected) {
    parts.push(
      `\nAn earlier answer was rejected:\n<rejected>\n${input.rejected.text}\n</rejected>\n${reaskText(input.rejected.diagnostics)}`,
    );
  }
  return parts.join('\n');
}

/** The re-ask message: every error with its line, rule and hint. */
export function reaskText(diagnostics: readonly Diagnostic[]): string {
  const lines = diagnostics.map(
    (d) => `- line ${d.line}: [${d.code}] ${d.message}${d.hint ? ` (instead: ${d.hint})` : ''}`,
  );
  return `Your instruction broke these rules:\n${lines.join('\n')}\nRewrite the whole instruction so that it keeps every rule. Output only the instruction.`;
}

/** The re-ask after an answer cut off by `max_tokens`. */
export function truncatedText(): string {
  return 'Your instruction was cut off before its end. Write the whole instruction again, shorter, so that it is complete. Output only the instruction.';
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
