import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionHub, Store } from '@sessionhub/core';
import { environmentProblem } from '../cli-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type GlobalOptions, openProjectStore, projectContext, projectHub } from './context.js';

/** The inspector's package: an optional companion of the CLI, loaded only by `ui`. */
export const INSPECTOR_PACKAGE = '@sessionhub/inspector';

/** Names another module to load as the inspector (one that exports `startInspector`), instead of the package. */
export const INSPECTOR_MODULE_VARIABLE = 'SESSIONHUB_INSPECTOR';

/** Where the inspector reads releases from (`GitReleases` of `@sessionhub/git`). */
type Releases = { history(opts: { signal: AbortSignal }): Promise<unknown[]> };

/** The slice of `@sessionhub/inspector` the CLI uses. */
interface InspectorModule {
  startInspector(options: {
    store: Store;
    hub?: SessionHub;
    deploys?: Releases;
    port?: number;
    signal?: AbortSignal;
  }): Promise<{ url: string; closed: Promise<void> }>;
}

async function loadInspector(): Promise<InspectorModule> {
  const specifier = process.env[INSPECTOR_MODULE_VARIABLE] ?? INSPECTOR_PACKAGE;
  try {
    return (await import(specifier)) as InspectorModule;
  } catch (cause) {
    if ((cause as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw cause;
    throw environmentProblem(
      'cli.inspector_missing',
      `the inspector (${specifier}) is not installed`,
      `install it next to sessionhub (npm install ${INSPECTOR_PACKAGE}; from a clone: npm run pack, then install its tarball); ` +
        'meanwhile: sessionhub sessions show <id> --events',
    );
  }
}

/**
 * `sessionhub ui [--port <port>]`: starts `@sessionhub/inspector` over the project's store, on 127.0.0.1 (default
 * port 4317), until Ctrl-C. Its actions (approve, reject, cancel, resume) go through this project's default hub
 * when an API key is set, else it is read-only; a git project's releases are listed. Without the inspector
 * installed: `cli.inspector_missing` (exit code 3) with how to install it.
 */
export async function uiCommand(flags: GlobalOptions & { port?: number | string }): Promise<ExitCode> {
  const inspector = await loadInspector();
  const ctx = await projectContext(flags);
  const store = await openProjectStore(ctx);
  const stop = new AbortController();
  let hub: SessionHub | undefined;
  let readOnly = 'no ANTHROPIC_API_KEY: the inspector is read-only';
  if (process.env.ANTHROPIC_API_KEY) {
    try {
      hub = (await projectHub(ctx, { store })).hub;
      readOnly = '';
    } catch (error) {
      readOnly = `the inspector is read-only: ${(error as Error).message}`;
    }
  }
  let deploys: Releases | undefined;
  if (
    await access(join(ctx.project, '.git')).then(
      () => true,
      () => false,
    )
  ) {
    const { createGitWorkspaces, GitReleases } = await import('@sessionhub/git');
    deploys = new GitReleases(await createGitWorkspaces({ repository: ctx.project, allowDirty: true }));
  }
  const server = await inspector.startInspector({
    store,
    ...(hub ? { hub } : {}),
    ...(deploys ? { deploys } : {}),
    ...(flags.port !== undefined ? { port: Number(flags.port) } : {}),
    signal: stop.signal,
  });
  process.stdout.write(`inspector: ${server.url}\n${readOnly ? `${readOnly}\n` : ''}(Ctrl-C stops it)\n`);
  process.once('SIGINT', () => stop.abort());
  await server.closed;
  await store.close();
  return EXIT.ok;
}
