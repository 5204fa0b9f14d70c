import { shorten, tailOf } from '../text-cut.js';
import { type ExecutorTool, optionalField, stringField, ToolInputError } from './types.js';

/** `run_command`: a shell command inside the sandbox, with a timeout and capped output. */
export const runCommandTool: ExecutorTool = {
  definition: {
    name: 'run_command',
    description:
      'Run a shell command (through /bin/sh -c) in the sandbox, with the workspace root as the default working ' +
      'directory. Returns the exit code, stdout and stderr. Long output is truncated.',
    input_schema: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The shell command.' },
        cwd: { type: 'string', description: 'Workspace-relative working directory.' },
        timeout_ms: {
          type: 'integer',
          description: 'Kill the command after this many milliseconds (capped by the operator).',
        },
      },
      required: ['command'],
    },
  },
  describe: (input) => `run_command ${shorten(String(input.command), 200)}`,
  async run(input, ctx) {
    const command = stringField(input, 'command');
    const cwd = optionalField(input, 'cwd', 'string');
    const asked = optionalField(input, 'timeout_ms', 'number');
    if (asked !== undefined && !(asked > 0)) throw new ToolInputError('"timeout_ms" must be a positive number');
    // The model chooses a timeout up to the operator's cap, never past it.
    const timeoutMs = Math.min(asked ?? ctx.commandTimeoutMs, ctx.maxCommandTimeoutMs);
    const capped = asked !== undefined && asked > ctx.maxCommandTimeoutMs;
    const result = await ctx.sandbox.exec(command, {
      cwd: cwd || undefined,
      timeoutMs,
      signal: ctx.signal,
      maxOutputBytes: ctx.maxCommandOutputBytes,
    });
    const status = result.timedOut
      ? `timed out after ${timeoutMs} ms`
      : `exit code ${result.exitCode ?? 'null (killed)'}`;
    ctx.emit({
      kind: 'output',
      message: `${status}: ${shorten(command, 200)}`,
      data: {
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        durationMs: result.durationMs,
        ...(result.resources ? { resources: result.resources } : {}),
        stdout: tailOf(result.stdout, 2000),
        stderr: tailOf(result.stderr, 2000),
      },
    });
    const note = capped ? ` (timeout_ms ${asked} was capped at ${ctx.maxCommandTimeoutMs})` : '';
    return `${status}${note}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
  },
};
