import { closeSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const savedTmp = process.env.TMPDIR;
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

describe.runIf(process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch))(
  'the seccomp program file',
  () => {
    it('leaves nothing in the temp dir, and every descriptor reads the whole program from its start', async () => {
      const tmp = await mkdtemp(join(tmpdir(), 'sessionhub-seccomp-test-'));
      try {
        process.env.TMPDIR = tmp;
        // A fresh module: the program is written once per process, on the first call.
        vi.resetModules();
        const { openSeccompProgram, seccompProgram } = await import('../src/seccomp.js');
        const fds = [openSeccompProgram(), openSeccompProgram(), openSeccompProgram()];
        try {
          expect(await readdir(tmp)).toEqual([]);
          const program = seccompProgram();
          expect(program?.length).toBeGreaterThan(0);
          for (const fd of fds) expect(readFileSync(fd as number)).toEqual(program);
        } finally {
          for (const fd of fds) if (fd !== undefined) closeSync(fd);
        }
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
  },
);
