import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type OpenWorkerReport,
  type OtherUserWorkerResult,
  openWorkerReport,
  rejection,
  workerForOtherUser,
} from '@sessionhub/core/testing';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { openSqliteStore } from '../src/index.js';
import { OPEN_WORKER, sessionOf, spawnTs, tempDirsPerTest } from './helpers.js';

const dir = tempDirsPerTest();

// Root ignores file modes, so as root the worker runs as `nobody`, from a bundled copy in a
// world-readable temp directory (it must not depend on where the repository was cloned).
const asRoot = process.getuid?.() === 0;
let other: OtherUserWorkerResult | undefined;
beforeAll(async () => {
  if (asRoot) other = await workerForOtherUser(OPEN_WORKER);
}, 60_000);
afterAll(() => other?.worker?.dispose());

interface OpenArgs {
  path: string;
  readonly?: boolean;
  write?: boolean;
  createDirectory?: boolean;
}

/** Runs the open worker as a user file modes apply to (`nobody` when we are root, else ourselves). */
function openInChild(ctx: TestContext, args: OpenArgs): Promise<OpenWorkerReport> {
  if (!asRoot) return openWorkerReport(spawnTs(OPEN_WORKER, [JSON.stringify(args)]));
  const worker = other?.worker;
  if (!worker) return ctx.skip(other?.skip ?? 'no worker for another user') as never;
  return openWorkerReport(worker.spawn([JSON.stringify(args)]));
}

