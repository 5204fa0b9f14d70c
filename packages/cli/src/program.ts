import { type CAC, cac } from 'cac';
import { usageError } from './cli-error-light.js';
import type { ExitCode } from './exit-codes.js';

/** The options of a parsed command line (global and the command's own, camel-cased). */
type Options = Record<string, never>;

/** The help of `--unisolated` on the commands that run a session here. */
const UNISOLATED = 'When no sandbox isolates here, run commands on this machine instead of refusing';

/**
 * The `sessionhub` command tree, on cac (one small file: the whole CLI's start-up stays under 2× a bare
 * `node`). Every action is imported when its command runs, so `--help` and `--version` load cac and this file
 * only: no adapter, no engine, no SDK.
 */
export function buildProgram(version: string, setExit: (code: ExitCode) => void): CAC {
  const cli = cac('sessionhub');
  cli
    .option('-C, --cwd <dir>', 'The project directory (default: the current directory)')
    .option('--json', 'Print NDJSON: every session event, then a cli.report line');

  const act =
    <A extends unknown[]>(load: (...args: A) => Promise<ExitCode>) =>
    async (...args: A) => {
      setExit(await load(...args));
    };
  /** `resume` and `approve`: the session goes on in this process. */
  const continueAction = (kind: 'resume' | 'approve') =>
    act(async (id: string, o: Options) =>
      (await import('./commands/session-commands.js')).continueCommand(kind, id, o),
    );

  cli
    .command(
      'init',
      'Create .sessionhub/ (a validated config with the detected gates) and a Foundation document if missing',
    )
    .action(act(async (o: Options) => (await import('./commands/init.js')).initCommand(o)));

  cli
    .command(
      'run [...request]',
      'Run a session: plan → (approval) → execute → verify → fix rounds → commit → Foundation update',
    )
    .option('--record <file>', 'Save every model exchange to a cassette')
    .option('--replay <file>', 'Run offline against a cassette; report requests that diverge from it')
    .option('--sandbox <kind>', 'auto | docker | bubblewrap | unisolated')
    .option('--unisolated', UNISOLATED)
    .option('--approval', 'Wait for `sessionhub approve` after planning')
    .action(act(async (words: string[], o: Options) => (await import('./commands/run.js')).runCommand(words, o)));

  cli
    .command(
      'plan <...request>',
      'Print the instruction the planner writes for a request, and its lint diagnostics; runs nothing',
    )
    .action(act(async (words: string[], o: Options) => (await import('./commands/plan.js')).planCommand(words, o)));

  cli
    .command('resume <id>', 'Continue a paused or interrupted session here')
    .option('--unisolated', UNISOLATED)
    .action(continueAction('resume'));

  cli
    .command('approve <id>', 'Approve a session waiting for approval, and run it here')
    .option('--raise-cost-usd <usd>', 'For a session paused at a budget: its new cost limit')
    .option('--raise-tokens <n>', 'For a session paused at a budget: its new token limit')
    .option('--unisolated', UNISOLATED)
    .action(continueAction('approve'));

  cli
    .command('reject <id> [reason]', 'Reject a session waiting for approval (it fails with approval.rejected)')
    .action(
      act(async (id: string, reason: string | undefined, o: Options) =>
        (await import('./commands/session-commands.js')).endCommand('reject', id, reason, o),
      ),
    );

  cli
    .command('pause <id>', 'Pause a session another process runs (its step stops; resume continues it)')
    .action(act(async (id: string, o: Options) => (await import('./commands/pause.js')).pauseCommand(id, o)));

  cli
    .command('cancel <id>', 'Cancel a session (it ends cancelled; Ctrl-C during a run pauses it instead)')
    .action(
      act(async (id: string, o: Options) =>
        (await import('./commands/session-commands.js')).endCommand('cancel', id, undefined, o),
      ),
    );

  cli
    .command('sessions <action> [id]', "list: the latest sessions · show <id>: a session's report")
    .option('--state <state>', 'list: only sessions in this state')
    .option('--limit <n>', 'list: at most n sessions (default 20)')
    .option('--events', 'show: also print its event log')
    .action(
      act(async (action: string, id: string | undefined, o: Options) => {
        const sessions = await import('./commands/sessions.js');
        if (action === 'list') return sessions.sessionsList(o);
        if (action === 'show' && id) return sessions.sessionsShow(id, o);
        throw usageError(
          'cli.usage',
          `sessions ${action}${id ? ` ${id}` : ''}: use \`sessions list\` or \`sessions show <id>\``,
        );
      }),
    );

  cli
    .command('library <action> [...query]', 'search <query...>: past sessions ranked by relevance')
    .option('--limit <n>', 'At most n sessions (default 10)')
    .action(
      act(async (action: string, query: string[], o: Options) => {
        if (action !== 'search') throw usageError('cli.usage', `library ${action}: use \`library search <query...>\``);
        return (await import('./commands/library.js')).librarySearch(query, o);
      }),
    );

  cli
    .command(
      'templates <action> [arg]',
      'list · show <name> · use <name> [--var k=v] · save <session id> --name <name>',
    )
    .option('--name <name>', 'save: the template name')
    .option('--var <name=value>', 'use: a template variable (repeat for more)')
    .option('--unisolated', 'use: when no sandbox isolates here, run commands on this machine instead of refusing')
    .action(
      act(async (action: string, arg: string | undefined, o: Options) =>
        (await import('./commands/templates.js')).templatesCommand(action, arg, o),
      ),
    );

  cli
    .command('stats', 'Analytics as tables: success rate, phase durations, usage, failing gates')
    .option('--since <date>', 'Only sessions created since this ISO date')
    .action(act(async (o: Options) => (await import('./commands/stats.js')).statsCommand(o)));

  cli
    .command(
      'deploy <id>',
      "Promote a succeeded session's branch to --target (a release tag); a failing --check rolls it back",
    )
    .option('--target <branch>', 'The branch to promote to')
    .option('--mode <mode>', 'fast-forward (default) or merge')
    .option('--check <command>', 'A post-deploy check, run in a sandbox; failing rolls the target back')
    .option('--version <version>', 'The released version (default: the session version)')
    .option('--unisolated', 'Run the check on this machine when no sandbox isolates here')
    .action(act(async (id: string, o: Options) => (await import('./commands/deploy.js')).deployCommand(id, o)));

  cli
    .command('rollback <version>', 'Return the target branch of a release to that release')
    .option('--force', 'Roll back even though the target moved since the last release')
    .option('--reason <text>', 'Recorded with the rollback')
    .action(
      act(async (version: string, o: Options) => (await import('./commands/deploy.js')).rollbackCommand(version, o)),
    );

  cli
    .command(
      'doctor',
      'Check Node, bubblewrap, Docker, the API key, the store and the Foundation document; each problem with its fix',
    )
    .action(act(async (o: Options) => (await import('./commands/doctor.js')).doctorCommand(o)));

  cli
    .command('ui', "Start the inspector (@sessionhub/inspector) over this project's store")
    .option('--port <port>', 'Port to listen on')
    .action(act(async (o: Options) => (await import('./commands/ui.js')).uiCommand(o)));

  cli
    .command(
      'demo',
      'A whole two-actor session, offline: the example project, a recorded model, a real sandbox, git and SQLite',
    )
    .option('--project <dir>', 'The project to copy (default: examples/demo/project of this clone)')
    .option('--cassette <file>', 'The cassette to replay (default: examples/demo/demo.cassette.json)')
    .action(act(async (o: Options) => (await import('./commands/demo.js')).demoCommand(o)));

  cli.help();
  cli.version(version, '-v, --version');
  return cli;
}
