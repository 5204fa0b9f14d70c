import type { SandboxProvider } from '@sessionhub/core';
import { environmentProblem } from '../cli-error.js';
import { probeDocker } from './docker-probe.js';
import { findOnPath } from './find-on-path.js';

/** The sandboxes a session can run in: `auto` picks the best available. */
export const SANDBOX_KINDS: readonly SandboxKind[] = ['auto', 'docker', 'bubblewrap', 'unisolated'];

/** The sandbox a session runs in: `auto` picks the best available. */
export type SandboxKind = 'auto' | 'docker' | 'bubblewrap' | 'unisolated';

/** The Docker image sessions run in (`npm run sandbox:image -w @sessionhub/sandbox-docker` builds it). */
export const SANDBOX_IMAGE = 'sessionhub/sandbox-base:1';

/** How to get a sandbox on a machine that has none. */
export const SANDBOX_FIX =
  'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or start a Docker engine and build the image ' +
  '(npm run sandbox:image -w @sessionhub/sandbox-docker), or pass --unisolated to run commands on the host';

/** The chosen sandbox provider, and why. */
export interface SandboxChoice {
  kind: Exclude<SandboxKind, 'auto'>;
  provider: SandboxProvider & { close?(): Promise<void> };
  /** Why a better sandbox was not taken (for a notice), when one was not. */
  notice?: string;
}

/** Options of {@link chooseSandbox}. */
export interface ChooseSandboxOptions {
  kind?: SandboxKind;
  /** With `auto`, fall back to running commands on the host when nothing isolates. Default false (refuse). */
  allowUnisolated?: boolean;
  memoryMb?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Picks the sandbox: with `auto`, Docker when an engine answers and the sandbox image is built, else bubblewrap
 * (`bwrap` on PATH) when it works here, else (only with `allowUnisolated`) the host itself; otherwise a `cli.no_sandbox` error
 * (exit code 3) that says how to install one. The adapters are imported only once chosen.
 */
export async function chooseSandbox(opts: ChooseSandboxOptions = {}): Promise<SandboxChoice> {
  const kind = opts.kind ?? 'auto';
  const defaults = {
    ...(opts.memoryMb ? { memoryMb: opts.memoryMb } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  };
  const notes: string[] = [];
  if (kind === 'auto' || kind === 'docker') {
    const docker = await probeDocker(SANDBOX_IMAGE, { signal: opts.signal });
    if (docker.engine && docker.image) {
      const { DockerSandboxProvider } = await import('@sessionhub/sandbox-docker');
      return { kind: 'docker', provider: new DockerSandboxProvider({ image: SANDBOX_IMAGE, defaults }) };
    }
    if (kind === 'docker') {
      throw environmentProblem('cli.no_sandbox', `Docker cannot be used: ${docker.reason}`, SANDBOX_FIX);
    }
    notes.push(`Docker: ${docker.reason}`);
  }
  const { ProcessSandboxProvider } = await import('@sessionhub/sandbox-process');
  if (kind !== 'unisolated') {
    const bwrapPath = findOnPath('bwrap');
    if (bwrapPath) {
      const bwrap = new ProcessSandboxProvider({ isolation: 'auto', bwrapPath, defaults });
      const report = bwrap.detect();
      if (report.isolation === 'bubblewrap') {
        return { kind: 'bubblewrap', provider: bwrap, ...(notes.length ? { notice: notes.join('; ') } : {}) };
      }
      await bwrap.close();
      notes.push(`bubblewrap: ${report.reason}`);
    } else {
      notes.push('bubblewrap: bwrap not found on PATH');
    }
    if (kind === 'bubblewrap' || !opts.allowUnisolated) {
      throw environmentProblem('cli.no_sandbox', `no sandbox available (${notes.join('; ')})`, SANDBOX_FIX);
    }
  }
  const provider = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true, defaults });
  const notice = `UNISOLATED: commands run on this machine as you, with your network${notes.length ? ` (${notes.join('; ')})` : ''}`;
  return { kind: 'unisolated', provider, notice };
}
