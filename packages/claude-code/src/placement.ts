import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Options } from '@anthropic-ai/claude-agent-sdk';
import { addHostResources, type HostResources, type Sandbox, type SandboxProcess } from '@sessionhub/core';
import { ClaudeCodeError } from './errors.js';
import { bundledClaudeCodeExecutable, sandboxSpawner } from './in-sandbox.js';
import type { ClaudeCodeExecutorOptions } from './options.js';
import { ModelProxy, type ModelProxyUsage } from './proxy/model-proxy.js';

/** Where one run of Claude Code happens, and what to undo afterwards. */
export interface Placement {
  /** Claude Code's working directory as it sees it (the sandbox's mount point, or the host workspace). */
  root: string;
  /** `HOME` for Claude Code. */
  home: string;
  /** SDK options that put the process there. */
  sdk: Partial<Options>;
  /** What reaches Claude Code as `ANTHROPIC_API_KEY` / `ANTHROPIC_BASE_URL` (none of the real key inside). */
  apiKey?: string;
  baseURL?: string;
  /** The model proxy's record, when Claude Code runs in the sandbox. */
  proxyUsage?: () => ModelProxyUsage;
  /**
   * What the Claude Code processes started in the sandbox took from the host, once they exited (waiting up to
   * `waitMs` for them), summed; undefined when the sandbox measured none. Their tools' commands are their
   * descendants, so they are included.
   */
  resources?: (waitMs: number) => Promise<HostResources | undefined>;
  release(): Promise<void>;
}

/** What Claude Code holds instead of the key inside a sandbox; the proxy drops it and adds the real one. */
export const PLACEHOLDER_KEY = 'sessionhub-model-proxy-adds-the-key';

/** Claude Code on the host, in the host workspace (`runIn: 'host'`). */
export async function onHost(sandbox: Sandbox, o: ClaudeCodeExecutorOptions): Promise<Placement> {
  const home = await mkdtemp(join(tmpdir(), 'sessionhub-claude-home-'));
  return {
    root: sandbox.workspace,
    home,
    sdk: { cwd: sandbox.workspace },
    apiKey: o.apiKey,
    baseURL: o.baseURL,
    release: () => rm(home, { recursive: true, force: true }),
  };
}

/**
 * Claude Code inside the session's sandbox (`runIn: 'sandbox'`, the default): started through `sandbox.spawn`,
 * reaching the model only through a {@link ModelProxy} on a unix socket in the workspace, which adds the key.
 *
 * @throws {ClaudeCodeError} `claude_code.sandbox_unsupported` when the sandbox cannot spawn processes;
 *   `claude_code.not_in_sandbox` when the executable is not visible inside it.
 */
export async function inSandbox(
  sandbox: Sandbox,
  o: ClaudeCodeExecutorOptions,
  signal: AbortSignal,
): Promise<Placement> {
  const { spawn } = sandbox;
  if (!spawn) {
    throw new ClaudeCodeError(
      'claude_code.sandbox_unsupported',
      `sandbox ${sandbox.id} cannot start long-lived processes (no spawn): use @sessionhub/sandbox-process or @sessionhub/sandbox-docker, or runIn: 'host'`,
    );
  }
  const executable = o.pathToClaudeCodeExecutable ?? bundledClaudeCodeExecutable();
  if (!executable) {
    throw new ClaudeCodeError(
      'claude_code.not_in_sandbox',
      'no Claude Code executable: install @anthropic-ai/claude-agent-sdk',
    );
  }
  const visible = await sandbox.exec(['test', '-x', executable], { signal, timeoutMs: 30_000 });
  if (visible.exitCode !== 0) {
    throw new ClaudeCodeError(
      'claude_code.not_in_sandbox',
      `the Claude Code executable ${executable} is not visible inside the sandbox: give the sandbox provider hostMounts: claudeCodeMounts()`,
    );
  }
  const root = sandbox.mountPoint ?? sandbox.workspace;
  const name = `.sessionhub-model-${randomUUID().slice(0, 8)}.sock`;
  const proxy = await ModelProxy.start({
    socketPath: join(sandbox.workspace, name),
    upstream: o.baseURL,
    apiKey: o.apiKey,
    maxRequestBytes: o.proxy?.maxRequestBytes,
    maxRequestsPerMinute: o.proxy?.maxRequestsPerMinute,
  });
  const home = `/tmp/sessionhub-claude-home-${randomUUID().slice(0, 8)}`;
  const started: SandboxProcess[] = [];
  const spawner = sandboxSpawner({
    spawn: (argv, opts) => {
      const child = spawn.call(sandbox, argv, opts);
      started.push(child);
      return child;
    },
    socketInside: `${root}/${name}`,
    placeholderKey: PLACEHOLDER_KEY,
  });
  return {
    root,
    home,
    sdk: { cwd: root, pathToClaudeCodeExecutable: executable, spawnClaudeCodeProcess: spawner },
    proxyUsage: () => ({ ...proxy.usage }),
    resources: (waitMs) => resourcesOf(started, waitMs),
    release: async () => {
      await Promise.all([
        proxy.close(),
        sandbox.exec(['rm', '-rf', home], { timeoutMs: 30_000 }).catch(() => undefined),
      ]);
    },
  };
}

/** The summed resources of `processes` once each has exited (or `waitMs` passed); undefined when none was measured. */
async function resourcesOf(processes: SandboxProcess[], waitMs: number): Promise<HostResources | undefined> {
  const exited = (p: SandboxProcess) => p.exitCode !== null || p.signalCode !== null;
  await Promise.all(
    processes.map((p) =>
      exited(p)
        ? undefined
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, waitMs);
            p.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
    ),
  );
  let total: HostResources | undefined;
  for (const p of processes) if (p.resources) total = total ? addHostResources(total, p.resources) : p.resources;
  return total;
}
