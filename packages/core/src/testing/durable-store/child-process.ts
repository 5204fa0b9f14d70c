import { type ChildProcess, spawn } from 'node:child_process';

/** Options of {@link spawnTs}. */
export interface SpawnTsOptions {
  /** Run the child as this user and group (e.g. `nobody`, so file modes apply even to root). */
  uid?: number;
  gid?: number;
  /** Working directory; tsx finds its loader and the workspace from here. */
  cwd?: string;
}

/**
 * Spawns `node` on a TypeScript file through tsx, resolving workspace packages to source
 * (`--import tsx --conditions=@sessionhub/source`), with stdin, stdout and stderr piped.
 */
export function spawnTs(file: string, args: string[], opts: SpawnTsOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--conditions=@sessionhub/source', file, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: opts.cwd,
    uid: opts.uid,
    gid: opts.gid,
  });
}

/** How a child exited. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child's stdout lines, its stderr, and its exit. */
export interface ChildWatch {
  /** Every complete stdout line so far. */
  lines: string[];
  stderr: () => string;
  /** Calls `fn` with each later stdout line. */
  onLine: (fn: (line: string) => void) => void;
  exited: Promise<ChildExit>;
}

/** Collects a child's stdout lines and stderr, and resolves on exit. */
export function watchChild(child: ChildProcess): ChildWatch {
  const lines: string[] = [];
  const listeners: Array<(line: string) => void> = [];
  let buffered = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const fn of listeners) fn(line);
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<ChildExit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { lines, stderr: () => err, onLine: (fn) => listeners.push(fn), exited };
}

/** Resolves when a line equal to `expected` arrives (or already arrived); rejects if the child exits first. */
export function waitForLine(watch: ChildWatch, expected: string): Promise<void> {
  if (watch.lines.includes(expected)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    watch.onLine((line) => {
      if (line === expected) resolve();
    });
    void watch.exited.then(({ code, signal }) => {
      if (!watch.lines.includes(expected)) {
        reject(new Error(`child exited (${code ?? signal}) before "${expected}": ${watch.stderr()}`));
      }
    });
  });
}

/** The acknowledged sequence numbers in an append worker's output (`ack <seq>` lines). */
export function ackedSeqs(lines: string[]): number[] {
  return lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4)));
}

/** Resolves once the child has printed `count` ack lines, has exited, or `maxMs` passed. */
export function waitForAcks(watch: ChildWatch, count: number, maxMs: number): Promise<void> {
  let acks = ackedSeqs(watch.lines).length;
  if (acks >= count) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    watch.onLine((line) => {
      if (line.startsWith('ack ') && ++acks >= count) done();
    });
    void watch.exited.then(done);
  });
}
