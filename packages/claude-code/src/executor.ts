import { type Options, type Query, query, type SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import {
  CancelledError,
  diffWorkspaceSnapshots,
  type ExecuteInput,
  type ExecuteOptions,
  type ExecutionReport,
  type Executor,
  type HostResources,
  type Sandbox,
  snapshotWorkspace,
} from '@sessionhub/core';
import { claudeCodeEnv, isRoot } from './env.js';
import { ClaudeCodeError, resultError } from './errors.js';
import { checkMcpCommandsInSandbox, checkMcpServers, sdkMcpServers } from './mcp.js';
import type { ClaudeCodeExecutorOptions } from './options.js';
import { inSandbox, onHost, type Placement } from './placement.js';
import { ProgressMapper } from './progress.js';
import { executorPrompt } from './prompt.js';
import { redact } from './redact.js';
import { resultUsage } from './usage.js';

const STDERR_TAIL = 2_000;
/** How long the executor waits for Claude Code to exit after its result, so its resource use is reported. */
const RESOURCES_WAIT_MS = 5_000;

/**
 * The Executor actor on Claude Code (`query()` of `@anthropic-ai/claude-agent-sdk`).
 *
 * Claude Code runs INSIDE the session's sandbox (`sandbox.spawn`, default `runIn: 'sandbox'`), so every tool
 * it uses (Write, Edit, Bash, ...) acts inside the same isolation as every other command of the session. Its
 * only way out is a host-side model proxy on a unix socket in the workspace, which forwards Messages API
 * requests to `baseURL` and adds the key: the key never enters the sandbox. The sandbox provider must bind the
 * executable's directory (`hostMounts: claudeCodeMounts()`). `runIn: 'host'` runs it on the host instead.
 *
 * @see packages/claude-code/README.md
 */
export class ClaudeCodeExecutor implements Executor {
  readonly specificationVersion = 1 as const;
  readonly name = 'claude-code';

  /** @throws {ClaudeCodeError} `mcp.invalid_config` for an `mcpServers` entry that cannot work (see the option). */
  constructor(private readonly options: ClaudeCodeExecutorOptions = {}) {
    checkMcpServers(options.mcpServers, options.runIn ?? 'sandbox');
  }

  async execute(input: ExecuteInput, sandbox: Sandbox, opts: ExecuteOptions): Promise<ExecutionReport> {
    const { signal } = opts;
    if (signal.aborted) throw new CancelledError('execution cancelled before it started', { cause: signal.reason });
    const o = this.options;
    const secrets = [o.apiKey, o.env?.ANTHROPIC_API_KEY, o.env?.ANTHROPIC_AUTH_TOKEN];
    const permissionMode = o.permissionMode ?? 'acceptEdits';
    const before = await snapshotWorkspace(sandbox, { signal });
    if ((o.runIn ?? 'sandbox') === 'sandbox') await checkMcpCommandsInSandbox(o.mcpServers, sandbox, signal);
    // Claude Code writes $HOME/.claude: the placement gives it a home of its own for this run.
    const placement: Placement =
      (o.runIn ?? 'sandbox') === 'sandbox' ? await inSandbox(sandbox, o, signal) : await onHost(sandbox, o);
    const mapper = new ProgressMapper(placement.root, secrets, opts.emit, opts.reportUsage);
    const abortController = new AbortController();
    const onAbort = () => abortController.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    // The signal may have fired while the workspace was listed, before the listener was added.
    if (signal.aborted) onAbort();
    let stderr = '';
    const sdkOptions: Options = {
      permissionMode,
      abortController,
      env: claudeCodeEnv({
        home: placement.home,
        apiKey: placement.apiKey,
        baseURL: placement.baseURL,
        permissionMode,
        maxRetries: o.maxRetries,
        extra: o.env,
      }),
      // No user, project or local settings files, no MCP servers but these: the run is configured by these options alone.
      settingSources: [],
      strictMcpConfig: true,
      ...(o.mcpServers
        ? {
            mcpServers: sdkMcpServers(o.mcpServers),
            // Over stdin, not the command line (where a server's env and headers would be visible to `ps`); an
            // executable given by path may predate that, so it keeps the command line.
            mcpServersDelivery: o.pathToClaudeCodeExecutable ? 'argv' : 'initialize',
          }
        : {}),
      stderr: (data) => {
        stderr = (stderr + data).slice(-STDERR_TAIL);
      },
      ...(permissionMode === 'bypassPermissions' && isRoot() ? { allowDangerouslySkipPermissions: true } : {}),
      ...(o.model ? { model: o.model } : {}),
      ...(o.allowedTools ? { allowedTools: o.allowedTools } : {}),
      ...(o.disallowedTools ? { disallowedTools: o.disallowedTools } : {}),
      ...(o.maxTurns !== undefined ? { maxTurns: o.maxTurns } : {}),
      ...(o.pathToClaudeCodeExecutable ? { pathToClaudeCodeExecutable: o.pathToClaudeCodeExecutable } : {}),
      ...placement.sdk,
      ...(o.appendSystemPrompt
        ? { systemPrompt: { type: 'preset', preset: 'claude_code', append: o.appendSystemPrompt } }
        : {}),
    };

    let result: SDKResultMessage | undefined;
    let run: Query | undefined;
    let resources: HostResources | undefined;
    try {
      run = query({ prompt: executorPrompt(input), options: sdkOptions });
      for await (const message of run) {
        if (signal.aborted) break;
        if (message.type === 'result') {
          result = message;
          break;
        }
        mapper.handle(message);
      }
    } catch (err) {
      if (signal.aborted) throw new CancelledError('execution cancelled', { cause: signal.reason });
      const text = err instanceof Error ? err.message : String(err);
      const tail = stderr.trim() ? `; stderr: ${stderr.trim()}` : '';
      throw new ClaudeCodeError('claude_code.process', redact(`Claude Code failed: ${text}${tail}`, secrets), {
        retryable: true,
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
      run?.close();
      await placement.release();
      // What Claude Code and its tools used, once it exited (before killAll, which would end it unmeasured).
      if (!signal.aborted) resources = await placement.resources?.(RESOURCES_WAIT_MS);
      // Nothing Claude Code started outlives its run (background commands, a Bash timeout that only sent
      // SIGTERM): the executor's phase ends with no process of it left in the sandbox.
      if (placement.sdk.spawnClaudeCodeProcess) await sandbox.killAll?.().catch(() => undefined);
    }
    const proxy = placement.proxyUsage?.();
    if (proxy) {
      opts.emit({
        kind: 'output',
        message: `model proxy: ${proxy.requests} requests forwarded, ${proxy.refused} refused`,
        data: { proxy },
      });
    }
    if (signal.aborted) throw new CancelledError('execution cancelled', { cause: signal.reason });
    if (!result) {
      throw new ClaudeCodeError('claude_code.no_result', 'Claude Code ended without a result message', {
        retryable: true,
      });
    }
    for (const denial of result.permission_denials ?? []) {
      opts.emit({
        kind: 'output',
        message: redact(`permission denied for ${denial.tool_name}`, secrets),
        data: { tool: denial.tool_name },
      });
    }
    const error = resultError(result, secrets);
    if (error) throw error;

    const after = await snapshotWorkspace(sandbox, { signal });
    const changed = new Set([...mapper.writtenFiles, ...diffWorkspaceSnapshots(before, after)]);
    return {
      summary: redact(result.subtype === 'success' ? result.result || mapper.lastText : mapper.lastText, secrets),
      changedFiles: [...changed].sort(),
      usage: resultUsage(result),
      turns: result.num_turns,
      ...(resources ? { resources } : {}),
    };
  }
}
