import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/**
 * A copy of a binary (the runner's node, the resident measurer's perl) that the sandbox user may execute but
 * not read (mode 0111), made once per binary and caller and reused. Executing a file it cannot read makes the
 * kernel mark the process non-dumpable (`would_dump` in fs/exec.c): no other process of the same uid can then
 * ptrace it, open its `/proc/PID/fd`, `mem` or `environ`, which is what keeps commands away from the runner,
 * its protocol and the measurer that reports their exit and resource use. Node and Perl run fine from such a
 * file. Returns the copy's path; the directory holding it is 0711 and owned by the caller.
 *
 * Each copy has a `.source` file beside it naming the binary it was made from. When a new copy is made, the
 * copies whose binary is gone or has changed since (a node upgraded, a checkout's own node deleted) are removed:
 * a copy is ~100 MB, and nothing else would ever remove it.
 */
export function execOnlyBinary(binary: string): string {
  const st = statSync(binary);
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `sessionhub-node-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  // Someone else's directory of that name could hold a binary of their choosing: refuse it.
  if (statSync(dir).uid !== uid) throw new Error(`${dir} is not owned by uid ${uid}`);
  chmodSync(dir, 0o711);
  const name = copyName(binary, st);
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
  writeFileSync(`${target}${SOURCE}`, resolve(binary), { mode: 0o600 });
  removeStaleCopies(dir, name);
  return target;
}

const SOURCE = '.source';
/** A copy without a `.source` (an older release's), or a temp file, older than this is removed too. */
const ORPHAN_AGE_MS = 60 * 60 * 1000;

function copyName(binary: string, st: { ino: number; size: number; mtimeMs: number }): string {
  return `${basename(binary)}-${st.ino}-${st.size}-${Math.floor(st.mtimeMs)}`;
}

/** Removes the copies (but `keep`) whose source binary is gone or is no longer the file they were copied from. */
function removeStaleCopies(dir: string, keep: string): void {
  const names = new Set(readdirSync(dir));
  for (const name of names) {
    if (name === keep || name.endsWith(SOURCE)) continue;
    const path = join(dir, name);
    let stale: boolean;
    if (names.has(`${name}${SOURCE}`)) {
      try {
        const source = readFileSync(`${path}${SOURCE}`, 'utf8');
        stale = copyName(source, statSync(source)) !== name;
      } catch {
        stale = true; // the source is gone
      }
    } else {
      try {
        stale = Date.now() - statSync(path).mtimeMs > ORPHAN_AGE_MS;
      } catch {
        continue;
      }
    }
    if (!stale) continue;
    // A sandbox already started keeps its bind of the removed file.
    rmSync(path, { force: true });
    rmSync(`${path}${SOURCE}`, { force: true });
  }
}
