import type { GitHost, Redactor, RepositoryPermission, SessionHub, Store } from '@sessionhub/core';
import { GitHostError } from '../errors.js';
import { renderErrorIssue } from '../monitoring/error-reports.js';
import type { SqlitePullRequestLinks } from '../outcomes/pull-request-links.js';
import type { DeliveryLog } from '../webhooks/delivery-log.js';
import type { JobRunner } from '../webhooks/job-queue.js';
import type { QueuedJob, WebhookJob } from '../webhooks/jobs.js';
import { approve, rate, recordClosed } from './decisions.js';
import { cachedPermissions } from './permissions.js';
import { renderIssueComment, renderPullRequestBody } from './pr-body.js';
import { readSessionCommits, type SessionBranches } from './session-commits.js';
import { startOnce } from './start-once.js';
import { resumeWhenFree, untilAborted } from './waiting.js';

/** The labels a session's issue carries as it moves. */
export interface SessionLabels {
  running: string;
  succeeded: string;
  failed: string;
}

/** The default {@link SessionLabels}: `sessionhub:running`, `sessionhub:succeeded`, `sessionhub:failed`. */
export const DEFAULT_LABELS: SessionLabels = {
  running: 'sessionhub:running',
  succeeded: 'sessionhub:succeeded',
  failed: 'sessionhub:failed',
};

/** Options of {@link createIssueLoop}. */
export interface IssueLoopOptions {
  host: GitHost;
  hub: Pick<SessionHub, 'run' | 'resume' | 'approve' | 'events'>;
  deliveries: DeliveryLog;
  /**
   * The hub's git workspaces (`@sessionhub/git`'s `GitWorkspaces`, passed as `createSessionHub({ workspace })`):
   * the engine commits a session's verified work and Foundation update on the session branch; the loop reads
   * those commits from the session's log and pushes the branch. Without it (a hub working in a plain
   * directory), no branch is pushed and no pull request opened.
   */
  git?: SessionBranches;
  /** The local repository holding the session branches (pushed from here). */
  repository: string;
  /** The branch pull requests target. Default `main`. */
  baseBranch?: string;
  labels?: SessionLabels;
  /** The least permission a commenter needs for `/sessionhub run` and `/sessionhub approve`. Default `write`. */
  commandPermission?: RepositoryPermission;
  /**
   * How long a commenter's permission, once asked of the host, is trusted without asking again (per repository
   * and user). Default 30 000 ms; 0 asks for every command.
   */
  permissionCacheMs?: number;
  /**
   * Where what became of the work is recorded: merges, closes, reverts and `/sessionhub rate` become
   * `outcome.recorded` events on the session's log (core's `recordOutcome`), which every store's analytics and
   * the outcome-ranked library read. Without it, nothing is recorded and `/sessionhub rate` is answered that
   * there is nothing to rate.
   */
  outcomes?: LoopOutcomes;
  /** Extra tags on every session the loop starts. */
  tags?: string[];
  /** Labels of an issue filed for a production error. Default `['sessionhub:production-error']`. */
  errorLabels?: string[];
  /** Told about each step (for logs). */
  onProgress?: (message: string, job: QueuedJob) => void;
}

/** Where {@link createIssueLoop} records outcomes. */
export interface LoopOutcomes {
  /** The hub's store: the sessions' logs. */
  store: Store;
  /** Which pull request belongs to which session (the loop links each pull request it opens). */
  pullRequests: SqlitePullRequestLinks;
  /** Redacts an outcome (a rating's note) before it is stored; give the hub's. Default: core's, from the environment. */
  redact?: Redactor;
}

const RANK: Record<RepositoryPermission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

/** The tag that ties a session to its issue (`github:owner/name#12`), for finding it again. */
export function issueTag(repo: string, number: number): string {
  return `github:${repo}#${number}`;
}

/**
 * The self-development loop as a job runner for {@link WebhookReceiver}: an issue job runs a session on the
 * issue (labels `running` → `succeeded`/`failed`, a comment at start and at the end), pushes the branch the
 * engine committed the session to (its verified work, then the Foundation update), and opens (or finds again)
 * the pull request whose body carries the instruction, the verdict table, fix rounds, tokens, cost and session
 * id. Comment commands are obeyed only from users whose
 * permission, asked of the host, is at least `commandPermission`; anyone else gets a polite answer and nothing starts.
 *
 * Idempotent on restart: a job whose session was recorded resumes that session instead of starting another, and
 * a delivery's session has an id derived from the delivery ({@link deliverySessionId}), so a second process that
 * takes the job after the first stalled past its lease resumes the first one's session rather than start another;
 * labels, the push and the pull request are safe to repeat.
 */
