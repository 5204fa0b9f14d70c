import type { AnalyticsReport } from '@sessionhub/core';
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { cost, duration } from '../format.js';
import { Bars, Columns } from './charts.js';

/** Analytics: success rate over time, top failing gates, cost per session and by phase, phase durations. */
export function Analytics() {
  const [bucket, setBucket] = useState('day');
  const [report, setReport] = useState<AnalyticsReport | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const ctl = new AbortController();
    get<AnalyticsReport>(`/api/analytics?bucket=${bucket}`, ctl.signal)
      .then(setReport)
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => ctl.abort();
  }, [bucket]);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!report) return html`<p class="muted">Loading…</p>`;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return html`
    <h2>Analytics</h2>
    <p class="muted">
      ${report.overall.total} sessions · ${report.overall.succeeded} succeeded · ${report.overall.failed} failed · ${report.overall.cancelled} cancelled ·
      success rate ${pct(report.overall.successRate)} · ${cost(report.usage.perSession.costUsd)} per session
      <select aria-label="bucket" value=${bucket} onChange=${(e: Event) => setBucket((e.currentTarget as HTMLSelectElement).value)}>
        <option value="day">by day</option><option value="week">by week</option><option value="month">by month</option>
      </select>
    </p>
    <div class="charts">
      <${Columns} title="Success rate over time" max=${1} format=${pct} data=${report.overTime.map((b) => ({ label: b.bucket, value: b.successRate }))} />
      <${Bars} title="Top failing gates" format=${(v: number) => String(v)} data=${report.topFailingGates.map((g) => ({ label: g.gate, value: g.failures }))} />
      <${Bars} title="Cost per session, by phase" format=${cost} data=${[
        { label: 'all phases', value: report.usage.perSession.costUsd },
        ...report.usage.byPhase.map((p) => ({
          label: p.phase,
          value: report.overall.total ? p.usage.costUsd / report.overall.total : 0,
        })),
      ]} />
      <${Bars} title="Phase durations (p50 / p95)" format=${duration} data=${report.phaseDurations.map((p) => ({ label: p.phase, value: p.p50Ms, value2: p.p95Ms }))} />
    </div>
  `;
}
