/**
 * The error classes of core. Each is a {@link SessionHubError}: a stable dotted `code`, a `cause`, and the
 * static `isInstance` (inherited, nothing per class) that recognises the class across copies of the package,
 * e.g. `StoreError.isInstance(error)`; prefer it to `instanceof`, which is false across an ESM and a CJS copy.
 */
import { type Diagnostic, SessionHubError } from '@sessionhub/format';

export { SessionHubError };

/** An instruction or template text that cannot be read. Carries the parser's diagnostics. */
export class InstructionFormatError extends SessionHubError {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[],
    options?: { cause?: unknown; code?: string },
  ) {
    super(options?.code ?? 'format.invalid', message, options);
  }
}

/** A planner broke the Two-Actor boundary after every re-ask. `rule` names the first broken rule. */
export class BoundaryViolationError extends SessionHubError {
  constructor(
    readonly rule: string,
    readonly diagnostics: Diagnostic[],
    options?: { cause?: unknown },
  ) {
    super('boundary.violation', `planner output broke the actor boundary: ${rule}`, options);
  }
}

/** A sandbox failed or refused an operation (`sandbox.path_escape`, `sandbox.unavailable`, ...). */
export class SandboxError extends SessionHubError {}

/** A model provider failed after its retries (`provider.rate_limited`, `provider.overloaded`, ...). */
export class ProviderError extends SessionHubError {
  constructor(code: string, message: string, options?: { cause?: unknown; status?: number; retryable?: boolean }) {
    super(code, message, options);
    this.status = options?.status;
    this.retryable = options?.retryable ?? false;
  }
  /** HTTP status, when there was one. */
  readonly status: number | undefined;
  /** Whether a later resume may succeed. */
  readonly retryable: boolean;
}

/** A store failed (`store.not_found`, `store.conflict`, `store.corrupt`, `store.schema_too_new`, ...). */
export class StoreError extends SessionHubError {}

/** The budget that was exceeded. */
export type BudgetKind = 'tokens' | 'cost' | 'wall_time' | 'fix_attempts';

/** A session went over one of its budgets; the session and its state are kept. */
export class BudgetExceededError extends SessionHubError {
  constructor(
    readonly budget: BudgetKind,
    readonly limit: number,
    readonly actual: number,
  ) {
    super('budget.exceeded', `budget exceeded: ${budget} ${actual} > ${limit}`);
  }
}

/** A template that cannot be filled (`template.not_found`, `template.variable_missing`, `template.variable_type`). */
export class TemplateError extends SessionHubError {}

/** A session was cancelled (`session.cancelled`). */
export class CancelledError extends SessionHubError {
  constructor(message = 'session cancelled', options?: { cause?: unknown }) {
    super('session.cancelled', message, options);
  }
}

/**
 * A session was paused by `hub.pause(id)` (`session.paused`): the abort reason of its step in flight, and the
 * `error` of its result. The session did not end; `resume(id)` runs the interrupted step again.
 */
export class SessionPausedError extends SessionHubError {
  constructor(message = 'session paused; resume it to continue', options?: { cause?: unknown }) {
    super('session.paused', message, options);
  }
}

/** A session operation that its state does not allow (`session.not_found`, `session.invalid_state`). */
export class SessionStateError extends SessionHubError {}
