#!/usr/bin/env node
/**
 * The `sessionhub` executable. Loads commander and the command tree only; each command imports what it needs
 * when it runs (see docs/cli.md for the exit codes).
 * @module
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { EXIT, type ExitCode } from './exit-codes.js';
import { buildProgram } from './program.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** A `CliError` or any `SessionHubError`, recognised without loading the packages that define them. */
function describeError(error: unknown): { code?: string; message: string; fix?: string; exitCode: ExitCode } {
  const e = error as { code?: unknown; message?: unknown; fix?: unknown; exitCode?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const fix = typeof e?.fix === 'string' ? e.fix : undefined;
  let exitCode: ExitCode = EXIT.sessionFailed;
  if (typeof e?.exitCode === 'number') exitCode = e.exitCode as ExitCode;
  else if (code?.startsWith('sandbox.') || code?.startsWith('store.') || code?.startsWith('git.'))
    exitCode = EXIT.environment;
  else if (code === 'session.not_found' || code === 'session.invalid_state' || code === 'session.invalid_input')
    exitCode = EXIT.badInput;
  else if (code === 'session.owned_elsewhere') exitCode = EXIT.environment;
  return { ...(code ? { code } : {}), message, ...(fix ? { fix } : {}), exitCode };
}

async function main(argv: string[]): Promise<ExitCode> {
  let exit: ExitCode = EXIT.ok;
  const program = buildProgram(version, (code) => {
    exit = code;
  });
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.badInput;
    }
    const d = describeError(error);
    const json = argv.includes('--json');
    if (json) process.stdout.write(`${JSON.stringify({ type: 'cli.error', ...d })}\n`);
    else
      process.stderr.write(
        `sessionhub: ${d.code ? `${d.code}: ` : ''}${d.message}${d.fix ? `\n  fix: ${d.fix}` : ''}\n`,
      );
    return d.exitCode;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // A session left waiting (approval) keeps timers alive; everything the user needs is printed and stored.
    setImmediate(() => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`sessionhub: ${String(error)}\n`);
    process.exit(EXIT.sessionFailed);
  },
);
