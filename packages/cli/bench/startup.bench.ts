/**
 * Start-up of the built `sessionhub` executable against a bare `node -e 0`, in the same run: `--version` and
 * `--help` (which must load no adapter). Builds the package first when `dist/bin.js` is missing or older than
 * its sources. Runs are interleaved (bare, --version, --help, bare, ...) so machine load hits all three alike;
 * the median of each is reported. Last line: one JSON object (see ARCHITECTURE.md, "Benchmarks").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'bin.js');
const RUNS = Number(process.env.STARTUP_RUNS ?? 30);

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (!existsSync(bin) || statSync(bin).mtimeMs < newestSource(join(root, 'src'))) {
  console.log('building sessionhub (dist/bin.js is missing or older than src/) ...');
  execFileSync('npx', ['tsup'], { cwd: root, stdio: 'inherit' });
}

function once(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const samples = { bare: [] as number[], version: [] as number[], help: [] as number[] };
once(['-e', '0']); // warm the file cache
once([bin, '--version']);
for (let i = 0; i < RUNS; i++) {
  samples.bare.push(once(['-e', '0']));
  samples.version.push(once([bin, '--version']));
  samples.help.push(once([bin, '--help']));
}
const min = (xs: number[]) => Math.min(...xs);
const bare = median(samples.bare);
const version = median(samples.version);
const help = median(samples.help);
console.log(`node ${process.version}, ${RUNS} interleaved runs each, medians:`);
console.log(`  node -e 0             ${bare.toFixed(1)} ms`);
console.log(
  `  sessionhub --version  ${version.toFixed(1)} ms  (${(version / bare).toFixed(2)}× bare Node; target ≤ 2×)`,
);
console.log(`  sessionhub --help     ${help.toFixed(1)} ms  (${(help / bare).toFixed(2)}× bare Node; target ≤ 2×)`);
console.log(
  `fastest runs (least disturbed by other load): node ${min(samples.bare).toFixed(1)} ms, --version ` +
    `${min(samples.version).toFixed(1)} ms (${(min(samples.version) / min(samples.bare)).toFixed(2)}×), --help ` +
    `${min(samples.help).toFixed(1)} ms (${(min(samples.help) / min(samples.bare)).toFixed(2)}×)`,
);
console.log(
  JSON.stringify({
    bench: 'sessionhub/startup',
    metrics: {
      bare_node_ms: Number(bare.toFixed(2)),
      version_ms: Number(version.toFixed(2)),
      help_ms: Number(help.toFixed(2)),
      version_over_bare_node: Number((version / bare).toFixed(3)),
      help_over_bare_node: Number((help / bare).toFixed(3)),
      bare_node_min_ms: Number(min(samples.bare).toFixed(2)),
      version_min_ms: Number(min(samples.version).toFixed(2)),
      help_min_ms: Number(min(samples.help).toFixed(2)),
    },
    // Above 1 would mean faster than bare Node (impossible); the target of at most 2× bare Node is ≥ 0.5 here.
    ratios: {
      vs_bare_node_version_startup: Number((bare / version).toFixed(3)),
      vs_bare_node_help_startup: Number((bare / help).toFixed(3)),
    },
  }),
);
