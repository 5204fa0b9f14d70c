import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../ports/sandbox.js';
import { workspaceBesideSecret } from './conformance/sandbox-context.js';
import { METER_ATTEMPTS } from './escape-attempts-meter.js';
import { PRIVILEGE_ATTEMPTS } from './escape-attempts-privilege.js';
import { VERDICT_ATTEMPTS } from './escape-attempts-verdict.js';
import {
  codeOf,
  DEFAULT_ESCAPE_CONTRACT,
  ESCAPE_OUTSIDE_SECRET,
  type EscapeAttempt,
  type EscapeContext,
  type EscapeContract,
  type EscapeOutcome,
  type EscapeResult,
  type EscapeSandboxFactory,
  type EscapeSuiteOptions,
  failure,
  short,
  sleep,
  stillWriting,
  waitForFile,
} from './escape-kit.js';

export {
  DEFAULT_ESCAPE_CONTRACT,
  ESCAPE_OUTSIDE_SECRET,
  type EscapeAttempt,
  type EscapeContext,
  type EscapeContract,
  type EscapeOutcome,
  type EscapeResult,
  type EscapeSandboxFactory,
  type EscapeSuiteOptions,
} from './escape-kit.js';

/** A bait process on the host: its environment holds the canary and its argv a marker. */
function spawnBait(mark: string, canary: { name: string; value: string }): ChildProcess {
  return spawn('/bin/sh', ['-c', 'sleep 30', `sessionhub-escape-${mark}`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [canary.name]: canary.value },
    stdio: 'ignore',
  });
}

async function connectAttempt(ctx: EscapeContext, command: string, client: string): Promise<EscapeOutcome> {
  const before = ctx.listener.connections();
  const result = await ctx.sandbox.exec(command, { timeoutMs: 8_000 });
  await sleep(300);
  const accepted = ctx.listener.connections() - before;
  const claimed = result.stdout.includes('CONNECTED');
  return {
    blocked: accepted === 0 && !claimed,
    detail: `${client}: host listener accepted ${accepted}; exit ${result.exitCode}; ${short(result.stdout + result.stderr, 100)}`,
  };
}

async function hostWriteAttempt(ctx: EscapeContext, target: string, requireFailure: boolean): Promise<EscapeOutcome> {
  const result = await ctx.sandbox.exec(`echo pwned > '${target}'`, { timeoutMs: 10_000 });
  const landed = existsSync(target);
  if (landed) await rm(target, { force: true });
  const blocked = !landed && (!requireFailure || result.exitCode !== 0);
  return {
    blocked,
    detail: `exit ${result.exitCode}; host file ${landed ? 'CREATED' : 'absent'}; ${short(result.stderr, 100)}`,
  };
}

async function fillAttempt(ctx: EscapeContext, dir: string): Promise<EscapeOutcome> {
  const bytes = 300 * 1024 * 1024;
  const file = `${dir}/sessionhub-fill-${ctx.mark}`;
  const result = await ctx.sandbox.exec(
    `head -c ${bytes} /dev/zero > ${file}; echo "rc=$?"; wc -c < ${file}; rm -f ${file}`,
    { timeoutMs: 30_000 },
  );
  const written = Number(/^(\d+)\s*$/m.exec(result.stdout)?.[1] ?? '0');
  return {
    blocked: written < bytes,
    detail: `wrote ${written} of ${bytes} bytes; ${short(result.stdout + result.stderr, 100)}`,
  };
}

async function refusedFileOps(label: string, ops: Array<[string, () => Promise<unknown>]>): Promise<EscapeOutcome> {
  const codes: string[] = [];
  let blocked = true;
  for (const [what, op] of ops) {
    const error = await failure(op());
    const code = codeOf(error);
    codes.push(`${what}: ${code}`);
    if (code !== 'sandbox.path_escape') blocked = false;
  }
  return { blocked, detail: `${label}: ${codes.join(', ')}` };
}

