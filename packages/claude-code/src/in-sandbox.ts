import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SpawnedProcess, SpawnOptions } from '@anthropic-ai/claude-agent-sdk';
import type { Sandbox } from '@sessionhub/core';

/**
 * The path of the Claude Code executable the Agent SDK bundles for this platform (its optional package
 * `@anthropic-ai/claude-agent-sdk-<platform>-<arch>[-musl]`), or `undefined` when none is installed.
 */
export function bundledClaudeCodeExecutable(): string | undefined {
  const require = createRequire(import.meta.url);
  const base = `@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`;
  for (const name of [base, `${base}-musl`]) {
    try {
      const file = join(dirname(require.resolve(`${name}/package.json`)), 'claude');
      if (existsSync(file)) return file;
    } catch {
      // not installed
    }
  }
  return undefined;
}

/**
 * Host paths a sandbox must bind read-only (at the same path) for the executor to start Claude Code inside it:
 * the directory of the executable. Give them to the sandbox provider, e.g.
 * `new ProcessSandboxProvider({ hostMounts: claudeCodeMounts() })` or the Docker provider's `hostMounts`.
 */
export function claudeCodeMounts(executable: string | undefined = bundledClaudeCodeExecutable()): string[] {
  return executable ? [dirname(executable)] : [];
}

/** Environment variables of the SDK's spawn request that never go into the sandbox. */
const HOST_ONLY = new Set([
  'PATH',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_UNIX_SOCKET',
]);

/** What {@link sandboxSpawner} needs. */
export interface SandboxSpawnContext {
  /** Starts a process in the sandbox (`Sandbox.spawn`, bound). */
  spawn: NonNullable<Sandbox['spawn']>;
  /** The proxy's socket as seen inside the sandbox. */
  socketInside: string;
  /** A placeholder key Claude Code requires to start; the proxy replaces it. */
  placeholderKey: string;
}

/**
 * The `spawnClaudeCodeProcess` of the Agent SDK for a sandbox: the SDK's command and arguments run inside the
 * sandbox, in the workspace root, with the SDK's environment minus the host's PATH and any credential (the
 * sandbox's PATH applies; the key is the placeholder). Claude Code speaks HTTP to the model proxy over its
 * unix socket itself (`ANTHROPIC_UNIX_SOCKET`, with `ANTHROPIC_BASE_URL=http://localhost` for the request
 * line): the sandbox needs no network at all, not even a loopback listener.
 */
export function sandboxSpawner(context: SandboxSpawnContext): (options: SpawnOptions) => SpawnedProcess {
  return (options) => {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.env)) {
      if (value !== undefined && !HOST_ONLY.has(name)) env[name] = value;
    }
    env.ANTHROPIC_API_KEY = context.placeholderKey;
    env.ANTHROPIC_UNIX_SOCKET = context.socketInside;
    env.ANTHROPIC_BASE_URL = 'http://localhost';
    return context.spawn([options.command, ...options.args], { env, signal: options.signal });
  };
}
