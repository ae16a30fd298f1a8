/**
 * Report export benchmarks: time per report of each export (HTML, .docx, .xlsx, PDF) against the
 * text render of the same reports (renderReportText: the same content with no format machinery),
 * the baseline measured in the same run; JSON serialization (reportToJson) is shown too. The
 * reports: the seed and random reports of both formats. PDF is skipped (with a row saying so)
 * without Chromium; its first PDF, which launches the browser, is reported on its own.
 *
 *   BENCH_EXPORT_REPORTS   reports per round (default 40); BENCH_EXPORT_PDFS  PDFs timed (default 10)
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { renderReportDocx } from '../src/reports/export/docx.js';
import { renderReportHtml } from '../src/reports/export/html.js';
import { chromiumPath, closePdfRenderer, renderReportPdf } from '../src/reports/export/pdf.js';
import { renderReportXlsx } from '../src/reports/export/xlsx.js';
import { reportToJson, type Report } from '../src/reports/report.js';
import { parseReportText } from '../src/reports/text/parse.js';
import { renderReportText } from '../src/reports/text/render.js';
import { randomReport, rng } from '../test/support/reports.js';
import type { BenchResult } from './util.js';
import { median } from './util.js';

function corpus(n: number): Report[] {
  const seed = parseReportText(readFileSync(new URL('../test/fixtures/reports/seed-2020-yongan.txt', import.meta.url), 'utf8')).report;
  const r = rng(7);
  return [seed, ...Array.from({ length: n - 1 }, (_x, i) => randomReport(r, i % 2 ? '2019' : '2021'))];
}

/** Median over rounds of the milliseconds per report of `f` over all reports (after one warm-up round). */
async function msPerReport(reports: readonly Report[], f: (r: Report) => unknown, rounds: number): Promise<number> {
  let sink = 0;
  const once = async () => {
    const t0 = performance.now();
    for (const r of reports) {
      const out = await f(r);
      sink += typeof out === 'string' ? out.length : (out as Buffer).length;
    }
    return (performance.now() - t0) / reports.length;
  };
  await once();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push(await once());
  if (sink < 0) console.log(sink);
  return median(times);
}

export async function benchExports(opts: { reports?: number; pdfs?: number; rounds?: number } = {}): Promise<BenchResult[]> {
  const n = opts.reports ?? Number(process.env.BENCH_EXPORT_REPORTS ?? 40);
  const pdfs = opts.pdfs ?? Number(process.env.BENCH_EXPORT_PDFS ?? 10);
  const rounds = opts.rounds ?? 3;
  const reports = corpus(n);
  const base = await msPerReport(reports, renderReportText, rounds);
  const row = (name: string, ms: number, extra?: string): BenchResult => ({
    name,
    value: ms,
    unit: 'ms/report',
    ratio: ms / base,
    ratioLabel: 'time vs text render',
    ...(extra ? { extra } : {}),
  });
  const out: BenchResult[] = [
    { name: 'text render (baseline)', value: base, unit: 'ms/report', extra: `${n} reports (seed + random, both formats)` },
    row('JSON (reportToJson)', await msPerReport(reports, reportToJson, rounds)),
    row('HTML export', await msPerReport(reports, (r) => renderReportHtml(r), rounds)),
    row('.docx export', await msPerReport(reports, renderReportDocx, rounds)),
    row('.xlsx export', await msPerReport(reports, renderReportXlsx, rounds)),
  ];
  if (!existsSync(chromiumPath())) {
    out.push({ name: 'PDF export', value: Number.NaN, unit: 'ms/report', extra: `skipped: no Chromium at ${chromiumPath()}` });
    return out;
  }
  try {
    const t0 = performance.now();
    await renderReportPdf(reports[0]!);
    const first = performance.now() - t0;
    const some = reports.slice(0, Math.max(1, Math.min(pdfs, reports.length)));
    out.push(row('PDF export (warm browser, one at a time)', await msPerReport(some, renderReportPdf, 1), `${some.length} PDFs`));
    const t1 = performance.now();
    await Promise.all(some.map((r) => renderReportPdf(r)));
    out.push(row('PDF export (warm browser, all at once: 2 pages print in parallel)', (performance.now() - t1) / some.length, `${some.length} PDFs`));
    out.push({ name: 'first PDF of a process (launches Chromium)', value: first, unit: 'ms' });
  } finally {
    await closePdfRenderer();
  }
  return out;
}
