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
  /** Jobs being collected, by delivery id (handlers of concurrent deliveries never mix). */
  private readonly collecting = new Map<string, WebhookJob[]>();

  constructor(options: TriggerOptions = {}) {
    const label = options.label ?? 'sessionhub-auto';
    const prefix = options.commandPrefix ?? '/sessionhub';
    // The secret is unused: `receive` does not verify (the receiver verified the raw bytes already).
    this.webhooks = new Webhooks({ secret: 'verified-by-the-receiver' });
    this.webhooks.on('issues.labeled', ({ id, payload }) => {
      if (payload.label?.name !== label || payload.issue.state !== 'open') return;
      this.collecting.get(id)?.push({
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
      if (command.command === 'run') this.collecting.get(id)?.push({ kind: 'issue', ...base, via: 'command' });
      else if (command.command === 'approve') this.collecting.get(id)?.push({ kind: 'approve', ...base });
      else if (command.command === 'rate')
        this.collecting.get(id)?.push({ kind: 'rate', ...base, rating: command.rating, note: command.note });
    });
    this.routePullRequests();
  }

  private routePullRequests(): void {
    this.webhooks.on('pull_request.closed', ({ id, payload }) => {
      const repo = payload.repository.full_name;
      const reverts = payload.pull_request.merged
        ? /\bReverts ([\w.-]+\/[\w.-]+)#(\d+)/.exec(payload.pull_request.body ?? '')
        : null;
      this.collecting.get(id)?.push({
        kind: 'pull_request_closed',
        repo,
        number: payload.pull_request.number,
        merged: payload.pull_request.merged === true,
        ...(reverts && reverts[1] === repo ? { reverts: Number(reverts[2]) } : {}),
      });
    });
  }

  /** The jobs a delivery asks for (none for events and actions that start nothing). */
  async route(delivery: { id: string; name: string; payload: unknown }): Promise<WebhookJob[]> {
    const jobs: WebhookJob[] = [];
    this.collecting.set(delivery.id, jobs);
    try {
      // biome-ignore lint/suspicious/noExplicitAny: the event name is checked by @octokit/webhooks at run time.
      await this.webhooks.receive({ id: delivery.id, name: delivery.name as any, payload: delivery.payload as any });
    } finally {
      this.collecting.delete(delivery.id);
    }
    return jobs;
  }
}
