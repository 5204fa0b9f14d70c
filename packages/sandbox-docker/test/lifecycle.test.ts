import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from '@sessionhub/core';
import Dockerode from 'dockerode';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTAINER_NODE, DEFAULT_IMAGE, type DockerSandbox, DockerSandboxProvider, MANAGED_BY } from '../src/index.js';
import { RUNNER_BOOTSTRAP } from '../src/runner/bootstrap.js';
import { dockerTestEnv, skipNote } from './docker-env.js';

const env = await dockerTestEnv();
const docker = new Dockerode();

async function containersOf(providerId: string): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`io.sessionhub.provider-id=${providerId}`] } });
}

/** Whether something is mounted at `path` in this mount namespace. */
function mountedAt(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === path);
}

describe.skipIf(!env.ready)(`sandbox-docker lifecycle${skipNote(env)}`, () => {
  let root: string;
  let workspace: string;
  const providers: DockerSandboxProvider[] = [];
  const track = (p: DockerSandboxProvider) => {
    providers.push(p);
    return p;
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sessionhub-docker-test-'));
    workspace = join(root, 'workspace');
    await mkdir(workspace);
  });
  afterEach(async () => {
    await Promise.all(providers.splice(0).map((p) => p.close()));
    await rm(root, { recursive: true, force: true });
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
  });

  it('dispose leaves no container behind, even with a background process running', async () => {
    const provider = track(new DockerSandboxProvider());
    const sandbox = await provider.create({ workspace });
    await sandbox.exec('nohup sleep 300 >/dev/null 2>&1 &');
    expect(await containersOf(provider.providerId)).toHaveLength(1);
    await sandbox.dispose();
    await sandbox.dispose();
    expect(await containersOf(provider.providerId)).toHaveLength(0);
  });

  it('creates the container with the isolation settings and ownership labels', async () => {
    const provider = track(new DockerSandboxProvider());
    const sandbox = (await provider.create({
      workspace,
      labels: { session: 'abc' },
      limits: { memoryMb: 200, pids: 50, cpus: 0.5, tmpMb: 32 },
    })) as DockerSandbox;
    try {
      const info = await docker.getContainer(sandbox.containerId).inspect();
      expect(info.HostConfig.NetworkMode).toBe('none');
      expect(info.HostConfig.ReadonlyRootfs).toBe(true);
      expect(info.HostConfig.Memory).toBe(200 * 1024 * 1024);
      expect(info.HostConfig.MemorySwap).toBe(200 * 1024 * 1024);
      expect(info.HostConfig.PidsLimit).toBe(50);
      expect(info.HostConfig.NanoCpus).toBe(500_000_000);
      expect(info.HostConfig.CapDrop).toEqual(['ALL']);
      expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
      // The runner starts as root with SETUID/SETGID/DAC_READ_SEARCH only; commands run as 65534.
      expect(info.Config.User).toBe('0:0');
      // Only the bootstrap is on the command line (cheap for the engine); the runner's source came over stdin.
      expect(info.Config.Cmd).toEqual([CONTAINER_NODE, '-e', RUNNER_BOOTSTRAP]);
      expect([...(info.HostConfig.CapAdd ?? [])].sort()).toEqual(['DAC_READ_SEARCH', 'SETGID', 'SETUID']);
      expect(info.Config.Labels['io.sessionhub.managed-by']).toBe(MANAGED_BY);
      expect(info.Config.Labels['io.sessionhub.owner-pid']).toBe(String(process.pid));
      expect(info.Config.Labels['io.sessionhub.label.session']).toBe('abc');
      const id = await sandbox.exec('id -u; df -m /tmp | tail -1');
      expect(id.stdout.split('\n')[0]).toBe('65534');
      expect(id.stdout).toMatch(/\s32\s/);
    } finally {
      await sandbox.dispose();
    }
  });

  it('runs commands without capabilities and walled off from the runner', async () => {
    const provider = track(new DockerSandboxProvider());
    const sandbox = await provider.create({ workspace });
    try {
      const result = await sandbox.exec(
        'grep -E "^(Uid|CapEff|CapPrm|NoNewPrivs)" /proc/self/status; ' +
          'runner=$(for p in /proc/[0-9]*; do if grep -q "^Uid:[[:space:]]0" $p/status 2>/dev/null && grep -q MainThread $p/status; then basename $p; fi; done | head -1); ' +
          'echo "runner=$runner"; ls /proc/$runner/fd >/dev/null 2>&1 && echo FDS_READABLE; ' +
          'cat /proc/$runner/environ >/dev/null 2>&1 && echo ENV_READABLE; kill -0 $runner 2>/dev/null && echo SIGNALLABLE; true',
      );
      expect(result.stdout).toMatch(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
      expect(result.stdout).toMatch(/^CapEff:\s+0+$/m);
      expect(result.stdout).toMatch(/^CapPrm:\s+0+$/m);
      expect(result.stdout).toMatch(/^NoNewPrivs:\s+1$/m);
      expect(result.stdout).toMatch(/^runner=\d+$/m);
      expect(result.stdout).not.toMatch(/FDS_READABLE|ENV_READABLE|SIGNALLABLE/);
    } finally {
      await sandbox.dispose();
    }
  });

  it('turns the network on only when asked', async () => {
    const provider = track(new DockerSandboxProvider());
    const sandbox = (await provider.create({ workspace, network: true })) as DockerSandbox;
    try {
      const info = await docker.getContainer(sandbox.containerId).inspect();
      expect(info.HostConfig.NetworkMode).toBe('bridge');
      const routes = await sandbox.exec('cat /proc/net/route');
      expect(routes.stdout).toMatch(/\t00000000\t/);
    } finally {
      await sandbox.dispose();
    }
  });

  it('hands a pooled, already started container to create, with the caller workspace in place', async () => {
    const provider = track(new DockerSandboxProvider({ pool: { size: 1 } }));
    await provider.warm();
    expect(provider.pooled).toBe(1);
    const [pooledContainer] = await containersOf(provider.providerId);
    await writeFile(join(workspace, 'before.txt'), 'from the host\n');
    const sandbox = (await provider.create({ workspace, env: { GREETING: 'hi' } })) as DockerSandbox;
    try {
      expect(sandbox.containerId).toBe(pooledContainer?.Id);
      expect(sandbox.workspace).toBe(workspace);
      const result = await sandbox.exec('cat before.txt; echo "$GREETING" > after.txt');
      expect(result.stdout).toBe('from the host\n');
      expect(await readFile(join(workspace, 'after.txt'), 'utf8')).toBe('hi\n');
      await provider.warm();
      expect(provider.pooled).toBe(1);
    } finally {
      await sandbox.dispose();
    }
    await provider.close();
    expect(await containersOf(provider.providerId)).toHaveLength(0);
  });

  // As root the provider hands the workspace to the sandbox user: a cold create while the engine starts the
  // container, a pooled acquire for the entries it moved into the slot (the slot itself is already the user's).
  it.skipIf(process.getuid?.() !== 0)(
    'hands host-made files to the sandbox user, cold and pooled, and removes the pool slot the workspace left',
    async () => {
      const poolDir = join(root, 'pool');
      const cold = track(new DockerSandboxProvider());
      const pooled = track(new DockerSandboxProvider({ pool: { size: 1, dir: poolDir } }));
      await pooled.warm();
      for (const [name, provider] of [
        ['cold', cold],
        ['pooled', pooled],
      ] as const) {
        const ws = join(root, `owned-${name}`);
        await mkdir(join(ws, 'sub'), { recursive: true, mode: 0o755 });
        await writeFile(join(ws, 'sub', 'made-by-host.txt'), 'host\n', { mode: 0o644 });
        const sandbox = await provider.create({ workspace: ws });
        try {
          const result = await sandbox.exec('echo sandbox >> sub/made-by-host.txt && touch sub/new.txt && echo ok');
          expect(result.stdout, `${name}: ${result.stderr}`).toBe('ok\n');
          expect(await readFile(join(ws, 'sub', 'made-by-host.txt'), 'utf8')).toBe('host\nsandbox\n');
          expect(statSync(join(ws, 'sub')).uid).toBe(65534);
          expect(statSync(ws).uid).toBe(65534);
        } finally {
          await sandbox.dispose();
        }
      }
      await pooled.close();
      // The adopted workspace's emptied directory was renamed into the pool dir and removed there; the slots are gone.
      expect(await readdir(poolDir)).toEqual([]);
    },
  );

  it('falls back to a cold container when the workspace is on another filesystem than the pool', async () => {
    const shm = '/dev/shm';
    if (
      !existsSync(shm) ||
      spawnSync('stat', ['-c', '%d', shm]).stdout.toString() ===
        spawnSync('stat', ['-c', '%d', tmpdir()]).stdout.toString()
    ) {
      console.warn('[sandbox-docker] /dev/shm is on the same filesystem as the tmp dir: fallback case not exercised');
      return;
    }
    const other = await mkdtemp(join(shm, 'sessionhub-docker-test-'));
    const provider = track(new DockerSandboxProvider({ pool: { size: 1 } }));
    try {
      await provider.warm();
      await writeFile(join(other, 'x.txt'), 'x');
      const sandbox = await provider.create({ workspace: other });
      expect((await sandbox.exec('cat x.txt')).stdout).toBe('x');
      await sandbox.dispose();
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('reaps containers whose owner process is gone and keeps those of live owners', async () => {
    const provider = track(new DockerSandboxProvider());
    const live = (await provider.create({ workspace })) as DockerSandbox;
    const dead = spawnSync('true').pid ?? 999_999;
    const orphan = await docker.createContainer({
      Image: DEFAULT_IMAGE,
      Cmd: ['/bin/true'],
      HostConfig: { NetworkMode: 'none', Binds: ['/usr:/usr:ro'] },
      Labels: {
        'io.sessionhub.managed-by': MANAGED_BY,
        'io.sessionhub.owner-pid': String(dead),
        'io.sessionhub.owner-host': (await import('node:os')).hostname(),
        'io.sessionhub.provider-id': provider.providerId,
      },
    });
    const poolDir = join(root, 'pool');
    await mkdir(join(poolDir, `slot-${dead}-abc`), { recursive: true });
    await mkdir(join(poolDir, `slot-${process.pid}-abc`), { recursive: true });
    const reaper = track(new DockerSandboxProvider({ pool: { size: 0, dir: poolDir } }));
    try {
      const result = await reaper.reapOrphans();
      expect(result.slots).toEqual([join(poolDir, `slot-${dead}-abc`)]);
      expect(existsSync(join(poolDir, `slot-${process.pid}-abc`))).toBe(true);
      expect(result.removed).toContain(orphan.id);
      expect(result.removed).not.toContain(live.containerId);
      const left = (await containersOf(provider.providerId)).map((c) => c.Id);
      expect(left).toEqual([live.containerId]);
    } finally {
      await live.dispose();
      await orphan.remove({ force: true }).catch(() => undefined);
    }
  });

  it('names a missing image with sandbox.image_missing', async () => {
    const provider = track(new DockerSandboxProvider({ image: 'sessionhub/does-not-exist:0' }));
    const error = await provider.create({ workspace }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).code).toBe('sandbox.image_missing');
  });

  it('refuses file operations after dispose with sandbox.disposed', async () => {
    const provider = track(new DockerSandboxProvider());
    const sandbox = await provider.create({ workspace });
    await sandbox.dispose();
    const error = await sandbox.readFile('x').catch((e: unknown) => e);
    expect((error as SandboxError).code).toBe('sandbox.disposed');
  });

  it('fails pending and later calls with sandbox.crashed when the container dies, and still disposes', async () => {
    const provider = track(new DockerSandboxProvider());
    const sandbox = (await provider.create({ workspace })) as DockerSandbox;
    const pending = sandbox.exec('sleep 30').catch((e: unknown) => e);
    await docker.getContainer(sandbox.containerId).kill();
    expect(((await pending) as SandboxError).code).toBe('sandbox.crashed');
    const later = await sandbox.exec('true').catch((e: unknown) => e);
    expect((later as SandboxError).code).toBe('sandbox.crashed');
    await sandbox.dispose();
    expect(await containersOf(provider.providerId)).toHaveLength(0);
  });

  it('refuses a cwd that is missing or leaves the workspace', async () => {
    const provider = track(new DockerSandboxProvider());
    const sandbox = await provider.create({ workspace });
    try {
      expect(((await sandbox.exec('pwd', { cwd: 'nope' }).catch((e: unknown) => e)) as SandboxError).code).toBe(
        'sandbox.not_found',
      );
      expect(((await sandbox.exec('pwd', { cwd: '../..' }).catch((e: unknown) => e)) as SandboxError).code).toBe(
        'sandbox.path_escape',
      );
    } finally {
      await sandbox.dispose();
    }
  });

  it('accepts any image a user names (here one without our labels, host paths given by option)', async () => {
    const plain = 'sessionhub/sandbox-test-plain:1';
    // export + import drops every piece of image config: no labels, no ENV, no USER, no CMD.
    const exported = spawnSync('sh', [
      '-c',
      `id=$(docker create ${DEFAULT_IMAGE}) && docker export "$id" | docker import - ${plain} >/dev/null; rc=$?; docker rm "$id" >/dev/null; exit $rc`,
    ]);
    expect(exported.status, exported.stderr.toString()).toBe(0);
    const provider = track(new DockerSandboxProvider({ image: plain, hostMounts: ['/usr'] }));
    const sandbox = await provider.create({ workspace });
    try {
      const result = await sandbox.exec('id -u; echo "$PATH"');
      expect(result.exitCode).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe('65534');
    } finally {
      await sandbox.dispose();
      await docker
        .getImage(plain)
        .remove()
        .catch(() => undefined);
    }
  });

  it('reaps the containers and pool slots of a process that was SIGKILLed', async () => {
    const poolDir = join(root, 'crash-pool');
    const fixture = fileURLToPath(new URL('./fixtures/crashing-owner.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@sessionhub/source', fixture, poolDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let capped = '-';
    const ready = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /READY (\w+) (\S+)\n/.exec(out);
        if (m?.[1] && m[2]) {
          capped = m[2];
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`owner exited early (${code}): ${out}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const owned = await docker.listContainers({
      all: true,
      filters: { label: [`io.sessionhub.owner-pid=${child.pid}`] },
    });
    expect(owned.map((c) => c.Id)).toContain(ready);
    expect(owned.length).toBe(capped === '-' ? 2 : 3);
    if (capped !== '-') expect(mountedAt(capped)).toBe(true);
    const reaper = track(new DockerSandboxProvider({ pool: { size: 0, dir: poolDir } }));
    const result = await reaper.reapOrphans();
    expect(result.removed.sort()).toEqual(owned.map((c) => c.Id).sort());
    expect(result.slots).toHaveLength(1);
    // The disk cap the dead owner left over its workspace is released (as root, where caps exist).
    if (capped !== '-') {
      expect(result.diskCaps).toContain(capped);
      expect(mountedAt(capped)).toBe(false);
    }
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`io.sessionhub.owner-pid=${child.pid}`] },
    });
    expect(left).toHaveLength(0);
  });

  it('runs the runner with a node inside the image when imageNode is set', async (ctx) => {
    if (!existsSync('/usr/bin/node')) ctx.skip('no /usr/bin/node on this host (the base image mounts host /usr)');
    const provider = track(new DockerSandboxProvider({ imageNode: '/usr/bin/node' }));
    const sandbox = (await provider.create({ workspace })) as DockerSandbox;
    try {
      const info = await docker.getContainer(sandbox.containerId).inspect();
      expect(info.Config.Cmd?.[0]).toBe('/usr/bin/node');
      expect(info.Mounts.some((m) => m.Destination === '/opt/sessionhub/node')).toBe(false);
      await sandbox.writeFile('a.txt', 'via image node');
      expect((await sandbox.exec('cat a.txt')).stdout).toBe('via image node');
    } finally {
      await sandbox.dispose();
    }
  });

  it('multiplexes concurrent commands and file operations over the one runner stream', async () => {
    const provider = track(new DockerSandboxProvider());
    const sandbox = await provider.create({ workspace });
    try {
      const runs = Array.from({ length: 12 }, (_, i) =>
        sandbox.exec(`sleep 0.0${i % 5}; echo out-${i}; echo err-${i} >&2; exit ${i}`),
      );
      const writes = Array.from({ length: 12 }, (_, i) => sandbox.writeFile(`f/${i}.txt`, `file ${i}`));
      const results = await Promise.all(runs);
      await Promise.all(writes);
      results.forEach((r, i) => {
        expect(r).toMatchObject({ exitCode: i, stdout: `out-${i}\n`, stderr: `err-${i}\n` });
      });
      const texts = await Promise.all(Array.from({ length: 12 }, (_, i) => sandbox.readFile(`f/${i}.txt`)));
      expect(texts).toEqual(Array.from({ length: 12 }, (_, i) => `file ${i}`));
    } finally {
      await sandbox.dispose();
    }
  });

  it('timeout also kills a daemon that left the session and was re-parented to init', async () => {
    const provider = track(new DockerSandboxProvider());
    const sandbox = await provider.create({ workspace });
    try {
      const result = await sandbox.exec(
        "(setsid sh -c 'while :; do date +%s%N > daemon.txt; sleep 0.05; done' &); sleep 30",
        { timeoutMs: 700 },
      );
      expect(result.timedOut).toBe(true);
      const left = await sandbox.exec('ps -eo pid,ppid,sid,args | grep "[d]aemon.txt" || true');
      expect(left.stdout).toBe('');
    } finally {
      await sandbox.dispose();
    }
  });
});
