import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { cost, duration, tokenCount, tokens } from '../format.js';
import type { Row } from '../timeline-model.js';

/** Every row is this tall, so only the rows in view are rendered (10,000 events stay fast). */
export const ROW_HEIGHT = 30;
const OVERSCAN = 20;

/** The lanes as a virtualized list: phase headers across, each event in its actor's column. */
export function Timeline(props: { rows: Row[]; selected: string | undefined; onSelect: (row: Row) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const { rows } = props;
  const start = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const end = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(start, end);
  return html`
    <div class="lanes-head">
      <span>Planner</span><span>Engine</span><span>Executor</span><span>Verifier</span>
    </div>
    <div
      class="timeline"
      ref=${box}
      data-rows=${rows.length}
      onScroll=${(e: Event) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
    >
      <div class="timeline-inner" style=${{ height: `${rows.length * ROW_HEIGHT}px` }}>
        ${visible.map((row, k) => {
          const top = (start + k) * ROW_HEIGHT;
          if (row.kind === 'phase') {
            const p = row.phase;
            const ms = p.endedAt ? Date.parse(p.endedAt) - Date.parse(p.startedAt) : undefined;
            return html`<div key=${row.key} class=${`row phase phase-${p.step}${p.failed ? ' failed' : ''}`} style=${{ top: `${top}px` }} data-phase=${p.step}>
              <strong>${row.title}</strong>
              <span class="muted">${p.stepId} · ${p.endedAt ? duration(ms) : 'running'} · ${tokens(tokenCount(p.usage))} tokens · ${cost(p.usage.costUsd)}</span>
            </div>`;
          }
          return html`<div
            key=${row.key}
            class=${`row item lane-${row.lane} tone-${row.tone}${props.selected === row.key ? ' selected' : ''}`}
            style=${{ top: `${top}px` }}
            title=${row.label}
            data-seq=${row.event.seq}
            onClick=${() => props.onSelect(row)}
          >
            <span class="card">${row.label}</span>
          </div>`;
        })}
      </div>
    </div>
  `;
}
