/** The typed error of the Foundation editor. */
import { SessionHubError } from '../errors.js';

/**
 * Codes of {@link FoundationUpdateError}:
 * - `foundation.bad_version`: the new version (or `next`) is not a session version;
 * - `foundation.version_not_forward`: the new version is not strictly after the document's current version;
 * - `foundation.next_not_ahead`: `next` is not strictly after the new version;
 * - `foundation.bad_entry`: the log entry has no name.
 */
export type FoundationUpdateErrorCode =
  | 'foundation.bad_version'
  | 'foundation.version_not_forward'
  | 'foundation.next_not_ahead'
  | 'foundation.bad_entry';

/** Thrown by `applyFoundationUpdate` and `createFoundation` when the requested change cannot be made. */
export class FoundationUpdateError extends SessionHubError {
  declare readonly code: FoundationUpdateErrorCode;

  constructor(code: FoundationUpdateErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
