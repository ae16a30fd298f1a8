/**
 * Batch checking benchmark (issue 6): a directory of 10,000 generated report files of mixed
 * formats (BENCH_BATCH_FILES), some with errors and some broken, checked the way
 * `gongkai report check DIR` does it.
 *
 *   1. Per format, on one core (one job, inline): files/s of reading + import + checks in steady
 *      state (the sample once to warm up, then the better of two rounds), with its ratio to
 *      reading the same files' bytes (the baseline, same run). Targets: text ≥ 1,000/s,
 *      HTML ≥ 500/s, .docx ≥ 100/s, PDF ≥ 20/s.
 *   2. The whole mixed batch with one job and with one worker per CPU: files/s and the speed-up.
 *   3. The summary is checked against what was generated: every broken file reported, every file
 *      with an injected error found, nothing else unreadable.
 *
 * The files are made by the project: text (renderReportText), HTML, .docx and PDF (the exports;
 * PDF printed by Chromium, so a few hundred distinct PDFs are printed and copied). Needs
 * Chromium for PDF (GONGKAI_CHROMIUM, default /usr/bin/chromium); without it the PDF part is
 * skipped and said so.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkFiles } from '../src/reports/batch/pool.js';
import { checkAgainstPreviousYear, summarize } from '../src/reports/batch/summary.js';
import { chromiumPath, closePdfRenderer, exportReport } from '../src/reports/export/index.js';
import type { Report } from '../src/reports/report.js';
import { renderReportText } from '../src/reports/text/render.js';
import { injectError, randomReport, rng } from '../test/support/reports.js';
import type { BenchResult } from './util.js';

const FILES = Number(process.env.BENCH_BATCH_FILES ?? 10_000);
/** Shares of the mixed batch. */
const MIX = { text: 0.4, html: 0.25, docx: 0.2, pdf: 0.1, broken: 0.05 } as const;
/** Distinct files printed or written per slow format (then copied). */
const DISTINCT = { docx: 300, pdf: 100 } as const;
const TARGETS: Record<string, number> = { text: 1000, html: 500, docx: 100, pdf: 20 };
/** Files timed per format on one core. */
const SAMPLE: Record<string, number> = { text: 2000, html: 1000, docx: 400, pdf: 100 };

type Kind = keyof typeof MIX;

interface Made {
  files: { path: string; shownAs: string; kind: Kind; error: boolean }[];
}

const EXT: Record<Exclude<Kind, 'broken'>, string> = { text: 'txt', html: 'html', docx: 'docx', pdf: 'pdf' };

async function makeBatch(dir: string, withPdf: boolean): Promise<Made> {
  rmSync(dir, { recursive: true, force: true });
  const r = rng(11);
  const counts: Record<Kind, number> = { text: 0, html: 0, docx: 0, pdf: 0, broken: 0 };
  for (const k of Object.keys(MIX) as Kind[]) counts[k] = Math.round(FILES * MIX[k]);
  if (!withPdf) {
    counts.text += counts.pdf;
    counts.pdf = 0;
  }
  counts.text += FILES - Object.values(counts).reduce((a, b) => a + b, 0);
  const files: Made['files'] = [];
  const distinct = new Map<string, { bytes: Buffer; error: boolean }[]>();
  const one = (): { rep: Report; error: boolean } => {
    const rep = randomReport(r);
    const error = r() < 0.3;
    if (error) injectError(r, rep);
    return { rep, error };
  };
  for (const kind of ['text', 'html', 'docx', 'pdf'] as const) {
    mkdirSync(join(dir, kind), { recursive: true });
    const pool = distinct.get(kind) ?? [];
    for (let i = 0; i < counts[kind]; i++) {
      const limit = kind === 'docx' || kind === 'pdf' ? DISTINCT[kind] : Number.POSITIVE_INFINITY;
      let made: { bytes: Buffer; error: boolean };
      if (pool.length < limit) {
        const { rep, error } = one();
        const bytes = kind === 'text' ? Buffer.from(renderReportText(rep)) : (await exportReport(rep, kind)).bytes;
        made = { bytes, error };
        pool.push(made);
      } else {
        made = pool[i % pool.length]!;
      }
      const path = join(dir, kind, `${String(i).padStart(5, '0')}.${EXT[kind]}`);
      writeFileSync(path, made.bytes);
      files.push({ path, shownAs: `${kind}/${String(i).padStart(5, '0')}.${EXT[kind]}`, kind, error: made.error });
    }
    distinct.set(kind, pool);
  }
  // Broken: a cut .docx, random bytes as PDF, an old .doc, empty text, HTML without a report.
  mkdirSync(join(dir, 'broken'), { recursive: true });
  const docx = distinct.get('docx')![0]!.bytes;
  const makers: [string, (i: number) => Buffer][] = [
    ['docx', () => docx.subarray(0, docx.length >> 1)],
    ['pdf', (i) => Buffer.from(Array.from({ length: 4000 }, (_, k) => (k * 131 + i) % 256))],
    ['doc', () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4000)])],
    ['txt', () => Buffer.alloc(0)],
    ['html', (i) => Buffer.from(`<html><body><h1>通知 ${i}</h1><p>这不是年度报告。</p></body></html>`)],
  ];
  for (let i = 0; i < counts.broken; i++) {
    const [ext, make] = makers[i % makers.length]!;
    const path = join(dir, 'broken', `${String(i).padStart(5, '0')}.${ext}`);
    writeFileSync(path, make(i));
    files.push({ path, shownAs: `broken/${String(i).padStart(5, '0')}.${ext}`, kind: 'broken', error: false });
  }
  return { files };
}

