import type { ExecOptions, ExecResult, Sandbox } from '@sessionhub/core';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { ClaudeCodeExecutor } from '../../src/index.js';
import { executeInput } from './fixtures.js';

const KEY = 'sk-ant-escape-tools-7a3c';
const EXIT_MARK = '__SESSIONHUB_EXIT=';

/** Shell-quotes one argument. */
const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs one command the way Claude Code's Bash tool runs it: a scripted turn on the fake Messages API asks for
 * Bash with the command, the real Claude Code executable runs it inside the sandbox, and the tool result it
 * sends back becomes the `ExecResult` (stdout and stderr come back merged, the exit code through a marker).
 */
async function throughClaudeCode(sandbox: Sandbox, command: string | string[], opts: ExecOptions): Promise<ExecResult> {
  const text = typeof command === 'string' ? command : command.map(quote).join(' ');
  // A subshell, so that an `exit` in the command still reaches the marker.
  const script = `( ${text}\n) </dev/null; printf '\\n${EXIT_MARK}%s\\n' "$?"`;
  const fake = await startFakeAnthropic({
    apiKey: KEY,
    script: [
      {
        match: match.lastUserContains('Session 1.1'),
        reply: reply.toolUse('Bash', {
          command: script,
          ...(opts.timeoutMs ? { timeout: Math.max(1000, opts.timeoutMs) } : {}),
        }),
      },
      { match: match.toolResult({ name: 'Bash' }), reply: reply.text('Done.') },
    ],
  });
  const started = Date.now();
  try {
    await new ClaudeCodeExecutor({
      apiKey: KEY,
      baseURL: fake.url,
      permissionMode: 'bypassPermissions',
      maxRetries: 0,
    }).execute(executeInput(), sandbox, { signal: AbortSignal.timeout(120_000), emit: () => undefined });
    const messages = ((fake.requests[1]?.body ?? {}) as { messages?: { content: unknown }[] }).messages ?? [];
    const content = messages.at(-1)?.content as { type: string; content?: unknown }[] | undefined;
    const result = content?.find((c) => c.type === 'tool_result')?.content;
    const output =
      typeof result === 'string'
        ? result
        : Array.isArray(result)
          ? result.map((c: { text?: string }) => c.text ?? '').join('')
          : '';
    const exit = new RegExp(`${EXIT_MARK}(\\d+)`).exec(output);
    const timedOut = !exit && /timed out|timeout/i.test(output);
    return {
      exitCode: exit ? Number(exit[1]) : null,
      stdout: output.replace(new RegExp(`\\n?${EXIT_MARK}\\d+\\n?`), ''),
      stderr: '',
      timedOut,
      truncated: false,
      durationMs: Date.now() - started,
    };
  } finally {
    await fake.close();
  }
}

/**
 * The sandbox as Claude Code's tools see it: `exec` goes through Claude Code's Bash tool (inside the sandbox),
 * everything else is the sandbox's own. For running the escape suite "for the Claude Code executor's tools".
 */
export function throughClaudeCodeTools(sandbox: Sandbox): Sandbox {
  const wrapped = new Proxy(sandbox, {
    get(target, property, receiver) {
      if (property === 'exec') {
        return (command: string | string[], opts: ExecOptions = {}) => throughClaudeCode(target, command, opts);
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  unwrapped.set(wrapped, sandbox);
  return wrapped;
}

const unwrapped = new WeakMap<Sandbox, Sandbox>();

/** The sandbox under a {@link throughClaudeCodeTools} wrapper (where the verifier's gates run). */
export function directSandbox(sandbox: Sandbox): Sandbox {
  return unwrapped.get(sandbox) ?? sandbox;
}
