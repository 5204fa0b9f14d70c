import type { Store } from '../../ports/store.js';

/** What an open worker prints: the store opened (with what it saw) or the error it got. */
export interface OpenWorkerReport {
  ok: boolean;
  /** The error's `code` and `message` when opening failed. */
  code?: string;
  message?: string;
  /** Ids of the sessions listed. */
  sessions?: string[];
  /** Events of the first session listed. */
  events?: number;
  /** The error a `createSession` got, with `write`. */
  writeError?: { code?: string; message: string };
}

/**
 * The body of an open worker child process (run as another user by read-only tests): opens the
 * store, lists sessions, counts the first one's events and, with `write`, tries to create a
 * session; then prints one JSON {@link OpenWorkerReport} line.
 */
export async function runOpenWorker(
  open: (opts: { readonly?: boolean }) => Promise<Store>,
  args: { readonly?: boolean; write?: boolean },
): Promise<void> {
  try {
    const store = await open({ readonly: args.readonly });
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
}
