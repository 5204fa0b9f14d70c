import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../ports/sandbox.js';
import { OUTSIDE_SECRET, type SandboxCaseContext } from './sandbox-cases.js';

/**
 * A new temp directory (named from `prefix`) holding an empty `workspace/` and `outside/secret.txt` with `secret`:
 * the file a sandbox on `workspace` must not reach.
 */
export async function workspaceBesideSecret(
  prefix: string,
  secret: string,
): Promise<{ root: string; workspace: string; outside: string }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const workspace = join(root, 'workspace');
  const outside = join(root, 'outside');
  await mkdir(workspace);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), secret);
  return { root, workspace, outside };
}

/**
 * Runs `body` with a fresh sandbox case context: a temp directory holding an empty `workspace/`
 * (handed to `factory`) and `outside/secret.txt`, and a canary variable set in `process.env`.
 * Afterwards disposes the sandbox (errors ignored), removes the canary and the directory.
 */
export async function withSandboxCaseContext(
  factory: (workspaceDir: string) => Promise<Sandbox>,
  body: (context: SandboxCaseContext) => Promise<void>,
): Promise<void> {
  const { root, workspace, outside } = await workspaceBesideSecret('sessionhub-sandbox-conformance-', OUTSIDE_SECRET);
  const canary = {
    name: `SESSIONHUB_CONFORMANCE_CANARY_${randomUUID().slice(0, 8).toUpperCase()}`,
    value: randomUUID(),
  };
  process.env[canary.name] = canary.value;
  let sandbox: Sandbox | undefined;
  try {
    sandbox = await factory(workspace);
    await body({ sandbox, workspace, outside, canary });
  } finally {
    await sandbox?.dispose().catch(() => undefined);
    delete process.env[canary.name];
    await rm(root, { recursive: true, force: true });
  }
}
