import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SessionEvent, type SessionHandle, type SessionHub, SessionStateError } from '@sessionhub/core';
import { openDurableHub } from './hub.js';

const USAGE = `usage: session-cli run "<request>" | session-cli resume <session id>

Runs (or resumes) one session and prints JSON lines: {"started":<id>} as soon as the session is
recorded, then its outcome. Environment:
  ANTHROPIC_API_KEY     required
  ANTHROPIC_BASE_URL    the Messages API (default: Anthropic's), e.g. a fake's url
  SESSIONHUB_WORKSPACE  the project directory (default: the current directory)
  SESSIONHUB_STORE      the SQLite file (default: .sessionhub/sessions.db)
  SESSIONHUB_LEASE_MS   how long a claim on a running session lasts unrenewed (default 30000); resume
                        waits (printing {"waiting":...}) while a crashed process's claim runs out`;

/** What the command prints when a session ends. */
export interface SessionOutcome {
  id: string;
  state: string;
  error?: { code: string; message: string };
  /** The Foundation version the session wrote, if it updated the document. */
  foundationVersion?: string;
}

async function outcomeOf(handle: SessionHandle, events: AsyncIterable<SessionEvent>): Promise<SessionOutcome> {
  const { session, error } = await handle.result;
  let foundationVersion: string | undefined;
  for await (const event of events) if (event.type === 'foundation.updated') foundationVersion = event.version;
  return {
    id: session.id,
    state: session.state,
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
    ...(foundationVersion ? { foundationVersion } : {}),
  };
}

/**
 * `hub.resume(id)`, retried while another engine's claim on the session is live: after a crash the dead
 * process's claim blocks for at most the lease (`session.owned_elsewhere` until then).
 */
async function resumeWhenFree(hub: SessionHub, id: string, waitMs: number): Promise<SessionHandle> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await hub.resume(id);
    } catch (error) {
      const owned = SessionStateError.isInstance(error) && error.code === 'session.owned_elsewhere';
      if (!owned || Date.now() > deadline) throw error;
      console.log(JSON.stringify({ waiting: error.message }));
      await sleep(Math.min(1_000, waitMs / 10));
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  const apiKey = process.env.ANTHROPIC_API_KEY;
  if ((command !== 'run' && command !== 'resume') || !arg || !apiKey) {
    console.error(apiKey ? USAGE : `ANTHROPIC_API_KEY is not set\n\n${USAGE}`);
    return 2;
  }
  const leaseMs = Number(process.env.SESSIONHUB_LEASE_MS ?? 30_000);
  const { hub, close } = await openDurableHub({
    apiKey,
    leaseMs,
    baseURL: process.env.ANTHROPIC_BASE_URL,
    workspace: resolve(process.env.SESSIONHUB_WORKSPACE ?? '.'),
    storePath: resolve(process.env.SESSIONHUB_STORE ?? '.sessionhub/sessions.db'),
  });
  try {
    const handle = command === 'run' ? await hub.run({ request: arg }) : await resumeWhenFree(hub, arg, 2 * leaseMs);
    console.log(JSON.stringify({ started: handle.id }));
    const outcome = await outcomeOf(handle, hub.events(handle.id));
    console.log(JSON.stringify(outcome));
    return outcome.state === 'succeeded' ? 0 : 1;
  } finally {
    await close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  console.log(JSON.stringify({ error: { code: code ?? 'unexpected', message: message ?? String(error) } }));
  process.exitCode = 1;
}
