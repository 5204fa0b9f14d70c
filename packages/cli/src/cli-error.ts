import { SessionHubError } from '@sessionhub/core';
import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * An error the command reports to the user and exits with: a stable dotted `code` (`cli.*`, `config.*`) and
 * the process exit code it maps to. `fix` says what to do about it.
 */
export class CliError extends SessionHubError {
  constructor(
    code: string,
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown; fix?: string },
  ) {
    super(code, message, options);
    this.fix = options?.fix;
  }
  /** What the user can do about it, when there is something to do. */
  readonly fix: string | undefined;
}

/** Bad input from the user (exit code 2). */
export function badInput(code: string, message: string, fix?: string): CliError {
  return new CliError(code, message, EXIT.badInput, fix === undefined ? undefined : { fix });
}

/** A problem of the machine or its setup (exit code 3). */
export function environmentProblem(code: string, message: string, fix?: string): CliError {
  return new CliError(code, message, EXIT.environment, fix === undefined ? undefined : { fix });
}
