import type { SessionEvent, SessionResult } from '@sessionhub/core';
import type { Divergence } from '../cassette/replay.js';
import type { GitRecord } from '../defaults/git-record.js';

/** What the final report of a session says. */
export interface SessionReportData {
  id: string;
  state: string;
  error?: { code: string; message: string };
  name?: string;
  version?: string;
  phases: string[];
  gates: { attempt: number; name: string; passed: boolean; durationMs: number }[];
  fixRounds: number;
  foundation?: { path: string; before?: string; after: string };
  commits: GitRecord['commits'];
  branch?: string;
  tokens: number;
  costUsd: number;
  elapsedMs: number;
  divergences?: Divergence[];
}

/** Gathers the report of a session from its result and its stored log. */
export function sessionReport(
  result: SessionResult,
  events: readonly SessionEvent[],
  extra: { git?: GitRecord; divergences?: Divergence[] } = {},
): SessionReportData {
  const { session } = result;
  const phases: string[] = [];
  for (const e of events) if (e.type === 'state.changed' && phases.at(-1) !== e.to) phases.push(e.to);
  const foundation = events.find((e) => e.type === 'foundation.updated');
  const u = session.usage;
  const first = events[0]?.at ?? session.createdAt;
  const last = events.at(-1)?.at ?? session.updatedAt;
  return {
    id: session.id,
    state: session.state,
    ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}),
    ...(session.name ? { name: session.name } : {}),
    ...(session.version ? { version: session.version } : {}),
    phases,
    gates: events.flatMap((e) =>
      e.type === 'verifier.gate'
        ? [{ attempt: e.attempt, name: e.result.name, passed: e.result.passed, durationMs: e.result.durationMs }]
        : [],
    ),
    fixRounds: session.fixAttempts,
    ...(foundation?.type === 'foundation.updated'
      ? {
          foundation: {
            path: foundation.path,
            after: foundation.version,
            ...(foundation.previousVersion ? { before: foundation.previousVersion } : {}),
          },
        }
      : {}),
    commits: extra.git?.commits ?? [],
    ...(extra.git?.branch ? { branch: extra.git.branch } : {}),
    tokens: u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens,
    costUsd: u.costUsd,
    elapsedMs: Math.max(0, Date.parse(last) - Date.parse(first)),
    ...(extra.divergences ? { divergences: extra.divergences } : {}),
  };
}

/**
 * The report as text for people. `how.command` is how this CLI is called (`sessionhub`, or the `node ... bin.ts`
 * line in a clone); `how.cwd` the project when it is not the current directory.
 */
export function formatReport(r: SessionReportData, how: { command: string; cwd?: string }): string {
  const lines = [
    '',
    `── Session ${r.version ?? '?'}${r.name ? `: ${r.name}` : ''} ── ${r.state}${r.error ? ` (${r.error.code}: ${r.error.message})` : ''}`,
    `  id          ${r.id}`,
    `  phases      ${r.phases.join(' → ')}`,
  ];
  const attempts = [...new Set(r.gates.map((g) => g.attempt))];
  for (const a of attempts) {
    const gates = r.gates
      .filter((g) => g.attempt === a)
      .map((g) => `${g.name} ${g.passed ? 'passed' : 'FAILED'} (${(g.durationMs / 1000).toFixed(1)} s)`);
    lines.push(`  ${a === 0 ? 'gates' : `fix ${a} gates`.padEnd(11)}${a === 0 ? '       ' : ' '}${gates.join(', ')}`);
  }
  lines.push(`  fix rounds  ${r.fixRounds}`);
  if (r.foundation)
    lines.push(`  Foundation  ${r.foundation.path} ${r.foundation.before ?? '(new)'} → ${r.foundation.after}`);
  for (const c of r.commits)
    lines.push(`  commit      ${c.sha.slice(0, 12)} (${c.kind})${r.branch ? ` on ${r.branch}` : ''}`);
  lines.push(`  tokens      ${r.tokens} · cost $${r.costUsd.toFixed(4)} · ${(r.elapsedMs / 1000).toFixed(1)} s`);
  if (r.divergences) {
    lines.push(
      `  replay      ${r.divergences.length === 0 ? 'every request matched the cassette' : `${r.divergences.length} divergent request(s):`}`,
    );
    for (const d of r.divergences) lines.push(`    exchange ${d.exchange} (${d.kind}): ${d.detail}`);
  }
  const cli = `sessionhub${how.cwd ? ` -C ${how.cwd}` : ''}`;
  lines.push('', `Look again: ${cli} sessions show ${r.id}   ·   ${cli} ui`);
  if (how.command !== 'sessionhub') lines.push(`(sessionhub, from this clone: ${how.command})`);
  return lines.join('\n');
}
