import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type OtherUserWorkerResult, openWorkerReport, rejection, workerForOtherUser } from '@sessionhub/core/testing';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { FS_SCHEMA_VERSION, openFsStore } from '../src/index.js';
import { OPEN_WORKER, sessionOf, tempDirsPerTest } from './helpers.js';

const fresh = tempDirsPerTest();

// Root ignores file modes: the worker runs as `nobody`, from a bundled copy in a world-readable
// temp directory, so it never depends on where the repository was cloned.
let other: OtherUserWorkerResult | undefined;
beforeAll(async () => {
  other = await workerForOtherUser(OPEN_WORKER);
}, 60_000);
afterAll(() => other?.worker?.dispose());

/** Runs the open worker as `nobody` on `dir`, or skips the test with the reason it cannot. */
function openAsNobody(ctx: TestContext, args: object) {
  const worker = other?.worker;
  if (!worker) return ctx.skip(other?.skip ?? 'no worker for another user') as never;
  return openWorkerReport(worker.spawn([JSON.stringify(args)]));
}

const progress = (sessionId: string, message: string) =>
  ({ type: 'executor.progress', sessionId, kind: 'output', message }) as const;

describe('bad input on a real directory', () => {
  it('a missing directory is store.unavailable naming it with createDirectory: false or readonly, else created', async () => {
    const root = await fresh();
    const dir = join(root, 'a', 'b');
    const error = await rejection(openFsStore({ dir, createDirectory: false }));
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.unavailable' });
    expect(error.message).toContain(dir);
    expect(await rejection(openFsStore({ dir, readonly: true }))).toMatchObject({ code: 'store.unavailable' });
    const store = await openFsStore({ dir });
    await store.createSession(sessionOf('s'));
    await store.close();
    expect(JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')).schemaVersion).toBe(FS_SCHEMA_VERSION);
  });

  it('a path that is a file is store.unavailable; a directory without meta.json opened readonly too', async () => {
    const root = await fresh();
    await writeFile(join(root, 'file'), 'x');
    expect(await rejection(openFsStore({ dir: join(root, 'file') }))).toMatchObject({ code: 'store.unavailable' });
    await mkdir(join(root, 'empty'));
    const error = await rejection(openFsStore({ dir: join(root, 'empty'), readonly: true }));
    expect(error).toMatchObject({ code: 'store.unavailable' });
    expect(error.message).toContain('meta.json');
  });

  it('an unknown (newer) schema version is store.schema_too_new and the directory is left alone', async () => {
    const dir = await fresh();
    const meta = JSON.stringify({ format: 'sessionhub-store-fs', schemaVersion: 99, createdAt: 'x' });
    await writeFile(join(dir, 'meta.json'), meta);
    const error = await rejection(openFsStore({ dir }));
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.schema_too_new' });
    expect(error.message).toMatch(/99.*upgrade/);
    expect(await readFile(join(dir, 'meta.json'), 'utf8')).toBe(meta);
  });

  it('a torn last line on disk is truncated on first access, never a parse error', async () => {
    const dir = await fresh();
    const store = await openFsStore({ dir });
    await store.createSession(sessionOf('torn'));
    await store.appendEvents('torn', [progress('torn', 'a'), progress('torn', 'b')]);
    await store.close();
    const path = join(dir, 'sessions', 'torn', 'events.jsonl');
    const intact = await readFile(path);
    await writeFile(path, Buffer.concat([intact, Buffer.from('{"type":"executor.progress","seq":3,"mess')]));
    const reopened = await openFsStore({ dir });
    expect((await reopened.readEvents('torn')).map((e) => e.seq)).toEqual([1, 2]);
    expect((await readFile(path)).equals(intact)).toBe(true);
    expect((await reopened.appendEvents('torn', [progress('torn', 'c')]))[0]?.seq).toBe(3);
    expect((await reopened.readEvents('torn')).map((e) => e.seq)).toEqual([1, 2, 3]);
    await reopened.close();
  });

  it('a store opened readonly reads, and every write fails with store.read_only', async () => {
    const dir = await fresh();
    const writer = await openFsStore({ dir });
    await writer.createSession(sessionOf('s-1'));
    await writer.close();
    const store = await openFsStore({ dir, readonly: true });
    expect((await store.getSession('s-1'))?.id).toBe('s-1');
    expect((await store.listSessions()).map((s) => s.id)).toEqual(['s-1']);
    for (const call of [
      () => store.createSession(sessionOf('s-2')),
      () => store.updateSession('s-1', { state: 'failed' }),
      () => store.appendEvents('s-1', [progress('s-1', 'x')]),
      () => store.deleteTemplate('t'),
      () => store.rebuildLibraryIndex(),
    ]) {
      expect(await rejection(call())).toMatchObject({ name: 'StoreError', code: 'store.read_only' });
    }
    await store.close();
  });

  it('a read-only location (real permissions, another user) is store.read_only; readonly: true reads it', async (ctx) => {
    const dir = await fresh();
    const writer = await openFsStore({ dir });
    await writer.createSession(sessionOf('s-1'));
    await writer.appendEvents('s-1', [progress('s-1', 'a')]);
    await writer.close();
    // Readable and traversable by others, writable only by root.
    await chmod(dir, 0o755);
    const run = (args: object) => openAsNobody(ctx, { dir, ...args });
    const writable = await run({});
    expect(writable).toMatchObject({ ok: false, code: 'store.read_only' });
    expect(writable.message).toContain('readonly: true');
    const reader = await run({ readonly: true, write: true });
    expect(reader).toMatchObject({ ok: true, sessions: ['s-1'], events: 1, writeError: { code: 'store.read_only' } });
  }, 60_000);

  it('creating a store where another user may not write is store.read_only with the reason', async (ctx) => {
    const base = await fresh();
    await chmod(base, 0o755);
    const created = await openAsNobody(ctx, { dir: join(base, 'sub', 'store') });
    expect(created).toMatchObject({ ok: false, code: 'store.read_only' });
    expect(created.message).toContain(join(base, 'sub', 'store'));
    expect(created.message).toMatch(/EACCES|EPERM/);
  }, 60_000);
});
