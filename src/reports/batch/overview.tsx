/**
 * The HTML overview of a batch: one self-contained page (no script, no external file) with the
 * headline figures, three bar charts — findings by rule, by agency level, by year — as inline SVG
 * (each with a title, a description and the same figures as a table beside it, for screen
 * readers and for printing), and the files that did not pass or could not be read.
 * Every text goes through preact, which escapes it (file names and agencies come from outside).
 */
import type { JSX } from 'preact';
import { render } from 'preact-render-to-string';
import { RULES, type RuleId } from '../finding.js';
import { FILE_TYPE_NAMES, summaryLines, verdict, type BatchOutput } from './outputs.js';
import { LEVEL_NAMES, type Level } from './summary.js';

/** Files listed in the overview's table at most (all are in the CSV / XLSX / JSON). */
export const OVERVIEW_MAX_FILES = 2000;

const CSS = `
body { font-family: "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 0 auto; max-width: 70em; padding: 1em; color: #1a1a1a; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; } th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.figures { display: flex; flex-wrap: wrap; gap: 0.8em; padding: 0; list-style: none; }
.figures li { border: 1px solid #ccc; border-radius: 4px; padding: 0.5em 0.8em; min-width: 8em; }
.figures b { display: block; font-size: 1.6em; }
.chart { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.chart svg { max-width: 36em; width: 100%; height: auto; }
.bad { color: #a40000; } .warn { color: #7a5200; }
`;

interface Bar {
  label: string;
  value: number;
  /** A second value drawn inside the bar (e.g. files with errors among the files). */
  part?: number;
}

function BarChart({ id, title, desc, bars, unit, partLabel }: { id: string; title: string; desc: string; bars: Bar[]; unit: string; partLabel?: string }) {
  const rowH = 26;
  const labelW = 150;
  const barW = 320;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const h = bars.length * rowH + 10;
  return (
    <figure class="chart" aria-labelledby={`${id}-t`}>
      <svg viewBox={`0 0 ${labelW + barW + 70} ${h}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {bars.map((b, i) => {
          const y = 5 + i * rowH;
          const w = (b.value / max) * barW;
          return (
            <g key={b.label}>
              <text x={labelW - 6} y={y + 16} text-anchor="end" font-size="13">
                {b.label}
              </text>
              <rect x={labelW} y={y + 3} width={w} height={rowH - 8} fill="#7a9cc6" />
              {b.part !== undefined ? <rect x={labelW} y={y + 3} width={(b.part / max) * barW} height={rowH - 8} fill="#c0392b" /> : null}
              <text x={labelW + w + 6} y={y + 16} font-size="13">
                {b.value}
                {b.part !== undefined ? `（${b.part}）` : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">类别</th>
            <th scope="col">{unit}</th>
            {partLabel ? <th scope="col">{partLabel}</th> : null}
          </tr>
        </thead>
        <tbody>
          {bars.map((b) => (
            <tr key={b.label}>
              <th scope="row">{b.label}</th>
              <td class="n">{b.value}</td>
              {partLabel ? <td class="n">{b.part ?? 0}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function Overview({ out, title }: { out: BatchOutput; title: string }): JSX.Element {
  const s = out.summary;
  const notPassed = out.files.filter((f) => f.error !== null || f.findings.some((x) => x.severity === 'error'));
  const shown = notPassed.slice(0, OVERVIEW_MAX_FILES);
  const rules = Object.entries(s.byRule) as [RuleId, { files: number; findings: number }][];
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <main>
          <h1>{title}</h1>
          <ul class="figures">
            {summaryLines(s).map(([label, n]) => (
              <li key={label}>
                <b>{n}</b>
                {label}
              </li>
            ))}
          </ul>

          <h2>按规则</h2>
          {rules.length ? (
            <BarChart
              id="by-rule"
              title="各规则发现问题的文件数"
              desc={`共 ${rules.length} 条规则发现问题；条形为发现该问题的文件数。`}
              unit="文件数"
              bars={rules.map(([r, t]) => ({ label: `${r} ${RULES[r].severity === 'error' ? '错误' : '警告'}`, value: t.files }))}
            />
          ) : (
            <p>没有发现问题。</p>
          )}
          {rules.length ? (
            <table>
              <caption>规则说明</caption>
              <tbody>
                {rules.map(([r, t]) => (
                  <tr key={r}>
                    <th scope="row">{r}</th>
                    <td>{RULES[r].title}</td>
                    <td class="n">{t.findings} 处</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}

          <h2>按机关层级</h2>
          <BarChart
            id="by-level"
            title="各层级机关的报告数与有错误的报告数"
            desc="浅色条为已读取的报告数，深色部分（括号内）为有错误的报告数。层级按机关名称判断。"
            unit="报告数"
            partLabel="有错误"
            bars={(Object.entries(s.byLevel) as [Level, { files: number; withErrors: number }][]).map(([l, t]) => ({ label: LEVEL_NAMES[l], value: t.files, part: t.withErrors }))}
          />

          <h2>按年度</h2>
          <BarChart
            id="by-year"
            title="各年度的报告数与有错误的报告数"
            desc="浅色条为已读取的报告数，深色部分（括号内）为有错误的报告数。"
            unit="报告数"
            partLabel="有错误"
            bars={Object.entries(s.byYear).map(([y, t]) => ({ label: y === '不详' ? y : `${y}年度`, value: t.files, part: t.withErrors }))}
          />

          <h2>按文件类型</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">类型</th>
                <th scope="col">文件数</th>
                <th scope="col">无法读取</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(s.byFileType).map(([t, n]) => (
                <tr key={t}>
                  <th scope="row">{FILE_TYPE_NAMES[t] ?? t}</th>
                  <td class="n">{n.files}</td>
                  <td class="n">{n.unreadable}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>未通过或无法读取的文件（{notPassed.length}）</h2>
          {shown.length < notPassed.length ? <p>此处列出前 {shown.length} 个；全部结果见 CSV、XLSX 或 JSON 汇总。</p> : null}
          {shown.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">文件</th>
                  <th scope="col">机关</th>
                  <th scope="col">年度</th>
                  <th scope="col">结论</th>
                  <th scope="col">错误规则 / 原因</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((f) => (
                  <tr key={f.path}>
                    <td>{f.path}</td>
                    <td>{f.agency ?? ''}</td>
                    <td class="n">{f.year ?? ''}</td>
                    <td class={f.error !== null ? 'warn' : 'bad'}>{verdict(f)}</td>
                    <td>{f.error ?? [...new Set(f.findings.filter((x) => x.severity === 'error').map((x) => x.rule))].join('、')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>全部通过。</p>
          )}
        </main>
      </body>
    </html>
  );
}

export function batchHtml(out: BatchOutput, title = '政府信息公开工作年度报告批量检查结果'): string {
  return `<!DOCTYPE html>\n${render(<Overview out={out} title={title} />)}\n`;
}
