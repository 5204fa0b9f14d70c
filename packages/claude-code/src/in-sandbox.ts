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

/**
 * Runs inside the sandbox under the runner's node (`$SESSIONHUB_NODE`): listens on the sandbox's own
 * 127.0.0.1 (a network namespace of its own: nothing else is reachable there), pipes every connection to the
 * model proxy's unix socket (argv[1]), and starts Claude Code (argv[2...]) with `ANTHROPIC_BASE_URL` pointing
 * at that listener and its standard streams passed through. Exits with Claude Code's status.
 */
const LAUNCHER = String.raw`
const net = require('node:net');
const cp = require('node:child_process');
const [socketPath, file, ...args] = process.argv.slice(1);
const server = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  client.pipe(upstream); upstream.pipe(client);
  client.on('error', () => upstream.destroy()); upstream.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const env = Object.assign({}, process.env, { ANTHROPIC_BASE_URL: 'http://127.0.0.1:' + server.address().port });
  delete env.SESSIONHUB_NODE;
  const child = cp.spawn(file, args, { stdio: 'inherit', env: env });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('error', (e) => { process.stderr.write('cannot start Claude Code: ' + e.message + '\n'); process.exit(127); });
  child.on('exit', (code, sig) => process.exit(code === null ? 128 : code));
});
`;

/** Environment variables of the SDK's spawn request that never go into the sandbox. */
const HOST_ONLY = new Set(['PATH', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL']);

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
 * sandbox behind {@link LAUNCHER}, in the workspace root, with the SDK's environment minus the host's PATH
 * and any credential (the sandbox's PATH applies; the key is the placeholder).
 */
export function sandboxSpawner(context: SandboxSpawnContext): (options: SpawnOptions) => SpawnedProcess {
  return (options) => {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.env)) {
      if (value !== undefined && !HOST_ONLY.has(name)) env[name] = value;
    }
    env.ANTHROPIC_API_KEY = context.placeholderKey;
    const argv = ['/bin/sh', '-c', 'exec "$SESSIONHUB_NODE" -e "$0" "$@"', LAUNCHER, context.socketInside];
    return context.spawn([...argv, options.command, ...options.args], { env, signal: options.signal });
  };
}
