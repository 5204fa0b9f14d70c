import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SandboxError } from '@sessionhub/core';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { copyWorkspace, type ProcessSandbox, ProcessSandboxProvider } from '../src/index.js';
import { bwrapTestEnv } from './bwrap-env.js';

const env = bwrapTestEnv();
let root: string;
let workspace: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sessionhub-process-test-'));
  workspace = join(root, 'workspace');
  await mkdir(workspace);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('without bubblewrap', () => {
  const missing = '/nonexistent/sessionhub/bwrap';

  it('reports isolation none and refuses to create unless allowUnisolated', { timeout: 20_000 }, async () => {
    const provider = new ProcessSandboxProvider({ bwrapPath: missing });
    expect(provider.isolation).toBe('none');
    expect(provider.detect().reason).toContain('bwrap not found');
    const error = await provider.create({ workspace }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).code).toBe('sandbox.unisolated');
  });

  it('runs unisolated when allowed, and says so', { timeout: 20_000 }, async () => {
    const provider = new ProcessSandboxProvider({ bwrapPath: missing, allowUnisolated: true });
    const sandbox = await provider.create({ workspace });
    try {
      expect(sandbox.isolation).toBe('none');
      const result = await sandbox.exec('pwd');
      expect(result.stdout.trim()).toBe(sandbox.workspace);
    } finally {
      await provider.close();
    }
  });

  it('refuses with sandbox.unavailable when bubblewrap was asked for explicitly', { timeout: 20_000 }, async () => {
    const provider = new ProcessSandboxProvider({ bwrapPath: missing, isolation: 'bubblewrap', allowUnisolated: true });
    const error = await provider.create({ workspace }).catch((e: unknown) => e);
    expect((error as SandboxError).code).toBe('sandbox.unavailable');
  });
});

describe('a workspace that is not a directory', () => {
  it('is refused with sandbox.invalid_workspace', { timeout: 20_000 }, async () => {
    const provider = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
    const error = await provider.create({ workspace: join(root, 'missing') }).catch((e: unknown) => e);
    expect((error as SandboxError).code).toBe('sandbox.invalid_workspace');
  });
});

describe('file API details', () => {
  const provider = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
  afterAll(() => provider.close());

  it('follows a symlink that stays inside, and refuses to read a directory', { timeout: 20_000 }, async () => {
    const sandbox = await provider.create({ workspace });
    await sandbox.writeFile('real/file.txt', 'inside\n');
    await symlink('real', join(workspace, 'rel-link'));
    await symlink(join(workspace, 'real', 'file.txt'), join(workspace, 'abs-link'));
    expect(await sandbox.readFile('rel-link/file.txt')).toBe('inside\n');
    expect(await sandbox.readFile('abs-link')).toBe('inside\n');
    expect(await sandbox.readFile('real/../real/./file.txt')).toBe('inside\n');
    await sandbox.writeFile('rel-link/new.txt', 'via link');
    expect(await readFile(join(workspace, 'real', 'new.txt'), 'utf8')).toBe('via link');
    expect(((await sandbox.readFile('real').catch((e: unknown) => e)) as SandboxError).code).toBe(
      'sandbox.is_directory',
    );
    expect(((await sandbox.readFile('nope').catch((e: unknown) => e)) as SandboxError).code).toBe('sandbox.not_found');
  });

  it('readFileCapped: the text within the cap, only the size above it, found and refused as readFile', {
    timeout: 20_000,
  }, async () => {
    const sandbox = (await provider.create({ workspace })) as ProcessSandbox;
    await sandbox.writeFile('real/file.txt', 'inside\n');
    await symlink('real/file.txt', join(workspace, 'link.txt'));
    await symlink(join(root, 'outside.txt'), join(workspace, 'out.txt'));
    await writeFile(join(root, 'outside.txt'), 'outside\n');
    expect(await sandbox.readFileCapped('real/file.txt', 7)).toEqual({ size: 7, text: 'inside\n' });
    expect(await sandbox.readFileCapped('link.txt', 6)).toEqual({ size: 7 });
    expect(await sandbox.readFileCapped('real/../link.txt', 100)).toEqual({ size: 7, text: 'inside\n' });
    const codeOf = (path: string) =>
      sandbox.readFileCapped(path, 100).then(
        () => 'read',
        (e: unknown) => (e as SandboxError).code,
      );
    expect(await codeOf('real')).toBe('sandbox.is_directory');
    expect(await codeOf('nope')).toBe('sandbox.not_found');
    expect(await codeOf('out.txt')).toBe('sandbox.path_escape');
    expect(await codeOf('../outside.txt')).toBe('sandbox.path_escape');
  });

  it('removes a symlink to a directory without touching the target', { timeout: 20_000 }, async () => {
    const sandbox = await provider.create({ workspace });
    await mkdir(join(root, 'outside'));
    await writeFile(join(root, 'outside', 'keep.txt'), 'keep');
    await symlink(join(root, 'outside'), join(workspace, 'out'));
    await sandbox.remove('out');
    expect(existsSync(join(workspace, 'out'))).toBe(false);
    expect(await readFile(join(root, 'outside', 'keep.txt'), 'utf8')).toBe('keep');
  });

  it('refuses a cwd outside the workspace', { timeout: 20_000 }, async () => {
    const sandbox = await provider.create({ workspace });
    await symlink(root, join(workspace, 'up'));
    for (const cwd of ['..', '/tmp', 'up']) {
      const error = await sandbox.exec('pwd', { cwd }).catch((e: unknown) => e);
      expect((error as SandboxError).code, cwd).toBe('sandbox.path_escape');
    }
  });
});

