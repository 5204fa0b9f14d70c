import type { Session } from '../model/session.js';
import type { Sandbox } from '../ports/sandbox.js';
import type { WorkspaceProvider } from '../ports/workspace.js';
import type { SessionHubOptions } from './options.js';

/** Whether the `workspace` option is a {@link WorkspaceProvider} (rather than a directory or a function). */
export function isWorkspaceProvider(w: SessionHubOptions['workspace']): w is WorkspaceProvider {
  return typeof w === 'object' && w !== null;
}

/** One session's workspace and sandbox: created on first use, the sandbox disposed when the session ends. */
export class SessionResources {
  private ws: Promise<string> | undefined;
  private sb: Promise<Sandbox> | undefined;
  /** The session's workspace provider, when the engine was given one. */
  readonly provider: WorkspaceProvider | undefined;

  constructor(
    private readonly options: SessionHubOptions,
    private readonly session: () => Session,
    private readonly signal: AbortSignal,
  ) {
    const w = options.workspace;
    this.provider = isWorkspaceProvider(w) ? w : undefined;
  }

  /** The session's working copy on the host (a provider's `open`, the same directory on every resume). */
  workspace(): Promise<string> {
    const w = this.options.workspace;
    const opts = { signal: this.signal };
    this.ws ??=
      typeof w === 'string'
        ? Promise.resolve(w)
        : isWorkspaceProvider(w)
          ? w.open(this.session(), opts)
          : w(this.session(), opts);
    return this.ws;
  }

  /** The session's sandbox, created at the first execution (or at the first verify after a resume). */
  sandbox(): Promise<Sandbox> {
    this.sb ??= this.workspace().then((workspace) =>
      this.options.sandbox.create({
        ...this.options.sandboxOptions,
        workspace,
        labels: { 'sessionhub.session': this.session().id },
        signal: this.signal,
      }),
    );
    return this.sb;
  }

  /** Disposes the sandbox if one was created. Idempotent; never throws. */
  async dispose(): Promise<void> {
    const sb = this.sb;
    this.sb = undefined;
    if (!sb) return;
    try {
      await (await sb).dispose();
    } catch {
      // A sandbox that failed to start or to stop has nothing more to release here.
    }
  }
}
