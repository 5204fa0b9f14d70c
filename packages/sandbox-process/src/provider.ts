import { randomUUID } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import {
  type IsolationKind,
  type Sandbox,
  type SandboxCreateOptions,
  SandboxError,
  type SandboxLimits,
  type SandboxProvider,
} from '@sessionhub/core';
import { chownTree, resolveWorkspaceDir, runnerScript, WorkspaceDiskCap } from '@sessionhub/core/sandbox-runner';
import {
  bwrapArgs,
  findBwrap,
  type HostUser,
  probeBwrap,
  SANDBOX_METER_PERL,
  SANDBOX_PATH,
  SANDBOX_RUNNER_NODE,
  SANDBOX_WORKSPACE,
  sandboxHostUser,
} from './bwrap.js';
import { CgroupV1 } from './cgroup.js';
import { CgroupV2 } from './cgroup-v2.js';
import { execOnlyBinary } from './exec-only-binary.js';
import {
  DEFAULT_LIMITS,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_TIMEOUT_MS,
  type ProcessSandboxProviderOptions,
} from './options.js';
import { type LimitsEnforcement, ProcessSandbox, SANDBOX_ID_VARIABLE } from './process-sandbox.js';
import { type ReachableWorkspace, reachableWorkspace, searchable } from './reachable-workspace.js';
import { RunnerClient } from './runner/runner-client.js';
import { openSeccompProgram } from './seccomp.js';

/** The shared runner, unextended: commands only (files are served on the host by `WorkspaceFs`). */
const RUNNER_SCRIPT = runnerScript();

/**
 * The runner's node flags under bubblewrap. With an old-space limit of 2 GiB or more, V8 maps its embedded
 * builtins into its code range at start ("short builtin calls"): from the binary's file when it can open it,
 * else by copying 2 MiB. The runner's node is an exec-only copy it cannot open, so every start paid the copy
 * (~3 ms CPU measured); just under the threshold V8 calls the builtins where they are. 2047 MiB is far more
 * heap than a runner relaying JSON lines uses.
 */
const RUNNER_NODE_FLAGS = ['--max-old-space-size=2047'];

/**
 * Joins the cgroups whose files $SESSIONHUB_CGROUPS lists (`joinFiles`), then becomes the real command (bwrap or
 * the runner): a v1 `tasks` file gets `0`, the writing thread itself (see `CgroupV1.joinFiles`), a v2
 * `cgroup.procs` its pid.
 */
const JOIN_CGROUPS =
  'for f in $SESSIONHUB_CGROUPS; do case "$f" in */tasks) echo 0;; *) echo $$;; esac > "$f" || exit 125; done; ' +
  'unset SESSIONHUB_CGROUPS; exec "$@"';

/** What the provider found about isolation on this machine. */
export interface IsolationReport {
  isolation: IsolationKind;
  /** The bwrap binary used, when isolating with bubblewrap. */
  bwrapPath?: string;
  /** Why bubblewrap is not used, when it is not. */
  reason?: string;
}

/**
 * Creates {@link ProcessSandbox}es: the embedded default Sandbox. With bubblewrap installed and
 * working, each sandbox is a bwrap container (no network, read-only system, only the workspace
 * writable, pid/ipc/uts/user namespaces, a size-capped /tmp, cgroup limits). Without it the
 * provider reports `isolation: 'none'` and `create` throws `sandbox.unisolated` unless
 * `allowUnisolated: true`.
 *
 * @example
 * const provider = new ProcessSandboxProvider();
 * const sandbox = await provider.create({ workspace: '/tmp/work' });
 * const { stdout } = await sandbox.exec('ls');
 * await sandbox.dispose();
 */
export class ProcessSandboxProvider implements SandboxProvider {
  readonly specificationVersion = 1 as const;
  readonly name = 'process';
  private detected: IsolationReport | undefined;
  /** The host user sandboxes run as when this process is root (see `options.user`). */
  private readonly hostUser: HostUser | undefined;
  private readonly live = new Set<ProcessSandbox>();
  private closed = false;

  constructor(private readonly options: ProcessSandboxProviderOptions = {}) {
    this.hostUser = sandboxHostUser(options.user);
    for (const path of options.hostMounts ?? []) {
      if (!isAbsolute(path) || !existsSync(path)) {
        throw new SandboxError('sandbox.invalid_mount', `hostMounts: ${path} is not an existing absolute path`);
      }
    }
  }

  /** The isolation sandboxes of this provider get (probed once: runs `bwrap ... true`). */
  get isolation(): IsolationKind {
    return this.detect().isolation;
  }

  /** The isolation, with the bwrap path used or the reason bubblewrap is not used. */
  detect(): IsolationReport {
    if (this.detected) return this.detected;
    const wanted = this.options.isolation ?? 'auto';
    if (wanted === 'none') {
      this.detected = { isolation: 'none', reason: "isolation: 'none' was asked for" };
      return this.detected;
    }
    const bwrap = findBwrap(this.options.bwrapPath);
    const reason = bwrap
      ? probeBwrap(bwrap, this.hostUser)
      : `bwrap not found (${this.options.bwrapPath ?? 'on PATH'}); install the Debian package bubblewrap`;
    this.detected =
      bwrap && reason === undefined ? { isolation: 'bubblewrap', bwrapPath: bwrap } : { isolation: 'none', reason };
    return this.detected;
  }

