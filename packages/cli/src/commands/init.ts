import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createFoundation } from '@sessionhub/format';
import { CONFIG_DIR, CONFIG_FILES } from '../config/load-config.js';
import type { SessionHubConfig } from '../config/schema.js';
import { detectGates } from '../defaults/detect-gates.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { pathExists } from '../path-exists.js';
import { type GlobalOptions, projectContext } from './context.js';

async function projectTitle(project: string): Promise<string> {
  try {
    const name = (JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { name?: unknown }).name;
    if (typeof name === 'string' && name.trim() !== '') return name;
  } catch {}
  return basename(project);
}

/**
 * `sessionhub init`: creates `.sessionhub/` with a config (the detected gates written out, so they can be edited)
 * and a `.gitignore` for the store, and a Foundation document when there is none. Leaves existing files alone;
 * an existing config is validated.
 */
export async function initCommand(flags: GlobalOptions): Promise<ExitCode> {
  const ctx = await projectContext(flags); // validates an existing config
  const dir = join(ctx.project, CONFIG_DIR);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const hasConfig = (await Promise.all(CONFIG_FILES.map((f) => pathExists(join(dir, f))))).some(Boolean);
  if (!hasConfig) {
    const gates = await detectGates(ctx.project);
    const config: SessionHubConfig = {
      sandbox: { kind: 'auto' },
      git: { enabled: 'auto' },
      policy: { maxFixAttempts: 2, requireApproval: false },
      ...(gates.length > 0 ? { gates } : {}),
    };
    await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    written.push(join(CONFIG_DIR, 'config.json'));
  }
  const ignore = join(dir, '.gitignore');
  if (!(await pathExists(ignore))) {
    await writeFile(ignore, 'sessionhub.db\nsessionhub.db-*\n');
    written.push(join(CONFIG_DIR, '.gitignore'));
  }
  const foundationPath = ctx.config.policy?.foundationPath ?? 'FOUNDATION.md';
  if (!(await pathExists(join(ctx.project, foundationPath)))) {
    await writeFile(
      join(ctx.project, foundationPath),
      createFoundation({ title: await projectTitle(ctx.project), version: '0.0' }),
    );
    written.push(foundationPath);
  }
  const out = createReporter(
    outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream),
  );
  out.report(
    written.length > 0
      ? `created: ${written.join(', ')}\nnext: sessionhub doctor, then sessionhub run "<request>"`
      : 'already initialised; nothing to do',
    { created: written },
  );
  out.close();
  return EXIT.ok;
}
