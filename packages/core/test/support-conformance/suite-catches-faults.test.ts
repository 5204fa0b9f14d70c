import { describe, expect, it } from 'vitest';
import { SANDBOX_CASES } from '../../src/testing/conformance/sandbox-cases.js';
import { withSandboxCaseContext } from '../../src/testing/conformance/sandbox-context.js';
import { DirSandbox, type DirSandboxFaults } from '../support/dir-sandbox.js';

/** Runs one conformance case against a sandbox with the given defect; returns what it threw. */
async function runCase(name: string, faults: DirSandboxFaults): Promise<unknown> {
  const testCase = SANDBOX_CASES.find((c) => c.name === name);
  if (!testCase) throw new Error(`no case ${name}`);
  return withSandboxCaseContext(
    (workspace) => DirSandbox.create(workspace, faults),
    (context) => testCase.run(context),
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
}

// The suite is only worth something if a broken sandbox fails it: each defect must be caught
// by the case written for it (and the same case passes for the sound sandbox, in dir-sandbox.test.ts).
describe('the sandbox conformance suite catches broken sandboxes', () => {
  it('one that kills only the direct child on timeout', async () => {
    const error = await runCase('exec timeout kills the whole process tree', { killChildOnly: true });
    expect(String(error)).toContain('late.txt');
  });

  it('one that passes the host environment through', async () => {
    expect(await runCase('exec does not see the host environment', { inheritEnv: true })).toBeInstanceOf(Error);
  });

  it('one that checks paths lexically and follows symlinks out', async () => {
    const error = await runCase('a symlink inside the workspace pointing out is refused', { lexicalPaths: true });
    expect(String(error)).toContain('must be refused');
  });

  it('one that cuts output without the marker', async () => {
    const error = await runCase('exec cuts output past maxOutputBytes and ends it with the marker', { noMarker: true });
    expect(error).toBeInstanceOf(Error);
  });
});
