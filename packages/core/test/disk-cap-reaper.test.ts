import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reapDiskCaps, WorkspaceDiskCap } from '@sessionhub/core/sandbox-runner';
import { spawnTs, waitForLine, watchChild } from '@sessionhub/core/testing';
import { afterEach, describe, expect, it } from 'vitest';

const HOLDER = fileURLToPath(new URL('./support/disk-cap-holder.ts', import.meta.url));
const canMount = WorkspaceDiskCap.supported() && existsSync('/sbin/mkfs.ext4');

/** Mount points of this namespace whose path is `path`. */
function mountsAt(path: string): number {
  const decode = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.split(' ')[4] !== undefined && decode(line.split(' ')[4] as string) === path).length;
}

/** Loop devices attached to a file under `dir` (`losetup -a`). */
function loopsUnder(dir: string): string[] {
  return execFileSync('losetup', ['-a'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dir));
}

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

/** A workspace holding `keep.txt`, a private state root, and a child that mounted a cap over it and was SIGKILLed. */
async function capLeftByKilledProcess(): Promise<{ workspace: string; stateRoot: string }> {
  const root = await mkdtemp(join(tmpdir(), 'sessionhub-reaper-test-'));
  const workspace = join(root, 'workspace');
  const stateRoot = join(root, 'state');
  execFileSync('mkdir', ['-p', workspace, stateRoot]);
  await writeFile(join(workspace, 'keep.txt'), 'from before\n');
  cleanup.push(async () => {
    // Whatever a failed test left mounted goes before the directory does.
    for (let i = 0; i < 3 && mountsAt(workspace) > 0; i++) execFileSync('umount', ['-l', workspace]);
    await reapDiskCaps({ stateRoot });
    await rm(root, { recursive: true, force: true });
  });
  const child = spawnTs(HOLDER, [workspace, stateRoot]);
  const watch = watchChild(child);
  await waitForLine(watch, 'mounted');
  child.kill('SIGKILL');
  await watch.exited;
  return { workspace, stateRoot };
}

describe.skipIf(!canMount)('reapDiskCaps (root and mkfs.ext4 needed)', { timeout: 60_000 }, () => {
  it('unmounts and detaches the cap a SIGKILLed process left, and keeps the files written through it', async () => {
    const { workspace, stateRoot } = await capLeftByKilledProcess();
    // What the dead process left: the image over the workspace, its loop device, the original's bind.
    expect(mountsAt(workspace)).toBe(1);
    expect(loopsUnder(stateRoot)).toHaveLength(1);
    expect((await readdir(stateRoot)).filter((n) => n.startsWith('sessionhub-disk-'))).toHaveLength(1);

    expect(await reapDiskCaps({ stateRoot })).toEqual([workspace]);

    expect(mountsAt(workspace)).toBe(0);
    expect(loopsUnder(stateRoot)).toEqual([]);
    expect(await readdir(stateRoot)).toEqual([]);
    expect(await readFile(join(workspace, 'keep.txt'), 'utf8')).toBe('from before\n');
    expect(await readFile(join(workspace, 'written-while-capped.txt'), 'utf8')).toBe('kept\n');
  });

  it('the next mount over the same workspace reaps first, so caps never stack', async () => {
    const { workspace, stateRoot } = await capLeftByKilledProcess();
    const cap = await WorkspaceDiskCap.mount(workspace, { sizeMb: 16, stateRoot });
    cleanup.push(() => cap.release());
    expect(mountsAt(workspace)).toBe(1);
    expect(loopsUnder(stateRoot)).toHaveLength(1);
    expect(await readFile(join(workspace, 'written-while-capped.txt'), 'utf8')).toBe('kept\n');
    await cap.release();
    expect(mountsAt(workspace)).toBe(0);
    expect(loopsUnder(stateRoot)).toEqual([]);
  });

  it("leaves a live process's cap alone", async () => {
    const root = await mkdtemp(join(tmpdir(), 'sessionhub-reaper-live-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    const workspace = join(root, 'workspace');
    const stateRoot = join(root, 'state');
    execFileSync('mkdir', ['-p', workspace, stateRoot]);
    const cap = await WorkspaceDiskCap.mount(workspace, { sizeMb: 16, stateRoot });
    cleanup.push(() => cap.release());
    expect(await reapDiskCaps({ stateRoot })).toEqual([]);
    expect(mountsAt(workspace)).toBe(1);
    await cap.release();
    expect(mountsAt(workspace)).toBe(0);
  });
});
