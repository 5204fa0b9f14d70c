import { Command } from 'commander';
import type { ExitCode } from './exit-codes.js';

/** Runs a command's action and keeps its exit code. */
type Action = (...args: never[]) => Promise<ExitCode>;

/**
 * The `sessionhub` command tree. Every action is imported when its command runs, so `--help` and `--version`
 * load commander and this file only: no adapter, no engine, no SDK.
 */
export function buildProgram(version: string, setExit: (code: ExitCode) => void): Command {
  const program = new Command('sessionhub')
    .description(
      'Run AI development sessions under the Two-Actor Model: a planner writes the instruction, an executor implements it in a sandbox, the gates verify it.',
    )
    .version(version, '-v, --version')
    .option('-C, --cwd <dir>', 'the project directory (default: the current directory)')
    .option('--json', 'print NDJSON: every session event, then a cli.report line')
    .showHelpAfterError('(sessionhub --help lists the commands)')
    // Throw instead of exiting, in every subcommand too (inherited by commands added below): bin.ts maps usage errors to exit code 2.
    .exitOverride();

  const act =
    <A extends unknown[]>(load: (...args: A) => Promise<ExitCode>) =>
    async (...args: A) => {
      setExit(await load(...args));
    };
  const globals = (cmd: Command) => cmd.optsWithGlobals() as Record<string, never>;

  program
    .command('init')
    .description(
      'create .sessionhub/ (a validated config with the detected gates) and a Foundation document if missing',
    )
    .action(act(async (_o: unknown, cmd: Command) => (await import('./commands/init.js')).initCommand(globals(cmd))));

  program
    .command('run')
    .description('run a session: plan → (approval) → execute → verify → fix rounds → commit → Foundation update')
    .argument('[request...]', 'what the session should achieve, in words')
    .option('--record <file>', 'save every model exchange to a cassette')
    .option('--replay <file>', 'run offline against a cassette; report requests that diverge from it')
    .option('--sandbox <kind>', 'auto | docker | bubblewrap | unisolated')
    .option('--unisolated', 'when no sandbox isolates here, run commands on this machine instead of refusing')
    .option('--approval', 'wait for `sessionhub approve` after planning')
    .action(
      act(async (words: string[], _o: unknown, cmd: Command) =>
        (await import('./commands/run.js')).runCommand(words, globals(cmd)),
      ),
    );

  program
    .command('plan')
    .description('print the instruction the planner writes for a request, and its lint diagnostics; runs nothing')
    .argument('<request...>', 'what the session should achieve')
    .action(
      act(async (words: string[], _o: unknown, cmd: Command) =>
        (await import('./commands/plan.js')).planCommand(words, globals(cmd)),
      ),
    );

  for (const action of ['resume', 'approve'] as const) {
    const c = program
      .command(action)
      .description(
        action === 'resume'
          ? 'continue a paused or interrupted session here'
          : 'approve a session waiting for approval, and run it here',
      )
      .argument('<id>', 'session id')
      .option('--unisolated', 'when no sandbox isolates here, run commands on this machine instead of refusing');
    if (action === 'approve') {
      c.option('--raise-cost-usd <usd>', 'for a session paused at a budget: its new cost limit').option(
        '--raise-tokens <n>',
        'its new token limit',
      );
    }
    c.action(
      act(async (id: string, _o: unknown, cmd: Command) =>
        (await import('./commands/session-commands.js')).continueCommand(action, id, globals(cmd)),
      ),
    );
  }

  program
    .command('reject')
    .description('reject a session waiting for approval (it fails with approval.rejected)')
    .argument('<id>', 'session id')
    .argument('[reason]', 'why')
    .action(
      act(async (id: string, reason: string | undefined, _o: unknown, cmd: Command) =>
        (await import('./commands/session-commands.js')).endCommand('reject', id, reason, globals(cmd)),
      ),
    );

  program
    .command('cancel')
    .description('cancel a session (it ends cancelled; Ctrl-C during a run pauses it instead)')
    .argument('<id>', 'session id')
    .action(
      act(async (id: string, _o: unknown, cmd: Command) =>
        (await import('./commands/session-commands.js')).endCommand('cancel', id, undefined, globals(cmd)),
      ),
    );

  const sessions = program.command('sessions').description('list and show stored sessions');
  sessions
    .command('list')
    .description('the latest sessions')
    .option('--state <state>', 'only sessions in this state')
    .option('--limit <n>', 'at most n sessions (default 20)')
    .action(
      act(async (_o: unknown, cmd: Command) => (await import('./commands/sessions.js')).sessionsList(globals(cmd))),
    );
  sessions
    .command('show')
    .description("a session's report (phases, gates, fix rounds, Foundation, usage)")
    .argument('<id>', 'session id')
    .option('--events', 'also print its event log')
    .action(
      act(async (id: string, _o: unknown, cmd: Command) =>
        (await import('./commands/sessions.js')).sessionsShow(id, globals(cmd)),
      ),
    );

  program
    .command('doctor')
    .description(
      'check Node, bubblewrap, Docker, the API key, the store and the Foundation document; each problem with its fix',
    )
    .action(
      act(async (_o: unknown, cmd: Command) => (await import('./commands/doctor.js')).doctorCommand(globals(cmd))),
    );

  program
    .command('ui')
    .description("start the inspector (@sessionhub/inspector) over this project's store")
    .option('--port <port>', 'port to listen on')
    .action(act(async (_o: unknown, cmd: Command) => (await import('./commands/ui.js')).uiCommand(globals(cmd))));

  program
    .command('demo')
    .description(
      'a whole two-actor session, offline: the example project, a recorded model, a real sandbox, git and SQLite',
    )
    .option('--project <dir>', 'the project to copy (default: examples/demo/project of this clone)')
    .option('--cassette <file>', 'the cassette to replay (default: examples/demo/demo.cassette.json)')
    .action(act(async (_o: unknown, cmd: Command) => (await import('./commands/demo.js')).demoCommand(globals(cmd))));

  return program;
}

export type { Action };
