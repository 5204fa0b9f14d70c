import { environmentProblem } from '../cli-error.js';
import type { ExitCode } from '../exit-codes.js';
import { type GlobalOptions, projectContext } from './context.js';

/** What an installed `@sessionhub/inspector` offers the CLI. */
interface InspectorModule {
  startInspector(options: {
    storePath: string;
    port?: number;
    signal?: AbortSignal;
  }): Promise<{ url: string; closed: Promise<void> }>;
}

/** The inspector's package name. */
export const INSPECTOR_PACKAGE = '@sessionhub/inspector';

/**
 * `sessionhub ui`: starts the inspector over the project's store when `@sessionhub/inspector` is installed;
 * otherwise `cli.inspector_missing` (exit code 3) with how to install it.
 */
export async function uiCommand(flags: GlobalOptions & { port?: string }): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  let inspector: InspectorModule;
  try {
    inspector = (await import(/* @vite-ignore */ INSPECTOR_PACKAGE)) as InspectorModule;
  } catch {
    throw environmentProblem(
      'cli.inspector_missing',
      `the inspector (${INSPECTOR_PACKAGE}) is not installed`,
      `install it next to sessionhub (npm install ${INSPECTOR_PACKAGE}; in a clone: npm run pack, then install its tarball); ` +
        'meanwhile: sessionhub sessions show <id> --events',
    );
  }
  const server = await inspector.startInspector({
    storePath: ctx.storePath,
    ...(flags.port ? { port: Number(flags.port) } : {}),
  });
  process.stdout.write(`inspector: ${server.url} (Ctrl-C stops it)\n`);
  await server.closed;
  return 0;
}
