/**
 * Benchmark (not a test): a 20-turn scripted executor loop against the loopback fake Messages API.
 *
 * - cache_read_share_after_turn1: of all input tokens of turns 2..20 (uncached + cache writes + cache
 *   reads), the share read from the prompt cache, with SessionHub's breakpoints.
 * - Baselines, measured in the same run by replaying the very same 20 request bodies with other
 *   breakpoints against a fresh fake: none at all, and one on the system prompt only (a common setup).
 * - overhead_per_turn_ms: what SessionHub adds per turn on top of the HTTP round trip. Measured at the
 *   fake server as the gap between the end of one response and the arrival of the next request (SDK
 *   stream parsing, tool dispatch through the sandbox, request building, events), minus the same gap
 *   when the bare SDK replays the same requests back to back. Median of the per-run means.
 *
 * The executor's sandbox is the real one (`@sessionhub/sandbox-process` with bubblewrap), as in the tests.
 */
import Anthropic from '@anthropic-ai/sdk';
import { tempSandboxes } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import {
  type FakeAnthropic,
  type RecordedRequest,
  reply,
  startFakeAnthropic,
  type WireUsage,
} from '@sessionhub/testing';
import { AnthropicExecutor } from '../src/index.js';
import { executeInput } from '../test/support/fixtures.js';

const sandboxes = tempSandboxes(() => new ProcessSandboxProvider({ isolation: 'bubblewrap' }), {
  prefix: 'sessionhub-anthropic-bench-',
});

const TURNS = 20;
const RUNS = 15;

const files: Record<string, string> = {};
for (let i = 0; i < TURNS - 1; i++) {
  files[`src/module${i}.ts`] = Array.from(
    { length: 40 },
    (_, l) => `// module ${i} line ${l}: some realistic source text here`,
  ).join('\n');
}
const script = () => [
  ...Array.from({ length: TURNS - 1 }, (_, i) => ({
    reply: reply.toolUse('read_file', { path: `src/module${i}.ts` }, { text: `Reading module ${i}.` }),
  })),
  { reply: reply.text('All modules reviewed.') },
];

function share(usages: WireUsage[]): number {
  const rest = usages.slice(1);
  const read = rest.reduce((n, u) => n + u.cache_read_input_tokens, 0);
  const all = rest.reduce((n, u) => n + u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens, 0);
  return all === 0 ? 0 : read / all;
}

/** Input tokens weighted by price: writes cost 1.25×, reads 0.1× an uncached token. */
function weightedInput(usages: WireUsage[]): number {
  return usages.reduce(
    (n, u) => n + u.input_tokens + 1.25 * u.cache_creation_input_tokens + 0.1 * u.cache_read_input_tokens,
    0,
  );
}

/** Mean time between the end of one response and the next request, as the server saw it. */
function meanGapMs(requests: readonly RecordedRequest[]): number {
  let sum = 0;
  for (let i = 1; i < requests.length; i++) sum += requests[i]!.receivedAt - (requests[i - 1]!.endedAt ?? 0);
  return sum / (requests.length - 1);
}

async function runExecutor(promptCaching: boolean): Promise<{ ms: number; requests: RecordedRequest[] }> {
  const box = await sandboxes.create(files);
  const fake = await startFakeAnthropic({ script: script() });
  try {
    const executor = new AnthropicExecutor({ apiKey: 'bench', baseURL: fake.url, maxRetries: 0, promptCaching });
    const started = performance.now();
    const report = await executor.execute(executeInput(), box, { signal: AbortSignal.timeout(60_000), emit: () => {} });
    const ms = performance.now() - started;
    if (report.turns !== TURNS) throw new Error(`expected ${TURNS} turns, got ${report.turns}`);
    fake.assertDone();
    return { ms, requests: [...fake.requests] };
  } finally {
    await fake.close();
    await box.dispose();
  }
}

type Body = Anthropic.MessageCreateParamsStreaming;

