import { SessionHubError } from '@sessionhub/core';

/**
 * An MCP server could not be used: `mcp.unsupported_sandbox` (the sandbox has no `spawn`), `mcp.start_failed`
 * (it exited or failed before answering `initialize`), `mcp.timeout` (no answer to `initialize`, `tools/list` or a
 * call within its time limit), `mcp.server_exited` (it exited while a call was in flight), `mcp.invalid_config`.
 * A failed tool call reaches the model as an error result naming the code; a server that cannot start fails the
 * execution with this error.
 */
export class McpServerError extends SessionHubError {}
