import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCassette, startReplay } from '../cassette/replay.js';
import { environmentProblem } from '../cli-error.js';
import type { ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { pathExists } from '../path-exists.js';
import { type GlobalOptions, projectContext, projectHub } from './context.js';
import { copyTypeScript, prepareProject } from './demo-project.js';
import { followSession } from './follow-session.js';

/** The demo's files in a clone of SessionHub: the example project and the cassette it replays. */
export const DEMO_DIR = 'examples/demo';

/** The API key a replay gives the fake (it checks that one is sent, not which). */
const REPLAY_KEY = 'sessionhub-replay-needs-no-key';

/** `examples/demo` of the clone this CLI runs from (walking up from this file). */
async function findDemoDir(): Promise<string | undefined> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, DEMO_DIR);
    if (await pathExists(join(candidate, 'project', 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * `sessionhub demo`: a whole two-actor session, offline: the example project copied to a temp git repository,
 * the real Anthropic planner and executor against the fake Messages API replaying the committed cassette, the
 * best sandbox available (unisolated, with a notice, when none is: the demo's actions are a fixed recording),
 * the project's typecheck and test gates, a failed first attempt, a fix, commits and the Foundation bump, in a
 * SQLite store inside the temp project.
 */
export async function demoCommand(flags: GlobalOptions & { project?: string; cassette?: string }): Promise<ExitCode> {
  const demoDir = flags.project && flags.cassette ? undefined : await findDemoDir();
  const source = flags.project ? resolve(flags.project) : demoDir && join(demoDir, 'project');
  const cassetteFile = flags.cassette ? resolve(flags.cassette) : demoDir && join(demoDir, 'demo.cassette.json');
  if (!source || !cassetteFile) {
    throw environmentProblem(
      'cli.demo_unavailable',
      `the demo's project and cassette (${DEMO_DIR}) are not found next to this CLI`,
      'run the demo from a clone of SessionHub (npm ci && npm run demo), or pass --project <dir> --cassette <file>',
    );
  }
  const reporter = createReporter(outputMode(flags));
  const cassette = await readCassette(cassetteFile);
  const project = await prepareProject(source);
  reporter.notice(`demo project: ${project} (a git repository; sessions work in their own worktree and branch)`);
  const replay = await startReplay(cassette);
  try {
    const ctx = await projectContext({ cwd: project });
    const app = await projectHub(ctx, {
      baseURL: replay.url,
      apiKey: REPLAY_KEY,
      maxRetries: 0,
      allowUnisolated: true,
      prepareWorkspace: (dir) => copyTypeScript(dir),
    });
    const { kind, notice } = app.sandbox;
    reporter.notice(`sandbox: ${kind}`);
    if (notice) {
      reporter.notice(
        kind === 'unisolated'
          ? `NOTICE: ${notice}. The demo runs anyway: its actions are a fixed recording.`
          : `note: ${notice}`,
      );
    }
    reporter.notice(
      `model: the real AnthropicPlanner and AnthropicExecutor, against a local fake replaying ${cassette.exchanges.length} recorded exchanges`,
    );
    reporter.notice(`request: ${cassette.request}`);
    const handle = await app.hub.run({ request: cassette.request });
    const code = await followSession(app, handle, {
      reporter,
      divergences: () => replay.divergences(),
      cwd: project,
    });
    await app.close();
    return code;
  } finally {
    await replay.close();
  }
}
