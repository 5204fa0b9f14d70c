import type { Sandbox } from '@sessionhub/core';
import { createTempSandbox } from '@sessionhub/core/testing';
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

/** A bubblewrap sandbox over a fresh temp workspace filled with `files`; its `dispose` deletes the workspace. */
export function createSandbox(files: Record<string, string> = {}): Promise<Sandbox> {
  shared ??= bubblewrapProvider();
  return createTempSandbox(shared, files, { prefix: 'sessionhub-claude-code-' });
}

/** Disposes every sandbox {@link createSandbox} made that is still live (for scripts such as the bench). */
export async function closeSandboxes(): Promise<void> {
  await shared?.close();
  shared = undefined;
}
