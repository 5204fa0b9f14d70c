import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { NewSessionEvent } from '../../model/events.js';
import type { Store } from '../../ports/store.js';
import { type ConformanceCase, type ConformanceOptions, registerCases } from '../conformance/cases.js';
import { STORE_ERROR_CODES } from '../conformance/store-error-codes.js';
import type { AppendWorkerArgs } from './append-worker.js';
import { ackedSeqs, waitForAcks, waitForLine, watchChild } from './child-process.js';
import { expectCrashTrialsSound, runCrashTrials } from './crash-trials.js';
import { expectLedgerSound, FaultLedger } from './fault-ledger.js';
import { sessionOf, tempDir } from './fixtures.js';
import { mountFaultTmpfs } from './tmpfs.js';

/** What the fault suite needs from a durable store adapter. */
export interface DurableStoreFaultAdapter {
  /** Opens (creating when needed) the store kept in directory `dir`. */
  open(dir: string): Promise<Store>;
  /** Starts the adapter's append worker (a script calling `runAppendWorker`) on the store in `dir`. */
  spawnAppender(dir: string, args: AppendWorkerArgs): ChildProcess;
  /**
   * How long a writer that stopped while holding the store's lock keeps others waiting before
   * they take over (a lock's stale time) or are refused (a busy timeout), in ms, for stores
   * opened by `open` and the worker. The stall case stops the worker longer than this.
   */
  stallMs: number;
}

interface FaultContext {
  adapter: DurableStoreFaultAdapter;
}

type FaultCase = ConformanceCase<FaultContext>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const KIB = 1024;

/** Why tmpfs faults cannot run here, or `undefined` when a tmpfs can be mounted (probed once). */
function tmpfsSkipReason(): string | undefined {
  if (process.platform !== 'linux') return `tmpfs faults need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'tmpfs faults need root to mount a small file system';
  const point = mkdtempSync(join(tmpdir(), 'sessionhub-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=65536', 'tmpfs', point], { stdio: 'pipe' });
    execFileSync('umount', [point], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    // In CI the case runs anyway, and fails with the reason.
    if (process.env.CI === 'true') return undefined;
    return `cannot mount a tmpfs here (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  } finally {
    rmSync(point, { recursive: true, force: true });
  }
}

function events(sessionId: string, tag: string, count: number, bytes: number): NewSessionEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'executor.progress' as const,
    sessionId,
    kind: 'output' as const,
    message: `${tag}:${i}:${'x'.repeat(Math.max(0, Math.floor(bytes / count)))}`,
  }));
}

const template = (id: string, bytes: number) => ({
  id,
  name: `template ${id}`,
  text: `Do {{thing}} ${'y'.repeat(bytes)}`,
  variables: [{ name: 'thing', type: 'string' as const, required: true }],
  tags: ['fault'],
  createdAt: '2026-03-02T09:00:00.000Z',
  updatedAt: '2026-03-02T09:00:00.000Z',
});

const version = (n: number, bytes: number) => ({
  version: `1.${n}`,
  sessionId: 'base',
  path: 'FOUNDATION.md',
  text: `# Foundation 1.${n}\n${'z'.repeat(bytes)}`,
  at: new Date(Date.UTC(2026, 2, 2, 9, n)).toISOString(),
});

type WriteKind = 'appendEvents' | 'updateSession' | 'createSession' | 'putTemplate' | 'addFoundationVersion';
const WRITE_KINDS: WriteKind[] = [
  'appendEvents',
  'updateSession',
  'createSession',
  'putTemplate',
  'addFoundationVersion',
];

/** One write of `kind` with about `bytes` of payload, recorded in the ledger. */
function write(ledger: FaultLedger, store: Store, kind: WriteKind, n: number, bytes: number): Promise<boolean> {
  switch (kind) {
    case 'appendEvents':
      return ledger.appendEvents(store, 'base', events('base', `batch-${n}`, 40, bytes));
    case 'updateSession':
      return ledger.updateSession(store, 'base', { summary: `update ${n} ${'s'.repeat(bytes)}` });
    case 'createSession':
      return ledger.createSession(
        store,
        sessionOf(`created-${n}`, { name: `created ${n}`, instruction: 'i'.repeat(bytes) }),
      );
    case 'putTemplate':
      return ledger.putTemplate(store, template(`t-${n % 3}`, bytes));
    case 'addFoundationVersion':
      return ledger.addFoundationVersion(store, version(n, bytes));
  }
}

