import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { reportToJson, type Report } from '../reports/report.js';
import { renderReportText } from '../reports/text/render.js';
import { cli } from '../../test/support/cli.js';
import { injectError, randomReport, rng } from '../../test/support/reports.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/reports/', import.meta.url));

interface BatchJson {
  files: { path: string; fileType: string | null; agency: string | null; year: number | null; format: string | null; findings: { rule: string; severity: string }[]; error: string | null }[];
  summary: {
    files: number;
    read: number;
    unreadable: number;
    withErrors: number;
    clean: number;
    withWarningsOnly: number;
    withPreviousYear: number;
    skipped: number;
    byRule: Record<string, { files: number; findings: number }>;
    byFileType: Record<string, { files: number; unreadable: number }>;
    byYear: Record<string, { files: number; withErrors: number }>;
    byLevel: Record<string, { files: number }>;
  };
}

/** A directory of mixed reports: random ones (some with an error), a pair of years of one agency, broken files, files to skip. */
function makeBatch(): { dir: string; reports: Map<string, Report>; broken: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'gongkai-batch-'));
  const r = rng(42);
  const reports = new Map<string, Report>();
  mkdirSync(join(dir, '镇街', '永安镇'), { recursive: true });
  mkdirSync(join(dir, '部门'));
  for (let i = 0; i < 24; i++) {
    const rep = randomReport(r);
    if (i % 3 === 0) injectError(r, rep);
    const sub = i % 2 ? '部门' : '镇街';
    const name = `${sub}/r${String(i).padStart(2, '0')}.${i % 4 === 0 ? 'json' : 'txt'}`;
    writeFileSync(join(dir, name), i % 4 === 0 ? reportToJson(rep) : renderReportText(rep));
    reports.set(name, rep);
  }
  // One agency, two years: 2022's row 二 (carried over) is not 2021's row 四.
  const y1 = randomReport(r, '2021');
  y1.agency = '市中区永安镇人民政府';
  y1.year = 2021;
  const y2 = randomReport(r, '2021');
  y2.agency = '市中区永安镇政府';
  y2.year = 2022;
  y2.applications['2']!.total = (y1.applications['4']!.total ?? 0) + 5;
  writeFileSync(join(dir, '镇街/永安镇/2021.txt'), renderReportText(y1));
  writeFileSync(join(dir, '镇街/永安镇/2022.txt'), renderReportText(y2));
  reports.set('镇街/永安镇/2021.txt', y1);
  reports.set('镇街/永安镇/2022.txt', y2);
  copyFileSync(join(fixtures, 'seed-2020-yongan.gbk.txt'), join(dir, 'seed.txt'));
  // Broken: empty, random bytes posing as a PDF, an old .doc, a truncated .docx, not a report.
  const broken = ['broken/empty.txt', 'broken/random.pdf', 'broken/old.doc', 'broken/cut.docx', 'broken/notice.txt'];
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, broken[0]!), '');
  writeFileSync(join(dir, broken[1]!), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)));
  writeFileSync(join(dir, broken[2]!), Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(2000)]));
  writeFileSync(join(dir, broken[3]!), Buffer.from('PK\u0003\u0004\u0014\u0000\u0000\u0000broken'));
  copyFileSync(join(fixtures, 'notice-not-a-report.txt'), join(dir, broken[4]!));
  // Skipped: hidden, other kinds; a link to a directory is not followed.
  writeFileSync(join(dir, '.hidden.txt'), renderReportText(randomReport(r)));
  writeFileSync(join(dir, 'photo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  symlinkSync(join(dir, '部门'), join(dir, 'link-to-dir'));
  return { dir, reports, broken };
}

describe('gongkai report check DIR (batch)', () => {
  let batch: ReturnType<typeof makeBatch>;
  let json: BatchJson;
  before(async () => {
    batch = makeBatch();
    const r = await cli(['report', 'check', batch.dir, '--json', '--jobs', '3']);
    assert.equal(r.code, 1, r.err);
    json = JSON.parse(r.out) as BatchJson;
  });

  test('every report file once, in path order; hidden files, other kinds and linked directories left out', () => {
    const paths = json.files.map((f) => f.path);
    assert.equal(paths.length, 24 + 2 + 1 + 5);
    assert.deepEqual(paths, [...paths].sort());
    assert.ok(!paths.some((p) => p.startsWith('.') || p.startsWith('link-to-dir') || p.endsWith('.png')));
    assert.equal(json.summary.skipped, 1);
  });

  test('each file: agency, year, format and the findings the single-file check gives', async () => {
    for (const [name, rep] of batch.reports) {
      if (name.startsWith('镇街/永安镇/')) continue;
      const f = json.files.find((x) => x.path === name)!;
      assert.deepEqual([f.agency, f.year, f.format, f.error], [rep.agency, rep.year, rep.format, null], name);
      const single = await cli(['report', 'check', join(batch.dir, name), '--json']);
      assert.deepEqual(f.findings, JSON.parse(single.out).findings, name);
      assert.equal(f.fileType, name.endsWith('.json') ? 'json' : 'text');
    }
    const seed = json.files.find((x) => x.path === 'seed.txt')!;
    assert.equal(seed.agency, '市中区永安镇政府');
    assert.ok(seed.findings.some((x) => x.rule === 'C1'));
  });

  test('last year’s report of the same agency in the batch is used (T5), whatever the 人民政府/政府 variant', () => {
    const y2 = json.files.find((x) => x.path === '镇街/永安镇/2022.txt')!;
    assert.ok(y2.findings.some((x) => x.rule === 'T5'), JSON.stringify(y2.findings.map((x) => x.rule)));
    assert.ok(json.summary.withPreviousYear >= 1);
  });

  test('broken files are reported with a Chinese reason and skipped; the rest is checked', () => {
    for (const b of batch.broken) {
      const f = json.files.find((x) => x.path === b)!;
      assert.ok(f.error && /[\u4e00-\u9fff]/.test(f.error), `${b}: ${f.error}`);
      assert.deepEqual(f.findings, []);
    }
    assert.equal(json.summary.unreadable, batch.broken.length);
    assert.equal(json.summary.read, json.files.length - batch.broken.length);
  });

  test('the summary adds up', () => {
    const s = json.summary;
    const read = json.files.filter((f) => f.error === null);
    assert.equal(s.withErrors + s.withWarningsOnly + s.clean, s.read);
    assert.equal(s.withErrors, read.filter((f) => f.findings.some((x) => x.severity === 'error')).length);
    for (const [rule, t] of Object.entries(s.byRule)) {
      assert.equal(t.files, read.filter((f) => f.findings.some((x) => x.rule === rule)).length, rule);
      assert.equal(t.findings, read.flatMap((f) => f.findings).filter((x) => x.rule === rule).length, rule);
    }
    assert.ok(s.byRule['C1'] || s.byRule['T3'] || s.byRule['C2'], 'the injected errors are counted');
    assert.equal(Object.values(s.byYear).reduce((a, t) => a + t.files, 0), s.read);
    assert.equal(Object.values(s.byLevel).reduce((a, t) => a + t.files, 0), s.read);
    assert.equal(Object.values(s.byFileType).reduce((a, t) => a + t.files, 0), s.files);
    assert.equal(s.byFileType['json']!.files, 6);
  });

  test('one job or several: the same output', async () => {
    const one = await cli(['report', 'check', batch.dir, '--json', '--jobs', '1']);
    assert.equal(one.out, `${JSON.stringify(json, null, 2)}\n`);
  });

  test('outputs: CSV (BOM, a line per file), XLSX (summary, files, findings), JSON, HTML overview with charts', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gongkai-batch-out-'));
    const files = ['s.csv', 's.xlsx', 's.json', 's.html'].map((n) => join(out, n));
    const r = await cli(['report', 'check', batch.dir, '-q', ...files.flatMap((f) => ['-o', f])]);
    assert.equal(r.code, 1);
    assert.equal(r.err, '');
    assert.match(r.out, /文件总数：32/);
    assert.match(r.out, /无法读取：broken\/old\.doc：/);
    const csv = readFileSync(files[0]!, 'utf8');
    assert.ok(csv.startsWith('\uFEFF文件,类型,机关,年度,格式,结论,错误,警告,F1,'));
    assert.equal(csv.trim().split('\r\n').length, 33);
    assert.match(csv, /broken\/empty\.txt,无法识别,,,,无法读取,/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(files[1]!) as unknown as ArrayBuffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['汇总', '文件', '问题']);
    assert.equal(wb.getWorksheet('文件')!.rowCount, 33);
    const findings = json.files.reduce((a, f) => a + f.findings.length, 0);
    assert.equal(wb.getWorksheet('问题')!.rowCount, 1 + findings);
    assert.deepEqual(JSON.parse(readFileSync(files[2]!, 'utf8')), json);
    const html = readFileSync(files[3]!, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
    assert.match(html, /各规则发现问题的文件数/);
    assert.match(html, /broken\/random\.pdf/);
  });

  test('progress on stderr: lines in a log, never on stdout', async () => {
    const r = await cli(['report', 'check', batch.dir, '--jobs', '2']);
    assert.match(r.err, /^共 32 个报告文件\n/);
    assert.match(r.err, /\[#{30}\] 32\/32 100%/);
    assert.doesNotMatch(r.out, /#####/);
  });

  test('a file name with markup is shown as text in the overview', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-batch-xss-'));
    writeFileSync(join(dir, '<img src=x onerror=alert(1)>.txt'), 'x');
    const out = join(dir, '..', `${Date.now()}-overview.html`);
    const r = await cli(['report', 'check', dir, '-q', '-o', out]);
    assert.equal(r.code, 1);
    const html = readFileSync(out, 'utf8');
    assert.doesNotMatch(html, /<img src=x/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)>\.txt|&lt;img src=x onerror=alert\(1\)&gt;\.txt/);
  });

  test('bad usage: exit 2 with a Chinese reason, nothing written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gongkai-batch-bad-'));
    const cases: [string[], RegExp][] = [
      [['report', 'check', batch.dir, '--jobs', '0'], /--jobs必须是正整数/],
      [['report', 'check', batch.dir, '--jobs', 'many'], /--jobs必须是正整数/],
      [['report', 'check', batch.dir, '--timeout', '-3'], /--timeout必须是正整数/],
      [['report', 'check', batch.dir, '-o', join(out, 'x.doc')], /无法识别输出文件的类型/],
      [['report', 'check', batch.dir, '-o', join(out, 'no/such/dir/x.csv')], /无法写入/],
      [['report', 'check', batch.dir, '--previous', join(fixtures, 'seed-2020-yongan.txt')], /--previous 只用于单个文件/],
      [['report', 'check', join(fixtures, 'seed-2020-yongan.txt'), '--jobs', '2'], /--jobs 只用于目录/],
      [['report', 'check', join(fixtures, 'seed-2020-yongan.txt'), '-o', join(out, 'a.csv')], /--output 只用于目录/],
      [['report', 'check', join(out, 'missing-dir')], /文件不存在/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, message, args.join(' '));
      assert.equal(r.out, '');
    }
    assert.ok(!existsSync(join(out, 'a.csv')));
  });

  test('an empty directory: nothing to check, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-batch-empty-'));
    const r = await cli(['report', 'check', dir, '--json']);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.out).summary.files, 0);
  });
});
