import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Releasable } from '@sessionhub/core/testing';
import { releaseAfterTest, tempSandboxes } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { onTestFinished } from 'vitest';

/** Releases `resource` when the current test ends, and returns it. */
export const held = <T extends Releasable>(resource: T): T => releaseAfterTest(onTestFinished, resource);

/** The real embedded sandbox with bubblewrap required (no silent unisolated fallback). */
export const bubblewrapProvider = (): ProcessSandboxProvider => new ProcessSandboxProvider({ isolation: 'bubblewrap' });

const sandboxes = tempSandboxes(bubblewrapProvider, { prefix: 'sessionhub-ai-sdk-' });

/** A bubblewrap sandbox over a fresh temp workspace holding `files`, disposed when the test ends. */
export async function createSandbox(files: Record<string, string> = {}) {
  return held(await sandboxes.create(files));
}

/** A fresh temp workspace holding `files`, deleted when the test ends. */
export async function tempWorkspace(files: Record<string, string>): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'sessionhub-ai-sdk-ws-')));
  held({ close: () => rm(dir, { recursive: true, force: true }) });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** A planner answer that keeps every boundary rule. */
export const GOOD_INSTRUCTION = `Session 1.1: Greeting Module
OBJECTIVES:
1. Visitors are greeted by name
REQUIREMENTS:
- The greeting mentions the name it was given
FOUNDATION UPDATE:
- Update to version 1.1
- Add session to log
VALIDATION:
- The project's automated tests pass
COMPLEXITY: simple
COMMIT: 'Greet visitors by name'
`;

export const FOUNDATION = `# Greeter Foundation

Current Version: 1.0

## Session Log
- 1.0 (2026-01-01) Project Setup: completed. Created the project.
`;

/** The project's own check, run by the verifier as a gate. */
export const CHECK = `import { greet } from './greet.mjs';
if (!greet('Ada').includes('Ada')) { console.error('FAIL'); process.exit(1); }
console.log('ok');
`;
