#!/usr/bin/env node
/**
 * The `sessionhub` executable. Loads cac and the command tree only; each command imports what it needs when it
 * runs (see docs/cli.md for the exit codes).
 * @module
 */
import { readFileSync } from 'node:fs';
import { EXIT, type ExitCode } from './exit-codes.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** What the user is told about an error; recognised by its fields, without loading the packages that define it. */
function describeError(error: unknown): { code?: string; message: string; fix?: string; exitCode: ExitCode } {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; fix?: unknown; exitCode?: unknown };
  const code = typeof e?.code === 'string' ? e.code : e?.name === 'CACError' ? 'cli.usage' : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const fix = typeof e?.fix === 'string' ? e.fix : undefined;
  let exitCode: ExitCode = EXIT.sessionFailed;
  if (typeof e?.exitCode === 'number') exitCode = e.exitCode as ExitCode;
  else if (code === 'cli.usage') exitCode = EXIT.badInput;
  else if (code?.startsWith('sandbox.') || code?.startsWith('store.') || code?.startsWith('git.'))
    exitCode = EXIT.environment;
  else if (code === 'session.owned_elsewhere') exitCode = EXIT.environment;
  else if (code === 'session.not_found' || code === 'session.invalid_state' || code === 'session.invalid_input') {
    exitCode = EXIT.badInput;
  }
  return { ...(code ? { code } : {}), message, ...(fix ? { fix } : {}), exitCode };
}

async function main(argv: string[]): Promise<ExitCode> {
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-v')) {
    // The fast path: nothing else to load (the same line cac prints).
    process.stdout.write(`sessionhub/${version} ${process.platform}-${process.arch} node-${process.version}\n`);
    return EXIT.ok;
  }
  let exit: ExitCode = EXIT.ok;
  const { buildProgram } = await import('./program.js');
  const cli = buildProgram(version, (code) => {
    exit = code;
  });
  try {
    const { args, options } = cli.parse(argv, { run: false });
    if (options.help || options.version) return EXIT.ok;
    if (!cli.matchedCommand) {
      if (args.length === 0) {
        cli.outputHelp();
        return EXIT.badInput;
      }
      throw Object.assign(new Error(`unknown command '${args[0]}' (sessionhub --help lists the commands)`), {
        code: 'cli.usage',
      });
    }
    await cli.runMatchedCommand();
    return exit;
  } catch (error) {
    const d = describeError(error);
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ type: 'cli.error', ...d })}\n`);
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
