import { McpServerError } from './errors.js';

/** An MCP server the executor starts over stdio inside the session's sandbox. */
export interface McpServerConfig {
  /** Its name: tool names become `mcp__<name>__<tool>`. Letters, digits, `_` and `-`. */
  name: string;
  /** The command and its arguments, run inside the sandbox (e.g. `['node', 'tools/mcp-server.mjs']`). */
  command: string[];
  /** Extra environment for the server (inside the sandbox; never the host's credentials). */
  env?: Record<string, string>;
  /** Working directory, relative to the workspace root. */
  cwd?: string;
  /** Time to answer `initialize` and `tools/list`. Default 30 000 ms. */
  startupTimeoutMs?: number;
  /** Time for one tool call. Default 60 000 ms. */
  callTimeoutMs?: number;
}

const NAME = /^[a-zA-Z0-9_-]{1,32}$/;

/** Throws `McpServerError` (`mcp.invalid_config`) for a config that cannot be used; duplicate names included. */
export function checkMcpConfigs(configs: readonly McpServerConfig[]): void {
  const seen = new Set<string>();
  for (const c of configs) {
    if (!NAME.test(c.name ?? ''))
      throw new McpServerError('mcp.invalid_config', `MCP server name ${JSON.stringify(c.name)} must match ${NAME}`);
    if (seen.has(c.name)) throw new McpServerError('mcp.invalid_config', `two MCP servers are named "${c.name}"`);
    seen.add(c.name);
    if (!Array.isArray(c.command) || c.command.length === 0 || c.command.some((a) => typeof a !== 'string'))
      throw new McpServerError(
        'mcp.invalid_config',
        `MCP server "${c.name}": command must be a non-empty list of strings`,
      );
  }
}
