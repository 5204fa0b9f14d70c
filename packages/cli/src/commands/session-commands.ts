import { type SessionHandle, SessionStateError } from '@sessionhub/core';
import { badInput } from '../cli-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { type GlobalOptions, projectContext, projectHub } from './context.js';
import { followSession } from './follow-session.js';

/** Flags of `resume` and `approve`. */
export interface ContinueFlags extends GlobalOptions {
  unisolated?: boolean;
  raiseCostUsd?: string;
  raiseTokens?: string;
}

function notFound(error: unknown): never {
  if (SessionStateError.isInstance(error) && error.code === 'session.not_found') {
    throw badInput('cli.unknown_session', error.message, 'list them with: sessionhub sessions list');
  }
  throw error;
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw badInput('cli.invalid_flags', `${flag} ${value}: give a positive number`);
  return n;
}

/** `sessionhub resume <id>` and `sessionhub approve <id>`: continue a session here and follow it. */
export async function continueCommand(
  action: 'resume' | 'approve',
  id: string,
  flags: ContinueFlags,
): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  const reporter = createReporter(outputMode(flags));
  const app = await projectHub(ctx, {
    ...(flags.unisolated ? { allowUnisolated: true } : {}),
  });
  if (action === 'approve') {
    const costUsd = positive(flags.raiseCostUsd, '--raise-cost-usd');
    const tokens = positive(flags.raiseTokens, '--raise-tokens');
    const raiseBudget = { ...(costUsd ? { costUsd } : {}), ...(tokens ? { tokens } : {}) };
    await app.hub.approve(id, Object.keys(raiseBudget).length > 0 ? { raiseBudget } : {}).catch(notFound);
    reporter.notice(`approved ${id}`);
  }
  let handle: SessionHandle;
  try {
    handle = await app.hub.resume(id);
  } catch (error) {
    // Another live process runs it: an approval was recorded in the log, and that process applies it.
    if (action === 'approve' && SessionStateError.isInstance(error) && error.code === 'session.owned_elsewhere') {
      reporter.report(`approved ${id}; the process that runs it goes on with it`, { id, approved: true });
      reporter.close();
      return EXIT.ok;
    }
    return notFound(error);
  }
  return followSession(app, handle, { reporter });
}

/** `sessionhub reject <id> [reason]` and `sessionhub cancel <id>`: end a session without running anything. */
export async function endCommand(
  action: 'reject' | 'cancel',
  id: string,
  reason: string | undefined,
  flags: GlobalOptions,
): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  const app = await projectHub(ctx, {
    // Nothing runs: the key and the sandbox are never used.
    apiKey: process.env.ANTHROPIC_API_KEY ?? 'not-used-to-end-a-session',
    sandbox: 'unisolated',
  });
  if (action === 'reject') await app.hub.reject(id, reason).catch(notFound);
  else await app.hub.cancel(id).catch(notFound);
  await app.hub.idle();
  const session = await app.hub.get(id);
  const out = createReporter(outputMode(flags));
  out.report(`session ${id}: ${session?.state ?? 'unknown'}`, { id, state: session?.state });
  out.close();
  return EXIT.ok;
}
