import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FORMATS } from '../reports/format.js';
import { reportToJson, type Report } from '../reports/report.js';
import { renderReportText } from '../reports/text/render.js';
import { cli } from '../../test/support/cli.js';
import { randomReport, rng } from '../../test/support/reports.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/reports/', import.meta.url));
const SEED = join(fixtures, 'seed-2020-yongan.txt');
const dir = mkdtempSync(join(tmpdir(), 'gongkai-report-cli-'));
const tmp = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('gongkai report parse', () => {
  test('the seed: agency, year, format, zeros, and the blank 行政强制 row as null', async () => {
    const r = await cli(['report', 'parse', SEED]);
    assert.equal(r.code, 0);
    const rep = JSON.parse(r.out) as Report;
    assert.equal(rep.agency, '市中区永安镇政府');
    assert.equal(rep.year, 2020);
    assert.equal(rep.format, '2019');
    for (const row of Object.values(rep.applications)) for (const v of Object.values(row)) assert.equal(v, 0);
    for (const row of Object.values(rep.reviews)) for (const v of Object.values(row)) assert.equal(v, 0);
    assert.deepEqual(rep.proactive['enforcement'], { items_last_year: null, change: null, decisions: null });
    for (const [id, row] of Object.entries(rep.proactive)) {
      if (id === 'enforcement') continue;
      for (const v of Object.values(row)) assert.ok(v === 0 || (typeof v === 'object' && v?.value === 0), `${id}: ${JSON.stringify(v)}`);
    }
    // Every row and column of the 2019 format is present, in official order.
    assert.deepEqual(Object.keys(rep.applications).sort(), FORMATS['2019'].applicationRows.map((x) => x.id).sort());
    // …and printed in official order (row 4 after 3.7, though JS objects put "4" before "3.1").
    const printed = [...r.out.matchAll(/^ {4}"([\d.]+)": \{/gm)].map((m) => m[1]);
    assert.deepEqual(printed, FORMATS['2019'].applicationRows.map((x) => x.id));
    assert.deepEqual(Object.keys(rep), ['agency', 'year', 'format', 'proactive', 'applications', 'reviews', 'sections']);
    assert.match(r.err, /3 个单元格不是数字/);
  });

  test('--with-info adds what the importer saw', async () => {
    const r = await cli(['report', 'parse', SEED, '--with-info']);
    assert.equal(r.code, 0);
    const { report, info } = JSON.parse(r.out);
    assert.equal(report.year, 2020);
    assert.equal(info.title, '市中区永安镇政府2020年度政府信息公开工作年度报告');
    assert.deepEqual(
      info.headings.map((h: { section: string }) => h.section),
      ['1', '2', '3', '4', '5', '6'],
    );
  });

  test('the GBK copy of the seed gives the same report, with a note on stderr', async () => {
    const utf8 = await cli(['report', 'parse', SEED]);
    const gbk = await cli(['report', 'parse', join(fixtures, 'seed-2020-yongan.gbk.txt')]);
    assert.equal(gbk.code, 0);
    const a = JSON.parse(utf8.out) as Report;
    const b = JSON.parse(gbk.out) as Report;
    assert.deepEqual(b.applications, a.applications);
    assert.deepEqual(b.proactive, a.proactive);
    assert.equal(b.agency, a.agency);
    assert.match(gbk.err, /GB18030|GBK/);
  });
});

describe('gongkai report check', () => {
  test('the seed: C1 on the three 行政强制 cells and no other error; exit 1', async () => {
    const r = await cli(['report', 'check', SEED, '--json']);
    assert.equal(r.code, 1);
    const res = JSON.parse(r.out);
    assert.equal(res.agency, '市中区永安镇政府');
    assert.equal(res.year, 2020);
    assert.equal(res.format, '2019');
    const errors = res.findings.filter((f: { severity: string }) => f.severity === 'error');
    assert.deepEqual(
      errors.map((f: { rule: string; row: string; column: string }) => `${f.rule} ${f.row} ${f.column}`),
      ['C1 enforcement items_last_year', 'C1 enforcement change', 'C1 enforcement decisions'],
    );
    assert.deepEqual(res.summary, { errors: 3, warnings: res.findings.length - 3 });
    for (const f of res.findings) assert.ok(['F1', 'F2', 'F3', 'F4', 'C1', 'C2', 'C3', 'T1', 'T2', 'T3', 'T4', 'P1', 'P2', 'P3'].includes(f.rule));
  });

  test('human-readable table by default, with a verdict line', async () => {
    const r = await cli(['report', 'check', SEED]);
    assert.equal(r.code, 1);
    assert.match(r.out, /规则\s+级别\s+位置\s+说明/);
    assert.match(r.out, /C1\s+错误\s+二 · 第二十条第（六）项 行政强制 · 上一年项目数量/);
    assert.match(r.out, /未通过：3 项错误/);
  });

  test('a consistent generated report passes (exit 0), as text and as JSON', async () => {
    const rep = randomReport(rng(3), '2021');
    const txt = tmp('ok-2021.txt', renderReportText(rep));
    const json = tmp('ok-2021.json', reportToJson(rep));
    for (const f of [txt, json]) {
      const r = await cli(['report', 'check', f, '--json']);
      const res = JSON.parse(r.out);
      assert.equal(res.summary.errors, 0, `${f}: ${JSON.stringify(res.findings)}`);
      assert.equal(r.code, 0);
    }
  });

  test('an arithmetic error gives T-findings with expected and actual, exit 1', async () => {
    const rep = randomReport(rng(5), '2019');
    rep.applications['3.7']!.total = (rep.applications['3.7']!.total ?? 0) + 2;
    const r = await cli(['report', 'check', tmp('bad-total.txt', renderReportText(rep)), '--json']);
    assert.equal(r.code, 1);
    const t = JSON.parse(r.out).findings.filter((f: { rule: string }) => f.rule === 'T2' || f.rule === 'T1' || f.rule === 'T3');
    assert.ok(t.length > 0);
    for (const f of t) assert.ok(typeof f.expected === 'number' && typeof f.actual === 'number');
  });

  test('--previous enables T5 (carried over must equal last year’s carried forward)', async () => {
    const last = randomReport(rng(8), '2021');
    last.year = 2022;
    const cur = randomReport(rng(9), '2021');
    cur.year = 2023;
    cur.agency = last.agency;
    cur.applications['2']!.natural_person = (last.applications['4']!.natural_person ?? 0) + 1;
    const r = await cli(['report', 'check', tmp('cur.json', reportToJson(cur)), '--previous', tmp('last.json', reportToJson(last)), '--json']);
    const rules = JSON.parse(r.out).findings.map((f: { rule: string }) => f.rule);
    assert.ok(rules.includes('T5'), rules.join(','));
  });
});

describe('bad input: a clear reason and exit 2', () => {
  const cases: [string, () => string, RegExp][] = [
    ['an empty file', () => tmp('empty.txt', ''), /空/],
    ['a binary file', () => tmp('bin.dat', Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 7])), /二进制/],
    ['a .docx (zip)', () => tmp('r.docx', Buffer.from('PK\x03\x04rest-of-zip')), /Word|zip/],
    ['a PDF', () => tmp('r.pdf', '%PDF-1.7\n%\u00e2\u00e3\n1 0 obj'), /PDF/],
    ['a text in neither format', () => join(fixtures, 'notice-not-a-report.txt'), /无法识别/],
    ['a file that does not exist', () => join(dir, 'nope.txt'), /不存在/],
    ['a directory (parse reads one file; check DIR is the batch, report-batch.test.ts)', () => dir, /目录/],
    ['invalid report JSON', () => tmp('bad.json', '{"format": "2021", "year": "二〇二一"}'), /JSON/],
    ['broken JSON syntax', () => tmp('broken.json', '{"format": '), /JSON 语法错误/],
  ];
  for (const [name, file, message] of cases) {
    test(name, async () => {
      const r = await cli(['report', name.startsWith('a directory') ? 'parse' : 'check', file()]);
      assert.equal(r.code, 2, r.err);
      assert.equal(r.out, '');
      assert.match(r.err, message);
      assert.equal(r.err.trim().split('\n').length, 1, 'one line on stderr');
    });
  }

  test('a 50 MB file is read within the limit, and refused clearly above --max-size', async () => {
    const rep = randomReport(rng(11), '2021');
    const text = renderReportText(rep);
    const i = text.indexOf('二、');
    const filler = `${'按照上级部署，进一步规范政府信息公开分类，不断健全和完善政府信息公开目录。'.repeat(20)}\n`;
    const big = text.slice(0, i) + filler.repeat(Math.ceil((50 * 1024 * 1024) / Buffer.byteLength(filler))) + text.slice(i);
    const p = tmp('big.txt', big);
    const ok = await cli(['report', 'check', p, '--json']);
    assert.equal(JSON.parse(ok.out).summary.errors, 0);
    assert.equal(ok.code, 0);
    const refused = await cli(['report', 'check', p, '--max-size', '10']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /文件过大.*上限为 10\.0 MB/);
  });

  test('usage errors: missing FILE, unknown option, bad --max-size', async () => {
    for (const args of [['report', 'check'], ['report', 'check', SEED, '--bogus'], ['report', 'parse', SEED, '--max-size', 'x']]) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /^gongkai: /);
    }
  });
});

