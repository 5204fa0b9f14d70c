import { copyFileSync, statSync, utimesSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execOnlyBinary } from '../src/exec-only-binary.js';

let root: string;
const savedTmp = process.env.TMPDIR;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sessionhub-exec-only-'));
});
afterEach(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await rm(root, { recursive: true, force: true });
});

describe('execOnlyBinary', () => {
  it('copies a binary once, exec-only, and removes the copies whose binary is gone or changed', async () => {
    const bin = join(root, 'bin');
    const copies = join(root, 'tmp');
    await mkdir(bin);
    await mkdir(copies);
    for (const name of ['a', 'b', 'c']) copyFileSync('/bin/true', join(bin, name));
    process.env.TMPDIR = copies;
    const dir = join(copies, `sessionhub-node-${process.getuid?.() ?? 0}`);

    const a = execOnlyBinary(join(bin, 'a'));
    expect(execOnlyBinary(join(bin, 'a'))).toBe(a);
    expect(statSync(a).mode & 0o777).toBe(0o111);
    expect(await readFile(`${a}.source`, 'utf8')).toBe(join(bin, 'a'));
    const b = execOnlyBinary(join(bin, 'b'));
    expect(statSync(b).size).toBe(statSync(join(bin, 'b')).size);
    // An older release's copy (no `.source`), made long ago.
    const legacy = join(dir, 'node-1-2-3');
    await writeFile(legacy, 'old');
    utimesSync(legacy, new Date(0), new Date(0));

    // b is deleted and a is replaced (an upgrade): the next copy made removes theirs and the legacy one.
    await rm(join(bin, 'b'));
    await rm(join(bin, 'a'));
    copyFileSync('/bin/false', join(bin, 'a'));
    const c = execOnlyBinary(join(bin, 'c'));
    const names = (paths: string[]) => paths.map((p) => p.slice(dir.length + 1)).sort();
    expect((await readdir(dir)).sort()).toEqual(names([c, `${c}.source`]));

    // The current a gets a copy of its own; c's, still current, is kept.
    const a2 = execOnlyBinary(join(bin, 'a'));
    expect(a2).not.toBe(a);
    expect((await readdir(dir)).filter((n) => !n.endsWith('.source')).sort()).toEqual(names([a2, c]));
  });
});
