/**
 * Opens a SQLite store in a child process (run as another user by the read-only tests) and prints
 * one JSON line: `{ ok: true, ... }` or the error's `code` and `message`.
 * Args: JSON `{ path, readonly?, write? }`; with `write`, it also tries to create a session.
 */
import { openSqliteStore } from '../../src/index.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { path: string; readonly?: boolean; write?: boolean };
try {
  const store = await openSqliteStore({ path: args.path, readonly: args.readonly });
  const sessions = (await store.listSessions()).map((s) => s.id);
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
  console.log(JSON.stringify({ ok: true, sessions, writeError }));
} catch (e) {
  const err = e as { code?: unknown; message?: unknown };
  console.log(JSON.stringify({ ok: false, code: err.code, message: String(err.message) }));
}