async function seedBase(ledger: FaultLedger, store: Store): Promise<void> {
  const seeded = [
    await ledger.createSession(store, sessionOf('base', { name: 'base session' })),
    await ledger.appendEvents(store, 'base', events('base', 'seed', 5, 500)),
    await ledger.putTemplate(store, template('t-0', 100)),
    await ledger.addFoundationVersion(store, version(0, 100)),
  ];
  expect(seeded, 'seeding the store before the fault must succeed').toEqual([true, true, true, true]);
}

/** Reopens the store, checks the ledger on it, and that appends continue after the last seq. */
async function expectReopenSound(
  adapter: DurableStoreFaultAdapter,
  dir: string,
  ledger: FaultLedger,
  when: string,
  sessionId = 'base',
) {
  const reopened = await adapter.open(dir);
  try {
    await expectLedgerSound(reopened, ledger, `${when}, reopened`);
    const last = (await reopened.readEvents(sessionId)).length;
    const [next] = await reopened.appendEvents(sessionId, events(sessionId, 'after', 1, 10));
    expect(next?.seq, `${when}, reopened: the next append must get seq last + 1`).toBe(last + 1);
  } finally {
    await reopened.close();
  }
}

const diskFull: FaultCase = {
  group: 'faults',
  name: 'the disk fills during each kind of write',
  async run({ adapter }) {
    const mounted = await mountFaultTmpfs(16 * KIB * KIB);
    if (!mounted.mount) throw new Error(mounted.skip);
    const { mount } = mounted;
    try {
      const store = await adapter.open(mount.dir);
      const ledger = new FaultLedger();
      await seedBase(ledger, store);
      let n = 1;
      // No room at all, less than a page, and part of the payload: each makes a different short write.
      for (const leave of [0, 3 * KIB, 40 * KIB]) {
        for (const kind of WRITE_KINDS) {
          await mount.fill(leave);
          await write(ledger, store, kind, n++, 120 * KIB);
          // A second write while still full: a tail moved by a failed write would show here.
          await write(ledger, store, 'appendEvents', n++, 2 * KIB);
          await mount.free();
          expect(
            await write(ledger, store, kind, n++, 1 * KIB),
            `${kind}: once space is back the store must write again (refusals so far: ${ledger.failures.map((f) => f.what).join(', ')})`,
          ).toBe(true);
        }
      }
      const refusedKinds = new Set(ledger.failures.map((f) => f.what.split(' ')[0]));
      expect([...refusedKinds].sort(), 'the full disk must have refused every kind of write at least once').toEqual(
        [...WRITE_KINDS].sort(),
      );
      await expectLedgerSound(store, ledger, 'after the disk filled');
      await store.close();
      await expectReopenSound(adapter, mount.dir, ledger, 'after the disk filled');
    } finally {
      await mount.dispose();
    }
  },
};

const readOnly: FaultCase = {
  group: 'faults',
  name: 'the file system turns read-only',
  async run({ adapter }) {
    const mounted = await mountFaultTmpfs(16 * KIB * KIB);
    if (!mounted.mount) throw new Error(mounted.skip);
    const { mount } = mounted;
    try {
      let store = await adapter.open(mount.dir);
      const ledger = new FaultLedger();
      await seedBase(ledger, store);
      const remounted = await mount.readOnly().then(
        () => true,
        () => false,
      );
      if (!remounted) {
        // The store keeps files open for writing (a database): a remount must wait until it closes.
        await store.close();
        await mount.readOnly();
        const refused = await adapter.open(mount.dir).then(
          async (s) => {
            // Opened (read-only, say): then every write must be refused, typed.
            store = s;
            return undefined;
          },
          (error: unknown) => error,
        );
        if (refused !== undefined) {
          const e = refused as { name?: unknown; code?: unknown };
          expect(
            e.name === 'StoreError' && String(e.code) in STORE_ERROR_CODES,
            `opening on a read-only file system must fail with a typed StoreError, got ${String(refused)}`,
          ).toBe(true);
          await mount.writable();
          await expectReopenSound(adapter, mount.dir, ledger, 'after the file system was read-only');
          return;
        }
      }
      let n = 1;
      for (const kind of WRITE_KINDS) {
        expect(
          await write(ledger, store, kind, n++, 2 * KIB),
          `${kind} on a read-only file system must be refused`,
        ).toBe(false);
      }
      await expectLedgerSound(store, ledger, 'while the file system is read-only');
      await mount.writable();
      for (const kind of WRITE_KINDS) {
        expect(await write(ledger, store, kind, n++, 2 * KIB), `${kind} once writable again must succeed`).toBe(true);
      }
      await expectLedgerSound(store, ledger, 'after the file system was read-only');
      await store.close();
      await expectReopenSound(adapter, mount.dir, ledger, 'after the file system was read-only');
    } finally {
      await mount.dispose();
    }
  },
};

