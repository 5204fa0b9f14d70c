import { html } from 'htm/preact';

/** Hand-drawn SVG charts: no charting library, a few hundred bytes each. */

const W = 520;

/** Vertical bars with labels under them; `format` shows each value. */
export function Columns(props: {
  title: string;
  data: Array<{ label: string; value: number }>;
  max?: number;
  format: (v: number) => string;
}) {
  const h = 180;
  const max = props.max ?? Math.max(1e-9, ...props.data.map((d) => d.value));
  const bw = props.data.length > 0 ? Math.min(48, (W - 40) / props.data.length - 4) : 0;
  return html`<figure class="chart" data-chart=${props.title}>
    <figcaption>${props.title}</figcaption>
    <svg viewBox=${`0 0 ${W} ${h + 40}`} role="img" aria-label=${props.title}>
      <line x1="30" y1=${h} x2=${W} y2=${h} class="axis" />
      ${props.data.map((d, i) => {
        const bh = (d.value / max) * (h - 20);
        const x = 34 + i * (bw + 4);
        return html`<g>
          <rect x=${x} y=${h - bh} width=${bw} height=${bh} class="bar"><title>${d.label}: ${props.format(d.value)}</title></rect>
          <text x=${x + bw / 2} y=${h - bh - 4} text-anchor="middle" class="val">${props.format(d.value)}</text>
          <text x=${x + bw / 2} y=${h + 14} text-anchor="middle" class="lbl">${d.label.length > 10 ? d.label.slice(5, 10) : d.label}</text>
        </g>`;
      })}
    </svg>
    ${props.data.length === 0 ? html`<p class="muted">No data.</p>` : null}
  </figure>`;
}

/** Horizontal bars, one per row (names can be long). */
export function Bars(props: {
  title: string;
  data: Array<{ label: string; value: number; value2?: number }>;
  format: (v: number) => string;
}) {
  const rowH = 26;
  const max = Math.max(1e-9, ...props.data.map((d) => Math.max(d.value, d.value2 ?? 0)));
  const h = props.data.length * rowH + 10;
  return html`<figure class="chart" data-chart=${props.title}>
    <figcaption>${props.title}</figcaption>
    <svg viewBox=${`0 0 ${W} ${Math.max(h, 30)}`} role="img" aria-label=${props.title}>
      ${props.data.map((d, i) => {
        const y = 5 + i * rowH;
        const w = (d.value / max) * (W - 220);
        const w2 = d.value2 === undefined ? 0 : (d.value2 / max) * (W - 220);
        return html`<g>
          <text x="0" y=${y + 15} class="lbl">${d.label.length > 22 ? `${d.label.slice(0, 21)}…` : d.label}</text>
          ${d.value2 === undefined ? null : html`<rect x="150" y=${y + 2} width=${w2} height=${rowH - 8} class="bar2"><title>${d.label} p95: ${props.format(d.value2)}</title></rect>`}
          <rect x="150" y=${y + 2} width=${w} height=${rowH - 8} class="bar"><title>${d.label}: ${props.format(d.value)}</title></rect>
          <text x=${156 + Math.max(w, w2)} y=${y + 15} class="val">${props.format(d.value)}${d.value2 === undefined ? '' : ` / ${props.format(d.value2)}`}</text>
        </g>`;
      })}
    </svg>
    ${props.data.length === 0 ? html`<p class="muted">No data.</p>` : null}
  </figure>`;
}
