import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNodeSqlite } from '../src/driver.js';

/** An installed Node older than 22.13 to try the package on, if this machine has one. */
function olderNode(): string | undefined {
  for (const candidate of [process.env.SESSIONHUB_OLD_NODE, '/usr/bin/node', '/usr/local/bin/node20']) {
    if (!candidate || !existsSync(candidate)) continue;
    const version = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 13)) return candidate;
  }
  return undefined;
}

describe('on a Node without node:sqlite', () => {
  it('the default driver fails with a typed error naming the Node it needs', () => {
    // What Node 20 throws for the module, handed in as its loader would.
    const missing = (id: string) => {
      throw Object.assign(new Error(`No such built-in module: ${id}`), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' });
    };
    let error: unknown;
    try {
      loadNodeSqlite(missing);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.unavailable' });
    expect((error as Error).message).toContain('requires Node ≥ 22.13 (node:sqlite)');
    expect((error as Error).message).toContain('better-sqlite3');
  });

  it('opening a store on a real older Node gives that error, not a module-loader crash', (ctx) => {
    const node = olderNode();
    if (!node) ctx.skip('no Node older than 22.13 installed (set SESSIONHUB_OLD_NODE to one)');
    const script =
      "import('../src/index.ts').then((m) => m.openSqliteStore({ path: ':memory:' })).then(" +
      '() => console.log(JSON.stringify({ opened: true })),' +
      ' (e) => console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })))';
    const run = spawnSync(node as string, ['--import', 'tsx', '--conditions=@sessionhub/source', '-e', script], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
    });
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
    expect(report, run.stderr).toMatchObject({ name: 'StoreError', code: 'store.unavailable' });
    expect(report.message).toContain('requires Node ≥ 22.13 (node:sqlite)');
  }, 60_000);
});
