import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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

/**
 * A minimal directory-backed Sandbox for tests: a real temp directory and real child processes,
 * no isolation (`isolation: 'none'`). Paths are confined to the workspace; commands are not.
 * It passes `describeSandboxConformance` (test/dir-sandbox.test.ts).
 */
export class DirSandbox implements Sandbox {
  readonly specificationVersion = 1 as const;
  readonly id = `dir-${randomUUID().slice(0, 8)}`;
  readonly isolation = 'none' as const;
  private readonly children = new Set<ReturnType<typeof spawn>>();
  private disposed = false;

  private constructor(
    readonly workspace: string,
    private readonly ownsWorkspace: boolean,
  ) {}

  /** A sandbox over an existing directory, which `dispose` leaves in place. */
  static async over(workspace: string): Promise<DirSandbox> {
    return new DirSandbox(await realpath(workspace), false);
  }

  /** A sandbox over a fresh temp directory, filled with `files`. */
  static async create(files: Record<string, string> = {}): Promise<DirSandbox> {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'sessionhub-anthropic-')));
    const box = new DirSandbox(dir, true);
    for (const [path, content] of Object.entries(files)) await box.writeFile(path, content);
    return box;
  }

  private async resolvePath(path: string): Promise<string> {
    if (isAbsolute(path)) throw new SandboxError('sandbox.path_escape', `absolute path refused: ${path}`);
    const full = resolve(this.workspace, path);
    if (full !== this.workspace && !full.startsWith(this.workspace + sep)) {
      throw new SandboxError('sandbox.path_escape', `path leaves the workspace: ${path}`);
    }
    // A symlink anywhere on the way (dangling or not) must not lead out.
    const inside = (p: string) => p === this.workspace || p.startsWith(this.workspace + sep);
    const escapeError = () =>
      new SandboxError('sandbox.path_escape', `path leaves the workspace through a symlink: ${path}`);
    let probe = this.workspace;
    for (const part of relative(this.workspace, full).split(sep).filter(Boolean)) {
      probe = join(probe, part);
      const st = await lstat(probe).catch(() => undefined);
      if (!st) break;
      if (st.isSymbolicLink()) {
        if (!inside(resolve(dirname(probe), await readlink(probe)))) throw escapeError();
        const real = await realpath(probe).catch(() => undefined);
        if (real && !inside(real)) throw escapeError();
      }
    }
    return full;
  }

  async exec(command: string | string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.disposed) throw new SandboxError('sandbox.disposed', 'the sandbox was disposed');
    if (opts.signal?.aborted) throw new SandboxError('sandbox.cancelled', 'command cancelled before it started');
    const cwd = await this.resolvePath(opts.cwd ?? '.');
    const [file, args] = typeof command === 'string' ? ['/bin/sh', ['-c', command]] : [command[0]!, command.slice(1)];
    const started = performance.now();
    const max = opts.maxOutputBytes ?? 1_000_000;
    return new Promise<ExecResult>((ok, fail) => {
      const child = spawn(file, args, {
        cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.workspace, ...opts.env },
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      this.children.add(child);
      const out = { stdout: '', stderr: '' };
      let truncated = false;
      let timedOut = false;
      const kill = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      };
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
      child.stdin.end(opts.stdin ?? '');
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.children.delete(child);
        if (opts.signal?.aborted) return fail(new SandboxError('sandbox.cancelled', 'command cancelled'));
        ok({ exitCode: code, ...out, timedOut, truncated, durationMs: performance.now() - started });
      });
    });
  }

  async readFile(path: string): Promise<string> {
    const full = await this.resolvePath(path);
    try {
      return await readFile(full, 'utf8');
    } catch (err) {
      throw new SandboxError('sandbox.not_found', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code}`, {
        cause: err,
      });
    }
  }

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const full = await this.resolvePath(path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }

  async list(path = '.', opts: { recursive?: boolean } = {}): Promise<SandboxEntry[]> {
    const root = await this.resolvePath(path);
    const out: SandboxEntry[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const name of await readdir(dir)) {
        const full = join(dir, name);
        const st = await lstat(full);
        const type = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : 'file';
        out.push({
          path: relative(this.workspace, full).split(sep).join('/'),
          type,
          size: type === 'file' ? st.size : 0,
        });
        if (type === 'directory' && opts.recursive) await walk(full);
      }
    };
    await walk(root);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async remove(path: string): Promise<void> {
    await rm(await this.resolvePath(path), { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const child of this.children) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (this.ownsWorkspace) await rm(this.workspace, { recursive: true, force: true });
  }
}

/** Creates {@link DirSandbox}es over the engine's workspace directory. */
export class DirSandboxProvider implements SandboxProvider {
  readonly specificationVersion = 1 as const;
  readonly name = 'dir (tests)';
  async create(opts: SandboxCreateOptions): Promise<Sandbox> {
    return DirSandbox.over(opts.workspace);
  }
}
