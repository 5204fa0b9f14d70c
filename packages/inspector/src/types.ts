import type { ApproveOptions, Session, SessionEvent, Store } from '@sessionhub/core';

/**
 * What the inspector's actions need of an engine: `SessionHub` from `@sessionhub/core` has it. Actions reach
 * sessions running in another process through the store (the engine takes over a paused or released session).
 */
export interface InspectorHub {
  approve(id: string, opts?: ApproveOptions): Promise<void>;
  reject(id: string, reason?: string): Promise<void>;
  cancel(id: string): Promise<void>;
  resume(id: string): Promise<unknown>;
  /** When present, live events of sessions this engine runs reach the SSE stream at once (else the store is polled). */
  readonly emitter?: {
    on(event: 'event', fn: (e: SessionEvent) => void): unknown;
    off(event: 'event', fn: (e: SessionEvent) => void): unknown;
  };
}

/** A deploy or rollback, as `GitReleases.history()` of `@sessionhub/git` lists them. */
export interface DeployRecord {
  kind: 'deploy' | 'rollback';
  tag: string;
  seq: number;
  target: string;
  sha: string;
  previousSha: string;
  version: string;
  sessionIds: string[];
  branch?: string;
  reason?: string;
  at: string;
}

/** Where deploy records come from, e.g. `GitReleases` of `@sessionhub/git`. */
export interface DeploySource {
  history(opts: { signal: AbortSignal }): Promise<DeployRecord[]>;
}

/** A link shown with a session: a commit, a pull request, a deploy. Only `http:`/`https:` URLs become links. */
export interface SessionLink {
  kind: 'commit' | 'pull_request' | 'deploy' | 'other';
  label: string;
  url?: string;
}

/** Finds a session's links, e.g. its commits by their trailers (`findSessionCommits` of `@sessionhub/git`) or its pull request. */
export type SessionLinkSource = (session: Session, opts: { signal: AbortSignal }) => Promise<SessionLink[]>;

/** Options of {@link createInspector}. */
export interface InspectorOptions {
  /** Any SessionHub store; the inspector only reads it, except for the actions. */
  store: Store;
  /** The engine the actions go through; without it the actions answer `inspector.read_only`. */
  hub?: InspectorHub;
  /** Deploy records to show; without it the deploys list is empty. */
  deploys?: DeploySource;
  /** A session's commits, pull request and other links, shown with it (deploys are added from `deploys`). */
  links?: SessionLinkSource;
  /** When set, every API request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** How often the live stream reads the store's log when nothing woke it. Default 250 ms. */
  pollMs?: number;
  /** Hears unexpected errors (not `SessionHubError`s), which clients see only as `inspector.internal`. */
  onError?: (error: unknown) => void;
  /** The built page's directory. Default: the package's `dist/web`. */
  assetsDir?: string;
}

/** A session as the list shows it (the instruction text left out). */
export interface SessionSummary extends Omit<Session, 'instruction' | 'summary'> {
  /** From `createdAt` to `updatedAt` for an ended session, to now for one that runs. */
  durationMs: number;
}
