/**
 * A directory-backed Sandbox for core's own tests: a real temp directory and real child processes,
 * with NO isolation (isolating sandboxes live in adapter packages core cannot depend on).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  type ExecOptions,
  type ExecResult,
  type Sandbox,
  type SandboxCreateOptions,
  type SandboxEntry,
  SandboxError,
  type SandboxProvider,
  TRUNCATION_MARKER,
} from '@sessionhub/core';

/** A fresh temp directory. */
export function tempDir(prefix = 'sessionhub-core-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Runs commands in the workspace directory itself. */
export class DirSandbox implements Sandbox {
  readonly specificationVersion = 1 as const;
  readonly isolation = 'none' as const;
  private disposed = false;
  private readonly children = new Set<number>();

  constructor(
    readonly id: string,
    readonly workspace: string,
    private readonly env: Record<string, string>,
  ) {}

  async exec(command: string | string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.disposed) throw new SandboxError('sandbox.disposed', 'sandbox is disposed');
    opts.signal?.throwIfAborted();
    const [file, args] = typeof command === 'string' ? ['/bin/sh', ['-c', command]] : [command[0]!, command.slice(1)];
    const cwd = opts.cwd ? await this.resolvePath(opts.cwd) : this.workspace;
    const started = performance.now();
    const max = opts.maxOutputBytes ?? 1_000_000;
    return new Promise<ExecResult>((done, fail) => {
      const child = spawn(file, args, {
        cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.workspace, ...this.env, ...opts.env },
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out = { stdout: '', stderr: '' };
      let truncated = false;
      let timedOut = false;
      const kill = () => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      };
      if (child.pid !== undefined) this.children.add(child.pid);
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            kill();
          }, opts.timeoutMs)
        : undefined;
      const onAbort = () => kill();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream].setEncoding('utf8');
        child[stream].on('data', (data: string) => {
          opts.onOutput?.({ stream, data });
          if (out[stream].length >= max) return;
          out[stream] += data;
          if (out[stream].length > max) {
            out[stream] = out[stream].slice(0, max) + TRUNCATION_MARKER;
            truncated = true;
          }
        });
      }
      // A command that exits without reading stdin closes the pipe first: that EPIPE is not an error.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.stdin ?? '');
      child.on('error', (err) => {
        if (timer) clearTimeout(timer);
        fail(new SandboxError('sandbox.exec_failed', err.message, { cause: err }));
      });
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (child.pid !== undefined) this.children.delete(child.pid);
        if (opts.signal?.aborted) return fail(opts.signal.reason);
        done({
          exitCode: code,
          stdout: out.stdout,
          stderr: out.stderr,
          timedOut,
          truncated,
          durationMs: performance.now() - started,
        });
      });
    });
  }

  async readFile(path: string): Promise<string> {
    return readFile(await this.resolvePath(path), 'utf8');
  }

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const full = await this.resolvePath(path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }

  async list(path = '.', opts: { recursive?: boolean } = {}): Promise<SandboxEntry[]> {
    const root = await this.resolvePath(path);
    const entries: SandboxEntry[] = [];
    const walk = async (dir: string) => {
      for (const d of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, d.name);
        const type = d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'directory' : 'file';
        entries.push({
          path: relative(this.workspace, full),
          type,
          size: type === 'file' ? (await stat(full)).size : 0,
        });
        if (opts.recursive && type === 'directory') await walk(full);
      }
    };
    await walk(root);
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async remove(path: string): Promise<void> {
    await rm(await this.resolvePath(path), { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const pid of this.children) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.children.clear();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Resolves a workspace-relative path, refusing any that leaves the workspace (symlinks included). */
  private async resolvePath(path: string): Promise<string> {
    if (isAbsolute(path)) throw new SandboxError('sandbox.path_escape', `absolute path refused: ${path}`);
    const full = resolve(this.workspace, path);
    const inside = (p: string) => p === this.workspace || !relative(this.workspace, p).startsWith('..');
    if (!inside(full)) throw new SandboxError('sandbox.path_escape', `path leaves the workspace: ${path}`);
    let real = full;
    try {
      real = await realpath(full);
    } catch {
      try {
        real = join(await realpath(dirname(full)), relative(dirname(full), full));
      } catch {
        real = full;
      }
    }
    if (!inside(real)) throw new SandboxError('sandbox.path_escape', `path leaves the workspace: ${path}`);
    return full;
  }
}

/** Creates {@link DirSandbox}es and remembers them, so tests can check each was disposed. */
export class DirSandboxProvider implements SandboxProvider {
  readonly specificationVersion = 1 as const;
  readonly name = 'dir';
  readonly created: DirSandbox[] = [];

  async create(opts: SandboxCreateOptions): Promise<DirSandbox> {
    opts.signal?.throwIfAborted();
    const workspace = await realpath(opts.workspace);
    const sandbox = new DirSandbox(`dir-${this.created.length + 1}`, workspace, opts.env ?? {});
    this.created.push(sandbox);
    return sandbox;
  }
}
