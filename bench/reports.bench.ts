/**
 * Report benchmarks: parse+check throughput of text reports against reading the same files, and
 * peak memory of `gongkai report check` on a 50 MB file against reading that file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { checkReport } from '../src/reports/checks/index.js';
import { parseReportBytes } from '../src/reports/input.js';
import { renderReportText } from '../src/reports/text/render.js';
import { injectError, randomReport, relayout, rng, type TextLayout } from '../test/support/reports.js';
import type { BenchResult } from './util.js';
import { median, timeIt } from './util.js';

const LAYOUTS: TextLayout[] = ['pipe', 'tab', 'cells'];

/** Writes `n` varied reports (both formats, three layouts, ~20 % with an error, some GBK). */
export function makeCorpus(dir: string, n: number, seed = 42): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  const seedText = readFileSync(new URL('../test/fixtures/reports/seed-2020-yongan.txt', import.meta.url), 'utf8');
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    let text: string;
    if (i % 10 === 0) {
      // The real seed with different numbers in its value cells.
      text = seedText.replace(/^(\t[ \u3000]*)0([ ]?)$/gm, (_m, a: string, b: string) => `${a}${Math.floor(r() * 3)}${b}`);
    } else {
      const rep = randomReport(r);
      if (r() < 0.2) injectError(r, rep);
      text = relayout(renderReportText(rep), LAYOUTS[i % 3]!);
    }
    const p = join(dir, `report-${String(i).padStart(4, '0')}.txt`);
    writeFileSync(p, text);
    files.push(p);
  }
  return files;
}

export function benchParseCheck(dir: string, rounds = 5): BenchResult[] {
  const files = readdirSync(dir).map((f) => join(dir, f)).sort();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let sink = 0;
  const read = () => {
    for (const f of files) sink += decoder.decode(readFileSync(f)).length;
  };
  let findings = 0;
  const parseCheck = () => {
    for (const f of files) {
      const { report, info } = parseReportBytes(readFileSync(f));
      findings += checkReport(report, { info }).length;
    }
  };
  // Warm up both paths (JIT), then alternate rounds so that both see the same machine state.
  read();
  parseCheck();
  const tRead: number[] = [];
  const tParse: number[] = [];
  for (let i = 0; i < rounds; i++) {
    tRead.push(timeIt(read));
    tParse.push(timeIt(parseCheck));
  }
  const mRead = median(tRead);
  const mParse = median(tParse);
  if (sink < 0) console.log(sink);
  return [
    { name: 'read+decode text reports (baseline)', value: files.length / (mRead / 1000), unit: 'reports/s' },
    {
      name: 'read+parse+check text reports',
      value: files.length / (mParse / 1000),
      unit: 'reports/s',
      ratio: mParse / mRead,
      ratioLabel: 'time vs baseline',
      target: '≥ 1,000 reports/s on one core',
      ok: files.length / (mParse / 1000) >= 1000,
      extra: `${files.length} files, ${(findings / rounds / files.length).toFixed(2)} findings/report`,
    },
  ];
}

/** A 50 MB report: a real report whose section 一 carries a very long pasted text. */
export function makeBigReport(path: string, targetBytes = 50 * 1024 * 1024): number {
  const r = rng(7);
  const rep = randomReport(r, '2021');
  rep.sections['1'] = 'PLACEHOLDER';
  const [head, tail] = renderReportText(rep).split('PLACEHOLDER') as [string, string];
  const para = '按照上级部署，进一步规范政府信息公开分类，不断健全和完善政府信息公开目录，增强公开的实效性。'.repeat(8);
  const fd = openSync(path, 'w');
  let n = writeSync(fd, head);
  const paraBytes = Buffer.from(`${para}\n`);
  while (n + paraBytes.length + tail.length < targetBytes) n += writeSync(fd, paraBytes);
  n += writeSync(fd, tail);
  closeSync(fd);
  return n;
}

/** Peak RSS of a child process running `body` (an ES module snippet), in MB. */
function peakRss(body: string, cwd: string): { mb: number; stderr: string; status: number | null } {
  const script = `${body}\nprocess.stderr.write('\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  return { mb: m ? Number(m[1]) / 1024 : NaN, stderr: r.stderr, status: r.status };
}

export function benchBigFile(dir: string, root: string): BenchResult[] {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'big-50mb.txt');
  const bytes = makeBigReport(path);
  const base = peakRss(
    `import { readFileSync } from 'node:fs'; const t = new TextDecoder('utf-8').decode(readFileSync(${JSON.stringify(path)})); if (t.length < 0) console.log(1);`,
    root,
  );
  const check = peakRss(
    `import { run } from './dist/cli/main.js'; const out = []; const code = await run(['report', 'check', ${JSON.stringify(path)}, '--json'], { out: (s) => out.push(s), err: (s) => process.stderr.write(s) }); process.stderr.write('EXIT ' + code + ' findings ' + JSON.parse(out.join('')).findings.length);`,
    root,
  );
  const exit = /EXIT (\d+) findings (\d+)/.exec(check.stderr);
  return [
    { name: `read+decode ${(bytes / 1024 / 1024).toFixed(0)} MB report (baseline)`, value: base.mb, unit: 'MB peak RSS' },
    {
      name: `gongkai report check on the ${(bytes / 1024 / 1024).toFixed(0)} MB report`,
      value: check.mb,
      unit: 'MB peak RSS',
      ratio: check.mb / base.mb,
      ratioLabel: 'vs baseline',
      extra: exit ? `exit ${exit[1]}, ${exit[2]} findings` : `child failed: ${check.stderr.slice(-300)}`,
    },
  ];
}
