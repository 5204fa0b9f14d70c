import { existsSync } from 'node:fs';
import { chmod, chown, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { codeOf, type EscapeAttempt, failure, short } from './escape-kit.js';

const isRoot = (): boolean => (process.getuid?.() ?? -1) === 0;

/**
 * Attempts on the host's privileges and disk: a root-only file in sight, the host disk through the workspace,
 * setuid binaries, a read-write root.
 */
export const PRIVILEGE_ATTEMPTS: readonly EscapeAttempt[] = [
  {
    name: 'read a root-only host file (0600, owned by root) the sandbox can see',
    applies: () => (isRoot() ? undefined : 'only meaningful when SessionHub runs as root'),
    run: async (ctx) => {
      // A canary in the workspace itself: the sandbox sees the directory, only root may read the file.
      const secret = `root-only canary ${ctx.mark}`;
      const file = join(ctx.workspace, 'root-only-canary.txt');
      await writeFile(file, secret);
      await chown(file, 0, 0);
      await chmod(file, 0o600);
      const result = await ctx.sandbox.exec('cat root-only-canary.txt; cat /workspace/root-only-canary.txt', {
        timeoutMs: 10_000,
      });
      const byCommand = result.stdout.includes(secret);
      const viaApi = await ctx.sandbox.readFile('root-only-canary.txt').then(
        (text) => text.includes(secret),
        () => false,
      );
      const apiError = viaApi ? 'READ' : codeOf(await failure(ctx.sandbox.readFile('root-only-canary.txt')));
      return {
        blocked: !byCommand && !viaApi,
        detail: `command ${byCommand ? 'READ IT' : short(result.stderr, 60)}; file API: ${apiError}`,
      };
    },
  },
  {
    name: 'fill the host disk through the workspace',
    run: async (ctx) => {
      const bytes = 300 * 1024 * 1024;
      const result = await ctx.sandbox.exec(
        `head -c ${bytes} /dev/zero > fill-${ctx.mark}; echo "rc=$?"; wc -c < fill-${ctx.mark}; rm -f fill-${ctx.mark}`,
        { timeoutMs: 40_000 },
      );
      const written = Number(/^(\d+)\s*$/m.exec(result.stdout)?.[1] ?? '0');
      const cap = ctx.contract.limits.diskMb * 1024 * 1024;
      return {
        blocked: written < bytes && written <= cap,
        detail: `wrote ${written} of ${bytes} bytes (diskMb ${ctx.contract.limits.diskMb}); ${short(result.stderr, 80)}`,
      };
    },
  },
  {
    name: 'regain root through setuid binaries or setuid()',
    run: async (ctx) => {
      const result = await ctx.sandbox.exec(
        'sudo -n id -u 2>&1; su -c "id -u" root </dev/null 2>&1; ' +
          'python3 -c "import os; os.setuid(0); print(\'SETUID-OK\')" 2>&1; grep NoNewPrivs /proc/self/status',
        { timeoutMs: 10_000 },
      );
      const root = /^0$/m.test(result.stdout) || result.stdout.includes('SETUID-OK');
      return {
        blocked: !root,
        detail: `${root ? 'BECAME ROOT' : 'no uid 0'}; ${short(result.stdout, 120)}`,
      };
    },
  },
  {
    name: 'remount the root filesystem read-write',
    run: async (ctx) => {
      const target = `/sessionhub-rw-${ctx.mark}`;
      const result = await ctx.sandbox.exec(
        `mount -o remount,rw / 2>&1; mount -t tmpfs none /mnt 2>&1; touch ${target} 2>&1 && echo WROTE`,
        { timeoutMs: 10_000 },
      );
      const landed = existsSync(target);
      if (landed) await rm(target, { force: true });
      const wrote = result.stdout.includes('WROTE');
      return {
        blocked: !wrote && !landed,
        detail: `${wrote ? 'ROOT WRITABLE' : 'root stays read-only'}; ${short(result.stdout, 100)}`,
      };
    },
  },
];
