import type { SessionEvent } from '@sessionhub/core';
import { html } from 'htm/preact';
import { lineDiff } from '../diff.js';
import { duration, when } from '../format.js';
import { instructionSections } from '../timeline-model.js';

/** An instruction, section by section. */
export function InstructionView(props: { text: string }) {
  return html`<div class="instruction">
    ${instructionSections(props.text).map((s) => html`<section><h4>${s.heading}</h4><pre>${s.body}</pre></section>`)}
  </div>`;
}

/** A line diff, `+`/`-` coloured. */
export function DiffView(props: { before: string; after: string }) {
  return html`<pre class="diff">${lineDiff(props.before, props.after).map(
    (l) => html`<div class=${l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same'}>${l.op} ${l.text}</div>`,
  )}</pre>`;
}

/** A unified diff line's class: file headers (`+++`, `---`) are neither added nor removed. */
function diffClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('@@')) return 'meta';
  return line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'same';
}

function Data(props: { data: Record<string, unknown> | undefined }) {
  const d = props.data;
  if (!d) return null;
  const { stdout, stderr, diff, excerpt, ...rest } = d;
  return html`
    ${typeof diff === 'string' ? html`<h4>Diff</h4><pre class="diff">${diff.split('\n').map((l) => html`<div class=${diffClass(l)}>${l}</div>`)}</pre>` : null}
    ${typeof stdout === 'string' && stdout ? html`<h4>stdout</h4><pre class="output">${stdout}</pre>` : null}
    ${typeof stderr === 'string' && stderr ? html`<h4>stderr</h4><pre class="output">${stderr}</pre>` : null}
    ${typeof excerpt === 'string' ? html`<h4>Output</h4><pre class="output">${excerpt}</pre>` : null}
    ${Object.keys(rest).length > 0 ? html`<h4>Data</h4><pre>${JSON.stringify(rest, null, 2)}</pre>` : null}
  `;
}

/** What one event holds, in full. */
export function EventDetail(props: {
  event: SessionEvent;
  foundation: { before: string; after: string; whole: boolean } | undefined;
}) {
  const e = props.event;
  const head = html`<p class="muted">#${e.seq} · ${e.type} · ${when(e.at)}</p>`;
  switch (e.type) {
    case 'instruction.accepted':
      return html`${head}<h3>Session ${e.version}: ${e.name}</h3><${InstructionView} text=${e.text} />`;
    case 'planner.reask':
      return html`${head}<h3>Re-ask ${e.attempt}</h3>
        <ul class="findings">${e.diagnostics.map((d) => html`<li><code>${d.code}</code> ${d.severity} · line ${d.line}:${d.column} · ${d.message}</li>`)}</ul>`;
    case 'executor.progress':
      return html`${head}<h3>${e.kind.replace('_', ' ')}</h3><pre class="output">${e.message}</pre><${Data} data=${e.data} />`;
    case 'verifier.gate':
      return html`${head}<h3>${e.result.passed ? '✓' : '✗'} ${e.result.name} · ${duration(e.result.durationMs)}</h3>
        ${e.result.failures.length > 0 ? html`<ul class="findings">${e.result.failures.map((f) => html`<li>${f.file ? html`<code>${f.file}${f.line ? `:${f.line}` : ''}</code> ` : null}${f.message}</li>`)}</ul>` : null}
        <h4>Output</h4><pre class="output">${e.result.output}</pre>`;
    case 'foundation.updated':
      return html`${head}<h3>Foundation ${e.previousVersion ?? '–'} → ${e.version}</h3>
        ${props.foundation?.whole ? html`<p class="muted">No earlier version is recorded in the store: the whole document at ${e.version}.</p>` : null}
        ${props.foundation ? html`<${DiffView} before=${props.foundation.before} after=${props.foundation.after} />` : html`<p class="muted">No recorded versions to compare.</p>`}`;
    case 'step.finished':
      return html`${head}<h3>${e.stepId} finished</h3><pre>${JSON.stringify(e.output, null, 2)}</pre>`;
    default:
      return html`${head}<pre>${JSON.stringify(e, null, 2)}</pre>`;
  }
}
