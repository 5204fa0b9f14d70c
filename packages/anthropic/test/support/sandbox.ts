import type { Releasable } from '@sessionhub/core/testing';
import { releaseAfterTest, tempSandboxes } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { onTestFinished } from 'vitest';

/**
 * The real embedded sandbox (`@sessionhub/sandbox-process`) with bubblewrap isolation required:
 * where bubblewrap cannot run, `create` fails with `sandbox.unavailable` instead of silently
 * running the tests unisolated.
 */
export function bubblewrapProvider(): ProcessSandboxProvider {
  return new ProcessSandboxProvider({ isolation: 'bubblewrap' });
}

const sandboxes = tempSandboxes(bubblewrapProvider, { prefix: 'sessionhub-anthropic-' });

/** Releases `resource` (a fake, a sandbox, a provider) when the current test ends, and returns it. */
export const held = <T extends Releasable>(resource: T): T => releaseAfterTest(onTestFinished, resource);

/** A bubblewrap sandbox over a fresh temp workspace holding `files`; disposed (workspace deleted) when the test ends. */
export async function createSandbox(files: Record<string, string> = {}) {
  return held(await sandboxes.create(files));
}
