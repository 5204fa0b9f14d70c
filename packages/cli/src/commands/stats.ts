import type { Usage } from '@sessionhub/core';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { table } from '../output/table.js';
import { type GlobalOptions, openProjectStore, projectContext } from './context.js';

const tokens = (u: Usage) => String(u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens);
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** `sessionhub stats [--since <date>]`: the store's analytics as tables. */
export async function statsCommand(flags: GlobalOptions & { since?: string }): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  const store = await openProjectStore(ctx);
  try {
    const report = await store.analytics(flags.since ? { since: flags.since } : {});
    const o = report.overall;
    const sections = [
      table(
        ['sessions', 'succeeded', 'failed', 'cancelled', 'success rate'],
        [[String(o.total), String(o.succeeded), String(o.failed), String(o.cancelled), pct(o.successRate)]],
      ),
      table(
        ['phase', 'steps', 'p50', 'p95'],
        report.phaseDurations.map((p) => [
          p.phase,
          String(p.count),
          `${(p.p50Ms / 1000).toFixed(1)} s`,
          `${(p.p95Ms / 1000).toFixed(1)} s`,
        ]),
      ),
      table(
        ['usage', 'tokens', 'cost'],
        [
          ['total', tokens(report.usage.total), `$${report.usage.total.costUsd.toFixed(4)}`],
          ['per session', tokens(report.usage.perSession), `$${report.usage.perSession.costUsd.toFixed(4)}`],
          ...report.usage.byPhase.map((p) => [p.phase, tokens(p.usage), `$${p.usage.costUsd.toFixed(4)}`]),
        ],
      ),
      report.topFailingGates.length === 0
        ? 'no failing gates'
        : table(
            ['failing gate', 'failures'],
            report.topFailingGates.map((g) => [g.gate, String(g.failures)]),
          ),
    ];
    const out = createReporter(
      outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream),
    );
    out.report(sections.join('\n\n'), { ...report });
    out.close();
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
