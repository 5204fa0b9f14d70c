import {
  BoundaryViolationError,
  checkInstruction,
  createRedactor,
  emptyUsage,
  fillTemplate,
  InstructionFormatError,
  type RunRequest,
  type Session,
  SessionHubError,
  type SessionInput,
  type Store,
  TemplateError,
} from '@sessionhub/core';

/** The linter rules of the engines' policy (`SessionHubPolicy.lintRules`). */
export type LintRules = Parameters<typeof checkInstruction>[1];

/**
 * The `created` session record of a request, checked as `hub.run` checks it (a known template whose
 * filled text passes the linter, or a non-empty request), so bad input is refused before anything is
 * stored or queued. The engine of the worker that takes the job writes `session.created` and runs it.
 */
export async function sessionRecord(
  store: Store,
  request: RunRequest,
  opts: { id: string; now: Date; secrets?: string[]; lintRules?: LintRules; signal?: AbortSignal },
): Promise<Session> {
  let input: SessionInput;
  let templateId: string | undefined;
  if ('template' in request) {
    const template = await store.getTemplate(request.template, { signal: opts.signal });
    if (!template) throw new TemplateError('template.not_found', `template "${request.template}" not found`);
    const check = checkInstruction(fillTemplate(template, request.variables), opts.lintRules);
    if (!check.ok) {
      if (!check.parsed) {
        throw new InstructionFormatError('instruction text could not be read as an instruction', check.diagnostics);
      }
      throw new BoundaryViolationError(check.diagnostics[0]?.code ?? 'unknown', check.diagnostics);
    }
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
  const session: Session = {
    id: opts.id,
    state: 'created',
    input,
    createdAt: at,
    updatedAt: at,
    tags: request.tags ?? [],
    usage: emptyUsage(),
    fixAttempts: 0,
    ...(templateId ? { templateId } : {}),
  };
  return createRedactor(opts.secrets ?? [])(session);
}
