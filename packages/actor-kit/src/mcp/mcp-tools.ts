import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Sandbox } from '@sessionhub/core';
import type { ExecutorTool } from '../tools/index.js';
import { checkMcpConfigs, type McpServerConfig } from './config.js';
import { McpServerError } from './errors.js';
import { SandboxStdioTransport } from './sandbox-transport.js';

/** The tools of the connected servers, and how to stop them. */
export interface McpConnection {
  /** One executor tool per MCP tool, named `mcp__<server>__<tool>`. */
  tools: ExecutorTool[];
  /** Closes every client and kills every server. */
  close(): Promise<void>;
}

/**
 * Starts each server inside `sandbox` (stdio over `Sandbox.spawn`), initializes an MCP client on it and lists its
 * tools. A server that fails to start or does not answer within `startupTimeoutMs` fails the whole connection with
 * `McpServerError` (servers already started are stopped). A tool call that fails because its server exited or did
 * not answer within `callTimeoutMs` throws `McpServerError` (`mcp.server_exited`, `mcp.timeout`); the executor sends
 * that to the model as an error result. A result with `isError` is an error result too.
 */
export async function connectMcpServers(
  configs: readonly McpServerConfig[],
  sandbox: Sandbox,
  opts: { signal: AbortSignal },
): Promise<McpConnection> {
  checkMcpConfigs(configs);
  const open: { client: Client; transport: SandboxStdioTransport }[] = [];
  const close = async () => {
    await Promise.allSettled(open.map(({ client }) => client.close()));
  };
  const tools: ExecutorTool[] = [];
  try {
    for (const config of configs) {
      const transport = new SandboxStdioTransport(sandbox, config, opts.signal);
      const client = new Client({ name: 'sessionhub-executor', version: '0.1.0' });
      open.push({ client, transport });
      const startup = { timeout: config.startupTimeoutMs ?? 30_000, signal: opts.signal };
      try {
        await client.connect(transport, startup);
        const listed = await client.listTools(undefined, startup);
        for (const t of listed.tools) tools.push(mcpTool(config, client, transport, t, opts.signal));
      } catch (err) {
        throw mcpError(err, config, transport, 'start');
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { tools, close };
}

type ListedTool = Awaited<ReturnType<Client['listTools']>>['tools'][number];

function mcpTool(
  config: McpServerConfig,
  client: Client,
  transport: SandboxStdioTransport,
  t: ListedTool,
  signal: AbortSignal,
): ExecutorTool {
  const name = `mcp__${config.name}__${t.name}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return {
    definition: {
      name,
      description: `${t.description ?? t.name} (MCP server "${config.name}")`,
      input_schema: { ...t.inputSchema, type: 'object' },
    },
    describe: () => `${config.name}.${t.name} (MCP)`,
    async run(input) {
      let result: Awaited<ReturnType<Client['callTool']>>;
      try {
        result = await client.callTool({ name: t.name, arguments: input }, undefined, {
          timeout: config.callTimeoutMs ?? 60_000,
          signal,
        });
      } catch (err) {
        throw mcpError(err, config, transport, 'call');
      }
      const content = Array.isArray(result.content) ? result.content : [];
      const text = content
        .map((c: { type: string; text?: string }) => (c.type === 'text' ? (c.text ?? '') : `[${c.type} content]`))
        .join('\n');
      if (result.isError) throw new Error(text || `${config.name}.${t.name} reported an error`);
      return text;
    },
  };
}

function mcpError(
  err: unknown,
  config: McpServerConfig,
  transport: SandboxStdioTransport,
  during: 'start' | 'call',
): McpServerError {
  if (McpServerError.isInstance(err)) return err as McpServerError;
  const raw = err instanceof Error ? err.message : String(err);
  const stderr = transport.stderr.trim() ? `; its stderr ends: ${transport.stderr.trim().slice(-500)}` : '';
  const exit = transport.exit;
  const code = exit
    ? during === 'start'
      ? 'mcp.start_failed'
      : 'mcp.server_exited'
    : /timed out|timeout/i.test(raw)
      ? 'mcp.timeout'
      : during === 'start'
        ? 'mcp.start_failed'
        : 'mcp.error';
  const what = during === 'start' ? 'could not be started' : 'failed during a tool call';
  return new McpServerError(code, `MCP server "${config.name}" ${what}${exit ? ` (${exit})` : ''}: ${raw}${stderr}`, {
    cause: err,
  });
}