describe('copyWorkspace', () => {
  it('copies a tree and keeps symlinks as links', { timeout: 20_000 }, async () => {
    await mkdir(join(root, 'src', 'a'), { recursive: true });
    await writeFile(join(root, 'src', 'a', 'x.txt'), 'x');
    await symlink('/etc/passwd', join(root, 'src', 'link'));
    await copyWorkspace(join(root, 'src'), join(root, 'dest'));
    expect(await readFile(join(root, 'dest', 'a', 'x.txt'), 'utf8')).toBe('x');
    const provider = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
    const sandbox = await provider.create({ workspace: join(root, 'dest') });
    try {
      const entries = await sandbox.list();
      expect(entries.find((e) => e.path === 'link')?.type).toBe('symlink');
    } finally {
      await provider.close();
    }
  });
});

describe.skipIf(!env.ready)(`bubblewrap specifics${env.note}`, () => {
  const provider = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
  afterAll(() => provider.close());
  let server: Server;
  let connections = 0;
  let port = 0;
  beforeEach(async () => {
    server = createServer((socket) => {
      connections++;
      socket.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('mounts the workspace at /workspace, runs as nobody, and gives node', { timeout: 30_000 }, async () => {
    const sandbox = (await provider.create({ workspace })) as ProcessSandbox;
    expect(sandbox.isolation).toBe('bubblewrap');
    const result = await sandbox.exec('pwd; id -u; node -e "process.stdout.write(String(6*7))"');
    expect(result.stdout).toBe('/workspace\n65534\n42');
    // Absolute symlinks made inside name /workspace: the file API treats them as inside.
    await sandbox.exec('mkdir d && echo hi > d/f && ln -s /workspace/d/f abs');
    expect(await sandbox.readFile('abs')).toBe('hi\n');
  });

  it("runs the runner from an exec-only copy of node, and commands' node from the host's own", {
    timeout: 30_000,
  }, async () => {
    const sandbox = await provider.create({ workspace });
    const result = await sandbox.exec(
      'test -x /opt/sessionhub/runner/node && ! test -r /opt/sessionhub/runner/node && echo runner-exec-only; ' +
        'test -r "$(command -v node)" && echo command-readable',
    );
    // Where the sandbox user cannot reach the host's node (a checkout under /root, mode 0700, as in CI),
    // commands fall back to the runner's exec-only copy.
    const hostNodeReachable = reachableByOthers(realpathSync(process.execPath));
    expect(result.stdout).toBe(`runner-exec-only\n${hostNodeReachable ? 'command-readable\n' : ''}`);
  });

  it('starts the runner under 2 GiB of old space, so V8 does not copy the builtins of a node it cannot read', {
    timeout: 30_000,
  }, async () => {
    const sandbox = await provider.create({ workspace });
    // Seen from the host (root reads a non-dumpable process's environ): this sandbox's runner and its argv.
    const argvs: string[][] = [];
    for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
      if (argv[0] !== '/opt/sessionhub/runner/node') continue;
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
      if (environ.includes(sandbox.id)) argvs.push(argv);
    }
    expect(argvs).toHaveLength(1);
    // At 2048 MiB or more V8 enables short builtin calls and, unable to map them from the unreadable binary,
    // copies 2 MiB of builtins into every runner at start.
    const limit = argvs[0]?.find((arg) => arg.startsWith('--max-old-space-size='));
    expect(Number(limit?.split('=')[1])).toBeLessThan(2048);
  });

  it('enforces limits in a cgroup subtree that is removed on dispose', { timeout: 30_000 }, async () => {
    const sandbox = (await provider.create({ workspace, limits: { pids: 32, memoryMb: 128 } })) as ProcessSandbox;
    expect(sandbox.limitsEnforcement).toBe('cgroup');
    const name = `sessionhub-${sandbox.id}`;
    const cgroupLine = (await readFile('/proc/self/cgroup', 'utf8')).split('\n').find((l) => l.includes(':pids:'));
    const pidsDir = join('/sys/fs/cgroup/pids', cgroupLine?.split(':')[2] ?? '/', name);
    expect(await readFile(join(pidsDir, 'pids.max'), 'utf8')).toBe('32\n');
    await sandbox.dispose();
    expect(existsSync(pidsDir)).toBe(false);
  });

  it('holds every process of the sandbox in each of its cgroups, bwrap and the runner included', {
    timeout: 30_000,
  }, async () => {
    const sandbox = (await provider.create({
      workspace,
      limits: { pids: 64, memoryMb: 256, cpus: 1 },
    })) as ProcessSandbox;
    await sandbox.exec('nohup sleep 60 >/dev/null 2>&1 &');
    const name = `sessionhub-${sandbox.id}`;
    // Seen from the host: per controller, the processes whose cgroup is this sandbox's.
    const members = new Map<string, Set<string>>([
      ['pids', new Set()],
      ['memory', new Set()],
      ['cpu', new Set()],
    ]);
    const commands = new Map<string, string>();
    for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
      const lines = (await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '')).split('\n');
      for (const [controller, set] of members) {
        const line = lines.find((l) => l.split(':')[1]?.split(',').includes(controller));
        if (line?.endsWith(`/${name}`)) set.add(pid);
      }
      commands.set(pid, (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? '');
    }
    const inPids = [...(members.get('pids') ?? [])].sort();
    expect([...(members.get('memory') ?? [])].sort()).toEqual(inPids);
    expect([...(members.get('cpu') ?? [])].sort()).toEqual(inPids);
    const names = inPids.map((pid) => commands.get(pid));
    expect(names.some((n) => n?.endsWith('/bwrap'))).toBe(true);
    expect(names).toContain('/opt/sessionhub/runner/node');
    expect(names).toContain('sleep');
    await sandbox.dispose();
  });

  it('falls back to RLIMIT_AS for memory without cgroups', { timeout: 30_000 }, async () => {
    const noCgroups = new ProcessSandboxProvider({ isolation: 'bubblewrap', cgroups: false });
    try {
      const sandbox = (await noCgroups.create({ workspace, limits: { memoryMb: 256 } })) as ProcessSandbox;
      expect(sandbox.limitsEnforcement).toBe('rlimit');
      const bomb = await sandbox.exec(
        `awk 'BEGIN { s = "x"; while (length(s) < 600000000) s = s s; print "ALLOCATED" }'`,
      );
      expect(bomb.stdout).not.toContain('ALLOCATED');
      expect(bomb.exitCode).not.toBe(0);
      expect((await sandbox.exec('echo fine')).stdout).toBe('fine\n');
    } finally {
      await noCgroups.close();
    }
  });

  it('reaches host loopback only with network: true', { timeout: 30_000 }, async () => {
    const cmd = `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} && echo CONNECTED'`;
    const closed = await provider.create({ workspace });
    expect((await closed.exec(cmd)).stdout).not.toContain('CONNECTED');
    expect(connections).toBe(0);
    const open = await provider.create({ workspace, network: true });
    expect((await open.exec(cmd)).stdout).toContain('CONNECTED');
    expect(connections).toBe(1);
  });

  it('runs commands concurrently, each with its own result', { timeout: 30_000 }, async () => {
    const sandbox = await provider.create({ workspace });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => sandbox.exec(`sleep 0.${i % 3}; echo ${i}; exit ${i}`)),
    );
    expect(results.map((r) => [r.stdout, r.exitCode])).toEqual(Array.from({ length: 8 }, (_, i) => [`${i}\n`, i]));
  });

  it('reports sandbox.unavailable when a command kills its own runner', { timeout: 30_000 }, async () => {
    const sandbox = await provider.create({ workspace });
    // The runner is the parent of the resident measurer, the parent of the command's process ($PPID).
    const killed = await sandbox.exec("kill -9 $(cut -d' ' -f4 /proc/$PPID/stat); sleep 5").catch((e: unknown) => e);
    expect((killed as SandboxError).code).toBe('sandbox.unavailable');
    expect(((await sandbox.exec('true').catch((e: unknown) => e)) as SandboxError).code).toBe('sandbox.unavailable');
    await sandbox.dispose();
  });

  it('cannot read /etc/shadow: the sandbox is an unprivileged host user, not host root', {
    timeout: 30_000,
  }, async () => {
    const sandbox = await provider.create({ workspace });
    // Nothing is masked: /etc/shadow is the host's, readable only by host root and group shadow.
    const result = await sandbox.exec(
      'cat /etc/shadow; grep -c root: /etc/passwd; nohup sleep 31.4159 >/dev/null 2>&1 &',
    );
    expect(result.stdout).not.toContain('root:');
    expect(result.stderr).toContain('Permission denied');
    expect(result.stdout.trim()).toBe('1');
    // Seen from the host, the sandbox's processes run as uid 65534 when we are root (as the caller otherwise).
    const hostUids: string[] = [];
    for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (!cmdline.includes('31.4159')) continue;
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      hostUids.push(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '?');
    }
    const expected = (process.getuid?.() ?? 0) === 0 ? '65534' : String(process.getuid?.());
    expect(hostUids).toEqual([expected]);
  });

  it('limits.diskMb: writes past the cap fail, and the workspace keeps every file after dispose', {
    timeout: 60_000,
  }, async () => {
    await writeFile(join(workspace, 'before.txt'), 'kept\n');
    const sandbox = await provider.create({ workspace, limits: { diskMb: 32 } });
    const result = await sandbox.exec(
      'cat before.txt; echo new > after.txt; head -c 100000000 /dev/zero > fill; echo "rc=$?"; wc -c < fill; rm fill',
    );
    expect(result.stdout).toMatch(/^kept\nrc=1\n\d+\n$/);
    expect(Number(result.stdout.split('\n')[2])).toBeLessThan(32 * 1024 * 1024);
    expect(result.stderr).toContain('No space left on device');
    await sandbox.dispose();
    // The capped filesystem is gone; what the session wrote is in the host directory.
    expect(await readFile(join(workspace, 'before.txt'), 'utf8')).toBe('kept\n');
    expect(await readFile(join(workspace, 'after.txt'), 'utf8')).toBe('new\n');
    expect((await readFile('/proc/self/mountinfo', 'utf8')).includes(workspace)).toBe(false);
  });

  it('seccomp: ptrace and process_vm_readv fail even on a command of its own (same uid, dumpable)', {
    timeout: 30_000,
  }, async () => {
    const sandbox = await provider.create({ workspace });
    const script = [
      'import ctypes, subprocess',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'child = subprocess.Popen(["sleep", "5"])',
      'r = libc.ptrace(16, child.pid, None, None)',
      'print("ptrace", r, ctypes.get_errno())',
      'class iov(ctypes.Structure): _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]',
      'buf = ctypes.create_string_buffer(8)',
      'local = iov(ctypes.cast(buf, ctypes.c_void_p), 8); remote = iov(0x400000, 8)',
      'n = libc.process_vm_readv(child.pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)',
      'print("vm", n, ctypes.get_errno()); child.kill()',
    ].join('\n');
    const result = await sandbox.exec(['python3', '-c', script]);
    // EPERM (1) from the filter; without it the first would attach (0) and the second fail with EFAULT or read.
    expect(result.stdout).toBe('ptrace -1 1\nvm -1 1\n');
  });

  it('killAll stops leftovers of earlier commands and the sandbox stays usable', { timeout: 30_000 }, async () => {
    const sandbox = (await provider.create({ workspace })) as ProcessSandbox;
    await sandbox.exec("(setsid sh -c 'while :; do sleep 0.05; done' &) ; nohup sleep 60 >/dev/null 2>&1 &");
    const before = await sandbox.exec('ls /proc | grep -c "^[0-9]"');
    expect(await sandbox.killAll()).toBeGreaterThanOrEqual(2);
    const after = await sandbox.exec('ls /proc | grep -c "^[0-9]"');
    // bwrap's init, the runner, the resident measurer with the two command processes it keeps ready for the
    // next commands, and this command's sh, ls and grep remain.
    expect(Number(after.stdout)).toBeLessThan(Number(before.stdout));
    expect(Number(after.stdout)).toBeLessThanOrEqual(8);
  });
});

