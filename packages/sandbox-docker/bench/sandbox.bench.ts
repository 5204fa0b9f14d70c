/**
 * Benchmark of @sessionhub/sandbox-docker (not a test). Measures, in one run on this machine:
 * cold create+start, pooled acquire, exec latency of `true` (argv and through sh), a small node
 * script (the host's node binary, bind-mounted read-only at /opt/sessionhub/node) and a small sh
 * script, all through the in-container runner; and as baselines an Engine API exec of `true` and
 * `docker run --rm <image> true` through the CLI. Last line: one JSON object.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import {
  CONTAINER_NODE,
  DEFAULT_IMAGE,
  type DockerSandbox,
  DockerSandboxProvider,
  isDockerAvailable,
} from '../src/index.js';

const run = promisify(execFile);
const RUNS = 50;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Number((sorted[index] ?? Number.NaN).toFixed(2));
}

async function timed(runs: number, fn: (i: number) => Promise<unknown>, untimed?: (i: number) => Promise<unknown>) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
    if (untimed) await untimed(i);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), n: samples.length };
}

function show(name: string, s: { p50: number; p95: number; n: number }): void {
  console.log(
    `${name.padEnd(44)} p50 ${String(s.p50).padStart(8)} ms   p95 ${String(s.p95).padStart(8)} ms   (n=${s.n})`,
  );
}

async function main(): Promise<void> {
  if (!(await isDockerAvailable())) {
    console.error('Docker engine not reachable: run packages/sandbox-docker/scripts/ensure-docker.sh');
    process.exit(1);
  }
  await run('bash', [new URL('../scripts/build-image.sh', import.meta.url).pathname]);
  const root = await mkdtemp(join(tmpdir(), 'sessionhub-docker-bench-'));
  const docker = new Dockerode();
  const newWorkspace = async (i: number, kind: string) => {
    const dir = join(root, `${kind}-${i}`);
    await mkdir(dir);
    return dir;
  };
  try {
    const provider = new DockerSandboxProvider();
    // Workspaces are made before timing: only the provider's work is measured.
    const coldDirs = await Promise.all(Array.from({ length: RUNS }, (_, i) => newWorkspace(i, 'cold')));
    const pooledDirs = await Promise.all(Array.from({ length: RUNS }, (_, i) => newWorkspace(i, 'pooled')));
    // Cold: create + start + runner ready, then dispose (not timed).
    let last: DockerSandbox | undefined;
    const cold = await timed(
      RUNS,
      async (i) => {
        last = (await provider.create({ workspace: coldDirs[i] ?? root })) as DockerSandbox;
      },
      () => last?.dispose() ?? Promise.resolve(),
    );
    show('cold create+start (runner ready)', cold);

    // Pooled: the pool is refilled between runs (not timed); create takes a started container.
    const pooledProvider = new DockerSandboxProvider({ pool: { size: 2 } });
    await pooledProvider.warm();
    const pooled = await timed(
      RUNS,
      async (i) => {
        last = (await pooledProvider.create({ workspace: pooledDirs[i] ?? root })) as DockerSandbox;
      },
      async () => {
        await last?.dispose();
        await pooledProvider.warm();
        // Let the refill's and the dispose's I/O settle: we measure an acquire from an idle pool.
        await new Promise((resolve) => setTimeout(resolve, 25));
      },
    );
    show('pooled acquire', pooled);
    await pooledProvider.close();

    const sandbox = (await provider.create({ workspace: await newWorkspace(0, 'exec') })) as DockerSandbox;
    for (let i = 0; i < 5; i++) await sandbox.exec(['true']);
    const execTrue = await timed(RUNS * 4, () => sandbox.exec(['true']));
    show('exec true (argv)', execTrue);
    // The same without the per-command resource measurement (the resident measurer): what measuring costs.
    const unmeasuredProvider = new DockerSandboxProvider({ measureResources: false });
    const unmeasured = await unmeasuredProvider.create({ workspace: await newWorkspace(0, 'unmeasured') });
    for (let i = 0; i < 5; i++) await unmeasured.exec(['true']);
    const execTrueUnmeasured = await timed(RUNS * 4, () => unmeasured.exec(['true']));
    show('exec true (argv), unmeasured', execTrueUnmeasured);
    // A provider's close does not dispose the sandboxes it handed out; a live one keeps this process running.
    await unmeasured.dispose();
    await unmeasuredProvider.close();
    const execShTrue = await timed(RUNS * 4, () => sandbox.exec('true'));
    show('exec "true" (through /bin/sh -c)', execShTrue);
    const shScript = 'i=0; s=0; while [ $i -lt 100 ]; do s=$((s+i)); i=$((i+1)); done; echo $s';
    const execSh = await timed(RUNS, () => sandbox.exec(shScript));
    show('exec small sh script (sum 0..99)', execSh);
    const nodeScript = [CONTAINER_NODE, '-e', 'let s=0; for (let i=0;i<100;i++) s+=i; console.log(s)'];
    const check = await sandbox.exec(nodeScript);
    if (check.stdout.trim() !== '4950') throw new Error(`node script failed: ${check.stderr}`);
    const execNode = await timed(RUNS, () => sandbox.exec(nodeScript));
    show('exec small node script (host node, bind-mounted)', execNode);

    // Baseline 1: one Engine API exec per command in the same container.
    const container = docker.getContainer(sandbox.containerId);
    const engineExecOnce = async () => {
      const ex = await container.exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
      const stream = await ex.start({ hijack: true, stdin: false });
      await new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.resume();
      });
      await ex.inspect();
    };
    for (let i = 0; i < 3; i++) await engineExecOnce();
    const engineExec = await timed(RUNS, engineExecOnce);
    show('baseline: Engine API exec true', engineExec);
    await sandbox.dispose();

    // Baseline 2: docker run --rm through the CLI (host /usr mounted, as the image needs).
    const dockerRun = await timed(RUNS, () =>
      run('docker', ['run', '--rm', '--network', 'none', '-v', '/usr:/usr:ro', DEFAULT_IMAGE, 'true']),
    );
    show('baseline: docker run --rm image true (CLI)', dockerRun);
    await provider.close();

    const round = (n: number) => Number(n.toFixed(2));
    console.log(
      `targets: warm exec p50 <= 30 ms: ${execTrue.p50 <= 30 ? 'met' : 'MISSED'}; pooled acquire <= 5 ms: ${
        pooled.p50 <= 5 ? 'met' : 'MISSED'
      }; >= 5x faster than docker run: ${dockerRun.p50 / execTrue.p50 >= 5 ? 'met' : 'MISSED'}`,
    );
    console.log(
      JSON.stringify({
        bench: 'sandbox-docker/sandbox',
        metrics: {
          cold_create_p50_ms: cold.p50,
          cold_create_p95_ms: cold.p95,
          pooled_acquire_p50_ms: pooled.p50,
          pooled_acquire_p95_ms: pooled.p95,
          exec_true_p50_ms: execTrue.p50,
          exec_true_p95_ms: execTrue.p95,
          exec_true_unmeasured_p50_ms: execTrueUnmeasured.p50,
          exec_true_unmeasured_p95_ms: execTrueUnmeasured.p95,
          resources_overhead_p50_ms: round(execTrue.p50 - execTrueUnmeasured.p50),
          // Measuring's CPU shows in the tail first: at a 1-CPU limit the container meets its CFS quota.
          resources_overhead_p95_ms: round(execTrue.p95 - execTrueUnmeasured.p95),
          exec_sh_true_p50_ms: execShTrue.p50,
          exec_sh_true_p95_ms: execShTrue.p95,
          exec_sh_script_p50_ms: execSh.p50,
          exec_sh_script_p95_ms: execSh.p95,
          exec_node_script_p50_ms: execNode.p50,
          exec_node_script_p95_ms: execNode.p95,
          engine_api_exec_true_p50_ms: engineExec.p50,
          docker_run_rm_true_p50_ms: dockerRun.p50,
          docker_run_rm_true_p95_ms: dockerRun.p95,
        },
        ratios: {
          vs_docker_run_per_command: round(dockerRun.p50 / execTrue.p50),
          vs_engine_api_exec_per_command: round(engineExec.p50 / execTrue.p50),
          pooled_vs_cold_acquire: round(cold.p50 / pooled.p50),
        },
      }),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
