/**
 * Exec latency of the process sandbox (bubblewrap) beside @anthropic-ai/sandbox-runtime (which
 * also drives bubblewrap, one `bwrap` per command) and an unsandboxed spawn, in the same run.
 * Not a test. Last line: one JSON object; ratios > 1 mean SessionHub is faster than the baseline.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxManager } from '@anthropic-ai/sandbox-runtime';
import { ProcessSandboxProvider } from '../src/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARMUP = 5;
const NODE_SCRIPT = 'let s = 0; for (let i = 0; i < 1000; i++) s += i; process.stdout.write(String(s))';

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

async function measure(label: string, run: () => Promise<void>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const result = { p50: percentile(samples, 50), p95: percentile(samples, 95) };
  console.log(`${label.padEnd(44)} p50 ${result.p50.toFixed(2)} ms  p95 ${result.p95.toFixed(2)} ms  (${RUNS} runs)`);
  return result;
}

function spawnAndWait(file: string, args: string[], opts: { shell?: boolean; cwd?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd, shell: opts.shell });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited ${code}`))));
  });
}

const root = await mkdtemp(join(tmpdir(), 'sessionhub-process-bench-'));
const metrics: Record<string, number> = {};
const ratios: Record<string, number> = {};
try {
  const node = process.execPath;
  const bare = {
    true: await measure('unsandboxed spawn: true', () => spawnAndWait('true', [])),
    node: await measure('unsandboxed spawn: node script', () => spawnAndWait(node, ['-e', NODE_SCRIPT])),
  };

  const provider = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
  const created: number[] = [];
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    const s = await provider.create({ workspace: root });
    created.push(performance.now() - start);
    await s.dispose();
  }
  created.sort((a, b) => a - b);
  metrics.create_p50_ms = percentile(created, 50);
  console.log(`sessionhub create (bwrap + runner)            p50 ${metrics.create_p50_ms.toFixed(2)} ms (10 runs)`);
  const sandbox = await provider.create({ workspace: root });
  const check = async (argv: string[]) => {
    const r = await sandbox.exec(argv);
    if (r.exitCode !== 0) throw new Error(`sandboxed ${argv[0]} exited ${r.exitCode}: ${r.stderr}`);
  };
  const ours = {
    true: await measure('sessionhub bubblewrap exec: true', () => check(['true'])),
    node: await measure('sessionhub bubblewrap exec: node script', () => check(['node', '-e', NODE_SCRIPT])),
  };
  await provider.close();
  // The same without the per-command resource measurement (the resident measurer): what measuring costs.
  const unmeasuredProvider = new ProcessSandboxProvider({ isolation: 'bubblewrap', measureResources: false });
  const unmeasured = await unmeasuredProvider.create({ workspace: root });
  const unmeasuredTrue = await measure('sessionhub bubblewrap exec: true, unmeasured', async () => {
    const r = await unmeasured.exec(['true']);
    if (r.exitCode !== 0 || r.resources !== undefined) throw new Error('unmeasured exec failed or was measured');
  });
  await unmeasuredProvider.close();

  await SandboxManager.initialize({
    network: { allowedDomains: [], deniedDomains: [] },
    filesystem: { denyRead: [], allowWrite: [root], denyWrite: [] },
  });
  const srtRun = async (command: string) => {
    const wrapped = await SandboxManager.wrapWithSandbox(command);
    await spawnAndWait(wrapped, [], { shell: true, cwd: root });
  };
  const srt = {
    true: await measure('sandbox-runtime wrap+spawn: true', () => srtRun('true')),
    node: await measure('sandbox-runtime wrap+spawn: node script', () => srtRun(`${node} -e '${NODE_SCRIPT}'`)),
  };
  await SandboxManager.reset();

  Object.assign(metrics, {
    exec_true_p50_ms: ours.true.p50,
    exec_true_p95_ms: ours.true.p95,
    exec_true_unmeasured_p50_ms: unmeasuredTrue.p50,
    exec_true_unmeasured_p95_ms: unmeasuredTrue.p95,
    resources_overhead_p50_ms: ours.true.p50 - unmeasuredTrue.p50,
    resources_overhead_p95_ms: ours.true.p95 - unmeasuredTrue.p95,
    exec_node_p50_ms: ours.node.p50,
    exec_node_p95_ms: ours.node.p95,
    sandbox_runtime_exec_true_p50_ms: srt.true.p50,
    sandbox_runtime_exec_true_p95_ms: srt.true.p95,
    sandbox_runtime_exec_node_p50_ms: srt.node.p50,
    sandbox_runtime_exec_node_p95_ms: srt.node.p95,
    unsandboxed_exec_true_p50_ms: bare.true.p50,
    unsandboxed_exec_node_p50_ms: bare.node.p50,
    runs: RUNS,
  });
  Object.assign(ratios, {
    vs_sandbox_runtime_exec_true: srt.true.p50 / ours.true.p50,
    vs_sandbox_runtime_exec_node: srt.node.p50 / ours.node.p50,
    vs_unsandboxed_exec_true: bare.true.p50 / ours.true.p50,
    vs_unsandboxed_exec_node: bare.node.p50 / ours.node.p50,
  });
} finally {
  await rm(root, { recursive: true, force: true });
}
const round = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
console.log(JSON.stringify({ bench: 'sandbox-process/exec', metrics: round(metrics), ratios: round(ratios) }));
process.exit(0);
