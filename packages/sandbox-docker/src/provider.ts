import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Sandbox,
  type SandboxCreateOptions,
  SandboxError,
  type SandboxLimits,
  type SandboxProvider,
} from '@sessionhub/core';
import { chownTree, reapDiskCaps, resolveWorkspaceDir, WorkspaceDiskCap } from '@sessionhub/core/sandbox-runner';
import type Dockerode from 'dockerode';
import type { ContainerSpec } from './container-spec.js';
import { DockerSandbox } from './docker-sandbox.js';
import { connectEngine, engineStatus } from './engine.js';
import { type LabelNames, labelNames, ownershipLabels } from './labels.js';
import { type ContainerLimits, DEFAULT_IMAGE, DEFAULT_LIMITS, type DockerSandboxProviderOptions } from './options.js';
import { type ReapResult, reapOrphans, reapSlots } from './reaper.js';
import { type StartedContainer, startContainer } from './start-container.js';
import { adoptWorkspace, createSlot, defaultUser, numericUser } from './workspace.js';

interface PooledContainer extends StartedContainer {
  slot: string;
}

/** What a cold (not pooled) `create` starts a container from. */
interface ColdCreate {
  workspace: string;
  limits: ContainerLimits;
  network: boolean;
  env: Record<string, string>;
  labels: Record<string, string>;
  signal: AbortSignal | undefined;
}

/**
 * `SandboxProvider` on the Docker Engine API: a container per sandbox with the workspace
 * bind-mounted read-write at /workspace, a read-only root, tmpfs /tmp, no network by default,
 * CPU/memory/pids limits, no host environment, a non-root user and ownership labels.
 *
 * @example
 * ```ts
 * const provider = new DockerSandboxProvider({ pool: { size: 2 } });
 * const sandbox = await provider.create({ workspace: '/path/to/worktree' });
 * const { stdout } = await sandbox.exec('ls -la');
 * await sandbox.dispose();
 * await provider.close();
 * ```
 */
