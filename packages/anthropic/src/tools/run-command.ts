import { type ExecutorTool, optionalField, stringField } from './types.js';

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
        timeout_ms: { type: 'integer', description: 'Kill the command after this many milliseconds.' },
      },
      required: ['command'],
    },
  },
  describe: (input) => `run_command ${String(input.command).slice(0, 200)}`,
  async run(input, ctx) {
    const command = stringField(input, 'command');
    const cwd = optionalField(input, 'cwd', 'string');
    const timeoutMs = optionalField(input, 'timeout_ms', 'number') ?? ctx.commandTimeoutMs;
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
      message: `${status}: ${command.slice(0, 200)}`,
      data: {
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        durationMs: result.durationMs,
        stdout: result.stdout.slice(-2000),
        stderr: result.stderr.slice(-2000),
      },
    });
    return `${status}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
  },
};
