import { access } from 'node:fs/promises';

/** Whether something is at `path` (a file, a folder or a link to one) that this process can see. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
