import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcessSandboxProvider } from '../src/index.js';
import { bwrapTestEnv } from './bwrap-env.js';

const env = bwrapTestEnv();
let root: string;
let workspace: string;
beforeEach(async () => {
  // mkdtemp makes root a 0700 directory of its creator under /tmp: the two places a host mount used to vanish.
  root = await mkdtemp(join(tmpdir(), 'sessionhub-host-mounts-'));
  workspace = join(root, 'workspace');
  await mkdir(workspace);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A host directory holding one executable script, as a tool's install directory would. */
async function toolDir(parent: string): Promise<string> {
  const dir = join(parent, 'tool', 'bin');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'hello'), '#!/bin/sh\necho hello from the host tool\n', { mode: 0o755 });
  return dir;
}

describe.skipIf(!env.ready)(`hostMounts under bubblewrap${env.note}`, () => {
  it('shows a host directory under /tmp at its own path (not hidden by the sandbox /tmp)', async () => {
    await chmod(root, 0o755);
    const dir = await toolDir(root);
    const sandbox = await new ProcessSandboxProvider({ hostMounts: [dir] }).create({ workspace });
    try {
      const result = await sandbox.exec([join(dir, 'hello')]);
      expect(result.stdout.trim()).toBe('hello from the host tool');
      expect(result.exitCode).toBe(0);
    } finally {
      await sandbox.dispose();
    }
  });

  it('shows a host directory whose parent the sandbox user cannot enter (0700), read-only', async () => {
    const dir = await toolDir(root);
    const sandbox = await new ProcessSandboxProvider({ hostMounts: [dir] }).create({ workspace });
    try {
      const result = await sandbox.exec([join(dir, 'hello')]);
      expect(result.stdout.trim()).toBe('hello from the host tool');
      const write = await sandbox.exec(['sh', '-c', `echo x > ${join(dir, 'planted')}`]);
      expect(write.exitCode).not.toBe(0);
    } finally {
      await sandbox.dispose();
    }
  });
});
