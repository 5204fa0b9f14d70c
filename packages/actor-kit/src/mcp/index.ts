/**
 * MCP servers for the tool-loop executors: stdio servers started inside the session's sandbox, their tools joined
 * to the executor's own.
 * @module
 */
export { checkMcpConfigs, type McpServerConfig } from './config.js';
export { McpServerError } from './errors.js';
export { connectMcpServers, type McpConnection } from './mcp-tools.js';
export { SandboxStdioTransport } from './sandbox-transport.js';
