import type { SessionEvent } from './events.js';

/** A commit the engine made for a session through its `WorkspaceProvider`, as its log records it. */
export interface SessionCommit {
  /** `work`: the verified work of a passing attempt (step `commit:<n>`); `foundation`: step `foundation-commit:0`. */
  kind: 'work' | 'foundation';
  sha: string;
  /** The step that made it. */
  stepId: string;
}

/**
 * The commits of a session, in order, from the `step.finished` events of its `commit` steps (a step with
 * nothing to commit has `sha: null` and is left out).
 */
export function sessionCommits(events: Iterable<SessionEvent>): SessionCommit[] {
  const commits: SessionCommit[] = [];
  for (const e of events) {
    if (e.type !== 'step.finished' || e.step !== 'commit') continue;
    const sha = (e.output as { sha?: unknown } | undefined)?.sha;
    if (typeof sha !== 'string') continue;
    commits.push({ kind: e.stepId.startsWith('foundation-') ? 'foundation' : 'work', sha, stepId: e.stepId });
  }
  return commits;
}
