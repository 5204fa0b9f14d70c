import type { Session } from '@sessionhub/core';
import { createFsFromVolume, Volume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { decodeId, encodeId, FS_SCHEMA_VERSION, openFsStore, type StoreFs } from '../src/index.js';
import { completeLines, readTail } from '../src/jsonl.js';
import { sessionOf } from './helpers.js';

// The store's own logic (layout, tails, torn lines, schema checks, lock takeover) on an
// in-memory file system: fast and deterministic. Durability itself is tested on real directories.

function memfs(): StoreFs {
  return createFsFromVolume(new Volume()) as unknown as StoreFs;
}

const DIR = '/store';
const progress = (sessionId: string, message: string) =>
  ({ type: 'executor.progress', sessionId, kind: 'output', message }) as const;

async function writeText(fs: StoreFs, path: string, text: string): Promise<void> {
  const handle = await fs.promises.open(path, 'w');
  try {
    await handle.write(Buffer.from(text), 0, Buffer.byteLength(text), 0);
  } finally {
    await handle.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<{ name?: string; code?: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as { name?: string; code?: string; message: string };
}

describe('ids as file names', () => {
  it('keeps plain ids and encodes every other id reversibly and without collisions', () => {
    expect(encodeId('s-1')).toBe('s-1');
    expect(encodeId('abc_DEF.9')).toBe('abc_DEF.9');
    const odd = ['..', '.', '.hidden', 'a/b', 'a\\b', '~x', 'ünï ✓', '', 'x'.repeat(101), 'CON:1', 'a\nb'];
    const names = odd.map(encodeId);
    for (const [i, name] of names.entries()) {
      expect(name).toMatch(/^[A-Za-z0-9._~-]+$|^~/);
      expect(name).not.toContain('/');
      expect(decodeId(name)).toBe(odd[i]);
    }
    expect(new Set(names).size).toBe(odd.length);
    // A plain id that looks like an encoded one still cannot collide: `~` is never plain.
    expect(encodeId('~eA')).not.toBe('~eA');
  });
});

describe('JSON-lines tails', () => {
  it('completeLines keeps only newline-terminated lines and reports a torn tail', () => {
    expect(completeLines(Buffer.from(''))).toEqual({ lines: [], validEnd: 0, torn: false });
    expect(completeLines(Buffer.from('{"a":1}\n{"b"'))).toEqual({ lines: ['{"a":1}'], validEnd: 8, torn: true });
    expect(completeLines(Buffer.from('x\ny\n'))).toEqual({ lines: ['x', 'y'], validEnd: 4, torn: false });
    expect(completeLines(Buffer.from('no newline'))).toEqual({ lines: [], validEnd: 0, torn: true });
  });

  it('readTail finds the last complete line across chunk boundaries', async () => {
    const fs = memfs();
    const long = 'y'.repeat(150_000);
    const cases: Array<[string, number, string | undefined]> = [
      ['', 0, undefined],
      ['torn', 0, undefined],
      ['a\n', 2, 'a'],
      ['a\nbb\n', 5, 'bb'],
      ['a\nbb\nccc', 5, 'bb'],
      [`a\n${long}\n`, long.length + 3, long],
      [`${long}\n${long.slice(1)}`, long.length + 1, long],
      [`a\n${long}\n${'z'.repeat(70_000)}`, long.length + 3, long],
    ];
    for (const [i, [content, validEnd, lastLine]] of cases.entries()) {
      const path = `/t${i}`;
      await writeText(fs, path, content);
      const handle = await fs.promises.open(path, 'r');
      try {
        expect(await readTail(handle, Buffer.byteLength(content)), `case ${i}`).toEqual({ validEnd, lastLine });
      } finally {
        await handle.close();
      }
    }
  });
});

describe('the store on memfs', () => {
  it('writes the documented layout', async () => {
    const fs = memfs();
    const store = await openFsStore({ dir: DIR, fs });
    await store.createSession(sessionOf('s-1'));
    await store.appendEvents('s-1', [progress('s-1', 'a'), progress('s-1', 'b')]);
    await store.putTemplate({
      id: 't/1',
      name: 'tpl',
      text: 'Do {{x}}',
      variables: [],
      tags: [],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    await store.addFoundationVersion({
      version: '1.0',
      sessionId: 's-1',
      path: 'F.md',
      text: '# F',
      at: '2026-01-01T00:00:00.000Z',
    });
    const text = async (p: string) => (await fs.promises.readFile(`${DIR}/${p}`, 'utf8')) as string;
    expect(JSON.parse(await text('meta.json'))).toMatchObject({
      format: 'sessionhub-store-fs',
      schemaVersion: FS_SCHEMA_VERSION,
    });
    expect(JSON.parse(await text('sessions/s-1/session.json'))).toEqual(sessionOf('s-1'));
    const lines = (await text('sessions/s-1/events.jsonl')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.slice(0, 2).map((l) => JSON.parse(l).seq)).toEqual([1, 2]);
    expect(
      (await text('library/index.jsonl'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['s-1']);
    expect(JSON.parse(await text(`templates/${encodeId('t/1')}.json`)).name).toBe('tpl');
    expect(JSON.parse((await text('foundation/versions.jsonl')).trim()).version).toBe('1.0');
    // No lock or temp file is left behind.
    expect(((await fs.promises.readdir(`${DIR}/sessions/s-1`)) as string[]).sort()).toEqual([
      'events.jsonl',
      'session.json',
    ]);
    await store.close();
  });

  it('a torn last line is skipped, truncated under the lock, and appends continue after it', async () => {
    const fs = memfs();
    const first = await openFsStore({ dir: DIR, fs });
    await first.createSession(sessionOf('t'));
    await first.appendEvents('t', [progress('t', 'a'), progress('t', 'b')]);
    await first.close();
    const path = `${DIR}/sessions/t/events.jsonl`;
    const intact = (await fs.promises.readFile(path)) as Buffer;
    // A crash in the middle of writing the third line.
    const torn = Buffer.concat([intact, Buffer.from('{"type":"executor.progress","sessionId":"t","se')]);
    const handle = await fs.promises.open(path, 'w');
    await handle.write(torn, 0, torn.length, 0);
    await handle.close();

    const store = await openFsStore({ dir: DIR, fs });
    expect((await store.readEvents('t')).map((e) => e.seq)).toEqual([1, 2]);
    expect(((await fs.promises.readFile(path)) as Buffer).equals(intact)).toBe(true);
    // Torn again, then appended to without a read first: the append truncates and continues at 3.
    const again = await fs.promises.open(path, 'a');
    await again.write(Buffer.from('{"partial'), 0, 9, null);
    await again.close();
    expect((await store.appendEvents('t', [progress('t', 'c')])).map((e) => e.seq)).toEqual([3]);
    expect((await store.readEvents('t')).map((e) => (e.type === 'executor.progress' ? e.message : ''))).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('a second instance sharing the directory never reuses a seq (the tail cache is validated)', async () => {
    const fs = memfs();
    const a = await openFsStore({ dir: DIR, fs });
    const b = await openFsStore({ dir: DIR, fs });
    await a.createSession(sessionOf('shared'));
    const seqs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const store = i % 3 === 0 ? b : a;
      seqs.push(...(await store.appendEvents('shared', [progress('shared', `${i}`)])).map((e) => e.seq));
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // And b's library sees a's sessions without reopening.
    await a.createSession(sessionOf('later', { name: 'findable marmalade' }));
    expect((await b.searchLibrary({ text: 'marmalade' })).map((h) => h.session.id)).toEqual(['later']);
  });

  it('reads by seq stay right while another instance appends (cached line offsets are extended)', async () => {
    const fs = memfs();
    const reader = await openFsStore({ dir: DIR, fs });
    const writer = await openFsStore({ dir: DIR, fs });
    await writer.createSession(sessionOf('r'));
    const messages = (events: Awaited<ReturnType<typeof reader.readEvents>>) =>
      events.map((e) => `${e.seq}:${e.type === 'executor.progress' ? e.message : ''}`);
    await writer.appendEvents('r', [progress('r', 'a'), progress('r', 'bé✓')]);
    expect(messages(await reader.readEvents('r'))).toEqual(['1:a', '2:bé✓']);
    await writer.appendEvents('r', [progress('r', 'c'), progress('r', 'd'), progress('r', 'e')]);
    expect(messages(await reader.readEvents('r', { fromSeq: 4 }))).toEqual(['4:d', '5:e']);
    expect(messages(await reader.readEvents('r', { fromSeq: 2, limit: 2 }))).toEqual(['2:bé✓', '3:c']);
    expect(messages(await reader.readEvents('r', { fromSeq: 5, limit: 9 }))).toEqual(['5:e']);
    expect(await reader.readEvents('r', { fromSeq: 6 })).toEqual([]);
    expect(await reader.readEvents('r', { limit: 0 })).toEqual([]);
  });

  it('a stale lock left by a dead process is taken over; a live one makes callers wait, then time out', async () => {
    const fs = memfs();
    const store = await openFsStore({ dir: DIR, fs, lock: { staleMs: 2000, timeoutMs: 300 } });
    await store.createSession(sessionOf('locked'));
    const lock = `${DIR}/sessions/locked/session.lock`;
    // A lock whose holder stopped refreshing it a minute ago: stale. (A lock directory, as builds
    // before the owner-file lock left them; test/lock-owners.test.ts has the owner-file form.)
    await fs.promises.mkdir(lock);
    const old = new Date(Date.now() - 60_000);
    await fs.promises.utimes(lock, old, old);
    expect((await store.appendEvents('locked', [progress('locked', 'x')])).map((e) => e.seq)).toEqual([1]);
    // A lock directory refreshed just now: a live holder. The append waits, then fails with a typed error.
    await fs.promises.mkdir(lock);
    const error = await rejection(store.appendEvents('locked', [progress('locked', 'y')]));
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.unavailable' });
    expect(error.message).toContain('busy');
    expect((await store.readEvents('locked')).map((e) => e.seq)).toEqual([1]);
  });

  it('a newer schema version is store.schema_too_new; a foreign meta.json is store.corrupt', async () => {
    const fs = memfs();
    await fs.promises.mkdir(DIR, { recursive: true });
    const write = async (text: string) => {
      const h = await fs.promises.open(`${DIR}/meta.json`, 'w');
      await h.write(Buffer.from(text), 0, Buffer.byteLength(text), 0);
      await h.close();
    };
    await write(JSON.stringify({ format: 'sessionhub-store-fs', schemaVersion: FS_SCHEMA_VERSION + 1 }));
    const tooNew = await rejection(openFsStore({ dir: DIR, fs }));
    expect(tooNew).toMatchObject({ name: 'StoreError', code: 'store.schema_too_new' });
    expect(tooNew.message).toContain(String(FS_SCHEMA_VERSION + 1));
    await write('{"format":"something-else","schemaVersion":1}');
    expect(await rejection(openFsStore({ dir: DIR, fs }))).toMatchObject({ code: 'store.corrupt' });
    await write('{not json');
    const corrupt = await rejection(openFsStore({ dir: DIR, fs }));
    expect(corrupt).toMatchObject({ code: 'store.corrupt' });
    expect(corrupt.message).toContain('meta.json');
  });

  it('corrupt files are store.corrupt naming the file, never a silent loss', async () => {
    const fs = memfs();
    const store = await openFsStore({ dir: DIR, fs });
    await store.createSession(sessionOf('c'));
    await store.appendEvents('c', [progress('c', 'a'), progress('c', 'b'), progress('c', 'c')]);
    const overwrite = async (path: string, text: string) => {
      const h = await fs.promises.open(path, 'w');
      await h.write(Buffer.from(text), 0, Buffer.byteLength(text), 0);
      await h.close();
    };
    const events = `${DIR}/sessions/c/events.jsonl`;
    const lines = ((await fs.promises.readFile(events, 'utf8')) as string).split('\n');
    // A damaged line in the middle (not a torn tail).
    await overwrite(events, [lines[0], '{"seq": 2, broken', lines[2], ''].join('\n'));
    const bad = await rejection(store.readEvents('c'));
    expect(bad).toMatchObject({ name: 'StoreError', code: 'store.corrupt' });
    expect(bad.message).toContain('events.jsonl');
    expect(bad.message).toContain('line 2');
    // A line with the wrong seq.
    await overwrite(events, [lines[0], lines[2], ''].join('\n'));
    expect(await rejection(store.readEvents('c'))).toMatchObject({ code: 'store.corrupt' });
    await overwrite(`${DIR}/sessions/c/session.json`, '\u0000\u0001garbage');
    const session = await rejection(store.getSession('c'));
    expect(session).toMatchObject({ code: 'store.corrupt' });
    expect(session.message).toContain('session.json');
    await overwrite(`${DIR}/library/index.jsonl`, '{"id":"c"}\n{oops\n');
    expect(await rejection(openFsStore({ dir: DIR, fs }))).toMatchObject({ code: 'store.corrupt' });
  });

  it('sessions written in the layout by hand are indexed on open; rebuildLibraryIndex compacts', async () => {
    const fs = memfs();
    const store = await openFsStore({ dir: DIR, fs });
    await store.createSession(sessionOf('kept', { name: 'kept one' }));
    for (let i = 0; i < 5; i++) await store.updateSession('kept', { summary: `rev ${i}` });
    await store.close();
    const hand: Session = sessionOf('by-hand', { name: 'copied quokka' });
    await fs.promises.mkdir(`${DIR}/sessions/by-hand`);
    const h = await fs.promises.open(`${DIR}/sessions/by-hand/session.json`, 'w');
    await h.write(Buffer.from(JSON.stringify(hand)), 0, Buffer.byteLength(JSON.stringify(hand)), 0);
    await h.close();
    const reopened = await openFsStore({ dir: DIR, fs });
    expect((await reopened.searchLibrary({ text: 'quokka' })).map((x) => x.session.id)).toEqual(['by-hand']);
    expect(await reopened.rebuildLibraryIndex()).toBe(2);
    const index = ((await fs.promises.readFile(`${DIR}/library/index.jsonl`, 'utf8')) as string).trim().split('\n');
    expect(index).toHaveLength(2);
    expect((await reopened.getSession('kept'))?.summary).toBe('rev 4');
    expect((await reopened.listSessions()).find((s) => s.id === 'kept')?.summary).toBe('rev 4');
  });

  it('search after an update drops words the session no longer has and finds its new ones', async () => {
    const fs = memfs();
    const store = await openFsStore({ dir: DIR, fs });
    await store.createSession(sessionOf('w', { name: 'old pelican', summary: 'pelican again' }));
    await store.createSession(sessionOf('x', { name: 'other pelican' }));
    expect((await store.searchLibrary({ text: 'pelican' })).map((h) => [h.session.id, h.score])).toEqual([
      ['w', 4],
      ['x', 3],
    ]);
    await store.updateSession('w', { name: 'new heron', summary: 'heron' });
    expect((await store.searchLibrary({ text: 'pelican' })).map((h) => h.session.id)).toEqual(['x']);
    expect((await store.searchLibrary({ text: 'HERON!' })).map((h) => [h.session.id, h.score])).toEqual([['w', 4]]);
  });

  it('values that are not JSON data are store.invalid_value and store nothing', async () => {
    const fs = memfs();
    const store = await openFsStore({ dir: DIR, fs });
    await store.createSession(sessionOf('v'));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = await rejection(
      store.appendEvents('v', [
        { type: 'executor.progress', sessionId: 'v', kind: 'output', message: 'm', data: cyclic },
      ]),
    );
    expect(error).toMatchObject({ code: 'store.invalid_value' });
    expect(await store.readEvents('v')).toEqual([]);
    // An id whose file name would pass the 255-byte limit is refused before anything is written.
    expect(await rejection(store.createSession(sessionOf('é'.repeat(200))))).toMatchObject({
      code: 'store.invalid_value',
    });
    expect((await store.listSessions()).map((s) => s.id)).toEqual(['v']);
  });
});

describe('analytics', () => {
  const errno = (code: string) => () => {
    throw Object.assign(new Error(`stat: ${code}`), { code });
  };

  it('skips only the event logs statSync calls missing (ENOENT); without statSync or on another error it reads them', async () => {
    const fs = memfs();
    const store = await openFsStore({ dir: DIR, fs });
    for (const id of ['a', 'b', 'c']) await store.createSession(sessionOf(id));
    const boom = { code: 'verify.failed', message: 'boom in step 3' };
    await store.appendEvents('b', [{ type: 'session.finished', sessionId: 'b', state: 'failed', error: boom }]);
    const report = await store.analytics();
    expect(report.overall.total).toBe(3);
    expect(report.topErrorSignatures).toHaveLength(1);

    const reportWith = async (statSync: StoreFs['statSync']) => {
      const other = await openFsStore({ dir: DIR, fs: { promises: fs.promises, ...(statSync ? { statSync } : {}) } });
      try {
        return await other.analytics();
      } finally {
        await other.close();
      }
    };
    expect(await reportWith(undefined)).toEqual(report);
    expect(await reportWith(errno('EACCES'))).toEqual(report);
    // The probe is what decides: a log it calls missing is not read.
    const probedMissing = await reportWith(errno('ENOENT'));
    expect(probedMissing.overall.total).toBe(3);
    expect(probedMissing.topErrorSignatures).toEqual([]);
  });
});
