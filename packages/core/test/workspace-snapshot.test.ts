import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffWorkspaceSnapshots, snapshotWorkspace } from '@sessionhub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DirSandbox, tempDir } from './support/dir-sandbox.js';

describe('workspace snapshots', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('notices files created, deleted and resized, and leaves out .git and node_modules', async () => {
    dir = await tempDir();
    await writeFile(join(dir, 'kept.txt'), 'same');
    await writeFile(join(dir, 'resized.txt'), 'short');
    await writeFile(join(dir, 'deleted.txt'), 'gone soon');
    await mkdir(join(dir, '.git'));
    await mkdir(join(dir, 'node_modules', 'x'), { recursive: true });
    const sandbox = await DirSandbox.create(dir);
    const before = await snapshotWorkspace(sandbox);
    expect([...(before?.keys() ?? [])].sort()).toEqual(['deleted.txt', 'kept.txt', 'resized.txt']);

    await writeFile(join(dir, 'resized.txt'), 'much longer now');
    await rm(join(dir, 'deleted.txt'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'created.txt'), 'new');
    await writeFile(join(dir, '.git', 'HEAD'), 'ref');
    await writeFile(join(dir, 'node_modules', 'x', 'index.js'), '');
    const after = await snapshotWorkspace(sandbox);
    expect(diffWorkspaceSnapshots(before, after).sort()).toEqual(['deleted.txt', 'resized.txt', 'sub/created.txt']);
    await sandbox.dispose();
  });

  it('gives no snapshot when the listing fails, and then no changes', async () => {
    dir = await tempDir();
    const sandbox = new DirSandbox(join(dir, 'missing'));
    const snap = await snapshotWorkspace(sandbox);
    expect(snap).toBeUndefined();
    expect(diffWorkspaceSnapshots(snap, new Map([['a', 1]]))).toEqual([]);
    await sandbox.dispose();
  });
});