describe('bad input gives typed StoreErrors, never silent loss', () => {
  it('a file of random bytes fails with store.corrupt and is not overwritten', async () => {
    const path = join(await dir(), 'junk.db');
    const junk = randomBytes(64 * 1024);
    await writeFile(path, junk);
    const error = await rejection(openSqliteStore({ path }));
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.corrupt' });
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not a SQLite database/);
    expect(await readFile(path)).toEqual(junk);
  });

  it('a database whose pages were overwritten fails with store.corrupt', async () => {
    const path = join(await dir(), 'damaged.db');
    const store = await openSqliteStore({ path });
    await store.importSessions(
      Array.from({ length: 300 }, (_, i) => sessionOf(`s-${i}`, { name: `session number ${i}`, tags: ['t'] })),
    );
    await store.close();
    // Keep page 1 (header and schema), scribble over every other page.
    const { size } = await stat(path);
    const file = await open(path, 'r+');
    await file.write(randomBytes(size - 4096), 0, size - 4096, 4096);
    await file.close();
    const error = await rejection(
      openSqliteStore({ path }).then(async (s) => {
        try {
          await s.listSessions();
          await s.searchLibrary({ text: 'session' });
        } finally {
          await s.close().catch(() => undefined);
        }
      }),
    );
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.corrupt' });
  });

  it('a missing parent directory fails with store.unavailable naming it, unless createDirectory', async () => {
    const base = await dir();
    const path = join(base, 'no', 'such', 'dir', 'store.db');
    const error = await rejection(openSqliteStore({ path }));
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.unavailable' });
    expect(error.message).toContain(join(base, 'no', 'such', 'dir'));
    expect(error.message).toContain('does not exist');

    const store = await openSqliteStore({ path, createDirectory: true });
    await store.createSession(sessionOf('s-1'));
    expect((await store.getSession('s-1'))?.id).toBe('s-1');
    await store.close();
  });

  it('a path that is a directory fails with store.unavailable', async () => {
    const path = join(await dir(), 'a-dir');
    await mkdir(path);
    await expect(openSqliteStore({ path })).rejects.toMatchObject({ code: 'store.unavailable' });
  });

  it('readonly on a missing file fails with store.unavailable', async () => {
    const path = join(await dir(), 'absent.db');
    await expect(openSqliteStore({ path, readonly: true })).rejects.toMatchObject({ code: 'store.unavailable' });
  });

  it('a store opened readonly reads, and every write fails with store.read_only', async () => {
    const path = join(await dir(), 'store.db');
    const writer = await openSqliteStore({ path });
    await writer.createSession(sessionOf('s-1', { name: 'readable' }));
    await writer.close();
    const store = await openSqliteStore({ path, readonly: true });
    expect((await store.searchLibrary({ text: 'readable' })).map((h) => h.session.id)).toEqual(['s-1']);
    await expect(store.createSession(sessionOf('s-2'))).rejects.toMatchObject({ code: 'store.read_only' });
    await expect(store.appendEvents('s-1', [{ type: 'approval.requested', sessionId: 's-1' }])).rejects.toMatchObject({
      code: 'store.read_only',
    });
    await expect(store.updateSession('s-1', { state: 'failed' })).rejects.toMatchObject({ code: 'store.read_only' });
    expect(await store.readEvents('s-1')).toEqual([]);
    await store.close();
  });

  it('a read-only file and a read-only directory fail with store.read_only (real permissions, another user)', async (ctx) => {
    const base = await dir();
    await chmod(base, 0o755);
    // A read-only file in a writable directory.
    const fileDir = join(base, 'writable');
    await mkdir(fileDir, { mode: 0o777 });
    await chmod(fileDir, 0o777);
    const roFile = join(fileDir, 'store.db');
    const seed = await openSqliteStore({ path: roFile });
    await seed.createSession(sessionOf('s-1'));
    await seed.close();
    await chmod(roFile, 0o444);
    const onFile = await openInChild(ctx, { path: roFile });
    expect(onFile).toMatchObject({ ok: false, code: 'store.read_only' });
    expect(onFile.message).toContain('read-only');

    // A new store in a read-only directory.
    const roDir = join(base, 'locked');
    await mkdir(roDir);
    await chmod(roDir, 0o555);
    const inDir = await openInChild(ctx, { path: join(roDir, 'new.db') });
    expect(inDir).toMatchObject({ ok: false, code: 'store.read_only' });
    expect(inDir.message).toContain(roDir);

    // The read-only file can still be read with readonly: true, and writes are refused.
    const reader = await openInChild(ctx, { path: roFile, readonly: true, write: true });
    expect(reader).toMatchObject({ ok: true, sessions: ['s-1'], writeError: { code: 'store.read_only' } });
  });

  it('an unwritable location is store.read_only with the reason, createDirectory included (another user)', async (ctx) => {
    const base = await dir();
    await chmod(base, 0o755);
    // Writable by its owner only: another user can neither create the directory nor the file.
    const owned = join(base, 'owned');
    await mkdir(owned, { mode: 0o755 });
    await chmod(owned, 0o755);
    const created = await openInChild(ctx, { path: join(owned, 'sub', 'store.db'), createDirectory: true });
    expect(created).toMatchObject({ ok: false, code: 'store.read_only' });
    expect(created.message).toContain(join(owned, 'sub'));
    expect(created.message).toMatch(/EACCES|EPERM/);
    // A directory another user cannot even enter.
    const closed = join(base, 'closed');
    await mkdir(closed);
    await chmod(closed, 0o700);
    const hidden = await openInChild(ctx, { path: join(closed, 'x', 'store.db'), createDirectory: true });
    expect(hidden).toMatchObject({ ok: false, code: 'store.read_only' });
    expect(hidden.message).toMatch(/EACCES/);
    // A writable file in a writable directory, but its -wal and -shm belong to someone else.
    const shared = join(base, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);
    const path = join(shared, 'store.db');
    const seed = await openSqliteStore({ path });
    await seed.createSession(sessionOf('s-1'));
    await seed.close();
    await chmod(path, 0o666);
    for (const part of ['-wal', '-shm']) {
      await writeFile(`${path}${part}`, '');
      await chmod(`${path}${part}`, 0o644);
    }
    const companion = await openInChild(ctx, { path, write: true });
    const code = companion.ok ? companion.writeError?.code : companion.code;
    const message = (companion.ok ? companion.writeError?.message : companion.message) ?? '';
    expect(code).toBe('store.read_only');
    expect(message).toMatch(/store\.db-(wal|shm) is not writable \(EACCES\)/);
  }, 60_000);
});
