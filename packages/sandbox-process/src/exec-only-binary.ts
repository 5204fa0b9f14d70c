import { chmodSync, copyFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * A copy of a binary (the runner's node, the measuring wrapper's perl) that the sandbox user may execute but
 * not read (mode 0111), made once per binary and caller and reused. Executing a file it cannot read makes the
 * kernel mark the process non-dumpable (`would_dump` in fs/exec.c): no other process of the same uid can then
 * ptrace it, open its `/proc/PID/fd`, `mem` or `environ`, which is what keeps commands away from the runner,
 * its protocol and the wrapper that reports their exit and resource use. Node and Perl run fine from such a
 * file. Returns the copy's path; the directory holding it is 0711 and owned by the caller.
 */
export function execOnlyBinary(binary: string): string {
  const st = statSync(binary);
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `sessionhub-node-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  // Someone else's directory of that name could hold a binary of their choosing: refuse it.
  if (statSync(dir).uid !== uid) throw new Error(`${dir} is not owned by uid ${uid}`);
  chmodSync(dir, 0o711);
  const name = `${basename(binary)}-${st.ino}-${st.size}-${Math.floor(st.mtimeMs)}`;
  const target = join(dir, name);
  try {
    const existing = statSync(target);
    if (existing.uid === uid && (existing.mode & 0o777) === 0o111 && existing.size === st.size) return target;
  } catch {
    // not made yet
  }
  // Several processes may race here: each writes its own temp file and renames it into place.
  const temp = join(dir, `${name}.${process.pid}.${Date.now()}.tmp`);
  copyFileSync(binary, temp);
  chmodSync(temp, 0o111);
  renameSync(temp, target);
  return target;
}