async function readAllBytes(files: readonly { path: string }[]): Promise<number> {
  const t0 = performance.now();
  for (const f of files) await readFile(f.path);
  return performance.now() - t0;
}

export async function benchBatch(out: string): Promise<BenchResult[]> {
  const withPdf = existsSync(chromiumPath());
  const dir = join(out, 'batch');
  const t0 = performance.now();
  const made = await makeBatch(dir, withPdf);
  await closePdfRenderer();
  console.log(`    ${made.files.length.toLocaleString('en-US')} files generated in ${((performance.now() - t0) / 1000).toFixed(0)} s${withPdf ? '' : ' (no Chromium: no PDF)'}`);
  const results: BenchResult[] = [];

  // 1. Per format, one core.
  for (const kind of ['text', 'html', 'docx', 'pdf'] as const) {
    const sample = made.files.filter((f) => f.kind === kind).slice(0, SAMPLE[kind]);
    if (!sample.length) {
      results.push({ name: `${kind}: files/s on one core`, value: 0, unit: 'files/s', extra: 'skipped: Chromium not found, no PDF made' });
      continue;
    }
    // Steady state, as in a long batch: the sample once to warm up, then the better of two rounds.
    await checkFiles(sample, { jobs: 1 });
    const baseMs = await readAllBytes(sample);
    let ms = Number.POSITIVE_INFINITY;
    let res: Awaited<ReturnType<typeof checkFiles>> = [];
    for (let round = 0; round < 2; round++) {
      const t = performance.now();
      res = await checkFiles(sample, { jobs: 1 });
      ms = Math.min(ms, performance.now() - t);
    }
    const rate = sample.length / (ms / 1000);
    const unreadable = res.filter((x) => x.error !== null).length;
    results.push({
      name: `${kind}: files/s on one core (import + checks)`,
      value: rate,
      unit: 'files/s',
      ratio: ms / baseMs,
      ratioLabel: 'time vs reading the same files’ bytes',
      target: `≥ ${TARGETS[kind]} files/s`,
      ok: rate >= TARGETS[kind]! && unreadable === 0,
      extra: `${sample.length} files, ${(ms / sample.length).toFixed(2)} ms each${unreadable ? `; ${unreadable} UNREADABLE` : ''}`,
    });
  }

  // 2. The mixed batch, one job and one worker per CPU.
  const jobs = Math.max(2, availableParallelism());
  const runs: { jobs: number; ms: number; res: Awaited<ReturnType<typeof checkFiles>> }[] = [];
  for (const j of [1, jobs]) {
    const t = performance.now();
    const res = await checkFiles(made.files, { jobs: j });
    runs.push({ jobs: j, ms: performance.now() - t, res });
  }
  const [single, parallel] = runs as [(typeof runs)[0], (typeof runs)[0]];
  results.push({
    name: `mixed batch of ${made.files.length.toLocaleString('en-US')} files, ${jobs} workers`,
    value: made.files.length / (parallel.ms / 1000),
    unit: 'files/s',
    ratio: single.ms / parallel.ms,
    ratioLabel: `speed-up vs one job (${(made.files.length / (single.ms / 1000)).toFixed(0)} files/s); ${availableParallelism()} CPUs`,
  });

  // 3. The summary against what was generated.
  const res = parallel.res;
  const sameAsSingle = JSON.stringify(single.res.map((x) => [x.path, x.findings, x.error])) === JSON.stringify(res.map((x) => [x.path, x.findings, x.error]));
  const s = summarize(res, { withPreviousYear: checkAgainstPreviousYear(res), skipped: 0 });
  const broken = made.files.filter((f) => f.kind === 'broken').map((f) => f.shownAs);
  const unreadable = res.filter((x) => x.error !== null).map((x) => x.path);
  const missedErrors = made.files.filter((f, i) => f.error && !res[i]!.findings.some((x) => x.severity === 'error')).length;
  const ok = unreadable.length === broken.length && unreadable.every((p, i) => p === broken[i]) && missedErrors === 0 && sameAsSingle && s.files === made.files.length;
  results.push({
    name: 'summary correct (broken files reported, injected errors found, one job = many)',
    value: s.unreadable,
    unit: 'unreadable files',
    target: `= ${broken.length} broken, 0 missed errors`,
    ok,
    extra: `${s.read} read, ${s.withErrors} with errors (${made.files.filter((f) => f.error).length} injected, ${missedErrors} missed), ${s.withWarningsOnly} warnings only, ${s.clean} clean; one job = ${jobs} jobs: ${sameAsSingle ? 'yes' : 'NO'}`,
  });
  if (!process.env.BENCH_BATCH_KEEP) rmSync(dir, { recursive: true, force: true });
  return results;
}
