import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GateConfig } from '../config/schema.js';

/** The package.json scripts that become gates, in the order they run. */
export const GATE_SCRIPTS = ['typecheck', 'lint', 'test', 'build'] as const;

/** Gate timeout when a script gives none: 10 minutes. */
export const DEFAULT_GATE_TIMEOUT_MS = 600_000;

/**
 * The verifier gates of a project, from its `package.json` scripts: one gate per script named `typecheck`,
 * `lint`, `test` or `build` (in that order), each run as `npm run <script>` in the session's sandbox. A project
 * without a `package.json`, or without those scripts, has no detected gates.
 */
export async function detectGates(project: string, opts: { signal?: AbortSignal } = {}): Promise<GateConfig[]> {
  let manifest: { scripts?: Record<string, unknown> };
  try {
    manifest = JSON.parse(await readFile(join(project, 'package.json'), { encoding: 'utf8', signal: opts.signal }));
  } catch {
    return [];
  }
  const scripts = manifest.scripts ?? {};
  return GATE_SCRIPTS.filter((name) => typeof scripts[name] === 'string' && scripts[name] !== '').map((name) => ({
    name,
    command: `npm run --silent ${name}`,
    timeoutMs: DEFAULT_GATE_TIMEOUT_MS,
  }));
}
