import { SessionHubError } from '@sessionhub/format';

/** An outcome that cannot be recorded because it is malformed (`outcome.invalid`). */
export class OutcomeError extends SessionHubError {}
