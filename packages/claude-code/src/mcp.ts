import type { McpServerConfig } from '@anthropic-ai/claude-agent-sdk';
import type { Sandbox } from '@sessionhub/core';
import { ClaudeCodeError } from './errors.js';

/** A server name Claude Code can turn into tool names `mcp__<name>__<tool>`. */
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

const invalid = (message: string) => new ClaudeCodeError('mcp.invalid_config', message, { retryable: false });

/**
 * Checks the `mcpServers` option before any run: names, the fields each transport needs, and, when Claude Code
 * runs in the sandbox (`runIn: 'sandbox'`), the configurations that only make sense on the host: an in-process
 * `sdk` server (its tools would run in this process, outside the sandbox) and an `http`/`sse` URL on the
 * loopback (inside the sandbox that is the sandbox's own loopback, not the host's).
 *
 * @throws {ClaudeCodeError} `mcp.invalid_config` (not retryable).
 */
export function checkMcpServers(servers: Record<string, McpServerConfig> | undefined, runIn: 'sandbox' | 'host'): void {
  for (const [name, config] of Object.entries(servers ?? {})) {
    const where = `MCP server ${JSON.stringify(name)}`;
    if (!NAME.test(name)) throw invalid(`${where}: a name is 1 to 64 of [a-zA-Z0-9_-]`);
    if (typeof config !== 'object' || config === null) throw invalid(`${where}: the configuration is not an object`);
    const type = config.type ?? 'stdio';
    if (type === 'stdio') {
      const { command, args } = config as { command?: unknown; args?: unknown };
      if (typeof command !== 'string' || command.trim() === '') throw invalid(`${where}: stdio needs a command`);
      if (args !== undefined && (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))) {
        throw invalid(`${where}: args must be a list of strings`);
      }
    } else if (type === 'http' || type === 'sse') {
      const url = URL.parse(String((config as { url?: unknown }).url));
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        throw invalid(`${where}: ${type} needs an http(s) url`);
      }
      if (runIn === 'sandbox' && LOOPBACK.has(url.hostname)) {
        throw invalid(
          `${where}: ${url.host} inside the sandbox is the sandbox's own loopback, not the host's: Claude Code runs in the sandbox (runIn: 'sandbox')`,
        );
      }
    } else if (type === 'sdk') {
      if (runIn === 'sandbox') {
        throw invalid(
          `${where}: an in-process (sdk) server runs in this host process, outside the session's sandbox; give a stdio server that runs inside the sandbox, or runIn: 'host'`,
        );
      }
    } else {
      throw invalid(`${where}: unknown type ${JSON.stringify(type)} (stdio, http, sse or sdk)`);
    }
  }
}

/**
 * Checks, inside the sandbox, that the command of every stdio server can be found there (on the sandbox's PATH,
 * or a path as the sandbox sees it, relative to the workspace root): Claude Code starts them itself inside the
 * sandbox and would only report such a server as failed.
 *
 * @throws {ClaudeCodeError} `mcp.not_in_sandbox` (not retryable).
 */
export async function checkMcpCommandsInSandbox(
  servers: Record<string, McpServerConfig> | undefined,
  sandbox: Sandbox,
  signal: AbortSignal,
): Promise<void> {
  for (const [name, config] of Object.entries(servers ?? {})) {
    if ((config.type ?? 'stdio') !== 'stdio') continue;
    const { command } = config as { command: string };
    const found = await sandbox.exec(['/bin/sh', '-c', 'command -v -- "$1"', 'sh', command], {
      signal,
      timeoutMs: 30_000,
    });
    if (found.exitCode !== 0) {
      throw new ClaudeCodeError(
        'mcp.not_in_sandbox',
        `MCP server ${JSON.stringify(name)}: its command ${JSON.stringify(command)} is not found inside the sandbox, where Claude Code starts it: put it in the workspace or the sandbox image (paths as the sandbox sees them, e.g. ${sandbox.mountPoint ?? sandbox.workspace}/...)`,
        { retryable: false },
      );
    }
  }
}

/**
 * The servers as handed to the Agent SDK: every stdio, http and sse server `alwaysLoad: true` unless the entry says
 * otherwise, so Claude Code connects it before the first model call and offers its tools from the first turn (it
 * otherwise connects servers in the background, and a first turn can go without their tools).
 */
export function sdkMcpServers(servers: Record<string, McpServerConfig>): Record<string, McpServerConfig> {
  return Object.fromEntries(
    Object.entries(servers).map(([name, config]) => [
      name,
      config.type === 'sdk' ? config : { alwaysLoad: true, ...config },
    ]),
  );
}
