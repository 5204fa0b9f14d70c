import {
  closeSync,
  constants,
  fchownSync,
  fstatSync,
  ftruncateSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { posix } from 'node:path';
import type { SandboxEntry } from '@sessionhub/core';
import { SandboxError } from '@sessionhub/core';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
const MAX_SYMLINK_HOPS = 40;

/**
 * A path below an open directory, resolved by the kernel relative to that directory and never by
 * name from the root: `/proc/self/fd/N` is a magic link to the open directory itself, so a
 * directory renamed or swapped for a symlink after we opened it cannot redirect us (openat
 * semantics, which Node's fs API lacks).
 */
function at(fd: number, name?: string): string {
  return name === undefined ? `/proc/self/fd/${fd}` : `/proc/self/fd/${fd}/${name}`;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Maps a host fs error to a `SandboxError` with a stable code. */
export function toSandboxError(error: unknown, path: string): SandboxError {
  if (error instanceof SandboxError) return error;
  const errno = errnoOf(error);
  const code =
    errno === 'ENOENT'
      ? 'sandbox.not_found'
      : errno === 'EISDIR'
        ? 'sandbox.is_directory'
        : errno === 'ENOTDIR'
          ? 'sandbox.not_directory'
          : errno === 'ELOOP'
            ? 'sandbox.path_escape'
            : 'sandbox.io';
  return new SandboxError(code, `${path}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

/** What to do with the last component of a path (`stat`: open whatever it is, without blocking on a FIFO). */
type FinalMode = 'read' | 'write' | 'dir' | 'parent' | 'stat';

interface Resolved {
  /** The opened final object (modes read/write/dir), or the parent directory (mode parent). */
  fd: number;
  /** Last component (mode parent); undefined when the path names the root. */
  name: string | undefined;
  /** Canonical workspace-relative path of the final object, `''` for the root. */
  rel: string;
  /** Closes every descriptor opened on the way. */
  release(): void;
  /** Whether this call created the final file (mode write). */
  created?: boolean;
}

/**
 * The host-side file API over a workspace directory, with strict containment: every path is walked
 * one component at a time from an open descriptor of the workspace root, each component opened
 * with `O_NOFOLLOW` relative to its parent's descriptor. Symlinks are followed by hand only while
 * they stay inside (`..` past the root or an absolute target outside is `sandbox.path_escape`), so
 * a symlink pointing out, or a directory swapped for one after a check, can never be traversed.
 */
export class WorkspaceFs {
  private rootFd: number;

  /**
   * @param root canonical host path of the workspace (realpath).
   * @param aliases other absolute paths that name the workspace root inside the sandbox
   *   (e.g. `/workspace`), so absolute symlinks made by commands resolve inside.
   * @param owner the sandbox user, when it is not this process's: files and directories the file API creates
   *   are handed to it, so commands can write them too.
   */
  constructor(
    readonly root: string,
    private readonly aliases: readonly string[] = [],
    private readonly owner?: { uid: number; gid: number },
  ) {
    this.rootFd = openSync(root, DIR_FLAGS);
  }

  /**
   * The file API runs as this process (root, when the sandbox runs as an unprivileged user): it must not
   * reach further than a command could, so a file the sandbox user may not read (`0o4`) or write (`0o2`) is
   * refused with `sandbox.permission_denied`.
   */
  private assertMay(st: { uid: number; gid: number; mode: number }, bit: number, path: string): void {
    if (!this.owner) return;
    const shift = st.uid === this.owner.uid ? 6 : st.gid === this.owner.gid ? 3 : 0;
    if ((st.mode & (bit << shift)) === 0) {
      throw new SandboxError('sandbox.permission_denied', `the sandbox user may not access ${path}`);
    }
  }

  /** Closes the root descriptor. */
  close(): void {
    if (this.rootFd >= 0) closeSync(this.rootFd);
    this.rootFd = -1;
  }

  /** Reads a regular file. */
  read(path: string): Buffer {
    return this.readCapped(path, Number.POSITIVE_INFINITY).data as Buffer;
  }

  /**
   * A regular file's size, and its bytes when it is at most `maxBytes` long: one path resolution and one `fstat`
   * of the opened file, which is read only when within the cap.
   */
  readCapped(path: string, maxBytes: number): { size: number; data?: Buffer } {
    const r = this.resolve(path, 'read');
    try {
      const st = fstatSync(r.fd);
      if (!st.isFile()) throw new SandboxError('sandbox.is_directory', `not a file: ${path}`);
      this.assertMay(st, 0o4, path);
      return st.size > maxBytes ? { size: st.size } : { size: st.size, data: readFileSync(r.fd) };
    } finally {
      r.release();
    }
  }

  /** Writes a regular file, creating parent directories (each checked) as needed. */
  write(path: string, data: Uint8Array): void {
    const r = this.resolve(path, 'write', true);
    try {
      const st = fstatSync(r.fd);
      if (!st.isFile()) throw new SandboxError('sandbox.is_directory', `not a file: ${path}`);
      // A file this call created belongs to this process: hand it to the sandbox user.
      if (r.created && this.owner) fchownSync(r.fd, this.owner.uid, this.owner.gid);
      else this.assertMay(st, 0o2, path);
      ftruncateSync(r.fd, 0);
      let offset = 0;
      while (offset < data.byteLength) offset += writeSync(r.fd, data, offset, data.byteLength - offset);
    } finally {
      r.release();
    }
  }

  /** The entry of one file or directory, symlinks inside followed (see `Sandbox.stat`): one `fstat`. */
  stat(path: string): SandboxEntry {
    const r = this.resolve(path, 'stat');
    try {
      const st = fstatSync(r.fd);
      const type = st.isDirectory() ? 'directory' : 'file';
      return { path: r.rel, type, size: type === 'file' ? st.size : 0 };
    } finally {
      r.release();
    }
  }

  /** Entries under a directory, sorted by path. */
  list(path: string, recursive: boolean): SandboxEntry[] {
    const r = this.resolve(path, 'dir');
    const out: SandboxEntry[] = [];
    try {
      this.walk(r.fd, r.rel, recursive, out);
    } finally {
      r.release();
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Removes a file, a symlink (never its target) or a directory tree. */
  remove(path: string): void {
    const r = this.resolve(path, 'parent');
    try {
      if (r.name === undefined) throw new SandboxError('sandbox.invalid_path', `cannot remove the workspace root`);
      removeAt(r.fd, r.name);
    } finally {
      r.release();
    }
  }

  /** Checks that `path` is a directory inside and returns its canonical workspace-relative path. */
  directory(path: string): string {
    const r = this.resolve(path, 'dir');
    r.release();
    return r.rel;
  }

  private walk(fd: number, rel: string, recursive: boolean, out: SandboxEntry[]): void {
    for (const name of readdirSync(at(fd)).sort()) {
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(at(fd, name));
      } catch {
        continue; // removed meanwhile
      }
      const type = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : 'file';
      const childRel = rel === '' ? name : `${rel}/${name}`;
      out.push({ path: childRel, type, size: type === 'file' ? st.size : 0 });
      if (recursive && type === 'directory') {
        let child: number;
        try {
          child = openSync(at(fd, name), DIR_FLAGS);
        } catch {
          continue; // swapped for a symlink or removed meanwhile: not followed
        }
        try {
          this.walk(child, childRel, true, out);
        } finally {
          closeSync(child);
        }
      }
    }
  }

  private resolve(path: string, mode: FinalMode, create = false): Resolved {
    let queue = components(path);
    const stack: Array<{ name: string; fd: number }> = [];
    const release = () => {
      for (const entry of stack.splice(0)) closeSync(entry.fd);
    };
    const current = () => stack[stack.length - 1]?.fd ?? this.rootFd;
    const relOf = (extra?: string) => [...stack.map((e) => e.name), ...(extra ? [extra] : [])].join('/');
    let hops = 0;
    try {
      for (;;) {
        const index = queue.findIndex((p) => p !== '' && p !== '.');
        if (index < 0) {
          // The path names a directory already open (the root or the top of the stack).
          if (mode === 'read' || mode === 'write') {
            throw new SandboxError('sandbox.invalid_path', `path names a directory, not a file: ${path}`);
          }
          return { fd: current(), name: undefined, rel: relOf(), release };
        }
        const part = queue[index] as string;
        queue = queue.slice(index + 1);
        if (part === '..') {
          const top = stack.pop();
          if (!top) throw escapeError(path, 'path leaves the workspace');
          closeSync(top.fd);
          continue;
        }
        const last = queue.every((p) => p === '' || p === '.');
        if (last && mode === 'parent') {
          return { fd: current(), name: part, rel: relOf(part), release };
        }
        const flags =
          !last || mode === 'dir'
            ? DIR_FLAGS
            : mode === 'read'
              ? O_RDONLY | O_NOFOLLOW
              : mode === 'stat'
                ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK
                : O_WRONLY | O_CREAT | O_NOFOLLOW;
        let fd: number;
        let created = false;
        try {
          if (last && mode === 'write') {
            // Exclusive first, so that a file made here is told apart from one that was there (whose
            // permissions then apply to the sandbox user).
            try {
              fd = openSync(at(current(), part), flags | O_EXCL, 0o644);
              created = true;
            } catch (error) {
              if (errnoOf(error) !== 'EEXIST') throw error;
              fd = openSync(at(current(), part), O_WRONLY | O_NOFOLLOW);
            }
          } else {
            fd = openSync(at(current(), part), flags, 0o644);
          }
        } catch (error) {
          const errno = errnoOf(error);
          if ((errno === 'ELOOP' || errno === 'ENOTDIR' || errno === 'EISDIR') && isSymlink(current(), part)) {
            if (++hops > MAX_SYMLINK_HOPS) throw escapeError(path, 'too many symlinks');
            const target = readlinkSync(at(current(), part));
            if (posix.isAbsolute(target)) {
              const inside = this.insidePart(target);
              if (inside === undefined) throw escapeError(path, 'a symlink points out of the workspace');
              release();
              queue = [...inside.split('/'), ...queue];
            } else {
              queue = [...target.split('/'), ...queue];
            }
            continue;
          }
          if (errno === 'ENOENT' && create && !last) {
            try {
              mkdirSync(at(current(), part), 0o755);
              if (this.owner) lchownSync(at(current(), part), this.owner.uid, this.owner.gid);
            } catch (mkdirError) {
              if (errnoOf(mkdirError) !== 'EEXIST') throw mkdirError;
            }
            queue = [part, ...queue];
            continue;
          }
          throw error;
        }
        if (last) {
          const resolved = relOf(part);
          return {
            fd,
            name: undefined,
            rel: resolved,
            created,
            release: () => {
              closeSync(fd);
              release();
            },
          };
        }
        stack.push({ name: part, fd });
      }
    } catch (error) {
      release();
      throw toSandboxError(error, path);
    }
  }

  /** The part of an absolute symlink target below the workspace root, or undefined when outside. */
  private insidePart(target: string): string | undefined {
    const norm = posix.normalize(target);
    for (const base of [this.root, ...this.aliases]) {
      if (norm === base) return '';
      if (norm.startsWith(`${base}/`)) return norm.slice(base.length + 1);
    }
    return undefined;
  }
}

function escapeError(path: string, why: string): SandboxError {
  return new SandboxError('sandbox.path_escape', `${why}: ${path}`);
}

function isSymlink(dirFd: number, name: string): boolean {
  try {
    return lstatSync(at(dirFd, name)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Splits a workspace-relative path; refuses absolute paths and NUL bytes. */
function components(path: string): string[] {
  if (typeof path !== 'string' || path.includes('\0')) {
    throw new SandboxError('sandbox.invalid_path', 'path must be a string without NUL bytes');
  }
  if (posix.isAbsolute(path) || /^[a-zA-Z]:[\\/]/.test(path)) {
    throw new SandboxError('sandbox.path_escape', `absolute path refused: ${path}`);
  }
  return path.split('/');
}

/** Removes `name` in the open directory `dirFd` without ever following a symlink. */
function removeAt(dirFd: number, name: string): void {
  const st = lstatSync(at(dirFd, name));
  if (!st.isDirectory()) {
    unlinkSync(at(dirFd, name));
    return;
  }
  let child: number;
  try {
    child = openSync(at(dirFd, name), DIR_FLAGS);
  } catch (error) {
    // Swapped for a symlink after the lstat: remove the link itself.
    if (errnoOf(error) !== 'ELOOP' && errnoOf(error) !== 'ENOTDIR') throw error;
    unlinkSync(at(dirFd, name));
    return;
  }
  try {
    for (const entry of readdirSync(at(child))) removeAt(child, entry);
  } finally {
    closeSync(child);
  }
  rmdirSync(at(dirFd, name));
}