export function createIssueLoop(options: IssueLoopOptions): JobRunner {
  const labels = options.labels ?? DEFAULT_LABELS;
  const base = options.baseBranch ?? 'main';
  const needed = options.commandPermission ?? 'write';
  const progress = options.onProgress ?? (() => {});
  const permissionOf = cachedPermissions(options.host, options.permissionCacheMs ?? 30_000);

  const allowed = async (job: Extract<WebhookJob, { sender: string }>, signal: AbortSignal): Promise<boolean> => {
    const permission = await permissionOf(job.repo, job.sender, signal);
    if (RANK[permission] >= RANK[needed]) return true;
    await options.host.comment(
      job.repo,
      job.number,
      `Thanks, @${job.sender}! SessionHub takes commands only from people with ${needed} access to this repository, so nothing was started. A maintainer can run it with \`/sessionhub run\`.`,
      { signal },
    );
    return false;
  };

  const runIssue = async (queued: QueuedJob, job: Extract<WebhookJob, { kind: 'issue' }>, signal: AbortSignal) => {
    const { host } = options;
    let handle: Awaited<ReturnType<SessionHub['run']>>;
    if (queued.sessionId) {
      progress(`resuming session ${queued.sessionId}`, queued);
      handle = await resumeWhenFree(options.hub, queued.sessionId, signal);
    } else {
      const issue = await host.getIssue(job.repo, job.number, { signal });
      const request = { issue, tags: ['github', issueTag(job.repo, job.number), ...(options.tags ?? [])] };
      const once = await startOnce(options.hub, request, queued.deliveryId, signal);
      handle = once.handle;
      options.deliveries.setSession(queued.deliveryId, handle.id);
      if (once.started) {
        progress(`session ${handle.id} started`, queued);
        await host.removeLabel(job.repo, job.number, labels.failed, { signal });
        await host.removeLabel(job.repo, job.number, labels.succeeded, { signal });
        await host.addLabels(job.repo, job.number, [labels.running], { signal });
        await host.comment(job.repo, job.number, `SessionHub started session \`${handle.id}\` for this issue.`, {
          signal,
        });
      } else {
        // The process that held this job before its lease ran out started the session (and said so).
        progress(`resuming session ${handle.id}, started for this delivery by another process`, queued);
      }
    }
    askForApprovalWhenWaiting(options, queued, job, handle, signal);
    const result = await untilAborted(handle.result, signal);
    if (!result) return; // shutting down: the job stays queued, and the next start resumes the session
    const { session } = result;
    if (session.state !== 'succeeded' && session.state !== 'failed' && session.state !== 'cancelled') {
      // Paused (a provider outage, a budget, an approval): the job stays queued and a restart resumes it.
      progress(`session ${session.id} paused in ${session.state}`, queued);
      return;
    }
    const branch =
      session.state === 'succeeded' ? await committedBranch(options, session.id, queued, signal) : undefined;
    const summary = {
      session,
      ...(result.verdict ? { verdict: result.verdict } : {}),
      issue: { repo: job.repo, number: job.number },
      ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}),
    };
    let pullRequestUrl: string | undefined;
    if (branch) {
      const pushed = await host.pushBranch(job.repo, { repository: options.repository, branch }, { signal });
      progress(`pushed ${branch} at ${pushed.sha}`, queued);
      const existing = await host.findPullRequest(job.repo, branch, { signal });
      const pr =
        existing ??
        (await host.createPullRequest(
          job.repo,
          {
            title: session.name
              ? `Session ${session.version ?? ''}: ${session.name}`.replace(' :', ':')
              : `SessionHub: #${job.number}`,
            body: renderPullRequestBody(summary),
            head: branch,
            base,
          },
          { signal },
        ));
      pullRequestUrl = pr.url;
      options.outcomes?.pullRequests.link({
        repo: job.repo,
        number: pr.number,
        sessionId: session.id,
        issueNumber: job.number,
      });
      progress(`pull request #${pr.number}`, queued);
    }
    const ok = session.state === 'succeeded';
    await host.removeLabel(job.repo, job.number, labels.running, { signal });
    await host.addLabels(job.repo, job.number, [ok ? labels.succeeded : labels.failed], { signal });
    await host.comment(
      job.repo,
      job.number,
      renderIssueComment({ ...summary, ...(pullRequestUrl ? { pullRequestUrl } : {}) }),
      {
        signal,
      },
    );
    options.deliveries.finish(queued.deliveryId, ok ? 'done' : 'failed', session.id);
  };

  return async (queued, { signal }) => {
    const { job } = queued;
    try {
      switch (job.kind) {
        case 'issue':
          if (job.via === 'command' && !queued.sessionId && !(await allowed(job, signal))) {
            options.deliveries.finish(queued.deliveryId, 'done', 'refused: permission');
            return;
          }
          await runIssue(queued, job, signal);
          return;
        case 'approve':
          if (!(await allowed(job, signal))) {
            options.deliveries.finish(queued.deliveryId, 'done', 'refused: permission');
            return;
          }
          await approve(options, queued, job, signal);
          return;
        case 'error_report': {
          // File the issue first, and remember it in place of the report: a restart then runs the issue job.
          const filed = renderErrorIssue(job.report);
          const issue = await options.host.createIssue(
            job.report.repo,
            { ...filed, labels: options.errorLabels ?? ['sessionhub:production-error'] },
            { signal },
          );
          const next: WebhookJob = {
            kind: 'issue',
            repo: job.report.repo,
            number: issue.number,
            sender: 'sessionhub',
            via: 'label',
          };
          options.deliveries.updateJob(queued.deliveryId, next);
          progress(`filed #${issue.number} for error ${job.report.fingerprint}`, queued);
          await runIssue({ ...queued, job: next }, next, signal);
          return;
        }
        case 'rate':
          await rate(options, queued, job, signal);
          return;
        case 'pull_request_closed':
          await recordClosed(options, queued, job, signal);
          return;
      }
    } catch (error) {
      if (signal.aborted) return; // shutting down: the job stays queued for the next start
      options.deliveries.finish(queued.deliveryId, 'failed', (error as Error).message);
      throw error;
    }
  };
}

