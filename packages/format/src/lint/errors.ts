/** Errors the linter throws: only for input that is neither instruction text nor an Instruction object. */
import { SessionHubError } from '../errors.js';

/** Thrown by `lintInstruction` when its input is not a string or cannot be written as an instruction. */
export class InvalidLintInputError extends SessionHubError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('format.lint_invalid_input', message, options);
  }
}
