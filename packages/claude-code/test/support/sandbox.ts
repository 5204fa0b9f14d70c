import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Sandbox } from '@sessionhub/core';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';

/**
 * The real embedded sandbox (`@sessionhub/sandbox-process`) with bubblewrap isolation required:
 * where bubblewrap cannot run, `create` fails with `sandbox.unavailable` instead of silently
 * running the tests unisolated.
 */
export function bubblewrapProvider(): ProcessSandboxProvider {
  return new ProcessSandboxProvider({ isolation: 'bubblewrap' });
}

let shared: ProcessSandboxProvider | undefined;

/**
 * A bubblewrap sandbox over a fresh temp workspace filled with `files` (written on the host before
 * the sandbox starts). Its `dispose` also deletes the workspace.
 */
export async function createSandbox(files: Record<string, string> = {}): Promise<Sandbox> {
  shared ??= bubblewrapProvider();
  const workspace = await realpath(await mkdtemp(join(tmpdir(), 'sessionhub-claude-code-')));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), content);
    }
    const sandbox = await shared.create({ workspace });
    const dispose = sandbox.dispose.bind(sandbox);
    sandbox.dispose = async () => {
      try {
        await dispose();
      } finally {
        await rm(workspace, { recursive: true, force: true });
      }
    };
    return sandbox;
  } catch (error) {
    await rm(workspace, { recursive: true, force: true });
    throw error;
  }
}

/** Disposes every sandbox {@link createSandbox} made that is still live (for scripts such as the bench). */
export async function closeSandboxes(): Promise<void> {
  await shared?.close();
  shared = undefined;
}
