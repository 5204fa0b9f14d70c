/** Base of every error SessionHub throws, in every package. `code` is stable and safe to branch on. */
export class SessionHubError extends Error {
  /** Stable machine-readable code, e.g. `store.not_found`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** A plain object for storing on a session. */
  toInfo(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}
