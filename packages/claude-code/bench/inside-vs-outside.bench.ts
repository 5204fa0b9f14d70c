/**
 * Wall time of one Claude Code run INSIDE the session's bubblewrap sandbox (behind the model proxy) against the
 * same run on the host (`runIn: 'host'`), on the same scripted conversation against the loopback fake: a Write,
 * a Bash command and a closing text, three model calls. Runs alternate so machine load hits both alike.
 * Not a test. Last line: one JSON object; the ratio is outside/inside (above 1 would mean inside is faster;
 * the target is at most 10% more wall time inside, i.e. a ratio of at least 0.91).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeInputOf } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { ClaudeCodeExecutor, claudeCodeMounts } from '../src/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const KEY = 'sk-ant-bench-0000';
const INSTRUCTION = `Session 1.1: Greeting File

OBJECTIVES:
- Provide a greeting file for visitors

REQUIREMENTS:
- The greeting file says hello

FOUNDATION UPDATE:
- Update to version 1.1
- Add this session to the session log

VALIDATION:
- hello.txt exists and says hello
`;

const provider = new ProcessSandboxProvider({ isolation: 'bubblewrap', hostMounts: claudeCodeMounts() });

async function once(runIn: 'sandbox' | 'host'): Promise<number> {
  const workspace = await mkdtemp(join(tmpdir(), 'sessionhub-claude-bench-'));
  const sandbox = await provider.create({ workspace });
  const root = runIn === 'sandbox' ? (sandbox.mountPoint ?? workspace) : workspace;
  const fake = await startFakeAnthropic({
    apiKey: KEY,
    script: [
      {
        match: match.lastUserContains('Session 1.1'),
        reply: reply.toolUse('Write', { file_path: `${root}/hello.txt`, content: 'hello\n' }),
      },
      { match: match.toolResult({ name: 'Write' }), reply: reply.toolUse('Bash', { command: 'cat hello.txt && ls' }) },
      { match: match.toolResult({ name: 'Bash' }), reply: reply.text('Created hello.txt.') },
    ],
  });
  try {
    const executor = new ClaudeCodeExecutor({
      apiKey: KEY,
      baseURL: fake.url,
      runIn,
      permissionMode: 'bypassPermissions',
      maxRetries: 0,
    });
    const started = performance.now();
    await executor.execute(executeInputOf(INSTRUCTION), sandbox, {
      signal: AbortSignal.timeout(60_000),
      emit: () => undefined,
    });
    const ms = performance.now() - started;
    fake.assertDone();
    return ms;
  } finally {
    await fake.close();
    await sandbox.dispose();
    await rm(workspace, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

await once('sandbox');
await once('host');
const inside: number[] = [];
const outside: number[] = [];
for (let i = 0; i < RUNS; i++) {
  inside.push(await once('sandbox'));
  outside.push(await once('host'));
}
await provider.close();
const insideMs = median(inside);
const outsideMs = median(outside);
const overhead = insideMs / outsideMs - 1;
// On a loaded machine the spread is wide: the fastest run of each is the best estimate of the inherent cost.
const insideMin = Math.min(...inside);
const outsideMin = Math.min(...outside);
const overheadMin = insideMin / outsideMin - 1;
console.log(`inside the sandbox  p50 ${insideMs.toFixed(0)} ms  (${inside.map((v) => v.toFixed(0)).join(', ')})`);
console.log(`on the host         p50 ${outsideMs.toFixed(0)} ms  (${outside.map((v) => v.toFixed(0)).join(', ')})`);
console.log(
  `overhead ${(overhead * 100).toFixed(1)}% at p50, ${(overheadMin * 100).toFixed(1)}% fastest against fastest`,
);
console.log(`target <= 10% more wall time (p50): ${overhead <= 0.1 ? 'met' : 'NOT met'}`);
console.log(
  JSON.stringify({
    bench: 'claude-code/inside-vs-outside',
    metrics: {
      inside_p50_ms: Math.round(insideMs),
      outside_p50_ms: Math.round(outsideMs),
      overhead_pct: Math.round(overhead * 1000) / 10,
      inside_min_ms: Math.round(insideMin),
      outside_min_ms: Math.round(outsideMin),
      overhead_min_pct: Math.round(overheadMin * 1000) / 10,
      runs: RUNS,
    },
    ratios: { vs_host_wall: Math.round((outsideMs / insideMs) * 1000) / 1000 },
  }),
);