/** The host, network, limits and file-API attempts. */
const HOST_ATTEMPTS: readonly EscapeAttempt[] = [
  {
    name: 'network: TCP to a host listener on 127.0.0.1',
    run: (ctx) =>
      connectAttempt(
        ctx,
        `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${ctx.listener.port} && echo CONNECTED' 2>&1`,
        'bash /dev/tcp',
      ),
  },
  {
    name: 'network: HTTP to a host listener on 127.0.0.1',
    run: (ctx) => {
      const url = `http://127.0.0.1:${ctx.listener.port}/`;
      return connectAttempt(
        ctx,
        `if command -v curl >/dev/null; then curl -sS -m 3 ${url} && echo CONNECTED; ` +
          `elif command -v wget >/dev/null; then wget -q -T 3 -O - ${url} && echo CONNECTED; ` +
          `else python3 -c "import urllib.request; urllib.request.urlopen('${url}', timeout=3); print('CONNECTED')"; fi 2>&1`,
        'curl/wget/python3',
      );
    },
  },
  {
    name: 'network: TCP to the host listener by the name localhost',
    run: (ctx) =>
      connectAttempt(
        ctx,
        `bash -c 'exec 3<>/dev/tcp/localhost/${ctx.listener.port} && echo CONNECTED' 2>&1`,
        'bash /dev/tcp localhost',
      ),
  },
  {
    name: 'network: resolve a hostname',
    run: async (ctx) => {
      const result = await ctx.sandbox.exec(
        'getent ahosts example.com; python3 -c "import socket; print(socket.gethostbyname(\'example.com\'))" 2>&1',
        { timeoutMs: 15_000 },
      );
      const address = /\b(?!127\.)\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/.exec(result.stdout);
      return {
        blocked: address === null,
        detail: address ? `resolved to ${address[0]}` : `no address; ${short(result.stdout + result.stderr, 100)}`,
      };
    },
  },
  {
    name: 'network: find a route out (default route)',
    run: async (ctx) => {
      const result = await ctx.sandbox.exec('cat /proc/net/route', { timeoutMs: 10_000 });
      const routes = result.stdout
        .split('\n')
        .slice(1)
        .filter((line) => line.trim() !== '');
      const defaultRoute = routes.some((line) => line.split(/\s+/)[1] === '00000000');
      return {
        blocked: !defaultRoute,
        detail: `${routes.length} routes; default route ${defaultRoute ? 'PRESENT' : 'absent'}`,
      };
    },
  },
  {
    name: 'fork bomb (300 processes against the pids limit)',
    run: async (ctx) => {
      // The bomb runs in a subshell (dash gives up at the first failed fork, bash retries); then the live
      // sleeps are counted with shell builtins only, which need no free process slot.
      // When what runs the command is itself starved of processes (an agent's tool), the exec fails: that is
      // the budget running out, reported as such.
      const result = await ctx.sandbox
        .exec(
          '( i=0; while [ $i -lt 300 ]; do sleep 4 & i=$((i+1)); done ) 2>/dev/null; n=0; ' +
            'for c in /proc/[0-9]*/comm; do x=; read -r x < "$c" 2>/dev/null; [ "$x" = sleep ] && n=$((n+1)); done; echo "alive=$n"',
          { timeoutMs: 30_000 },
        )
        .catch((error: unknown) => ({
          stdout: '',
          stderr: `the command's own process died: ${short(String(error), 80)}`,
        }));
      const live = Number(/alive=(\d+)/.exec(result.stdout)?.[1] ?? 'NaN');
      const starved = result.stdout === '' && result.stderr.startsWith("the command's own process died");
      const all = !(live < 300) && !starved;
      // The sandbox must still answer once the bomb's processes are gone.
      let alive = false;
      for (let i = 0; i < 40 && !alive; i++) {
        const probe = await ctx.sandbox.exec('echo alive', { timeoutMs: 5_000 }).catch(() => undefined);
        alive = probe?.stdout.trim() === 'alive';
        if (!alive) await sleep(250);
      }
      return {
        blocked: !all && alive,
        detail: `${Number.isNaN(live) ? short(result.stdout + result.stderr, 100) : `${live} of 300 alive at once`}; sandbox ${alive ? 'responsive' : 'UNRESPONSIVE'} after`,
      };
    },
  },
  {
    name: 'memory bomb (600 MB against the memory limit)',
    run: async (ctx) => {
      const result = await ctx.sandbox.exec(
        `awk 'BEGIN { s = "x"; while (length(s) < 600000000) s = s s; print "ALLOCATED", length(s) }'`,
        { timeoutMs: 40_000 },
      );
      // The count, not the word: an agent's shell may echo the command text (which holds the word) on failure.
      const allocated = /ALLOCATED \d+/.test(result.stdout);
      return {
        blocked: !allocated && result.exitCode !== 0,
        detail: `exit ${result.exitCode}; ${allocated ? 'ALLOCATED 600 MB' : 'killed or failed'}; ${short(result.stderr, 80)}`,
      };
    },
  },
  { name: 'disk fill outside the workspace (/tmp)', run: (ctx) => fillAttempt(ctx, '/tmp') },
  { name: 'disk fill outside the workspace (/dev/shm)', run: (ctx) => fillAttempt(ctx, '/dev/shm') },
  {
    name: 'write to /',
    run: (ctx) => hostWriteAttempt(ctx, `/sessionhub-escape-${ctx.mark}`, true),
  },
  {
    name: 'write to /etc',
    run: (ctx) => hostWriteAttempt(ctx, `/etc/sessionhub-escape-${ctx.mark}`, true),
  },
  {
    name: 'write to /usr',
    run: (ctx) => hostWriteAttempt(ctx, `/usr/sessionhub-escape-${ctx.mark}`, true),
  },
  {
    name: 'write to the host home directory',
    run: (ctx) => hostWriteAttempt(ctx, join(homedir(), `sessionhub-escape-${ctx.mark}`), false),
  },
  {
    name: 'write next to the workspace by absolute host path',
    run: (ctx) => hostWriteAttempt(ctx, join(ctx.outside, 'pwned.txt'), false),
  },
  {
    name: 'read a host file outside the workspace by absolute path',
    run: async (ctx) => {
      const result = await ctx.sandbox.exec(`cat '${join(ctx.outside, 'secret.txt')}'`, { timeoutMs: 10_000 });
      const leaked = result.stdout.includes(ESCAPE_OUTSIDE_SECRET.trim());
      return {
        blocked: !leaked,
        detail: leaked ? 'SECRET READ' : `exit ${result.exitCode}; ${short(result.stderr, 100)}`,
      };
    },
  },
  {
    name: 'read a host environment secret (canary variable)',
    run: async (ctx) => {
      const result = await ctx.sandbox.exec('env', { timeoutMs: 10_000 });
      const leaked = result.stdout.includes(ctx.canary.value) || result.stdout.includes(ctx.canary.name);
      return { blocked: !leaked, detail: leaked ? 'CANARY VISIBLE' : 'canary absent from env' };
    },
  },
  {
    name: 'read a host process environment through /proc',
    run: async (ctx) => {
      const bait = spawnBait(ctx.mark, ctx.canary);
      try {
        await sleep(100);
        const result = await ctx.sandbox.exec(
          `for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f"; done 2>/dev/null | grep -c '${ctx.canary.value}'`,
          { timeoutMs: 15_000 },
        );
        const count = Number(result.stdout.trim() || '0');
        return { blocked: count === 0, detail: `canary found in ${count} process environments` };
      } finally {
        bait.kill('SIGKILL');
      }
    },
  },
  {
    name: 'see and signal a host process',
    run: async (ctx) => {
      const bait = spawnBait(ctx.mark, ctx.canary);
      try {
        await sleep(100);
        // The bracket keeps this command's own argv from matching the pattern.
        const head = ctx.mark.slice(0, 1);
        const pattern = `sessionhub-escape-[${head}]${ctx.mark.slice(1)}`;
        const result = await ctx.sandbox.exec(
          `for p in /proc/[0-9]*; do if grep -q '${pattern}' "$p/cmdline" 2>/dev/null; then ` +
            'pid=$(basename "$p"); echo "SEEN $pid"; kill -0 "$pid" 2>/dev/null && echo "SIGNALLED $pid"; fi; done; true',
          { timeoutMs: 15_000 },
        );
        const seen = result.stdout.includes('SEEN');
        const signalled = result.stdout.includes('SIGNALLED');
        return {
          blocked: !signalled && !seen,
          detail: signalled ? 'host process SIGNALLED' : seen ? 'host process VISIBLE' : 'host process invisible',
        };
      } finally {
        bait.kill('SIGKILL');
      }
    },
  },
  {
    name: 'file API: ../ out of the workspace',
    run: async (ctx) => {
      const outcome = await refusedFileOps('../', [
        ['read', () => ctx.sandbox.readFile('../outside/secret.txt')],
        ['write', () => ctx.sandbox.writeFile('sub/../../outside/pwned.txt', 'x')],
        ['list', () => ctx.sandbox.list('..')],
        ['remove', () => ctx.sandbox.remove('../outside/secret.txt')],
      ]);
      const touched = existsSync(join(ctx.outside, 'pwned.txt')) || !existsSync(join(ctx.outside, 'secret.txt'));
      return { blocked: outcome.blocked && !touched, detail: `${outcome.detail}${touched ? '; OUTSIDE TOUCHED' : ''}` };
    },
  },
  {
    name: 'file API: absolute host path',
    run: async (ctx) => {
      const outcome = await refusedFileOps('absolute', [
        ['read', () => ctx.sandbox.readFile(join(ctx.outside, 'secret.txt'))],
        ['read /etc', () => ctx.sandbox.readFile('/etc/passwd')],
        ['write', () => ctx.sandbox.writeFile(join(ctx.outside, 'pwned.txt'), 'x')],
      ]);
      const touched = existsSync(join(ctx.outside, 'pwned.txt'));
      return { blocked: outcome.blocked && !touched, detail: `${outcome.detail}${touched ? '; OUTSIDE WRITTEN' : ''}` };
    },
  },
  {
    name: 'file API: symlink pointing out (made on the host)',
    run: async (ctx) => {
      await symlink(ctx.outside, join(ctx.workspace, 'link'));
      await symlink(join(ctx.outside, 'secret.txt'), join(ctx.workspace, 'secret-link'));
      const outcome = await refusedFileOps('host symlink', [
        ['read dir link', () => ctx.sandbox.readFile('link/secret.txt')],
        ['read file link', () => ctx.sandbox.readFile('secret-link')],
        ['write', () => ctx.sandbox.writeFile('link/pwned.txt', 'x')],
        ['list', () => ctx.sandbox.list('link')],
      ]);
      const touched = existsSync(join(ctx.outside, 'pwned.txt'));
      return { blocked: outcome.blocked && !touched, detail: `${outcome.detail}${touched ? '; OUTSIDE WRITTEN' : ''}` };
    },
  },
  {
    name: 'file API: symlink pointing out (made by a command)',
    run: async (ctx) => {
      await ctx.sandbox.exec(
        `ln -s '${ctx.outside}' evil; ln -s '${join(ctx.outside, 'secret.txt')}' evil-file; ln -s / root`,
        {
          timeoutMs: 10_000,
        },
      );
      const outcome = await refusedFileOps('command symlink', [
        ['read dir link', () => ctx.sandbox.readFile('evil/secret.txt')],
        ['read file link', () => ctx.sandbox.readFile('evil-file')],
        ['read via /', () => ctx.sandbox.readFile('root/etc/passwd')],
        ['write', () => ctx.sandbox.writeFile('evil/pwned.txt', 'x')],
      ]);
      const touched = existsSync(join(ctx.outside, 'pwned.txt'));
      return { blocked: outcome.blocked && !touched, detail: `${outcome.detail}${touched ? '; OUTSIDE WRITTEN' : ''}` };
    },
  },
  {
    name: 'file API: remove through a symlink pointing out',
    run: async (ctx) => {
      await symlink(ctx.outside, join(ctx.workspace, 'link'));
      const viaLink = await failure(ctx.sandbox.remove('link/secret.txt'));
      await failure(ctx.sandbox.remove('link'));
      const intact = existsSync(join(ctx.outside, 'secret.txt'));
      return {
        blocked: intact && codeOf(viaLink) === 'sandbox.path_escape',
        detail: `remove link/secret.txt: ${codeOf(viaLink)}; outside secret ${intact ? 'intact' : 'DELETED'}`,
      };
    },
  },
  {
    name: 'file API: symlink swapped after the check',
    run: async (ctx) => {
      // A command flips `race` between a real directory and a symlink out while the file API
      // reads and writes through it: a check-then-open implementation loses this race.
      const flipper = ctx.sandbox.exec(
        `i=0; while [ $i -lt 300 ]; do rm -rf race; mkdir race; echo inside > race/secret.txt; rm -rf race; ln -s '${ctx.outside}' race; i=$((i+1)); done; rm -rf race`,
        { timeoutMs: 20_000 },
      );
      let leaks = 0;
      let reads = 0;
      const deadline = Date.now() + 4_000;
      let flipping = true;
      void flipper.finally(() => {
        flipping = false;
      });
      while (flipping && Date.now() < deadline) {
        reads++;
        const text = await ctx.sandbox.readFile('race/secret.txt').catch(() => '');
        if (text.includes(ESCAPE_OUTSIDE_SECRET.trim())) leaks++;
        await ctx.sandbox.writeFile('race/pwned.txt', 'x').catch(() => undefined);
      }
      await flipper.catch(() => undefined);
      const written = existsSync(join(ctx.outside, 'pwned.txt'));
      return {
        blocked: leaks === 0 && !written,
        detail: `${reads} read+write pairs during the flips; ${leaks} leaked reads; outside ${written ? 'WRITTEN' : 'untouched'}`,
      };
    },
  },
  {
    name: 'a process left running after dispose',
    run: async (ctx) => {
      await ctx.sandbox.exec(
        "(if command -v setsid >/dev/null; then setsid sh -c 'while :; do date +%s%N > beat1.txt; sleep 0.05; done'; fi &) ; " +
          "nohup sh -c 'while :; do date +%s%N > beat2.txt; sleep 0.05; done' >/dev/null 2>&1 &",
        { timeoutMs: 10_000 },
      );
      const started = await waitForFile(join(ctx.workspace, 'beat2.txt'), 5_000);
      await ctx.sandbox.dispose();
      const beat1 = await stillWriting(join(ctx.workspace, 'beat1.txt'), 300, 600);
      const beat2 = await stillWriting(join(ctx.workspace, 'beat2.txt'), 0, 300);
      return {
        blocked: started && !beat1 && !beat2,
        detail: !started
          ? 'background process never started'
          : beat1 || beat2
            ? 'STILL RUNNING after dispose'
            : 'all stopped',
      };
    },
  },
  {
    name: 'a command that ignores SIGTERM past its timeout',
    run: async (ctx) => {
      const began = Date.now();
      const result = await ctx.sandbox.exec("trap '' TERM; while :; do date +%s%N > term.txt; sleep 0.05; done", {
        timeoutMs: 800,
      });
      const took = Date.now() - began;
      const running = await stillWriting(join(ctx.workspace, 'term.txt'), 200, 500);
      return {
        blocked: result.timedOut && !running,
        detail: `timedOut ${result.timedOut} after ${took} ms; ${running ? 'STILL RUNNING' : 'stopped'}`,
      };
    },
  },
];