function stripMarks<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (k, v) => (k === 'cache_control' ? undefined : v)) as T;
}

/** Replays request bodies with the bare SDK, one after another; returns wall time and usages. */
async function replay(bodies: Body[]): Promise<{ ms: number; gapMs: number; usages: WireUsage[] }> {
  const fake: FakeAnthropic = await startFakeAnthropic({ script: bodies.map(() => ({ reply: reply.text('x') })) });
  try {
    const client = new Anthropic({ apiKey: 'bench', baseURL: fake.url, maxRetries: 0 });
    const started = performance.now();
    for (const body of bodies) await client.messages.stream(body).finalMessage();
    const ms = performance.now() - started;
    return { ms, gapMs: meanGapMs(fake.requests), usages: fake.requests.map((r) => r.usage!) };
  } finally {
    await fake.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

await runExecutor(true); // warm-up: JIT, sockets, module loading
const overheads: number[] = [];
const walls: number[] = [];
let sessionhub: RecordedRequest[] = [];
for (let i = 0; i < RUNS; i++) {
  const run = await runExecutor(true);
  sessionhub = run.requests;
  const bodies = run.requests.map((r) => r.body as unknown as Body);
  const raw = await replay(bodies);
  overheads.push(meanGapMs(run.requests) - raw.gapMs);
  walls.push(run.ms / TURNS);
}

const hubUsages = sessionhub.map((r) => r.usage!);
const bodies = sessionhub.map((r) => r.body as unknown as Body);
const none = await replay(bodies.map(stripMarks));
const systemOnly = await replay(
  bodies.map((b) => {
    const plain = stripMarks(b);
    const system = (plain.system as Anthropic.TextBlockParam[]).map((s) => ({
      ...s,
      cache_control: { type: 'ephemeral' as const },
    }));
    return { ...plain, system };
  }),
);
const off = await runExecutor(false);
await sandboxes.close();

const hubShare = share(hubUsages);
const systemOnlyShare = share(systemOnly.usages);
console.log('turn  input  cache_write  cache_read   (SessionHub breakpoints)');
hubUsages.forEach((u, i) => {
  console.log(
    `${String(i + 1).padStart(4)} ${String(u.input_tokens).padStart(6)} ${String(u.cache_creation_input_tokens).padStart(12)} ${String(u.cache_read_input_tokens).padStart(11)}`,
  );
});
console.log(
  `cache-read share after turn 1: SessionHub ${(hubShare * 100).toFixed(1)}%, system-only ${(systemOnlyShare * 100).toFixed(1)}%, none ${(share(none.usages) * 100).toFixed(1)}%, promptCaching:false ${(share(off.requests.map((r) => r.usage!)) * 100).toFixed(1)}%`,
);
console.log(
  `overhead per turn (median of ${RUNS}): ${median(overheads).toFixed(2)} ms; runs: ${overheads.map((o) => o.toFixed(2)).join(', ')}`,
);

console.log(
  JSON.stringify({
    bench: 'anthropic/cache',
    metrics: {
      turns: TURNS,
      cache_read_share_after_turn1: Number(hubShare.toFixed(4)),
      no_breakpoints_cache_read_share: Number(share(none.usages).toFixed(4)),
      system_only_cache_read_share: Number(systemOnlyShare.toFixed(4)),
      weighted_input_tokens: Math.round(weightedInput(hubUsages)),
      no_breakpoints_weighted_input_tokens: Math.round(weightedInput(none.usages)),
      overhead_per_turn_ms: Number(median(overheads).toFixed(3)),
      executor_wall_per_turn_ms: Number(median(walls).toFixed(3)),
    },
    ratios: {
      vs_no_breakpoints_weighted_input_tokens: Number(
        (weightedInput(none.usages) / weightedInput(hubUsages)).toFixed(3),
      ),
      vs_system_only_cache_share: Number((hubShare / Math.max(systemOnlyShare, 1e-9)).toFixed(3)),
    },
  }),
);
