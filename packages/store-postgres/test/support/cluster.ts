/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` + `pg_ctl` (as the `postgres`
 * user when running as root, since the server refuses root), a unix socket in a temp directory,
 * 127.0.0.1 and a free port. `initdb` runs once per machine into a cached template directory; each
 * cluster copies it (a copy takes milliseconds, `initdb` seconds).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running cluster. */
export interface PgCluster {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The directory holding the unix socket. */
  readonly socketDir: string;
  readonly user: 'postgres';
  /** A `postgres://` URL to `database` (default `postgres`) over TCP. */
  url(database?: string): string;
  /** Creates a database (no-op when it exists) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server abruptly (as a crash would) and starts it again on the same port. */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** Stops the server (immediate mode). */
  stop(): Promise<void>;
  /** Starts it again after `stop`. */
  start(): Promise<void>;
  /** Stops the server and removes every file. */
  destroy(): Promise<void>;
}

/** Where the PostgreSQL server binaries are, or `undefined`. */
export function findPgBin(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const lib = '/usr/lib/postgresql';
  if (existsSync(lib)) {
    for (const v of readdirSync(lib).sort().reverse()) {
      const dir = join(lib, v, 'bin');
      if (existsSync(join(dir, 'initdb'))) return dir;
    }
  }
  return undefined;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * Why PostgreSQL tests cannot run here, or `undefined` when they can. With `CI=true` this is
 * always `undefined`, so the tests run and fail with the cause instead of skipping.
 */
export function postgresSkipReason(): string | undefined {
  if (process.env.CI === 'true') return undefined;
  if (process.platform !== 'linux')
    return `PostgreSQL tests start a local cluster on Linux (this is ${process.platform})`;
  if (!findPgBin()) return 'PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/ensure-postgres.sh';
  if (isRoot()) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'pipe' });
    } catch {
      return "running as root without a 'postgres' user to run the server as";
    }
  }
  return undefined;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** Runs a server binary, as `postgres` when we are root. */
async function pgRun(bin: string, args: string[]): Promise<string> {
  const dir = findPgBin();
  if (!dir) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/ensure-postgres.sh');
  const exe = join(dir, bin);
  if (!isRoot()) return (await run(exe, args)).stdout;
  const cmd = [exe, ...args].map(shellQuote).join(' ');
  return (await run('su', ['postgres', '-s', '/bin/sh', '-c', cmd])).stdout;
}

async function chownToPostgres(path: string): Promise<void> {
  if (isRoot()) await run('chown', ['-R', 'postgres:postgres', path]);
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The cached `initdb` output (made once per machine and server version). */
async function templateDir(): Promise<string> {
  const version = (await pgRun('initdb', ['--version'])).trim().replace(/[^\w.]+/g, '-');
  const cached = join(tmpdir(), `sessionhub-pg-template-${version}`);
  if (existsSync(join(cached, 'PG_VERSION'))) return cached;
  const work = mkdtempSync(join(tmpdir(), 'sessionhub-pg-initdb-'));
  await chownToPostgres(work);
  const data = join(work, 'data');
  await pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  try {
    renameSync(data, cached);
  } catch {
    // Another test file made it first: use theirs.
  }
  rmSync(work, { recursive: true, force: true });
  return cached;
}

/**
 * Starts a throwaway cluster. `settings` are extra server settings (`-c name=value`). By default
 * `fsync=off`: the tests kill clients and restart the server, never the machine, so skipping the
 * flush to the disk loses nothing they check, and the 2-core CI machine stays fast.
 */
export async function startCluster(opts: { settings?: Record<string, string | number> } = {}): Promise<PgCluster> {
  const template = await templateDir();
  const root = mkdtempSync(join(tmpdir(), 'sessionhub-pg-'));
  const data = join(root, 'data');
  await run('cp', ['-a', template, data]);
  await chownToPostgres(root);
  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    fsync: 'off',
    max_connections: 200,
    ...opts.settings,
  };
  const serverOptions = [`-k ${root}`, `-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(
    ' ',
  );
  const log = join(root, 'server.log');
  const start = () => pgRun('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', serverOptions, 'start']);
  const stop = () => pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => '');
  await start();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    socketDir: root,
    user: 'postgres',
    url,
    async createDatabase(name) {
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: url() });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async restart({ downMs = 0 } = {}) {
      await stop();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await stop();
    },
    async start() {
      await start();
    },
    async destroy() {
      if (stopped) return;
      stopped = true;
      await stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
