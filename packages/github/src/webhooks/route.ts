import { Webhooks } from '@octokit/webhooks';
import { parseCommand } from './commands.js';
import type { WebhookJob } from './jobs.js';

/** What decides which deliveries start work. */
export interface TriggerOptions {
  /** The label that starts a session on an issue. Default `sessionhub-auto`. */
  label?: string;
  /** The comment command prefix. Default `/sessionhub`. */
  commandPrefix?: string;
}

/**
 * Routes verified deliveries to jobs with `@octokit/webhooks` (its `receive` runs the handlers registered for
 * `issues.labeled` and `issue_comment.created`). Pure: no I/O; the caller records and queues what comes back.
 */
export class WebhookRouter {
  private readonly webhooks: Webhooks;
  /**
   * The job each delivery being routed asks for, by a key of this call (not the delivery id: the same delivery
   * routed twice at once must not mix either).
   */
  private readonly collecting = new Map<string, { job?: WebhookJob }>();
  private calls = 0;

  constructor(options: TriggerOptions = {}) {
    const label = options.label ?? 'sessionhub-auto';
    const prefix = options.commandPrefix ?? '/sessionhub';
    // The secret is unused: `receive` does not verify (the receiver verified the raw bytes already).
    this.webhooks = new Webhooks({ secret: 'verified-by-the-receiver' });
    this.webhooks.on('issues.labeled', ({ id, payload }) => {
      if (payload.label?.name !== label || payload.issue.state !== 'open') return;
      this.found(id, {
        kind: 'issue',
        repo: payload.repository.full_name,
        number: payload.issue.number,
        sender: payload.sender?.login ?? '',
        via: 'label',
      });
    });
    this.webhooks.on('issue_comment.created', ({ id, payload }) => {
      const command = parseCommand(payload.comment.body ?? '', prefix);
      const sender = payload.comment.user?.login ?? payload.sender?.login ?? '';
      // Our own comments (and other bots') never trigger anything.
      if (!command || payload.comment.user?.type === 'Bot') return;
      const base = {
        repo: payload.repository.full_name,
        number: payload.issue.number,
        sender,
        commentId: payload.comment.id,
      };
      if (command.command === 'run') this.found(id, { kind: 'issue', ...base, via: 'command' });
      else if (command.command === 'approve') this.found(id, { kind: 'approve', ...base });
      else if (command.command === 'rate')
        this.found(id, { kind: 'rate', ...base, rating: command.rating, note: command.note });
    });
    this.routePullRequests();
  }

  private routePullRequests(): void {
    this.webhooks.on('pull_request.closed', ({ id, payload }) => {
      const repo = payload.repository.full_name;
      const reverts = payload.pull_request.merged
        ? /\bReverts ([\w.-]+\/[\w.-]+)#(\d+)/.exec(payload.pull_request.body ?? '')
        : null;
      this.found(id, {
        kind: 'pull_request_closed',
        repo,
        number: payload.pull_request.number,
        merged: payload.pull_request.merged === true,
        ...(payload.pull_request.html_url ? { url: payload.pull_request.html_url } : {}),
        ...(reverts && reverts[1] === repo ? { reverts: Number(reverts[2]) } : {}),
      });
    });
  }

  private found(id: string, job: WebhookJob): void {
    const slot = this.collecting.get(id);
    if (slot) slot.job = job;
  }

  /**
   * The job a delivery asks for, or `undefined` for events and actions that start nothing. A delivery asks for
   * one job at most: one event and action reach one handler, and a comment carries one command.
   */
  async route(delivery: { id: string; name: string; payload: unknown }): Promise<WebhookJob | undefined> {
    const slot: { job?: WebhookJob } = {};
    const key = `${delivery.id}/${++this.calls}`;
    this.collecting.set(key, slot);
    try {
      // biome-ignore lint/suspicious/noExplicitAny: the event name is checked by @octokit/webhooks at run time.
      await this.webhooks.receive({ id: key, name: delivery.name as any, payload: delivery.payload as any });
    } finally {
      this.collecting.delete(key);
    }
    return slot.job;
  }
}
