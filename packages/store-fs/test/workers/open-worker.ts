/**
 * Opens a directory store in a child process (run as another user by the read-only test) and
 * prints one JSON line: `{ ok: true, sessions, writeError? }` or the error's `code` and `message`.
 * Args: JSON `{ dir, readonly?, write? }`; with `write`, it also tries to create a session.
 */
import { openFsStore } from '../../src/index.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { dir: string; readonly?: boolean; write?: boolean };
try {
  const store = await openFsStore({ dir: args.dir, readonly: args.readonly });
  const sessions = (await store.listSessions()).map((s) => s.id);
  const events = sessions.length > 0 ? (await store.readEvents(sessions[0] as string)).length : 0;
  let writeError: { code?: unknown; message: string } | undefined;
  if (args.write) {
    const now = new Date().toISOString();
    const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
    await store
      .createSession({
        id: 'from-child',
        state: 'created',
        input: { kind: 'request', request: 'x' },
        createdAt: now,
        updatedAt: now,
        tags: [],
        usage,
        fixAttempts: 0,
      })
      .catch((e: { code?: unknown; message: string }) => {
        writeError = { code: e.code, message: e.message };
      });
  }
  await store.close();
  console.log(JSON.stringify({ ok: true, sessions, events, writeError }));
} catch (e) {
  const err = e as { code?: unknown; message?: unknown };
  console.log(JSON.stringify({ ok: false, code: err.code, message: String(err.message) }));
}