/** Every attempt, in table order. */
export const ESCAPE_ATTEMPTS: readonly EscapeAttempt[] = [
  ...HOST_ATTEMPTS,
  ...PRIVILEGE_ATTEMPTS,
  ...VERDICT_ATTEMPTS,
  ...METER_ATTEMPTS,
];

/** Formats rows as a plain-text table: attempt, adapter, blocked, detail. */
export function formatEscapeTable(rows: readonly EscapeResult[]): string {
  const cells = rows.map((r) => [
    r.attempt,
    r.adapter,
    r.blocked === null ? 'skipped' : r.blocked ? 'yes' : 'NO',
    r.detail,
  ]);
  const header = ['attempt', 'adapter', 'blocked', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/** Prints the escape table (see {@link formatEscapeTable}). */
export function printEscapeTable(rows: readonly EscapeResult[], print: (table: string) => void = console.log): void {
  print(formatEscapeTable(rows));
}

/**
 * Registers the escape suite with vitest: {@link ESCAPE_ATTEMPTS}, each against a fresh sandbox
 * made by `factory` under {@link EscapeContract} (pids, memory and tmp limits; no network), each a
 * test that passes only when the attempt is blocked. A table (attempt, adapter, blocked) is
 * printed after the suite. Never aims at an address outside loopback. Call it at the top level of a
 * test file.
 *
 * @example
 * describeEscapeSuite('docker', (workspace, c) => provider.create({ workspace, limits: c.limits, network: c.network }));
 */
export function describeEscapeSuite(
  adapterName: string,
  factory: EscapeSandboxFactory,
  options: EscapeSuiteOptions = {},
): void {
  const skip = options.skip ?? {};
  const unknown = Object.keys(skip).filter((name) => !ESCAPE_ATTEMPTS.some((a) => a.name === name));
  if (unknown.length > 0) throw new Error(`escape suite: cannot skip unknown attempts: ${unknown.join(', ')}`);
  const contract: EscapeContract = {
    limits: { ...DEFAULT_ESCAPE_CONTRACT.limits, ...options.contract },
    network: false,
  };
  const rows: EscapeResult[] = [];
  const record = (row: EscapeResult) => {
    rows.push(row);
    options.onResult?.(row);
  };

  describe(`Escape suite: ${adapterName}`, () => {
    let server: Server;
    let connections = 0;
    let port = 0;
    beforeAll(async () => {
      server = createServer((socket) => {
        connections++;
        socket.on('error', () => undefined);
        socket.end('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (options.print !== false && rows.length > 0) printEscapeTable(rows, options.print);
    });

    for (const attempt of ESCAPE_ATTEMPTS) {
      const reason = skip[attempt.name] ?? attempt.applies?.();
      if (reason !== undefined) {
        it.skip(`${attempt.name} (skipped: ${reason})`, () => undefined);
        record({ attempt: attempt.name, adapter: adapterName, blocked: null, detail: `skipped: ${reason}` });
        continue;
      }
      it(
        `blocks: ${attempt.name}`,
        async () => {
          const { root, workspace, outside } = await workspaceBesideSecret('sessionhub-escape-', ESCAPE_OUTSIDE_SECRET);
          const mark = randomUUID().slice(0, 8);
          const canary = { name: `SESSIONHUB_ESCAPE_CANARY_${mark.toUpperCase()}`, value: `canary-${randomUUID()}` };
          process.env[canary.name] = canary.value;
          let sandbox: Sandbox | undefined;
          let outcome: EscapeOutcome;
          try {
            sandbox = await factory(workspace, contract);
            outcome = await attempt.run({
              sandbox,
              workspace,
              outside,
              canary,
              mark,
              contract,
              gateSandbox: options.unwrap?.(sandbox) ?? sandbox,
              listener: { port, connections: () => connections },
            });
          } catch (error) {
            outcome = { blocked: false, detail: `attempt errored: ${short(String(error), 200)}` };
          } finally {
            await sandbox?.dispose().catch(() => undefined);
            delete process.env[canary.name];
            await rm(root, { recursive: true, force: true }).catch(() => undefined);
          }
          record({ attempt: attempt.name, adapter: adapterName, blocked: outcome.blocked, detail: outcome.detail });
          expect(outcome.blocked, `${attempt.name}: ${outcome.detail}`).toBe(true);
        },
        options.timeoutMs ?? 60_000,
      );
    }
  });
}