  async create(opts: SandboxCreateOptions): Promise<Sandbox> {
    if (this.closed) throw new SandboxError('sandbox.closed', 'the provider was closed');
    opts.signal?.throwIfAborted();
    const report = this.detect();
    if (report.isolation === 'none') {
      if (this.options.isolation === 'bubblewrap') {
        throw new SandboxError('sandbox.unavailable', `bubblewrap was asked for but cannot be used: ${report.reason}`);
      }
      if (!this.options.allowUnisolated) {
        throw new SandboxError(
          'sandbox.unisolated',
          `no isolation available (${report.reason}); pass allowUnisolated: true to run commands unisolated`,
        );
      }
    }
    const workspace = resolveWorkspaceDir(opts.workspace);
    const id = `sbx-${randomUUID()}`;
    const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...this.options.defaults, ...opts.limits };
    const isolated = report.isolation === 'bubblewrap';
    // As root, the sandbox runs as an unprivileged host user, which must own the workspace to write it.
    const hostUser = isolated ? this.hostUser : undefined;
    if (hostUser) await chownTree(workspace, hostUser);
    const disk =
      limits.diskMb === undefined
        ? undefined
        : await WorkspaceDiskCap.mount(workspace, { sizeMb: limits.diskMb, owner: hostUser, signal: opts.signal });
    const placed =
      this.options.cgroups === false
        ? undefined
        : placeInCgroup(`sessionhub-${id}`, limits, hostUser, this.options.cgroupRoot);
    const cgroup = placed?.cgroup;
    const prefix = placed?.complete ? [] : rlimitPrefix(limits);
    const limitsEnforcement: LimitsEnforcement = placed?.complete
      ? placed.version
      : prefix.length > 0
        ? 'rlimit'
        : 'none';
    const hostNode = realpathSync(this.options.nodePath ?? process.execPath);
    // Inside bubblewrap the runner runs from a copy it may execute but not read: that makes it non-dumpable.
    const runnerNode = isolated ? execOnlyBinary(hostNode) : hostNode;
    // Commands get the host's node itself where bwrap (as hostUser) can reach it: a node started from an
    // unreadable file was measured to spend ~2 ms more CPU per start, and a command needs no such protection.
    const nodeBinary = isolated && hostUser && !runnableBy(hostNode, hostUser) ? runnerNode : hostNode;
    // The resident measurer: exec-only inside bubblewrap too, so no command can reach it or its report.
    const hostPerl = this.options.measureResources === false ? undefined : HOST_PERL;
    const meterPerl = hostPerl && isolated ? execOnlyBinary(hostPerl) : undefined;
    const mountPoint = isolated ? SANDBOX_WORKSPACE : workspace;
    const baseEnv: Record<string, string> = {
      PATH: isolated ? SANDBOX_PATH : `${dirname(nodeBinary)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: isolated ? '/tmp' : workspace,
      LANG: 'C.UTF-8',
      [SANDBOX_ID_VARIABLE]: id,
      ...opts.env,
    };
    const runnerEnv = {
      SESSIONHUB_BASE_ENV: JSON.stringify(baseEnv),
      SESSIONHUB_PREFIX: JSON.stringify(prefix),
      // Under bubblewrap the runner has a pid namespace of its own: killAll may take everything in it.
      SESSIONHUB_KILL_SCOPE: isolated ? 'namespace' : 'tagged',
      SESSIONHUB_METER: hostPerl === undefined ? 'off' : isolated ? SANDBOX_METER_PERL : hostPerl,
    };
    let argv: string[];
    let env: Record<string, string>;
    const extraFds: number[] = [];
    const reachable: ReachableWorkspace[] = [];
    if (isolated && report.bwrapPath) {
      // Handed to the child as its fd 3: the seccomp program.
      const seccomp = openSeccompProgram();
      if (seccomp !== undefined) extraFds.push(seccomp);
      // bwrap runs as the sandbox user: every host path it binds must be one that user can reach.
      const reach = (path: string, suffix: string): string => {
        if (!hostUser) return path;
        try {
          const r = reachableWorkspace(path, hostUser, `${id}${suffix}`);
          reachable.push(r);
          return r.path;
        } catch (error) {
          for (const r of reachable) r.release();
          throw error;
        }
      };
      const layout = {
        workspace: reach(workspace, ''),
        hostMounts: (this.options.hostMounts ?? []).map((path, i) => ({ path, source: reach(path, `-m${i}`) })),
        nodeBinary,
        runnerNode,
        ...(meterPerl ? { meterPerl } : {}),
        network: opts.network ?? false,
        tmpBytes: Math.floor((limits.tmpMb ?? DEFAULT_LIMITS.tmpMb) * 1024 * 1024),
        ...(seccomp !== undefined ? { seccompFd: 3 } : {}),
      };
      const setenv = Object.entries(runnerEnv).flatMap(([k, v]) => ['--setenv', k, v]);
      argv = [
        report.bwrapPath,
        ...bwrapArgs(layout),
        ...setenv,
        '--',
        SANDBOX_RUNNER_NODE,
        ...RUNNER_NODE_FLAGS,
        '-e',
        RUNNER_SCRIPT,
      ];
      env = {};
    } else {
      argv = [nodeBinary, '-e', RUNNER_SCRIPT];
      env = { ...runnerEnv, [SANDBOX_ID_VARIABLE]: id };
    }
    // Joining a cgroup v2 child needs write access to the common ancestor's cgroup.procs: the wrapper joins as
    // this process (root) and only then becomes the sandbox user, with setpriv. A v1 subtree's `tasks` files
    // belong to the sandbox user already, so there the wrapper starts as that user (one exec fewer).
    const dropAfterJoin = cgroup instanceof CgroupV2 && hostUser !== undefined && SETPRIV !== undefined;
    if (cgroup) {
      const drop =
        dropAfterJoin && hostUser && SETPRIV
          ? [SETPRIV, `--reuid=${hostUser.uid}`, `--regid=${hostUser.gid}`, '--clear-groups', '--']
          : [];
      argv = ['/bin/sh', '-c', JOIN_CGROUPS, 'sh', ...drop, ...argv];
      env = { ...env, SESSIONHUB_CGROUPS: cgroup.joinFiles.join(' ') };
    }
    let runner: RunnerClient;
    try {
      // Under bubblewrap, bwrap's --chdir sets the directory; its own cwd need not be reachable by hostUser.
      runner = await RunnerClient.start(argv, env, {
        signal: opts.signal,
        cwd: isolated ? '/' : workspace,
        user: dropAfterJoin ? undefined : hostUser,
        extraFds,
      });
    } catch (error) {
      await cgroup?.destroy();
      await disk?.release().catch(() => undefined);
      throw error;
    } finally {
      // bwrap has bound the workspace into its own mount namespace by the time the runner is ready (or it
      // failed): the host-side bind is no longer needed, and nothing of it is left behind if we crash later.
      for (const r of reachable) r.release();
    }
    const sandbox = new ProcessSandbox({
      id,
      workspace,
      isolation: report.isolation,
      mountPoint,
      runner,
      cgroup,
      disk,
      hostUser,
      limitsEnforcement,
      labels: { ...opts.labels },
      timeoutMs: this.options.defaults?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxOutputBytes: this.options.defaults?.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    });
    this.live.add(sandbox);
    const dispose = sandbox.dispose.bind(sandbox);
    sandbox.dispose = () => dispose().finally(() => this.live.delete(sandbox));
    return sandbox;
  }

  /** Disposes every sandbox this provider created that is still live. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.live].map((sandbox) => sandbox.dispose()));
  }
}

/**
 * The sandbox's cgroup: a v1 subtree where the v1 controllers are writable (these CI machines), else a child of
 * a delegated cgroup v2 subtree. `complete` when every limit asked for is enforced by it; a v2 child that
 * enforces only some limits still contains and kills the sandbox's processes, and `prlimit` then adds the
 * memory limit per command.
 */
function placeInCgroup(
  name: string,
  limits: SandboxLimits,
  joiner: HostUser | undefined,
  root: string | undefined,
): { cgroup: CgroupV1 | CgroupV2; complete: boolean; version: 'cgroup' | 'cgroup2' } | undefined {
  if (root === undefined) {
    const v1 = CgroupV1.create(name, limits, joiner);
    if (v1) return { cgroup: v1, complete: true, version: 'cgroup' };
  }
  const v2 = CgroupV2.create(name, limits, { root, joiner });
  if (!v2) return undefined;
  const asked = [
    ...(limits.pids !== undefined ? ['pids'] : []),
    ...(limits.memoryMb !== undefined ? ['memory'] : []),
    ...(limits.cpus !== undefined ? ['cpu'] : []),
  ];
  return { cgroup: v2, complete: asked.every((c) => v2.enforced.has(c)), version: 'cgroup2' };
}

/** Whether `user` (not the owner) can reach, read and run `binary`. */
function runnableBy(binary: string, user: HostUser): boolean {
  return searchable(binary, user) && (statSync(binary).mode & 0o005) === 0o005;
}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((path) => existsSync(path));
const HOST_PERL = ['/usr/bin/perl', '/bin/perl']
  .map((path) => (existsSync(path) ? realpathSync(path) : ''))
  .find(Boolean);
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

/**
 * The fallback without a writable cgroup: each command runs under `prlimit --as` (RLIMIT_AS, the
 * memory limit as address space). The pids limit is NOT enforced this way: RLIMIT_NPROC was
 * measured to have no effect inside bwrap's user namespace when the caller is root (300 of 300
 * processes started under `--nproc=64`). Empty when `prlimit` (util-linux) is missing.
 */
function rlimitPrefix(limits: SandboxLimits): string[] {
  if (!PRLIMIT || limits.memoryMb === undefined) return [];
  return [PRLIMIT, `--as=${Math.floor(limits.memoryMb * 1024 * 1024)}`, '--'];
}
