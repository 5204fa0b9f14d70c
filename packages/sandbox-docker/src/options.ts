import type { SandboxLimits } from '@sessionhub/core';
import type Dockerode from 'dockerode';

/** The image `npm run sandbox:image` builds. */
export const DEFAULT_IMAGE = 'sessionhub/sandbox-base:1';

/** The limits a container is created with: every one set, but the disk cap, which is off unless asked for. */
export type ContainerLimits = Required<Omit<SandboxLimits, 'diskMb'>> & Pick<SandboxLimits, 'diskMb'>;

/** Limits applied when neither the provider's `defaults` nor `create` name one (no disk cap). */
export const DEFAULT_LIMITS: ContainerLimits = { cpus: 1, memoryMb: 512, pids: 256, tmpMb: 256 };

/** Options of `new DockerSandboxProvider(...)`. */
export interface DockerSandboxProviderOptions {
  /** Image to run; default `sessionhub/sandbox-base:1` (built by `npm run sandbox:image`). Any glibc image works. */
  image?: string;
  /** How to reach the engine (socket path, host/port); default the local `/var/run/docker.sock`. */
  docker?: Dockerode.DockerOptions;
  /** Started containers kept ready so `create` does not wait for the engine. Off when absent or `size` is 0. */
  pool?: {
    size: number;
    /** Where idle containers' workspace slots live; must be on the workspaces' filesystem. Default `$TMPDIR/sessionhub-docker-pool`. */
    dir?: string;
  };
  /** Limits for sandboxes whose `create` names none. */
  defaults?: SandboxLimits;
  /** Prefix of the ownership labels; default `io.sessionhub`. */
  labelPrefix?: string;
  /** Container user `uid:gid`; default the caller's uid:gid, or `65534:65534` when the caller is root. */
  user?: string;
  /** When running as root, hand the workspace to the container user (recursive lchown). Default true. */
  chownWorkspace?: boolean;
  /** Host `node` binary bind-mounted read-only to run the in-container runner; default `process.execPath`. */
  nodePath?: string;
  /**
   * Path of a `node` inside the image to run the runner with, instead of bind-mounting the host's:
   * for images whose libc the host binary cannot use (e.g. `node:*-alpine`, musl).
   */
  imageNode?: string;
  /** Extra host paths bind-mounted read-only at the same place (added to the image's `io.sessionhub.host-mounts`). */
  hostMounts?: string[];
  /**
   * Measure each command's CPU time, peak memory and bytes written (`ExecResult.resources`) through a tiny
   * resident Perl measurer run from the image's `/usr/bin/perl` (the default image has the host's `/usr`);
   * default true. An image without perl runs commands unmeasured. See docs/sandboxes.md, "Per-command resource use".
   */
  measureResources?: boolean;
}
