import type Dockerode from 'dockerode';
import type { ContainerLimits } from './options.js';
import { RUNNER_BOOTSTRAP } from './runner/bootstrap.js';

/** Where the workspace appears inside the container. */
export const CONTAINER_WORKSPACE = '/workspace';
/** Where the host's node binary appears inside the container (it runs the runner). */
export const CONTAINER_NODE = '/opt/sessionhub/node';

/** Everything that decides how a sandbox container is created. */
export interface ContainerSpec {
  image: string;
  /** Host directory bind-mounted read-write at /workspace. */
  workspaceSource: string;
  /** Host node binary (real path), bind-mounted at CONTAINER_NODE; or `{ image }`: a node inside the image. */
  node: string | { image: string };
  /** Host paths bind-mounted read-only at the same path. */
  hostMounts: string[];
  user: string;
  limits: ContainerLimits;
  network: boolean;
  labels: Record<string, string>;
  /** Measure each command through the resident Perl measurer (when the image has a perl); false turns it off. */
  measureResources: boolean;
}

/**
 * The Engine API body for a sandbox container: read-only root, tmpfs /tmp and /dev/shm capped at
 * `tmpMb`, no network unless asked, CPU/memory (no swap)/pids limits, every capability dropped,
 * no-new-privileges, an init process (reaps orphans), and the runner's bootstrap as the main process.
 */
export function containerCreateOptions(spec: ContainerSpec): Dockerode.ContainerCreateOptions {
  const mounts: Dockerode.MountSettings[] = [
    { Type: 'bind', Source: spec.workspaceSource, Target: CONTAINER_WORKSPACE, ReadOnly: false },
    ...(typeof spec.node === 'string'
      ? [{ Type: 'bind', Source: spec.node, Target: CONTAINER_NODE, ReadOnly: true } as Dockerode.MountSettings]
      : []),
    ...spec.hostMounts.map((p): Dockerode.MountSettings => ({ Type: 'bind', Source: p, Target: p, ReadOnly: true })),
  ];
  const memory = spec.limits.memoryMb * 1024 * 1024;
  const separated = separatedUser(spec.user);
  return {
    Image: spec.image,
    // The runner's source follows as the first line of stdin (see bootstrap.ts): a short command line is cheaper for the engine.
    Cmd: [typeof spec.node === 'string' ? CONTAINER_NODE : spec.node.image, '-e', RUNNER_BOOTSTRAP],
    Entrypoint: [],
    // The runner starts as root with only SETUID/SETGID and runs every command as `spec.user`
    // (see runner-script.ts); a non-numeric user cannot be separated and runs the runner itself.
    User: separated ? '0:0' : spec.user,
    WorkingDir: CONTAINER_WORKSPACE,
    // Only what we set here and the image's own ENV: the host environment never reaches the container.
    Env: [
      'HOME=/tmp',
      'LANG=C.UTF-8',
      `SESSIONHUB_WORKSPACE=${CONTAINER_WORKSPACE}`,
      // The container has its own pid namespace: killAll may take every process but init and the runner.
      'SESSIONHUB_KILL_SCOPE=namespace',
      ...(spec.measureResources ? [] : ['SESSIONHUB_METER=off']),
      ...(separated ? [`SESSIONHUB_UID=${separated.uid}`, `SESSIONHUB_GID=${separated.gid}`] : []),
    ],
    Labels: spec.labels,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    NetworkDisabled: !spec.network,
    HostConfig: {
      NetworkMode: spec.network ? 'bridge' : 'none',
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${spec.limits.tmpMb}m` },
      ShmSize: spec.limits.tmpMb * 1024 * 1024,
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: Math.round(spec.limits.cpus * 1e9),
      PidsLimit: spec.limits.pids,
      CapDrop: ['ALL'],
      // DAC_READ_SEARCH: the spawned child enters its cwd (owned by the sandbox user) before it
      // drops to that user. Commands end up with no capability at all.
      ...(separated ? { CapAdd: ['SETUID', 'SETGID', 'DAC_READ_SEARCH'] } : {}),
      SecurityOpt: ['no-new-privileges'],
      Init: true,
      Mounts: mounts,
      AutoRemove: false,
      LogConfig: { Type: 'none', Config: {} },
    },
  };
}

/** `uid:gid` of a numeric non-root user, else undefined (no privilege separation possible). */
function separatedUser(user: string): { uid: number; gid: number } | undefined {
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!m) return undefined;
  const uid = Number(m[1]);
  const gid = m[2] === undefined ? uid : Number(m[2]);
  return uid > 0 ? { uid, gid } : undefined;
}
