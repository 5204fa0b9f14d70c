import type { LintOptions } from '@sessionhub/format';
import { SessionHubError, TemplateError } from '../errors.js';
import type { Session, SessionInput } from '../model/session.js';
import { emptyUsage } from '../model/usage.js';
import type { Store } from '../ports/store.js';
import { checkError, checkInstruction } from './boundary.js';
import type { RunRequest } from './options.js';
import { fillTemplate } from './templates.js';

/** Options of {@link newSessionRecord}. */
export interface NewSessionRecordOptions {
  /** The new session's id; called once the request passed its checks. */
  newId: () => string;
  /** Its `createdAt` / `updatedAt`. */
  now: Date;
  /** The linter rules a template's filled text must pass (`SessionHubPolicy.lintRules`). */
  lintRules?: LintOptions['rules'];
  signal?: AbortSignal;
}

/**
 * The `created` record of a new session, checked as `hub.run` checks a request: a known template whose
 * filled text passes the linter, an issue, or a non-empty request. Nothing is stored: `hub.run` stores it and
 * runs the session; a fleet stores it for a worker's engine to run.
 *
 * @throws {TemplateError} for an unknown template or a missing or wrongly typed variable.
 * @throws {BoundaryViolationError} / {InstructionFormatError} for a template that fails the linter.
 * @throws {SessionHubError} `session.invalid_input` for an empty request.
 */
export async function newSessionRecord(
  store: Store,
  request: RunRequest,
  opts: NewSessionRecordOptions,
): Promise<Session> {
  let input: SessionInput;
  let templateId: string | undefined;
  if ('template' in request) {
    const template = await store.getTemplate(request.template, { signal: opts.signal });
    if (!template) throw new TemplateError('template.not_found', `template "${request.template}" not found`);
    const check = checkInstruction(fillTemplate(template, request.variables), opts.lintRules);
    if (!check.ok) throw checkError(check);
    input = { kind: 'template', template: template.id, variables: request.variables ?? {} };
    templateId = template.id;
  } else if ('issue' in request) {
    input = { kind: 'issue', issue: request.issue };
  } else {
    if (typeof request.request !== 'string' || request.request.trim() === '') {
      throw new SessionHubError('session.invalid_input', 'a request must be a non-empty string');
    }
    input = { kind: 'request', request: request.request };
  }
  const at = opts.now.toISOString();
  return {
    id: opts.newId(),
    state: 'created',
    input,
    createdAt: at,
    updatedAt: at,
    tags: request.tags ?? [],
    usage: emptyUsage(),
    fixAttempts: 0,
    ...(templateId ? { templateId } : {}),
  };
}
