import { resolve } from 'node:path';
import { CassetteRecorder } from '../cassette/recorder.js';
import { type Replay, readCassette, startReplay } from '../cassette/replay.js';
import { badInput } from '../cli-error.js';
import { SANDBOX_KINDS, type SandboxKind } from '../defaults/choose-sandbox.js';
import type { ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { type GlobalOptions, type HubOverrides, projectContext, projectHub } from './context.js';
import { followSession } from './follow-session.js';

/** Flags of `sessionhub run`. */
export interface RunFlags extends GlobalOptions {
  record?: string;
  replay?: string;
  unisolated?: boolean;
  sandbox?: SandboxKind;
  approval?: boolean;
}

/** The API key a replay gives the fake (it checks that one is sent, not which). */
const REPLAY_KEY = 'sessionhub-replay-needs-no-key';

/** `sessionhub run [request...]`: plan, (approve), execute, verify, fix, commit, update the Foundation. */
export async function runCommand(words: string[], flags: RunFlags): Promise<ExitCode> {
  if (flags.record && flags.replay) {
    throw badInput('cli.invalid_flags', '--record and --replay cannot be used together');
  }
  if (flags.sandbox !== undefined && !SANDBOX_KINDS.includes(flags.sandbox)) {
    throw badInput('cli.invalid_flags', `--sandbox ${flags.sandbox}: expected one of ${SANDBOX_KINDS.join(', ')}`);
  }
  const ctx = await projectContext(flags);
  let replay: Replay | undefined;
  let request = words.join(' ').trim();
  if (flags.replay) {
    const cassette = await readCassette(resolve(flags.replay));
    request ||= cassette.request;
    replay = await startReplay(cassette);
  }
  if (!request) throw badInput('cli.no_request', 'say what the session should achieve: sessionhub run "<request>"');
  const reporter = createReporter(outputMode(flags));
  const recorder = flags.record ? new CassetteRecorder(request) : undefined;
  const overrides: HubOverrides = {
    ...(flags.unisolated ? { allowUnisolated: true } : {}),
    ...(flags.sandbox ? { sandbox: flags.sandbox } : {}),
    ...(replay ? { baseURL: replay.url, apiKey: REPLAY_KEY, maxRetries: 0 } : {}),
    ...(recorder ? { fetch: recorder.fetch } : {}),
    ...(flags.approval ? { policy: { ...ctx.config.policy, requireApproval: true } } : {}),
  };
  try {
    const app = await projectHub(ctx, overrides);
    reporter.notice(`sandbox: ${app.sandbox.kind}${app.sandbox.notice ? ` (${app.sandbox.notice})` : ''}`);
    if (replay) reporter.notice(`replaying ${replay.cassette.exchanges.length} recorded model exchanges, offline`);
    const handle = await app.hub.run({ request });
    reporter.notice(`session ${handle.id}`);
    return await followSession(app, handle, {
      reporter,
      ...(replay ? { divergences: () => replay.divergences() } : {}),
      ...(recorder && flags.record ? { record: { recorder, file: resolve(flags.record) } } : {}),
    });
  } finally {
    await replay?.close();
  }
}
