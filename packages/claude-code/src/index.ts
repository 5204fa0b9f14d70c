/**
 * @sessionhub/claude-code: SessionHub's Executor on Claude Code (`@anthropic-ai/claude-agent-sdk`).
 *
 * @see packages/claude-code/README.md (options, permission modes, isolation, usage and errors)
 * @packageDocumentation
 */
export { claudeCodeEnv, type EnvInput } from './env.js';
export { ClaudeCodeError, resultError } from './errors.js';
export { ClaudeCodeExecutor } from './executor.js';
export { bundledClaudeCodeExecutable, claudeCodeMounts } from './in-sandbox.js';
export type { ClaudeCodeExecutorOptions } from './options.js';
export { ProgressMapper, summarizeInput, workspacePath } from './progress.js';
export { EXECUTOR_PREAMBLE, executorPrompt } from './prompt.js';
export {
  ModelProxy,
  type ModelProxyOptions,
  type ModelProxyRefusal,
  type ModelProxyUsage,
} from './proxy/model-proxy.js';
export type { ProxyTokenUsage } from './proxy/usage-tap.js';
export { resultUsage } from './usage.js';
