import type { McpServerConfig, PermissionMode } from '@anthropic-ai/claude-agent-sdk';

/** Options of {@link ClaudeCodeExecutor}. */
export interface ClaudeCodeExecutorOptions {
  /** Model id or alias passed to Claude Code; its own default when omitted. */
  model?: string;
  /**
   * Claude Code's permission mode; default `'acceptEdits'` (file edits allowed, other tools only when
   * listed in `allowedTools`). `'bypassPermissions'` allows every tool; as root it also sets
   * `allowDangerouslySkipPermissions` and `IS_SANDBOX=1`, which Claude Code requires there.
   */
  permissionMode?: PermissionMode;
  /** Tools allowed without asking, e.g. `['Read', 'Write', 'Edit', 'Bash(npm test:*)']`. */
  allowedTools?: string[];
  /** Tools removed from the model's context. */
  disallowedTools?: string[];
  /** Most model turns; past it the execution fails with `claude_code.max_turns`. */
  maxTurns?: number;
  /**
   * Retries of a failed model call inside Claude Code (`CLAUDE_CODE_MAX_RETRIES`); Claude Code's own
   * default (10, with growing back-off) when omitted. It retries even a refused key (401).
   */
  maxRetries?: number;
  /** API key for the Messages API (sent as `ANTHROPIC_API_KEY`). Never read from the host environment. */
  apiKey?: string;
  /** Base URL of the Messages API (sent as `ANTHROPIC_BASE_URL`), e.g. a loopback fake. */
  baseURL?: string;
  /**
   * Extra environment for Claude Code. The host environment is never inherited: Claude Code sees only
   * `PATH` (the host's unless given here), a temporary `HOME`, the API settings above, the switches that
   * turn off telemetry and non-essential traffic, and what is given here.
   */
  env?: Record<string, string>;
  /** Path of the Claude Code executable; the SDK's bundled native one when omitted. */
  pathToClaudeCodeExecutable?: string;
  /**
   * MCP servers for Claude Code, keyed by name (the Agent SDK's `mcpServers`): their tools reach the model
   * as `mcp__<name>__<tool>`, and each call and result is a `tool_call` / `tool_result` progress event.
   * Entries get `alwaysLoad: true` unless they set it: connected before the first model call, their tools
   * there from the first turn. With `runIn: 'sandbox'` Claude Code starts stdio servers itself INSIDE the
   * sandbox: the command and its paths are the sandbox's (its PATH, the workspace at its mount point), and
   * `http`/`sse` servers need the sandbox's network. Refused with `mcp.invalid_config` at construction: a bad
   * name or entry and, in the sandbox, an in-process `sdk` server or a loopback URL; `execute` fails with
   * `mcp.not_in_sandbox` when a stdio command is not found inside the sandbox.
   */
  mcpServers?: Record<string, McpServerConfig>;
  /** Text appended to Claude Code's own system prompt. */
  appendSystemPrompt?: string;
  /**
   * Where Claude Code runs: `'sandbox'` (default) inside the session's sandbox, behind the model proxy, with
   * the key kept on the host; `'host'`: a child process on the host in the workspace, its tools unisolated and
   * the key in its environment.
   */
  runIn?: 'sandbox' | 'host';
  /** Caps of the model proxy (in the sandbox only). */
  proxy?: {
    /** Largest request body in bytes; default 16 MiB. */
    maxRequestBytes?: number;
    /** Most model requests per rolling minute; default 120. */
    maxRequestsPerMinute?: number;
  };
}
