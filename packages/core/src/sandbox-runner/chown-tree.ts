import { lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Hands a directory tree to the sandbox's user, so that a sandbox running under an unprivileged uid can
 * write its workspace: `lchown` on every entry (symlinks themselves, never their targets); entries already
 * owned are skipped. Only a root caller can do this; adapters call it when they run as root.
 */
export async function chownTree(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path);
    if (st.uid !== owner.uid || st.gid !== owner.gid) await lchown(path, owner.uid, owner.gid);
    if (st.isDirectory()) {
      for (const name of await readdir(path)) await walk(join(path, name));
    }
  };
  await walk(dir);
}
