import type { Verdict } from '../model/report.js';
import type { Session } from '../model/session.js';

/** Options every workspace call takes. */
export interface WorkspaceCallOptions {
  signal: AbortSignal;
}

/** What {@link WorkspaceProvider.commitVerified} records: the accepted instruction and its passing verdict. */
export interface VerifiedChange {
  /** The instruction text of this attempt (initial or fix); its header, objectives and name make the message. */
  instructionText: string;
  /** The verdict of this attempt. Must have `passed: true`; a failing verdict is refused (`git.verdict_failed`). */
  verdict: Verdict;
  /** The attempt number (0 for the initial instruction, n for the n-th fix), as in the step id `verify:<n>`. */
  attempt: number;
}

/** The Foundation document update of a succeeded session. */
export interface FoundationChange {
  /** Workspace-relative path of the Foundation document. */
  path: string;
  /** The version the document was bumped to. */
  version: string;
  /** The version before, when there was one. */
  previousVersion?: string;
}

/** A commit made (or found) for a session. */
export interface WorkspaceCommit {
  /** The commit id, or `null` when there was nothing to commit (no file changed). */
  sha: string | null;
  /** `false` when an earlier call already made this commit and it was returned instead. */
  created: boolean;
}

/** How a session ended, for {@link WorkspaceProvider.close}. */
export type WorkspaceOutcome = 'succeeded' | 'failed' | 'cancelled';

/**
 * A working copy per session, backed by version control (`@sessionhub/git`: one git worktree and branch
 * per session), and the commits that record verified work.
 *
 * Contract for the engine:
 * - `open` returns the same directory for the same session on every call, in any process (resume).
 * - `commitVerified` and `commitFoundation` are idempotent per session and attempt: a commit already made
 *   for them (found by its trailers, not by process memory) is returned with `created: false`. So a crash
 *   between the commit and the event that records it never makes a second commit on resume.
 * - `close` is idempotent; it may be called for a session that was never opened.
 *
 * Errors are `SessionHubError` subclasses with stable dotted codes (`git.*` for `@sessionhub/git`).
 */
export interface WorkspaceProvider {
  readonly specificationVersion: 1;
  readonly name: string;
  /** Prepares (or finds again) the session's working copy; returns its host path. */
  open(session: Session, opts: WorkspaceCallOptions): Promise<string>;
  /** Commits every change in the working copy after a passing verdict. */
  commitVerified(session: Session, change: VerifiedChange, opts: WorkspaceCallOptions): Promise<WorkspaceCommit>;
  /** Commits the Foundation document update, as its own commit after the verified work. */
  commitFoundation(session: Session, change: FoundationChange, opts: WorkspaceCallOptions): Promise<WorkspaceCommit>;
  /** Releases the working copy when the session has ended (an implementation may keep failed ones on request). */
  close(session: Session, outcome: { outcome: WorkspaceOutcome }, opts: WorkspaceCallOptions): Promise<void>;
}
