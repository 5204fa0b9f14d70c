import { badInput } from '../cli-error.js';
import { chooseSandbox } from '../defaults/choose-sandbox.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { type GlobalOptions, openProjectStore, type ProjectContext, projectContext } from './context.js';

/** Flags of `deploy` and `rollback`. */
export interface DeployFlags extends GlobalOptions {
  target?: string;
  mode?: string;
  check?: string;
  version?: string | number;
  force?: boolean;
  reason?: string;
  unisolated?: boolean;
}

async function releasesOf(ctx: ProjectContext, signal: AbortSignal) {
  const { createGitWorkspaces, GitReleases } = await import('@sessionhub/git');
  const workspaces = await createGitWorkspaces({ repository: ctx.project, allowDirty: true, signal });
  return new GitReleases(workspaces);
}

/**
 * `sessionhub deploy <session id> --target <branch> [--mode merge] [--check <command>]`: promotes a succeeded
 * session's branch with `@sessionhub/git` (a release tag `sessionhub/v<version>`); a failing check rolls it back
 * (exit 1).
 */
export async function deployCommand(id: string, flags: DeployFlags): Promise<ExitCode> {
  if (!flags.target) throw badInput('cli.invalid_flags', 'deploy needs --target <branch> (the branch to promote to)');
  if (flags.mode !== undefined && flags.mode !== 'merge' && flags.mode !== 'fast-forward') {
    throw badInput('cli.invalid_flags', `--mode ${flags.mode}: expected merge or fast-forward`);
  }
  const ctx = await projectContext(flags);
  const store = await openProjectStore(ctx);
  const session = await store.getSession(id).finally(() => store.close());
  if (!session)
    throw badInput('cli.unknown_session', `session ${id} not found`, 'list them with: sessionhub sessions list');
  if (session.state !== 'succeeded')
    throw badInput('cli.invalid_state', `session ${id} is ${session.state}: only a succeeded session is deployed`);
  const signal = AbortSignal.timeout(30 * 60_000);
  const releases = await releasesOf(ctx, signal);
  const sandbox = flags.check
    ? await chooseSandbox({
        kind: ctx.config.sandbox?.kind ?? 'auto',
        allowUnisolated: flags.unisolated ?? false,
        signal,
      })
    : undefined;
  try {
    const version = flags.version !== undefined ? String(flags.version) : session.version;
    const result = await releases.deploy({
      session,
      target: flags.target,
      signal,
      ...(flags.mode ? { mode: flags.mode as 'merge' | 'fast-forward' } : {}),
      ...(version ? { version } : {}),
      ...(flags.check && sandbox ? { check: { command: flags.check, sandbox: sandbox.provider } } : {}),
    });
    const out = createReporter(
      outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream),
    );
    const r = result.release;
    out.report(
      result.status === 'succeeded'
        ? `deployed ${r.tag}: ${r.target} ${r.previousSha.slice(0, 12)} → ${r.sha.slice(0, 12)}`
        : `the check failed: ${r.target} rolled back (${result.rollback?.tag})${result.check ? `\n${result.check.output ?? ''}` : ''}`,
      { ...result },
    );
    out.close();
    return result.status === 'succeeded' ? EXIT.ok : EXIT.sessionFailed;
  } finally {
    await sandbox?.provider.close?.();
  }
}

/** `sessionhub rollback <version> [--force] [--reason <text>]`: returns the target to that release. */
export async function rollbackCommand(version: string, flags: DeployFlags): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  const signal = AbortSignal.timeout(10 * 60_000);
  const releases = await releasesOf(ctx, signal);
  const record = await releases.rollback(String(version), {
    signal,
    ...(flags.force ? { force: true } : {}),
    ...(flags.reason ? { reason: flags.reason } : {}),
  });
  const out = createReporter(
    outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream),
  );
  out.report(
    `rolled back ${record.target} to ${record.version || record.tag} (${record.tag}, ${record.sha.slice(0, 12)})`,
    { ...record },
  );
  out.close();
  return EXIT.ok;
}
