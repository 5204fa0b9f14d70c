/**
 * The exit codes of the `sessionhub` command, documented in docs/cli.md. Stable: scripts may rely on them.
 * @module
 */

/** What a `sessionhub` process exits with. */
export const EXIT = {
  /** The command did what it was asked; a session succeeded. */
  ok: 0,
  /** A session ended `failed` or `cancelled` (or a replay diverged from its cassette). */
  sessionFailed: 1,
  /** Bad input: an unknown command or flag, an invalid config (the key path is named), an unknown session. */
  badInput: 2,
  /** An environment problem: no sandbox, no API key, a store that cannot be written, a missing tool. */
  environment: 3,
  /** A session stopped without ending and can be continued: waiting for approval, or paused by a provider outage or a budget. */
  paused: 4,
  /** Interrupted by Ctrl-C (SIGINT); the session is left resumable (`sessionhub resume <id>`). */
  interrupted: 130,
} as const;

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
