import type { SessionState } from '@sessionhub/core';
import { SessionStateSchema } from '@sessionhub/core';
import { badInput } from '../cli-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { eventLine } from '../output/event-line.js';
import { howToCall } from '../output/how-to-call.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { formatReport, sessionReport } from '../output/session-report.js';
import { table } from '../output/table.js';
import { type GlobalOptions, openProjectStore, projectContext } from './context.js';

/** `sessionhub sessions list [--state <state>] [--limit n]`. */
export async function sessionsList(flags: GlobalOptions & { state?: string; limit?: string }): Promise<ExitCode> {
  let state: SessionState | undefined;
  if (flags.state !== undefined) {
    const parsed = SessionStateSchema.safeParse(flags.state);
    if (!parsed.success) {
      throw badInput(
        'cli.invalid_flags',
        `--state ${flags.state}: expected one of ${SessionStateSchema.options.join(', ')}`,
      );
    }
    state = parsed.data;
  }
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit <= 0)
    throw badInput('cli.invalid_flags', `--limit ${flags.limit}: give a whole number above 0`);
  const ctx = await projectContext(flags);
  const store = await openProjectStore(ctx);
  try {
    const sessions = await store.listSessions({ ...(state ? { state } : {}), limit });
    const out = createReporter(
      outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream),
    );
    const rows = sessions.map((s) => [
      s.id,
      s.state,
      s.version ?? '',
      s.name ?? '',
      s.updatedAt,
      `$${s.usage.costUsd.toFixed(4)}`,
    ]);
    out.report(
      sessions.length === 0 ? 'no sessions yet' : table(['id', 'state', 'version', 'name', 'updated', 'cost'], rows),
      {
        sessions: sessions.map((s) => ({
          id: s.id,
          state: s.state,
          version: s.version,
          name: s.name,
          updatedAt: s.updatedAt,
          usage: s.usage,
        })),
      },
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `sessionhub sessions show <id> [--events]`: the report of a stored session, and its log. */
export async function sessionsShow(id: string, flags: GlobalOptions & { events?: boolean }): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  const store = await openProjectStore(ctx);
  try {
    const session = await store.getSession(id);
    if (!session)
      throw badInput('cli.unknown_session', `session ${id} not found`, 'list them with: sessionhub sessions list');
    const events = await store.readEvents(id);
    const error = session.error
      ? { error: Object.assign(new Error(session.error.message), { code: session.error.code }) }
      : {};
    const data = sessionReport({ session, ...(error as object) } as Parameters<typeof sessionReport>[0], events);
    const out = createReporter(
      outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream),
    );
    for (const e of flags.events ? events : []) {
      if (flags.json) out.event(e);
      else out.notice(`${String(e.seq).padStart(4)} ${e.at} ${e.type}${eventLine(e) ? `  ${eventLine(e)}` : ''}`);
    }
    out.report(formatReport(data, { command: howToCall() }), {
      ...data,
      ...(session.instruction ? { instruction: session.instruction } : {}),
    });
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
