import type { Session, Verdict } from '@sessionhub/core';

/** What {@link renderPullRequestBody} and {@link renderIssueComment} show. */
export interface SessionSummary {
  session: Session;
  verdict?: Verdict;
  /** The issue the session came from. */
  issue?: { repo: string; number: number };
  /** Why it failed, when it did. */
  error?: { code: string; message: string };
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function tokens(session: Session): number {
  const u = session.usage;
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
}

/** The verdict as a Markdown table (gate, result, duration). */
export function verdictTable(verdict: Verdict | undefined): string {
  if (!verdict || verdict.gates.length === 0) return '_No verdict._';
  const rows = verdict.gates.map(
    (g) => `| ${cell(g.name)} | ${g.passed ? '✅ passed' : '❌ failed'} | ${(g.durationMs / 1000).toFixed(1)} s |`,
  );
  return ['| gate | result | duration |', '| --- | --- | --- |', ...rows].join('\n');
}

function figures(session: Session): string {
  const cost = session.usage.costUnknown ? 'unknown' : `$${session.usage.costUsd.toFixed(4)}`;
  return [
    `- Fix rounds: ${session.fixAttempts}`,
    `- Tokens: ${tokens(session).toLocaleString('en-US')} (input ${session.usage.inputTokens}, output ${session.usage.outputTokens}, cache read ${session.usage.cacheReadTokens}, cache write ${session.usage.cacheWriteTokens})`,
    `- Cost: ${cost}`,
    `- Session: \`${session.id}\``,
  ].join('\n');
}

/**
 * The body of a session's pull request: the issue it closes, the accepted instruction, the verdict table,
 * fix rounds, tokens, cost and the session id.
 */
export function renderPullRequestBody(summary: SessionSummary): string {
  const { session } = summary;
  return [
    summary.issue ? `Closes #${summary.issue.number}.\n` : '',
    `SessionHub session \`${session.id}\` ${session.state === 'succeeded' ? 'succeeded' : `ended ${session.state}`}.`,
    '',
    '## Instruction',
    '',
    '```text',
    (session.instruction ?? '(none)').replaceAll('```', '`​``').trimEnd(),
    '```',
    '',
    '## Verification',
    '',
    verdictTable(summary.verdict),
    '',
    '## Session',
    '',
    figures(session),
    '',
  ].join('\n');
}

/** The issue comment at the end of a session: the pull request, or the failing gates and the error. */
export function renderIssueComment(summary: SessionSummary & { pullRequestUrl?: string }): string {
  const { session } = summary;
  if (session.state === 'succeeded' && summary.pullRequestUrl) {
    return `SessionHub session \`${session.id}\` succeeded: ${summary.pullRequestUrl}\n\n${verdictTable(summary.verdict)}\n\n${figures(session)}\n`;
  }
  const failing = summary.verdict?.gates.filter((g) => !g.passed) ?? [];
  const gates =
    failing.length > 0
      ? `Failing gates:\n\n${failing.map((g) => `- **${cell(g.name)}**: ${cell(g.output.slice(0, 300))}`).join('\n')}\n\n`
      : '';
  const error = summary.error ? `Error \`${summary.error.code}\`: ${summary.error.message}\n\n` : '';
  const nothing =
    session.state === 'succeeded' ? 'The session succeeded but changed nothing, so there is no pull request.\n\n' : '';
  return `SessionHub session \`${session.id}\` ended **${session.state}**.\n\n${nothing}${gates}${error}${figures(session)}\n`;
}
