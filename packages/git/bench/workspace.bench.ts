// Workspace creation for a repository of 10,000 files: @sessionhub/git (a warm worktree claimed by
// rename, and a cold `git worktree add`) against `git clone --local` and a plain recursive copy
// (`copyWorkspace` of @sessionhub/sandbox-process, i.e. fs.cp), interleaved in the same run.
// Then the hot git paths (rev-parse, status) through our execFile runner and through simple-git.
// Last line: one JSON object (see ARCHITECTURE.md, Benchmarks).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyWorkspace } from '@sessionhub/sandbox-process';
import { simpleGit } from 'simple-git';
import { createGitWorkspaces, HARDENED_CONFIG } from '../src/index.js';
import { sessionOf } from '../test/session-fixtures.js';

const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const HOT_RUNS = 40;

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const p95 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? Number.NaN;
async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const root = mkdtempSync(join(tmpdir(), 'sessionhub-git-bench-'));
const signal = new AbortController().signal;
try {
  const repo = join(root, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  const perDir = 100;
  for (let d = 0; d < FILES / perDir; d++) {
    mkdirSync(join(repo, 'src', `m${d}`), { recursive: true });
    for (let f = 0; f < perDir; f++) {
      writeFileSync(join(repo, 'src', `m${d}`, `f${f}.ts`), `export const v${d}_${f} = ${d * f};\n`.repeat(30));
    }
  }
  const git = (...args: string[]) => execFileSync('git', ['-c', 'gc.auto=0', ...args], { cwd: repo, encoding: 'utf8' });
  git('add', '-A');
  git('-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-q', '-m', 'init');
  git('gc', '-q');
  console.log(
    `repository: ${FILES} files, ${ROUNDS} rounds (interleaved), load average ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  const cold = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws-cold') });
  const warm = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws-warm'), warmWorktrees: 1 });
  const t = { warm: [] as number[], cold: [] as number[], clone: [] as number[], copy: [] as number[] };
  await warm.warm({ signal });
  for (let r = 0; r < ROUNDS; r++) {
    const sw = sessionOf(`warm-${r}`);
    t.warm.push(await timed(() => warm.open(sw, { signal })));
    await warm.close(sw, { outcome: 'cancelled' }, { signal });
    // The refill `open` started in the background ends here, before anything else is timed.
    await warm.warm({ signal });
    const sc = sessionOf(`cold-${r}`);
    t.cold.push(await timed(() => cold.open(sc, { signal })));
    await cold.close(sc, { outcome: 'cancelled' }, { signal });
    const clone = join(root, `clone-${r}`);
    t.clone.push(await timed(() => execFileSync('git', ['clone', '-q', '--local', repo, clone])));
    rmSync(clone, { recursive: true, force: true });
    const copy = join(root, `copy-${r}`);
    t.copy.push(await timed(() => copyWorkspace(repo, copy)));
    rmSync(copy, { recursive: true, force: true });
  }
  await warm.dispose({ signal });

  // Hot paths: what a commit and a status do most, through our runner and through simple-git.
  const session = sessionOf('hot');
  const dir = await cold.open(session, { signal });
  const admin = (await cold.workspaceOf(session, { signal })).adminDir;
  const call = { gitDir: admin, workTree: dir, signal };
  // simple-git's guard vets the arguments it is handed and refuses our own hardening settings
  // unless each is allowed by name.
  const unsafe = {
    allowUnsafeHooksPath: true,
    allowUnsafeFsMonitor: true,
    allowUnsafeEditor: true,
    allowUnsafePager: true,
    allowUnsafeProtocolOverride: true,
    allowUnsafeSubmodule: true,
    allowUnsafeConfigEnvCount: true,
    allowUnsafeConfigPaths: true,
  };
  const allowEnvironment = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_GLOBAL'];
  const sg = simpleGit({ baseDir: dir, config: [...HARDENED_CONFIG], unsafe, allowEnvironment }).env({
    PATH: process.env.PATH ?? '',
    GIT_DIR: admin,
    GIT_WORK_TREE: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  });
  const hot = {
    runnerRev: [] as number[],
    sgRev: [] as number[],
    runnerStatus: [] as number[],
    sgStatus: [] as number[],
  };
  for (let i = 0; i < HOT_RUNS; i++) {
    hot.runnerRev.push(await timed(() => cold.git.text(['rev-parse', 'HEAD'], call)));
    hot.sgRev.push(await timed(() => sg.revparse(['HEAD'])));
    hot.runnerStatus.push(await timed(() => cold.git.text(['status', '--porcelain=v1', '-z'], call)));
    hot.sgStatus.push(await timed(() => sg.status()));
  }
  await cold.close(session, { outcome: 'cancelled' }, { signal });

  const m = {
    files: FILES,
    open_warm_p50_ms: p50(t.warm),
    open_warm_p95_ms: p95(t.warm),
    open_cold_p50_ms: p50(t.cold),
    clone_local_p50_ms: p50(t.clone),
    copy_p50_ms: p50(t.copy),
    runner_rev_parse_p50_ms: p50(hot.runnerRev),
    simple_git_rev_parse_p50_ms: p50(hot.sgRev),
    runner_status_p50_ms: p50(hot.runnerStatus),
    simple_git_status_p50_ms: p50(hot.sgStatus),
  };
  const round = (x: number) => Math.round(x * 100) / 100;
  console.log('| workspace for 10k files | p50 ms |');
  console.log('| --- | --- |');
  console.log(`| @sessionhub/git, warm worktree | ${round(m.open_warm_p50_ms)} |`);
  console.log(`| @sessionhub/git, cold worktree add | ${round(m.open_cold_p50_ms)} |`);
  console.log(`| git clone --local | ${round(m.clone_local_p50_ms)} |`);
  console.log(`| recursive copy (fs.cp) | ${round(m.copy_p50_ms)} |`);
  console.log(
    `hot paths p50: rev-parse runner ${round(m.runner_rev_parse_p50_ms)} ms vs simple-git ${round(m.simple_git_rev_parse_p50_ms)} ms; status runner ${round(m.runner_status_p50_ms)} ms vs simple-git ${round(m.simple_git_status_p50_ms)} ms`,
  );
  const metrics = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v)]));
  const ratios = {
    vs_clone_local: round(m.clone_local_p50_ms / m.open_warm_p50_ms),
    vs_copy: round(m.copy_p50_ms / m.open_warm_p50_ms),
    cold_vs_clone_local: round(m.clone_local_p50_ms / m.open_cold_p50_ms),
    cold_vs_copy: round(m.copy_p50_ms / m.open_cold_p50_ms),
    vs_simple_git_rev_parse: round(m.simple_git_rev_parse_p50_ms / m.runner_rev_parse_p50_ms),
    vs_simple_git_status: round(m.simple_git_status_p50_ms / m.runner_status_p50_ms),
  };
  console.log(JSON.stringify({ bench: 'git/workspace', metrics, ratios }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