describe.skipIf(!env.ready || !existsSync('/sys/fs/cgroup/unified/cgroup.procs'))(
  'cgroup v2 (the hybrid unified hierarchy of this cgroup v1 host: no controllers to delegate)',
  () => {
    it('puts the sandbox in a v2 child, reports that it enforces no limit there, and kills and removes it on dispose', {
      timeout: 30_000,
    }, async () => {
      const root = '/sys/fs/cgroup/unified';
      const provider = new ProcessSandboxProvider({ isolation: 'bubblewrap', cgroupRoot: root });
      try {
        const sandbox = (await provider.create({ workspace, limits: { pids: 32, memoryMb: 256 } })) as ProcessSandbox;
        // No controller is available in this v2 hierarchy: memory falls back to prlimit, and it says so.
        expect(sandbox.limitsEnforcement).toBe('rlimit');
        await sandbox.exec('nohup sleep 60 >/dev/null 2>&1 &');
        const dir = join(root, `sessionhub-${sandbox.id}`);
        const procs = (await readFile(join(dir, 'cgroup.procs'), 'utf8')).trim().split('\n');
        // bwrap, its init, the runner and the sleep at least.
        expect(procs.length).toBeGreaterThanOrEqual(3);
        await sandbox.dispose();
        expect(existsSync(dir)).toBe(false);
        // Every process it held is gone (or a zombie waiting for its new parent to reap it).
        const alive = async () => {
          const states = await Promise.all(
            procs.map((pid) =>
              readFile(`/proc/${pid}/stat`, 'utf8').then(
                (t) => t.slice(t.lastIndexOf(')') + 2, t.lastIndexOf(')') + 3),
                () => 'gone',
              ),
            ),
          );
          return states.filter((state) => state !== 'gone' && state !== 'Z');
        };
        await vi.waitFor(async () => expect(await alive()).toEqual([]), { timeout: 5_000 });
      } finally {
        await provider.close();
      }
    });
  },
);

/** Whether a user other than the owner can reach `file` (every parent directory searchable) and read and run it. */
function reachableByOthers(file: string): boolean {
  if ((statSync(file).mode & 0o005) !== 0o005) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}