describe('gongkai report render', () => {
  test('render then parse gives the same JSON (CLI round trip)', async () => {
    const rep = randomReport(rng(21), '2019');
    const rendered = await cli(['report', 'render', tmp('rt.json', reportToJson(rep))]);
    assert.equal(rendered.code, 0);
    const parsed = await cli(['report', 'parse', tmp('rt.txt', rendered.out)]);
    assert.equal(parsed.out.trim(), reportToJson(rep));
  });
});

describe('the installed binary', () => {
  const bin = fileURLToPath(new URL('../../bin/gongkai.js', import.meta.url));
  const built = existsSync(fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url)));
  test('bin/gongkai.js runs the built CLI: --help, exit codes, stdin', { skip: !built && 'dist/ not built (npm run build)' }, () => {
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /workdays/);
    assert.match(help.stdout, /report/);
    const none = spawnSync(process.execPath, [bin], { encoding: 'utf8' });
    assert.equal(none.status, 2);
    const stdin = spawnSync(process.execPath, [bin, 'report', 'check', '-', '--json'], { input: readFileSync(SEED), encoding: 'utf8' });
    assert.equal(stdin.status, 1);
    assert.equal(JSON.parse(stdin.stdout).summary.errors, 3);
    const bad = spawnSync(process.execPath, [bin, 'workdays', 'add', '2025-02-30', '3'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /日期无效/);
  });
});