const stalledWriter: FaultCase = {
  group: 'faults',
  name: 'a writer stalls (SIGSTOP) past the lock’s patience and another writes meanwhile',
  async run({ adapter }) {
    const { dir, remove } = await tempDir('sessionhub-stall-');
    try {
      const setup = await adapter.open(dir);
      await setup.createSession(sessionOf('stall'));
      await setup.close();
      const child = adapter.spawnAppender(dir, {
        sessionId: 'stall',
        workerId: 'child',
        appends: 0,
        batchSizes: [1, 3, 2],
        waitForGo: true,
        continueOnError: true,
      });
      const watch = watchChild(child);
      await waitForLine(watch, 'ready');
      child.stdin?.write('go\n');
      const parent = await adapter.open(dir);
      const ledger = new FaultLedger();
      try {
        for (let round = 0; round < 3; round++) {
          await waitForAcks(watch, (round + 1) * 20, 10_000);
          child.kill('SIGSTOP');
          const stoppedAt = Date.now();
          // The parent writes while the child stands still, possibly holding the lock.
          await ledger.appendEvents(parent, 'stall', events('stall', `parent-${round}`, 2, 20));
          await sleep(Math.max(0, adapter.stallMs + 500 - (Date.now() - stoppedAt)));
          await ledger.appendEvents(parent, 'stall', events('stall', `parent-late-${round}`, 2, 20));
          child.kill('SIGCONT');
        }
        await waitForAcks(watch, ackedSeqs(watch.lines).length + 10, 10_000);
      } finally {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        await watch.exited;
      }
      const childErrors = watch.lines.filter((l) => l.startsWith('error '));
      for (const line of childErrors) {
        expect(line.slice(6) in STORE_ERROR_CODES, `the stalled writer must fail typed, got "${line}"`).toBe(true);
      }
      await expectLedgerSound(parent, ledger, 'after a writer stalled');
      const stored = await parent.readEvents('stall');
      for (const seq of ackedSeqs(watch.lines)) {
        const event = stored[seq - 1];
        expect(
          event?.type === 'executor.progress' && event.message.startsWith('child:'),
          `seq ${seq}, acknowledged to the stalled writer, must hold its event`,
        ).toBe(true);
      }
      await parent.close();
      await expectReopenSound(adapter, dir, ledger, 'after a writer stalled', 'stall');
    } finally {
      await remove();
    }
  },
};

const killedWriter: FaultCase = {
  group: 'faults',
  name: 'a process dies mid-write (SIGKILL)',
  async run({ adapter }) {
    const { dir, remove } = await tempDir('sessionhub-kill-');
    try {
      const results = await runCrashTrials({
        trials: 6,
        seed: 12,
        maxKillAfterAcks: 40,
        maxKillDelayMs: 15,
        open: () => adapter.open(dir),
        spawnAppender: (args) => adapter.spawnAppender(dir, args),
      });
      expectCrashTrialsSound(results);
    } finally {
      await remove();
    }
  },
};

const ODD_IDS = [
  '.',
  '..',
  '...',
  'a/b',
  '../escape',
  '~tilde',
  'CON',
  ' ',
  'tab\there',
  'new\nline',
  'x.lock',
  'session.json',
  'é'.repeat(60),
  '😀'.repeat(20),
  'A'.repeat(100),
  'a'.repeat(101),
  'Mixed',
  'mixed-',
];

