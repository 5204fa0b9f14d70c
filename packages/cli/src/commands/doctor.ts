import { access, constants, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SANDBOX_FIX, SANDBOX_IMAGE } from '../defaults/choose-sandbox.js';
import { probeDocker } from '../defaults/docker-probe.js';
import { findOnPath } from '../defaults/find-on-path.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { type GlobalOptions, projectContext } from './context.js';

/** One check of `sessionhub doctor`. */
export interface Check {
  name: string;
  /** `ok`; `warn`: works, but not as well as it could; `fail`: sessions cannot run until fixed. */
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  /** What to do about a `warn` or `fail`. */
  fix?: string;
}

/** Node 22.13 or later (node:sqlite without a flag). */
function checkNode(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 22 || (major === 22 && minor >= 13);
  return ok
    ? { name: 'node', status: 'ok', detail: `Node ${process.versions.node}` }
    : {
        name: 'node',
        status: 'fail',
        detail: `Node ${process.versions.node} is too old`,
        fix: 'install Node 22.13 or later (Node 24 LTS recommended)',
      };
}

/** Whether bubblewrap is on PATH and works here (the sandbox package's own probe). */
async function checkBubblewrap(): Promise<Check> {
  const { ProcessSandboxProvider } = await import('@sessionhub/sandbox-process');
  const bwrapPath = findOnPath('bwrap');
  if (!bwrapPath) {
    return {
      name: 'bubblewrap',
      status: 'warn',
      detail: 'bwrap not found on PATH',
      fix: 'apt-get install bubblewrap (Debian/Ubuntu), or use Docker',
    };
  }
  const provider = new ProcessSandboxProvider({ isolation: 'auto', bwrapPath });
  const report = provider.detect();
  await provider.close();
  if (report.isolation === 'bubblewrap')
    return { name: 'bubblewrap', status: 'ok', detail: `works (${report.bwrapPath})` };
  return {
    name: 'bubblewrap',
    status: 'warn',
    detail: report.reason ?? 'unusable',
    fix: 'allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1), or use Docker',
  };
}

async function checkDocker(): Promise<Check> {
  const docker = await probeDocker(SANDBOX_IMAGE, { signal: AbortSignal.timeout(5_000) });
  if (docker.engine && docker.image)
    return { name: 'docker', status: 'ok', detail: `engine answers, image ${SANDBOX_IMAGE} built` };
  if (docker.engine) {
    return {
      name: 'docker',
      status: 'warn',
      detail: docker.reason ?? 'image missing',
      fix: 'npm run sandbox:image -w @sessionhub/sandbox-docker',
    };
  }
  return {
    name: 'docker',
    status: 'warn',
    detail: docker.reason ?? 'no engine',
    fix: 'start a Docker engine (packages/sandbox-docker/scripts/ensure-docker.sh), or use bubblewrap',
  };
}

function checkApiKey(): Check {
  return process.env.ANTHROPIC_API_KEY
    ? { name: 'api key', status: 'ok', detail: 'ANTHROPIC_API_KEY is set' }
    : {
        name: 'api key',
        status: 'fail',
        detail: 'ANTHROPIC_API_KEY is not set',
        fix: 'export ANTHROPIC_API_KEY=... (replays and the demo need none)',
      };
}

async function checkStore(storePath: string): Promise<Check> {
  try {
    await mkdir(dirname(storePath), { recursive: true });
    await access(dirname(storePath), constants.W_OK);
    return { name: 'store', status: 'ok', detail: `${storePath} (directory writable)` };
  } catch (cause) {
    return {
      name: 'store',
      status: 'fail',
      detail: `${storePath}: ${(cause as Error).message}`,
      fix: 'give the project directory write access, or set store.path in .sessionhub/config.json',
    };
  }
}

async function checkFoundation(project: string, path: string): Promise<Check> {
  try {
    const text = await readFile(join(project, path), 'utf8');
    const version = /Current Version:\s*(\S+)/i.exec(text)?.[1];
    return { name: 'foundation', status: 'ok', detail: `${path}${version ? ` (version ${version})` : ''}` };
  } catch {
    return {
      name: 'foundation',
      status: 'warn',
      detail: `no ${path}`,
      fix: 'sessionhub init writes one (a session also creates it from the template)',
    };
  }
}

/** git 2.38+ for a worktree per session; a project that is not a repository works in place. */
async function checkGit(project: string): Promise<Check> {
  const { checkGitVersion } = await import('@sessionhub/git');
  let version: string;
  try {
    version = await checkGitVersion('git', AbortSignal.timeout(10_000));
  } catch (error) {
    return {
      name: 'git',
      status: 'warn',
      detail: (error as Error).message,
      fix: 'install git 2.38 or newer (sessions then get a worktree and branch each)',
    };
  }
  const repository = await access(join(project, '.git')).then(
    () => true,
    () => false,
  );
  return repository
    ? { name: 'git', status: 'ok', detail: `git ${version}: a worktree and branch per session` }
    : {
        name: 'git',
        status: 'warn',
        detail: `git ${version}, but the project is not a git repository: sessions work in place, nothing is committed`,
        fix: 'git init && git add -A && git commit -m "start"',
      };
}

/** Every check, in the order printed. */
export async function runChecks(project: string, storePath: string, foundationPath: string): Promise<Check[]> {
  const bwrap = await checkBubblewrap();
  const docker = await checkDocker();
  const checks = [
    checkNode(),
    bwrap,
    docker,
    checkApiKey(),
    await checkStore(storePath),
    await checkFoundation(project, foundationPath),
    await checkGit(project),
  ];
  if (bwrap.status !== 'ok' && docker.status !== 'ok') {
    checks.push({
      name: 'sandbox',
      status: 'fail',
      detail: 'neither Docker nor bubblewrap can isolate sessions here',
      fix: SANDBOX_FIX,
    });
  } else {
    checks.push({ name: 'sandbox', status: 'ok', detail: docker.status === 'ok' ? 'docker' : 'bubblewrap' });
  }
  return checks;
}

/** `sessionhub doctor`: what this machine and project have, each problem with its fix. Exit 3 on any failure. */
export async function doctorCommand(flags: GlobalOptions): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  const checks = await runChecks(ctx.project, ctx.storePath, ctx.config.policy?.foundationPath ?? 'FOUNDATION.md');
  const out = createReporter(
    outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream),
  );
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  const text = checks
    .map((c) => `${mark[c.status]}  ${c.name.padEnd(11)} ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`)
    .join('\n');
  const failed = checks.some((c) => c.status === 'fail');
  out.report(`${text}\n\n${failed ? 'Some checks failed: sessions cannot run until they are fixed.' : 'Ready.'}`, {
    checks,
    ready: !failed,
  });
  out.close();
  return failed ? EXIT.environment : EXIT.ok;
}