export class DockerSandboxProvider implements SandboxProvider {
  readonly specificationVersion = 1 as const;
  readonly name = 'docker';
  /** Identifies this provider instance in container labels. */
  readonly providerId = randomUUID();
  private readonly options: DockerSandboxProviderOptions;
  private readonly names: LabelNames;
  private readonly user: string;
  private readonly owner: { uid: number; gid: number } | undefined;
  private dockerPromise: Promise<Dockerode> | undefined;
  private readonly imageMounts = new Map<string, Promise<string[]>>();
  private readonly idle: PooledContainer[] = [];
  private filling: Promise<void> | undefined;
  /** Removals of adopted workspaces' emptied directories still under way (see `retire`). */
  private readonly retiring = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: DockerSandboxProviderOptions = {}) {
    this.options = options;
    this.names = labelNames(options.labelPrefix ?? 'io.sessionhub');
    this.user = defaultUser(options.user);
    const isRoot = (process.getuid?.() ?? 0) === 0;
    this.owner = isRoot && options.chownWorkspace !== false ? numericUser(this.user) : undefined;
  }

  /** The image sandboxes run. */
  get image(): string {
    return this.options.image ?? DEFAULT_IMAGE;
  }

  /** Number of started containers waiting in the pool. */
  get pooled(): number {
    return this.idle.length;
  }

  /** The engine client (connects on first use; `sandbox.unavailable` when the engine does not answer). */
  engine(): Promise<Dockerode> {
    this.dockerPromise ??= connectEngine(this.options.docker);
    this.dockerPromise.catch(() => {
      this.dockerPromise = undefined;
    });
    return this.dockerPromise;
  }

  async create(opts: SandboxCreateOptions): Promise<Sandbox> {
    this.assertOpen();
    opts.signal?.throwIfAborted();
    const workspace = resolveWorkspaceDir(opts.workspace);
    const limits = this.limitsFor(opts.limits);
    const network = opts.network === true;
    const env = { ...opts.env };
    const labels = { ...opts.labels };

    // A pooled container's workspace is a plain slot directory: a disk cap needs a cold start.
    if (
      this.poolSize() > 0 &&
      !network &&
      limits.diskMb === undefined &&
      sameLimits(limits, this.limitsFor(undefined))
    ) {
      const pooled = this.idle.shift();
      try {
        const adopted = pooled && adoptWorkspace(pooled.slot, workspace);
        if (pooled && adopted) {
          this.retire(adopted.retired);
          // The adopted root is the slot, which createSlot already gave to the owner: only the moved entries remain.
          if (this.owner) for (const name of adopted.moved) await chownTree(join(workspace, name), this.owner);
          return this.wrap(pooled, workspace, env, labels);
        }
        if (pooled) await this.discard(pooled);
      } finally {
        // Refill only after this acquire, so the next container's start does not compete with it.
        setImmediate(() => this.refill());
      }
    }

    const cold: ColdCreate = { workspace, limits, network, env, labels, signal: opts.signal };
    if (limits.diskMb !== undefined) return this.createCapped(cold, limits.diskMb);
    // The workspace is handed to the container user while the engine starts the container: nothing in the
    // container reads it before `create` returns (the runner only starts), and both take their own time.
    const owned = this.owner ? chownTree(workspace, this.owner) : Promise.resolve();
    owned.catch(() => undefined);
    let started: StartedContainer;
    try {
      started = await this.startFor(cold);
    } catch (error) {
      await owned.catch(() => undefined);
      throw error;
    }
    try {
      await owned;
    } catch (error) {
      started.runner.close();
      await started.container.remove({ force: true }).catch(() => undefined);
      throw error;
    }
    return this.wrap(started, workspace, env, labels);
  }

  /** A cold create with `limits.diskMb`: the workspace moves onto a capped filesystem of its own first. */
  private async createCapped(cold: ColdCreate, sizeMb: number): Promise<DockerSandbox> {
    if (this.owner) await chownTree(cold.workspace, this.owner);
    const disk = await WorkspaceDiskCap.mount(cold.workspace, { sizeMb, owner: this.owner, signal: cold.signal });
    try {
      return this.wrap(await this.startFor(cold), cold.workspace, cold.env, cold.labels, disk);
    } catch (error) {
      await disk.release().catch(() => undefined);
      throw error;
    }
  }

  /** Creates and starts a session's container (cold: not from the pool) on the given workspace. */
  private async startFor(cold: ColdCreate): Promise<StartedContainer> {
    const docker = await this.engine();
    const spec = await this.spec(cold.workspace, cold.limits, cold.network, {
      ...ownershipLabels(this.names, this.providerId, 'session'),
      ...prefixed(this.names.userPrefix, cold.labels),
    });
    return startContainer(docker, spec, cold.signal);
  }

  /** Removes an adopted workspace's emptied directory off the acquire's path; `close` waits for it. */
  private retire(dir: string): void {
    // rmdir, never a recursive removal: it is empty unless a host process still in it wrote there, and then it
    // stays (pool.dir) rather than lose what was written.
    const removal = rmdir(dir)
      .catch(() => undefined)
      .finally(() => this.retiring.delete(removal));
    this.retiring.add(removal);
  }

  /** Starts containers until the pool holds `pool.size`; resolves when it does. */
  async warm(opts?: { signal?: AbortSignal }): Promise<void> {
    this.assertOpen();
    while (this.idle.length < this.poolSize() && !this.closed) {
      opts?.signal?.throwIfAborted();
      this.refill();
      await this.filling;
    }
  }

  /**
   * Removes containers with this package's labels whose owner process (on this host) is gone, pool slot
   * directories such a process left in `pool.dir`, and (as root) the disk caps it left mounted over workspaces,
   * once their containers are gone (`reapDiskCaps` of `@sessionhub/core/sandbox-runner`: the files are kept).
   */
  async reapOrphans(opts?: { signal?: AbortSignal }): Promise<ReapResult> {
    const result = await reapOrphans(await this.engine(), this.names, opts);
    const slots = await reapSlots(this.poolDir());
    const diskCaps = WorkspaceDiskCap.supported() ? await reapDiskCaps({ signal: opts?.signal }) : [];
    return { ...result, slots, diskCaps };
  }

  /** Removes the idle pooled containers and their slots. Sandboxes already handed out stay with their owners. */
  async close(): Promise<void> {
    this.closed = true;
    await this.filling?.catch(() => undefined);
    const idle = this.idle.splice(0);
    await Promise.all([...idle.map((p) => this.discard(p)), ...this.retiring]);
  }

  private wrap(
    started: StartedContainer,
    workspace: string,
    env: Record<string, string>,
    labels: Record<string, string>,
    disk?: WorkspaceDiskCap,
  ): DockerSandbox {
    return new DockerSandbox({
      id: `docker-${started.container.id.slice(0, 12)}`,
      workspace,
      container: started.container,
      runner: started.runner,
      env,
      labels,
      disk,
    });
  }

  private refill(): void {
    if (this.filling || this.closed || this.idle.length >= this.poolSize()) return;
    this.filling = (async () => {
      try {
        while (!this.closed && this.idle.length < this.poolSize()) {
          const slot = await createSlot(this.poolDir(), this.owner);
          try {
            const docker = await this.engine();
            const spec = await this.spec(
              slot,
              this.limitsFor(undefined),
              false,
              ownershipLabels(this.names, this.providerId, 'pooled'),
            );
            const started = await startContainer(docker, spec);
            if (this.closed) {
              await this.discard({ ...started, slot });
              return;
            }
            this.idle.push({ ...started, slot });
          } catch (error) {
            await rm(slot, { recursive: true, force: true });
            throw error;
          }
        }
      } finally {
        this.filling = undefined;
      }
    })();
    // A failed refill is not fatal: `create` falls back to a cold start.
    this.filling.catch(() => undefined);
  }

  private async discard(p: PooledContainer): Promise<void> {
    p.runner.close();
    await p.container.remove({ force: true }).catch((error: unknown) => {
      if (engineStatus(error) !== 404) throw error;
    });
    await rm(p.slot, { recursive: true, force: true });
  }

  private async spec(
    workspaceSource: string,
    limits: ContainerLimits,
    network: boolean,
    labels: Record<string, string>,
  ): Promise<ContainerSpec> {
    return {
      image: this.image,
      workspaceSource,
      node: this.options.imageNode
        ? { image: this.options.imageNode }
        : realpathSync(this.options.nodePath ?? process.execPath),
      hostMounts: [...(await this.hostMountsOf(this.image)), ...(this.options.hostMounts ?? [])],
      user: this.user,
      limits,
      network,
      labels,
      measureResources: this.options.measureResources !== false,
    };
  }

  /** Host paths the image asks to have bind-mounted read-only (label `io.sessionhub.host-mounts`). */
  private hostMountsOf(image: string): Promise<string[]> {
    let found = this.imageMounts.get(image);
    if (!found) {
      found = (async () => {
        const docker = await this.engine();
        try {
          const info = await docker.getImage(image).inspect();
          const label = info.Config?.Labels?.['io.sessionhub.host-mounts'] ?? '';
          return label.split(',').filter((p) => p.startsWith('/'));
        } catch (cause) {
          if (engineStatus(cause) === 404) {
            throw new SandboxError(
              'sandbox.image_missing',
              `image ${image} is not present; build it with: npm run sandbox:image -w @sessionhub/sandbox-docker`,
              { cause },
            );
          }
          throw cause;
        }
      })();
      found.catch(() => this.imageMounts.delete(image));
      this.imageMounts.set(image, found);
    }
    return found;
  }

  private limitsFor(limits: SandboxLimits | undefined): ContainerLimits {
    return { ...DEFAULT_LIMITS, ...this.options.defaults, ...limits };
  }

  private poolSize(): number {
    return Math.max(0, this.options.pool?.size ?? 0);
  }

  private poolDir(): string {
    return this.options.pool?.dir ?? join(tmpdir(), 'sessionhub-docker-pool');
  }

  private assertOpen(): void {
    if (this.closed) throw new SandboxError('sandbox.closed', 'the provider was closed');
  }
}

function sameLimits(a: ContainerLimits, b: ContainerLimits): boolean {
  return (
    a.cpus === b.cpus && a.memoryMb === b.memoryMb && a.pids === b.pids && a.tmpMb === b.tmpMb && a.diskMb === b.diskMb
  );
}

function prefixed(prefix: string, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [`${prefix}${k}`, v]));
}
