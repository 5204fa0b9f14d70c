import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SandboxError } from '../../src/errors.js';
import {
  type ExecOptions,
  type ExecResult,
  type Sandbox,
  type SandboxCreateOptions,
  type SandboxEntry,
  type SandboxProvider,
  TRUNCATION_MARKER,
} from '../../src/ports/sandbox.js';

/** A fresh temp directory. */
export function tempDir(prefix = 'sessionhub-core-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Deliberate defects, to check that the conformance suite catches them. */
export interface DirSandboxFaults {
  /** Kill only the direct child and report on its exit, not the process group. */
  killChildOnly?: boolean;
  /** Pass the host environment through. */
  inheritEnv?: boolean;
  /** Check paths lexically only, ignoring symlinks. */
  lexicalPaths?: boolean;
  /** Cut output without the truncation marker. */
  noMarker?: boolean;
}

/**
 * A minimal directory-backed Sandbox for core's own tests (isolating sandboxes live in adapter packages
 * that core cannot depend on): a real temp directory, real child processes in their own process groups
 * (killed as a group), a fixed minimal environment and symlink-aware path checks. It passes the sandbox
 * conformance suite, and its deliberate `faults` check that the suite catches broken adapters.
 * It does not isolate anything.
 */
export class DirSandbox implements Sandbox {
  readonly specificationVersion = 1 as const;
  readonly id = `dir-${randomUUID()}`;
  readonly isolation = 'none' as const;
  readonly #running = new Set<ChildProcess>();
  #disposed = false;

  constructor(
    readonly workspace: string,
    readonly faults: DirSandboxFaults = {},
    /** Environment every command sees (a `SandboxCreateOptions.env`). */
    private readonly env: Record<string, string> = {},
  ) {}

  static async create(
    workspace: string,
    faults: DirSandboxFaults = {},
    env: Record<string, string> = {},
  ): Promise<DirSandbox> {
    return new DirSandbox(await realpath(workspace), faults, env);
  }

  /** Whether `dispose` was called (engine tests check that every sandbox was released). */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /**
   * Resolves a workspace-relative path to a host path, following symlinks component by component
   * (the last one only when `followLast`), and refuses anything that ends up outside the root.
   */
  async #resolve(path: string, followLast = true): Promise<string> {
    const refused = () => new SandboxError('sandbox.path_escape', `path leaves the workspace: ${path}`);
    if (isAbsolute(path)) throw refused();
    const lexical = resolve(this.workspace, path);
    if (!this.#inside(lexical)) throw refused();
    if (this.faults.lexicalPaths) return lexical;
    const pending = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
    let current = this.workspace;
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '..') {
        current = dirname(current);
        continue;
      }
      const next = join(current, part);
      const isLast = pending.length === 0;
      const stats = await lstat(next).catch(() => undefined);
      if (stats?.isSymbolicLink() && (!isLast || followLast)) {
        if (++hops > 40) throw refused();
        const target = await readlink(next);
        pending.unshift(...target.split(/[\\/]+/).filter((p) => p !== '' && p !== '.'));
        if (isAbsolute(target)) current = '/';
        continue;
      }
      current = next;
    }
    if (!this.#inside(current)) throw refused();
    return current;
  }

  #inside(hostPath: string): boolean {
    const rel = relative(this.workspace, hostPath);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  }

  #checkOpen(): void {
    if (this.#disposed) throw new SandboxError('sandbox.disposed', 'sandbox is disposed');
  }

  async exec(command: string | string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.#checkOpen();
    opts.signal?.throwIfAborted();
    const cwd = await this.#resolve(opts.cwd ?? '.');
    const [file, ...args] = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
    if (file === undefined) throw new SandboxError('sandbox.invalid_command', 'empty argv');
    const started = Date.now();
    const host = this.faults.inheritEnv ? process.env : {};
    const env = {
      ...host,
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: this.workspace,
      LANG: 'C.UTF-8',
      ...this.env,
      ...opts.env,
    };
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#running.add(child);
    const cap = opts.maxOutputBytes ?? Number.POSITIVE_INFINITY;
    const marker = this.faults.noMarker ? '' : TRUNCATION_MARKER;
    const streams = { stdout: new Capture(cap, marker), stderr: new Capture(cap, marker) };
    let timedOut = false;
    let aborted = false;
    const kill = () => (this.faults.killChildOnly ? child.kill('SIGKILL') : killGroup(child));
    const onTimeout = () => {
      timedOut = true;
      kill();
    };
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(onTimeout, opts.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    for (const name of ['stdout', 'stderr'] as const) {
      child[name]?.on('data', (chunk: Buffer) => {
        streams[name].push(chunk);
        opts.onOutput?.({ stream: name, data: chunk.toString('utf8') });
      });
    }
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.stdin ?? '');
    try {
      const exitCode = await new Promise<number | null>((resolveExit, rejectExit) => {
        child.once('error', (error) =>
          rejectExit(new SandboxError('sandbox.exec_failed', `cannot run ${file}: ${error.message}`, { cause: error })),
        );
        child.once(this.faults.killChildOnly ? 'exit' : 'close', (code) => resolveExit(code));
      });
      if (aborted) throw opts.signal?.reason;
      const truncated = streams.stdout.truncated || streams.stderr.truncated;
      return {
        exitCode,
        stdout: streams.stdout.text(),
        stderr: streams.stderr.text(),
        timedOut,
        truncated,
        durationMs: Date.now() - started,
      };
    } finally {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      this.#running.delete(child);
      // Whatever the shell left behind in its group goes too.
      kill();
    }
  }

  async readFile(path: string): Promise<string> {
    this.#checkOpen();
    return readFile(await this.#resolve(path), 'utf8');
  }

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    this.#checkOpen();
    const target = await this.#resolve(path);
    // Parents are created one by one after the check; a symlink among them was already refused.
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }

  async list(path = '.', opts: { recursive?: boolean } = {}): Promise<SandboxEntry[]> {
    this.#checkOpen();
    const hostDir = await this.#resolve(path);
    const prefix = relative(this.workspace, resolve(this.workspace, path)).split(sep).join('/');
    const entries: SandboxEntry[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      for (const dirent of await readdir(dir, { withFileTypes: true })) {
        const entryPath = rel === '' ? dirent.name : `${rel}/${dirent.name}`;
        const stats = await lstat(join(dir, dirent.name));
        const type = stats.isSymbolicLink() ? 'symlink' : stats.isDirectory() ? 'directory' : 'file';
        entries.push({ path: entryPath, type, size: stats.size });
        if (opts.recursive && type === 'directory') await walk(join(dir, dirent.name), entryPath);
      }
    };
    await walk(hostDir, prefix);
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async remove(path: string): Promise<void> {
    this.#checkOpen();
    const target = await this.#resolve(path, false);
    if (target === this.workspace) throw new SandboxError('sandbox.path_escape', 'cannot remove the workspace root');
    await rm(target, { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const child of this.#running) {
      if (this.faults.killChildOnly) child.kill('SIGKILL');
      else killGroup(child);
    }
    this.#running.clear();
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Captures a stream up to a byte cap and remembers whether it cut. */
class Capture {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  truncated = false;
  constructor(
    readonly cap: number,
    readonly marker: string,
  ) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.#bytes;
    if (chunk.length > room) {
      this.truncated = true;
      if (room > 0) this.#chunks.push(chunk.subarray(0, room));
      this.#bytes = this.cap;
      return;
    }
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  text(): string {
    const text = Buffer.concat(this.#chunks).toString('utf8');
    return this.truncated ? text + this.marker : text;
  }
}

/** Creates {@link DirSandbox}es and remembers them, so tests can check each was disposed. */
export class DirSandboxProvider implements SandboxProvider {
  readonly specificationVersion = 1 as const;
  readonly name = 'dir';
  readonly created: DirSandbox[] = [];

  async create(opts: SandboxCreateOptions): Promise<DirSandbox> {
    opts.signal?.throwIfAborted();
    // The host PATH, so gates can run the same `node` as the tests; nothing else of the host env.
    const sandbox = await DirSandbox.create(
      opts.workspace,
      {},
      { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env },
    );
    this.created.push(sandbox);
    return sandbox;
  }
}
