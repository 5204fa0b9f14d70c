/**
 * Decisions made in another process: `approve` and `cancel` on an engine that does not hold the session's
 * live claim are recorded in the log (`decision.requested`) over a shared SQLite file, and the owner in this
 * process applies them.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTs, watchChild } from '@sessionhub/core/testing';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/dir-sandbox.js';
import { expectSoundLog, makeHarness } from './support/harness.js';

const DECIDER = fileURLToPath(new URL('./support/decide-worker.ts', import.meta.url));
const children: Array<{ kill: (s: NodeJS.Signals) => boolean }> = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('decisions from another process', () => {
  /** A session waiting for approval on an engine in this process, over a SQLite file. */
  async function waiting() {
    const dir = await tempDir();
    const store = await openSqliteStore(join(dir, 'store.db'));
    const h = await makeHarness({ store, policy: { requireApproval: true, decisionPollMs: 20 } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    return { h, store, handle, file: join(dir, 'store.db') };
  }

  async function decideElsewhere(file: string, workspace: string, id: string, kind: string): Promise<string> {
    const child = spawnTs(DECIDER, [file, workspace, id, kind]);
    children.push(child);
    const watch = watchChild(child);
    const exit = await watch.exited;
    expect({ exit, stderr: watch.stderr() }).toMatchObject({ exit: { code: 0 } });
    const line = watch.lines.find((l) => l.startsWith('recorded ')) ?? '';
    return line.slice('recorded '.length);
  }

  it('an approve made in another process is recorded and applied by the owner', async () => {
    const { h, store, handle, file } = await waiting();
    try {
      const by = await decideElsewhere(file, h.workspace, handle.id, 'approve');
      const { session } = await handle.result;
      expect(session.state).toBe('succeeded');
      const log = await store.readEvents(handle.id);
      expectSoundLog(log);
      const at = log.findIndex((e) => e.type === 'decision.requested' && e.by === by && e.decision === 'approve');
      expect(at).toBeGreaterThan(0);
      expect(log.slice(at).some((e) => e.type === 'approval.resolved' && e.approved)).toBe(true);
      expect(h.executor.calls).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('a cancel made in another process ends the waiting session cancelled on its owner', async () => {
    const { h, store, handle, file } = await waiting();
    try {
      await decideElsewhere(file, h.workspace, handle.id, 'cancel');
      const { session, error } = await handle.result;
      expect(session.state).toBe('cancelled');
      expect(error).toMatchObject({ code: 'session.cancelled' });
      expect(h.executor.calls).toHaveLength(0);
      expectSoundLog(await store.readEvents(handle.id));
    } finally {
      store.close();
    }
  });
});
