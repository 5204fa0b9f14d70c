import { statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createFoundation } from '@sessionhub/format';
import { SessionStateError } from '../errors.js';
import type { ResolvedPolicy } from './options.js';
import { readFoundation } from './plan-step.js';
import type { StepContext } from './step-context.js';

/** The version a Foundation document created by the engine starts at: the first session writes 0.1. */
export const CREATED_FOUNDATION_VERSION = '0.0';

/**
 * Checks the session's workspace before the first model call and applies `policy.foundation` to a
 * missing Foundation document: `create` writes one (recording `foundation.created`), `require` fails,
 * `skip` records `foundation.skipped`. Returns the document as the planner sees it, if there is one.
 *
 * @throws {SessionStateError} `workspace.not_found` when the workspace is not a directory;
 *   `foundation.missing` when the document is missing under `require`.
 */
export async function prepareWorkspace(
  ctx: StepContext,
  sessionId: string,
  workspace: string,
  policy: ResolvedPolicy,
): Promise<{ path: string; text: string; version?: string } | undefined> {
  if (!statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) {
    throw new SessionStateError(
      'workspace.not_found',
      `the workspace ${workspace} does not exist or is not a directory`,
    );
  }
  const path = policy.foundationPath;
  const found = await readFoundation(workspace, path);
  if (found) return found;
  if (policy.foundation === 'require') {
    throw new SessionStateError(
      'foundation.missing',
      `no Foundation document at ${path} in the workspace (policy.foundation is 'require')`,
    );
  }
  if (policy.foundation === 'skip') {
    ctx.record({ type: 'foundation.skipped', sessionId, path, reason: `no document at ${path}` });
    return undefined;
  }
  ctx.signal.throwIfAborted();
  const file = join(workspace, path);
  const text = createFoundation({ title: `${basename(workspace)} Foundation`, version: CREATED_FOUNDATION_VERSION });
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.sessionhub-${sessionId}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
  ctx.record({ type: 'foundation.created', sessionId, path, version: CREATED_FOUNDATION_VERSION });
  return { path, text, version: CREATED_FOUNDATION_VERSION };
}
