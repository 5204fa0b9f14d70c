import { createHash } from 'node:crypto';
import { GitHostError } from '../errors.js';
import type { ErrorReport } from '../webhooks/jobs.js';

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;
const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

function invalid(message: string): GitHostError {
  return new GitHostError('git_host.invalid_input', `error report: ${message}`);
}

/** A fingerprint for a report that brings none: the error's title and its innermost stack frame. */
export function defaultFingerprint(title: string, stack: string | undefined): string {
  const frame =
    stack
      ?.split('\n')
      .find((l) => /^\s*at\s/.test(l))
      ?.trim() ?? '';
  return createHash('sha256').update(`${title}\n${frame}`).digest('hex').slice(0, 32);
}

/**
 * Reads the generic error report a deployed application sends (JSON):
 * `{ "title", "message", "stack"?, "fingerprint"?, "count"?, "environment"?, "url"?, "repo"? }`.
 * `repo` defaults to `defaultRepo`. Throws `git_host.invalid_input` for a malformed report.
 */
export function parseGenericReport(body: unknown, defaultRepo: string): ErrorReport {
  const b = object(body);
  if (!b) throw invalid('not a JSON object');
  const title = text(b.title);
  const message = text(b.message) ?? title;
  if (!title || !message) throw invalid('"title" (a non-empty string) is required');
  const stack = text(b.stack);
  const count = b.count === undefined ? 1 : b.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
    throw invalid('"count" must be a whole number from 1');
  const repo = text(b.repo) ?? defaultRepo;
  return {
    fingerprint: text(b.fingerprint) ?? defaultFingerprint(title, stack),
    repo,
    title: title.slice(0, 200),
    message,
    ...(stack ? { stack } : {}),
    occurrences: count,
    ...(text(b.environment) ? { environment: text(b.environment) as string } : {}),
    ...(text(b.url) ? { url: text(b.url) as string } : {}),
    source: 'generic',
  };
}

interface SentryFrame {
  filename?: string;
  function?: string;
  lineno?: number;
  colno?: number;
}

/** A stack in Node's layout, innermost frame first, from Sentry frames (which Sentry lists oldest first). */
function sentryStack(exception: Json | undefined): string | undefined {
  const values = Array.isArray(exception?.values) ? (exception.values as Json[]) : [];
  const last = values.at(-1);
  if (!last) return undefined;
  const frames = (object(last.stacktrace)?.frames as SentryFrame[] | undefined) ?? [];
  const lines = [...frames]
    .reverse()
    .map((f) => `    at ${f.function ?? '<anonymous>'} (${f.filename ?? '?'}:${f.lineno ?? 0}:${f.colno ?? 0})`);
  return [`${text(last.type) ?? 'Error'}: ${text(last.value) ?? ''}`, ...lines].join('\n');
}

/**
 * Reads a Sentry integration webhook: an issue alert (`Sentry-Hook-Resource: event_alert`, `data.event`) or an
 * issue (`issue`, `data.issue`, with its occurrence `count`). The fingerprint is Sentry's issue id, so every
 * alert of one Sentry issue is one report. Returns `undefined` for resources and actions that report no error
 * (a resolved issue, an installation).
 */
export function parseSentryPayload(resource: string, body: unknown, repo: string): ErrorReport | undefined {
  const b = object(body);
  const data = object(b?.data);
  if (!b || !data) throw invalid('not a Sentry webhook payload');
  if (resource === 'event_alert') {
    const event = object(data.event);
    if (!event) throw invalid('event_alert without data.event');
    const issueId = text(event.issue_id) ?? String(event.issue_id ?? '');
    const title = text(event.title) ?? text(event.message) ?? 'Sentry error';
    const stack = sentryStack(object(event.exception));
    return {
      fingerprint: issueId ? `sentry:${issueId}` : defaultFingerprint(title, stack),
      repo,
      title,
      message: text(event.message) ?? text(event.culprit) ?? title,
      ...(stack ? { stack } : {}),
      occurrences: 1,
      ...(text(event.environment) ? { environment: text(event.environment) as string } : {}),
      ...(text(event.web_url) ? { url: text(event.web_url) as string } : {}),
      source: 'sentry',
    };
  }
  if (resource === 'issue' && (b.action === 'created' || b.action === 'unresolved')) {
    const issue = object(data.issue);
    if (!issue) throw invalid('issue webhook without data.issue');
    const title = text(issue.title) ?? 'Sentry issue';
    const metadata = object(issue.metadata);
    return {
      fingerprint: `sentry:${String(issue.id)}`,
      repo,
      title,
      message:
        [text(metadata?.type), text(metadata?.value)].filter(Boolean).join(': ') || (text(issue.culprit) ?? title),
      occurrences: Math.max(1, Number(issue.count) || 1),
      ...(text(issue.permalink) ? { url: text(issue.permalink) as string } : {}),
      source: 'sentry',
    };
  }
  return undefined;
}

/** The body of the issue filed for a report: message, occurrences, environment, link, stack trace, fingerprint. */
export function renderErrorIssue(report: ErrorReport): { title: string; body: string } {
  const fence = '```';
  return {
    title: `Production error: ${report.title}`,
    body: [
      `A deployed instance reported this error (${report.source}).`,
      '',
      `- Message: ${report.message}`,
      `- Occurrences: ${report.occurrences}`,
      ...(report.environment ? [`- Environment: ${report.environment}`] : []),
      ...(report.url ? [`- Details: ${report.url}`] : []),
      `- Fingerprint: \`${report.fingerprint}\``,
      '',
      ...(report.stack ? ['Stack trace:', '', `${fence}text`, report.stack.replaceAll(fence, "'''"), fence, ''] : []),
      'Find the cause and fix it so this error no longer occurs; add a check that reproduces it.',
    ].join('\n'),
  };
}
