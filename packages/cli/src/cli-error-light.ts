import { EXIT } from './exit-codes.js';

/**
 * A usage error raised while the command line is read, before any package is loaded (so without
 * `SessionHubError`): `bin.ts` recognises it, like every error, by its `code` and `exitCode`.
 */
export function usageError(code: string, message: string): Error & { code: string; exitCode: number } {
  return Object.assign(new Error(message), { code, exitCode: EXIT.badInput });
}
