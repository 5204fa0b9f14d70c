import type { Releasable } from '@sessionhub/core/testing';
import { releaseAfterTest, tempSandboxes } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { onTestFinished } from 'vitest';
import { claudeCodeMounts } from '../../src/index.js';

/**
 * The real embedded sandbox (`@sessionhub/sandbox-process`) with bubblewrap isolation required:
 * where bubblewrap cannot run, `create` fails with `sandbox.unavailable` instead of silently
 * running the tests unisolated. The Claude Code executable's directory is bound in, so the executor
 * can start Claude Code inside.
 */
export function bubblewrapProvider(): ProcessSandboxProvider {
  return new ProcessSandboxProvider({ isolation: 'bubblewrap', hostMounts: claudeCodeMounts() });
}

const sandboxes = tempSandboxes(bubblewrapProvider, { prefix: 'sessionhub-claude-code-' });

/** Releases `resource` (a fake, a sandbox, a provider) when the current test ends, and returns it. */
export const held = <T extends Releasable>(resource: T): T => releaseAfterTest(onTestFinished, resource);

/** A bubblewrap sandbox over a fresh temp workspace holding `files`; disposed (workspace deleted) when the test ends. */
export async function createSandbox(files: Record<string, string> = {}) {
  return held(await sandboxes.create(files));
}
