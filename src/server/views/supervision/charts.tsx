/**
 * Monthly bar charts as inline SVG, drawn on the server (no script, nothing loaded): each chart is
 * an image with a title and a description for screen readers (role="img", aria-labelledby), every
 * bar carries its value as a tooltip, the legend is text, and the same figures follow as a data
 * table (the chart's accessible fallback, and what a reader copies). Colours are told apart by
 * more than hue: the second series is hatched.
 */
import { chineseMonth } from '../../../supervision/dashboard.js';

export interface Series {
  label: string;
  values: readonly number[];
}

export interface ChartProps {
  /** Unique on the page (ids of the title, description and table). */
  id: string;
  title: string;
  /** What the chart shows, in a sentence (read by screen readers before the figures). */
  description: string;
  months: readonly string[];
  /** Two series: drawn side by side in each month. */
  series: readonly [Series, Series];
  unit: string;
}

const W = 720;
const H = 260;
const PAD = { left: 44, right: 12, top: 16, bottom: 40 };

/** A "nice" top of the value axis (1, 2, 5 × 10^k) and its ticks. */
export function axisTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const stepInt = Math.max(1, Math.round(step));
  const top = Math.ceil(max / stepInt) * stepInt;
  const out: number[] = [];
  for (let v = 0; v <= top; v += stepInt) out.push(v);
  return out;
}

export function BarChart(p: ChartProps) {
  const all = [...p.series[0].values, ...p.series[1].values];
  const ticks = axisTicks(Math.max(0, ...all));
  const top = ticks[ticks.length - 1]!;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / p.months.length;
  const barW = Math.max(2, (slot - 8) / 2);
  const y = (v: number) => PAD.top + plotH - (top === 0 ? 0 : (v / top) * plotH);
  const titleId = `${p.id}-title`;
  const descId = `${p.id}-desc`;
  const total = (s: Series) => s.values.reduce((a, b) => a + b, 0);
  const summary = `${p.description}近12个月${p.series[0].label}合计${total(p.series[0])}${p.unit}，${p.series[1].label}合计${total(p.series[1])}${p.unit}。`;
  return (
    <figure class="chart" aria-labelledby={`${p.id}-caption`}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby={`${titleId} ${descId}`} class="chart-svg" focusable="false">
        <title id={titleId}>{p.title}</title>
        <desc id={descId}>{summary}</desc>
        <defs>
          <pattern id={`${p.id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#fbe3e6" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#b00020" stroke-width="3" />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#d0d7de" stroke-width="1" />
            <text x={PAD.left - 6} y={y(t) + 4} text-anchor="end" font-size="12" fill="#57606a">
              {t}
            </text>
          </g>
        ))}
        {p.months.map((m, i) => {
          const x0 = PAD.left + i * slot + 4;
          const [a, b] = [p.series[0].values[i] ?? 0, p.series[1].values[i] ?? 0];
          return (
            <g key={m}>
              <rect x={x0} y={y(a)} width={barW} height={Math.max(0, y(0) - y(a))} fill="#1a5fb4">
                <title>{`${chineseMonth(m)} ${p.series[0].label}：${a}${p.unit}`}</title>
              </rect>
              <rect x={x0 + barW} y={y(b)} width={barW} height={Math.max(0, y(0) - y(b))} fill={`url(#${p.id}-hatch)`} stroke="#b00020" stroke-width="1">
                <title>{`${chineseMonth(m)} ${p.series[1].label}：${b}${p.unit}`}</title>
              </rect>
              <text x={x0 + barW} y={H - PAD.bottom + 16} text-anchor="middle" font-size="11" fill="#24292f">
                {`${Number(m.slice(5, 7))}月`}
              </text>
              {i === 0 || m.endsWith('-01') ? (
                <text x={x0 + barW} y={H - PAD.bottom + 32} text-anchor="middle" font-size="11" fill="#57606a">
                  {m.slice(0, 4)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#57606a" stroke-width="1" />
      </svg>
      <figcaption id={`${p.id}-caption`}>
        <strong>{p.title}</strong>
        <span class="legend">
          <span class="swatch s1" aria-hidden="true" />
          {p.series[0].label}
          <span class="swatch s2" aria-hidden="true" />
          {p.series[1].label}
        </span>
      </figcaption>
      <details class="chart-data">
        <summary>{p.title}：数据表</summary>
        <table id={`${p.id}-table`}>
          <caption>{p.title}（单位：{p.unit}）</caption>
          <thead>
            <tr>
              <th scope="col">月份</th>
              <th scope="col">{p.series[0].label}</th>
              <th scope="col">{p.series[1].label}</th>
            </tr>
          </thead>
          <tbody>
            {p.months.map((m, i) => (
              <tr key={m}>
                <th scope="row">{chineseMonth(m)}</th>
                <td>{p.series[0].values[i] ?? 0}</td>
                <td>{p.series[1].values[i] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
