import type { PermissionMode } from '@anthropic-ai/claude-agent-sdk';

/** What {@link claudeCodeEnv} builds the environment from. */
export interface EnvInput {
  home: string;
  apiKey?: string;
  baseURL?: string;
  permissionMode: PermissionMode;
  maxRetries?: number;
  extra?: Record<string, string>;
}

/** Whether this process runs as root (where Claude Code refuses to skip permissions outside a sandbox). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * The whole environment Claude Code runs with. `options.env` of the SDK replaces the environment, so
 * everything it needs is listed here and nothing else of the host's leaks in.
 */
export function claudeCodeEnv(input: EnvInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: input.home,
    // No title generation, update checks or telemetry: only the model calls the session needs.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
  };
  if (input.apiKey) env.ANTHROPIC_API_KEY = input.apiKey;
  if (input.baseURL) env.ANTHROPIC_BASE_URL = input.baseURL;
  if (input.maxRetries !== undefined) env.CLAUDE_CODE_MAX_RETRIES = String(input.maxRetries);
  if (input.permissionMode === 'bypassPermissions' && isRoot()) env.IS_SANDBOX = '1';
  return { ...env, ...input.extra };
}
