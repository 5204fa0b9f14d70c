import type { Session } from '@sessionhub/core';
import type { CheckResult, PostDeployCheck } from './post-deploy-check.js';
import type { ReleaseRecord } from './release-records.js';

/** An event of a deploy, for the caller to record (e.g. in the session's event log). */
export type DeployEvent =
  | {
      type: 'deploy.started';
      at: string;
      tag: string;
      target: string;
      sha: string;
      previousSha: string;
      version: string;
      sessionIds: string[];
    }
  | { type: 'deploy.succeeded'; at: string; tag: string; target: string; sha: string; check?: CheckResult }
  | {
      type: 'deploy.rolled_back';
      at: string;
      tag: string;
      target: string;
      sha: string;
      restored: string;
      reason: string;
      check?: CheckResult;
      /** The sessions whose released work this rollback undid (see {@link recordRollbackOutcomes}). */
      sessionIds: string[];
    };

/** Options of {@link GitReleases}. */
export interface GitReleasesOptions {
  /** Namespace of release tags (`<prefix>/v<version>`, `<prefix>/rollback-<n>`). Default `sessionhub`. */
  tagPrefix?: string;
  /**
   * A rollback resets the target to the earlier commit instead of adding a revert commit
   * (rewrites the target's history). Default `false`.
   */
  rewriteOnRollback?: boolean;
  /** Push the target and the tags to this remote after each deploy or rollback. */
  remote?: string;
  /** Receives every deploy event. */
  onEvent?: (event: DeployEvent) => void | Promise<void>;
  /** Clock for event times. Default `() => new Date()`. */
  now?: () => Date;
}

/** Options of {@link GitReleases.deploy}. */
export interface DeployOptions {
  signal: AbortSignal;
  /** The session whose branch is promoted; or give `branch`. */
  session?: Pick<Session, 'id'>;
  /** A branch to promote instead of a session's. */
  branch?: string;
  /** The branch promoted to (must exist and not be checked out anywhere). */
  target: string;
  /** `fast-forward` (default; fails when the target has other commits) or a `merge` commit. */
  mode?: 'fast-forward' | 'merge';
  /** The released version; default the Foundation version of the branch's last Foundation commit. */
  version?: string;
  /** Runs after the promotion; a failure rolls back automatically. */
  check?: PostDeployCheck;
}

/** Options of {@link GitReleases.rollback}. */
export interface RollbackOptions {
  signal: AbortSignal;
  /** Roll back even though the target moved since the last release (the commits since are reverted). */
  force?: boolean;
  /** Recorded with the rollback. */
  reason?: string;
}

/** What a deploy did. */
export interface DeployResult {
  status: 'succeeded' | 'rolled_back';
  release: ReleaseRecord;
  /** Present when the check failed and the target was rolled back. */
  rollback?: ReleaseRecord;
  check?: CheckResult;
}
