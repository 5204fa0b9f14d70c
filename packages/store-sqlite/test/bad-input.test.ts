import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type OpenWorkerReport, openWorkerReport, rejection } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/index.js';
import { OPEN_WORKER, sessionOf, spawnTs, tempDirsPerTest } from './helpers.js';

const dir = tempDirsPerTest();

/** Runs the open worker (as user `nobody` when we are root, since root ignores file modes). */
function openInChild(args: { path: string; readonly?: boolean; write?: boolean }): Promise<OpenWorkerReport> {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  return openWorkerReport(spawnTs(OPEN_WORKER, [JSON.stringify(args)], asNobody));
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

  it('a read-only file and a read-only directory fail with store.read_only (real permissions, another user)', async () => {
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
    const onFile = await openInChild({ path: roFile });
    expect(onFile).toMatchObject({ ok: false, code: 'store.read_only' });
    expect(onFile.message).toContain('read-only');

    // A new store in a read-only directory.
    const roDir = join(base, 'locked');
    await mkdir(roDir);
    await chmod(roDir, 0o555);
    const inDir = await openInChild({ path: join(roDir, 'new.db') });
    expect(inDir).toMatchObject({ ok: false, code: 'store.read_only' });
    expect(inDir.message).toContain(roDir);

    // The read-only file can still be read with readonly: true, and writes are refused.
    const reader = await openInChild({ path: roFile, readonly: true, write: true });
    expect(reader).toMatchObject({ ok: true, sessions: ['s-1'], writeError: { code: 'store.read_only' } });
  });
});