/**
 * The branch holding what the engine committed for a succeeded session (read from its log: the `step.finished`
 * events of its `commit` steps), or `undefined` when it committed nothing or the hub has no git workspaces.
 *
 * @throws {GitHostError} `git_host.push_failed` when the log records commits but their branch is gone.
 */
async function committedBranch(
  options: IssueLoopOptions,
  sessionId: string,
  queued: QueuedJob,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (!options.git) return undefined;
  const commits = await readSessionCommits(options.hub, sessionId, signal);
  if (commits.length === 0) return undefined;
  const branch = await options.git.findBranch(sessionId, { signal });
  if (!branch) {
    throw new GitHostError(
      'git_host.push_failed',
      `session ${sessionId} committed ${commits.map((c) => c.sha).join(', ')} but has no branch in ${options.repository}`,
    );
  }
  options.onProgress?.(
    `committed ${commits.map((c) => `${c.kind} ${c.sha.slice(0, 12)}`).join(', ')} on ${branch}`,
    queued,
  );
  return branch;
}

const APPROVAL_MARKER = 'waits for approval';

/**
 * Comments once on the issue when the session asks for approval of its instruction (`policy.requireApproval`),
 * quoting the instruction and saying how to approve. A budget pause is not asked for here (it needs new limits).
 */
function askForApprovalWhenWaiting(
  options: IssueLoopOptions,
  queued: QueuedJob,
  job: Extract<WebhookJob, { kind: 'issue' }>,
  handle: Awaited<ReturnType<SessionHub['run']>>,
  signal: AbortSignal,
): void {
  const ask = async () => {
    let instruction = '';
    for await (const event of handle.events) {
      if (event.type === 'instruction.accepted') instruction = event.text;
      if (event.type !== 'approval.requested' || event.budget) continue;
      const marker = `\`${handle.id}\` ${APPROVAL_MARKER}`;
      const earlier = await options.host.listComments(job.repo, job.number, { signal });
      if (earlier.some((c) => c.body.includes(marker))) return;
      const fence = '```';
      const quoted = instruction.replaceAll(fence, "'''");
      await options.host.comment(
        job.repo,
        job.number,
        `SessionHub session ${marker} of its instruction:\n\n${fence}text\n${quoted}\n${fence}\n\nComment \`/sessionhub approve\` to let it run (write access needed).`,
        { signal },
      );
      options.onProgress?.(`asked for approval of ${handle.id}`, queued);
      return;
    }
  };
  ask().catch(() => {
    // The session goes on without the comment; the approval command still works.
  });
}
