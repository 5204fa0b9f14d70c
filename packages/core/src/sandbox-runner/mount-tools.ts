import { execFile } from 'node:child_process';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SandboxError } from '../errors.js';

/*
 * The mount steps a workspace disk cap shares with its reaper: running mount tools, unmounting, copying back.
 */

const run = promisify(execFile);

/** Runs a tool, mapping its failure to `sandbox.disk_cap` with its stderr. */
export async function sh(file: string, args: string[], signal?: AbortSignal): Promise<string> {
  try {
    const { stdout } = await run(file, args, { signal, encoding: 'utf8', maxBuffer: 1024 * 1024 });
    return stdout;
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr ?? '';
    throw new SandboxError('sandbox.disk_cap', `${file} ${args.join(' ')} failed: ${stderr.trim() || String(cause)}`, {
      cause,
    });
  }
}

/**
 * Copies the capped workspace into the original directory, replacing what it held. Copy first, on the
 * original's filesystem: until the copy is whole, nothing of the original is removed (a copy left half-done by
 * a dead process is a `.sessionhub-incoming-*` directory the next copy removes).
 */
export async function copyBack(workspace: string, original: string): Promise<void> {
  const incoming = join(original, `.sessionhub-incoming-${process.pid}-${Date.now()}`);
  await mkdir(incoming);
  await sh('cp', ['-a', '--', `${workspace}/.`, `${incoming}/`]);
  const incomingName = incoming.slice(original.length + 1);
  for (const name of await readdir(original)) {
    if (name !== incomingName) await rm(join(original, name), { recursive: true, force: true });
  }
  for (const name of await readdir(incoming)) await rename(join(incoming, name), join(original, name));
  await rmdir(incoming);
}

/** Unmounts, retrying briefly while the last processes of a sandbox release it, then lazily. */
export async function umount(path: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await sh('umount', [path]);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await sh('umount', ['-l', path]);
}