const oddInput: FaultCase = {
  group: 'faults',
  name: 'odd ids and values survive a reopen; invalid ones are refused typed',
  async run({ adapter }) {
    const { dir, remove } = await tempDir('sessionhub-odd-');
    try {
      const store = await adapter.open(dir);
      const ledger = new FaultLedger();
      let deep: unknown = 'bottom';
      for (let i = 0; i < 100; i++) deep = { down: deep };
      for (const id of ODD_IDS) {
        const session = sessionOf(id, {
          name: `odd \u2028\u2029 \u0000 "${id}"`,
          tags: ['😀', 'x y'],
          input: { kind: 'template', template: 'tpl', variables: { deep: deep as string, big: 1e308, small: 5e-324 } },
        });
        expect(await ledger.createSession(store, session), `createSession(${JSON.stringify(id)}) must succeed`).toBe(
          true,
        );
        expect(await ledger.appendEvents(store, id, events(id, 'odd', 2, 10))).toBe(true);
      }
      for (const bad of ['lone\ud800', 'lone\udc00']) {
        const error = await store.createSession(sessionOf(bad)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, `createSession(${JSON.stringify(bad)}) must be refused with store.invalid_value`).toMatchObject({
          code: 'store.invalid_value',
        });
      }
      expect((await store.listSessions()).map((s) => s.id).sort()).toEqual([...ODD_IDS].sort());
      await expectLedgerSound(store, ledger, 'with odd ids and values');
      await store.close();
      const reopened = await adapter.open(dir);
      try {
        await expectLedgerSound(reopened, ledger, 'with odd ids and values, reopened');
        expect((await reopened.listSessions()).map((s) => s.id).sort()).toEqual([...ODD_IDS].sort());
      } finally {
        await reopened.close();
      }
    } finally {
      await remove();
    }
  },
};

const conditionalRace: FaultCase = {
  group: 'faults',
  name: 'processes racing one conditional append: exactly one wins',
  async run({ adapter }) {
    const { dir, remove } = await tempDir('sessionhub-cas-');
    try {
      const setup = await adapter.open(dir);
      await setup.createSession(sessionOf('cas'));
      await setup.appendEvents('cas', events('cas', 'seed', 2, 10));
      await setup.close();
      const workers = Array.from({ length: 4 }, (_, w) => {
        const child = adapter.spawnAppender(dir, {
          sessionId: 'cas',
          workerId: `w${w}`,
          appends: 1,
          batchSizes: [2],
          waitForGo: true,
          expectedSeq: 2,
          continueOnError: true,
        });
        return { child, watch: watchChild(child) };
      });
      await Promise.all(workers.map((w) => waitForLine(w.watch, 'ready')));
      for (const w of workers) w.child.stdin?.write('go\n');
      for (const w of workers) expect((await w.watch.exited).code, w.watch.stderr()).toBe(0);
      const acked = workers.map((w) => ackedSeqs(w.watch.lines));
      const winners = acked.flatMap((seqs, w) => (seqs.length > 0 ? [w] : []));
      expect(winners, 'of processes appending with the same expectedSeq exactly one must succeed').toHaveLength(1);
      expect(acked[winners[0] as number]).toEqual([3, 4]);
      for (const [w, worker] of workers.entries()) {
        if (w !== winners[0])
          expect(worker.watch.lines, 'the others must get store.conflict').toContain('error store.conflict');
      }
      const store = await adapter.open(dir);
      try {
        const stored = await store.readEvents('cas');
        expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect(
          stored.slice(2).every((e) => e.type === 'executor.progress' && e.message.startsWith(`w${winners[0]}:`)),
        ).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      await remove();
    }
  },
};

/** Every fault case, in report order. */
export const DURABLE_FAULT_CASES: readonly FaultCase[] = [
  diskFull,
  readOnly,
  stalledWriter,
  killedWriter,
  oddInput,
  conditionalRace,
];

/**
 * Registers the durable-store fault suite with vitest: the faults users meet (a disk that
 * fills during each kind of write, a file system turned read-only, a writer stalled past the
 * lock's patience while another writes, a process killed mid-write, odd ids and values, and
 * processes racing a conditional append), each followed by the invariants of
 * {@link expectLedgerSound}: every refusal a typed `StoreError`, every acknowledged write
 * readable, nothing refused visible in part, seqs gap-free and unique, and the store reopens.
 *
 * Disk faults mount a small tmpfs, which needs Linux and root; elsewhere they are skipped with
 * the reason (with `CI=true` they run and fail instead of skipping).
 */
export function describeDurableStoreFaults(
  name: string,
  adapter: DurableStoreFaultAdapter,
  options: ConformanceOptions = {},
): void {
  const reason = tmpfsSkipReason();
  const skip = { ...options.skip };
  if (reason !== undefined) {
    for (const c of [diskFull, readOnly]) skip[c.name] ??= reason;
  }
  registerCases(`Durable store faults: ${name}`, DURABLE_FAULT_CASES, { timeoutMs: 120_000, ...options, skip }, (c) =>
    c.run({ adapter }),
  );
}
