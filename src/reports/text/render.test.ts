import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FORMATS, type FormatId } from '../format.js';
import { canonicalReport, emptyReport, filledReport, type Report } from '../report.js';
import { canonicalProse, parseReportText } from './parse.js';
import { renderReportText, renderTitle } from './render.js';

// ---------------------------------------------------------------------------------------------
// Generators

const PLACES = ['市中区', '永安镇', '高新区', '东城街道', '临河县', '青山乡', '南湖区', '西关街道', '北林县', '新华镇', '三河市', '历下区'];
const BODIES = [
  '人民政府',
  '政府',
  '人民政府办公室',
  '发展和改革委员会',
  '教育局',
  '民政局',
  '财政局',
  '卫生健康委员会',
  '街道办事处',
  '司法局',
  '自然资源和规划局',
  '办公室',
];
const agencyArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...PLACES), fc.option(fc.constantFrom(...PLACES), { nil: '' }), fc.constantFrom(...BODIES))
      .map(([a, b, c]) => `${b}${a}${c}`),
  },
);
const yearArb = fc.option(fc.integer({ min: 2019, max: 2030 }), { nil: null, freq: 8 });

const SENTENCES = [
  '（一）主动公开情况',
  '（二）依申请公开情况',
  '（三）政府信息管理',
  '（四）平台建设',
  '（五）监督保障',
  '一是健全组织网络，形成齐抓共管合力。',
  '二是规范公开程序，确保信息真实准确。',
  '三是强化监督考核，注重公开实效。',
  '1、加强队伍建设，进一步提升信息公开水平。',
  '2、突破难点重点，深化公开内容。',
  '一、加强组织领导。',
  '三、本年度工作安排',
  '依托政府门户网站政府信息公开专栏，及时更新各类信息，方便群众查询。',
  '根据《中华人民共和国政府信息公开条例》第五十条规定，编制本报告。',
  '本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。',
  '第二十条规定的信息均已按时公开。',
  '全年共接待群众来访咨询36人次，发放宣传资料1,200余份。',
  '存在的主要问题：一是公开内容的全面性和时效性有待提高；二是工作人员业务水平有待加强。',
  '本年度未收取信息处理费。',
  '无',
  '无。',
  '“放管服”改革持续深化，营商环境不断优化！',
  '专栏：政务公开|信息公开（见网站）',
  '0',
  '- 附件略 -',
];
const numberSentence = fc
  .tuple(fc.nat({ max: 100000 }), fc.nat({ max: 999 }))
  .map(([a, b]) => `本年度共收到政府信息公开申请${a}件，予以公开${b}件，行政复议${b % 7}件。`);
const lineArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SENTENCES) }, { weight: 2, arbitrary: numberSentence });
/** Raw prose as an office might type it (indentation, trailing blanks, blank lines, artefacts), then canonicalized. */
const proseArb = fc
  .option(
    fc.array(
      fc.tuple(lineArb, fc.constantFrom('', '\u3000\u3000', '  ', '\t'), fc.constantFrom('', ' ', '\u3000'), fc.constantFrom('', '\n', '\n\n\n', '\n[image: a.png]\n')),
      { minLength: 1, maxLength: 8 },
    ),
    { nil: null, freq: 6 },
  )
  .map((parts) => (parts === null ? null : canonicalProse(parts.map(([l, pre, post, gap]) => `${pre}${l}${post}${gap}`).join('\n'))));

const countArb = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.nat({ max: 1_000_000 }) }, { weight: 1, arbitrary: fc.constant(null) });
const changeArb = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -1000, max: 1000 }) }, { weight: 1, arbitrary: fc.constant(null) });
const decimalArb = fc.oneof(fc.constant(0), fc.nat({ max: 1_000_000_000 }).map((n) => n / 100), fc.nat({ max: 1000 }).map((n) => n / 1000));
const amountArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ value: decimalArb, unit: fc.constantFrom('元', '万元', null) }) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const wanArb = fc.oneof({ weight: 6, arbitrary: decimalArb }, { weight: 1, arbitrary: fc.constant(null) });

function reportArb(format: FormatId): fc.Arbitrary<Report> {
  const f = FORMATS[format];
  const cellArbs: Record<string, fc.Arbitrary<unknown>> = {};
  for (const b of f.proactive)
    for (const r of b.rows)
      for (const c of b.columns)
        cellArbs[`p|${r.id}|${c.id}`] = c.kind === 'change' ? changeArb : c.kind === 'amount' ? amountArb : c.kind === 'amount_wan_yuan' ? wanArb : countArb;
  for (const r of f.applicationRows) for (const c of f.applicationColumns) cellArbs[`a|${r.id}|${c.id}`] = countArb;
  for (const g of f.reviewGroups) for (const c of f.reviewColumns) cellArbs[`r|${g.id}|${c.id}`] = countArb;
  return fc
    .record({ agency: agencyArb, year: yearArb, cells: fc.record(cellArbs), s1: proseArb, s5: proseArb, s6: proseArb })
    .map(({ agency, year, cells, s1, s5, s6 }) => {
      const rep = emptyReport(format, agency, year);
      for (const [k, v] of Object.entries(cells)) {
        const [t, row, col] = k.split('|') as [string, string, string];
        const table = t === 'p' ? rep.proactive : t === 'a' ? rep.applications : rep.reviews;
        (table[row] as Record<string, unknown>)[col] = v;
      }
      rep.sections = { '1': s1, '5': s5, '6': s6 };
      return rep;
    });
}

/** Rewrites the rendered `a | b | c` rows as tab-separated rows or as one TAB-prefixed cell per line. */
function relayout(text: string, layout: 'tab' | 'cells' | 'markdown'): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(' | ') && !line.endsWith(' |')) {
      out.push(line);
      continue;
    }
    const cells = line.split('|').map((c) => c.trim());
    if (layout === 'tab') out.push(cells.join('\t'));
    else if (layout === 'markdown') {
      out.push(`| ${cells.join(' | ')} |`);
      if (cells[0] === '信息内容') out.push(`|${'---|'.repeat(cells.length)}`);
    } else out.push(...cells.map((c) => `\t${c}`), '');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

describe('renderReportText', () => {
  it('writes the title, six headings and the official header rows', () => {
    const text = renderReportText(filledReport('2019', '市中区永安镇人民政府', 2020, 0));
    const lines = text.split('\n');
    assert.equal(lines[0], '市中区永安镇人民政府2020年度政府信息公开工作年度报告');
    for (const s of FORMATS['2019'].sections) assert.ok(lines.includes(s.label), s.label);
    assert.ok(lines.includes('信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量'));
    assert.ok(lines.includes('政府集中采购 | 0 | 0元'));
    assert.ok(lines.some((l) => l.startsWith('（本列数据的勾稽关系为')));
    assert.ok(lines.includes(`${'0 | '.repeat(14)}0`));
    assert.ok(text.endsWith('\n'));
  });

  it('renders null cells as empty cells and a null year as a placeholder', () => {
    const r = emptyReport('2021', null, null);
    const text = renderReportText(r);
    assert.equal(text.split('\n')[0], '××××年度政府信息公开工作年度报告');
    assert.equal(renderTitle('XX局', null), 'XX局××××年度政府信息公开工作年度报告');
    assert.ok(text.includes('\n行政许可 |\n'));
    const back = parseReportText(text);
    assert.deepEqual(back.report, canonicalReport(r));
    assert.equal(back.info.missingRows.length, 0);
    assert.ok(back.info.cells.every((c) => c.problem === 'blank'));
    const cellCount = Object.values({ ...r.proactive, ...r.applications, ...r.reviews }).reduce((n, row) => n + Object.keys(row).length, 0);
    assert.equal(back.info.cells.length, cellCount);
    for (const layout of ['tab', 'cells', 'markdown'] as const) {
      const { report, info } = parseReportText(relayout(text, layout));
      assert.deepEqual(report, canonicalReport(r), layout);
      assert.equal(info.cells.filter((c) => c.problem === 'blank').length, cellCount, layout);
    }
  });

  for (const format of ['2019', '2021'] as const) {
    it(`round-trips random ${format} reports: parse(render(r)) = canonicalReport(r)`, () => {
      fc.assert(
        fc.property(reportArb(format), (rep) => {
          const { report, info } = parseReportText(renderReportText(rep));
          assert.deepStrictEqual(report, canonicalReport(rep));
          assert.equal(info.formatBy, 'labels');
          assert.equal(info.headings.length, 6);
          assert.equal(info.missingRows.length, 0);
          assert.equal(info.missingColumns.length, 0);
          assert.equal(info.extraRows.length, 0);
          assert.equal(info.truncated, null);
          assert.ok(info.cells.every((c) => c.problem === 'blank'));
        }),
        { numRuns: 400 },
      );
    });
  }

  // The same reports in the two other layouts offices produce: tab-separated rows, and the seed's
  // one TAB-prefixed cell per line with an empty line after each row.
  for (const layout of ['tab', 'cells', 'markdown'] as const) {
    for (const format of ['2019', '2021'] as const) {
      it(`round-trips random ${format} reports relaid as ${{ tab: 'tab-separated rows', cells: 'one cell per line', markdown: 'markdown tables' }[layout]}`, () => {
        fc.assert(
          fc.property(reportArb(format), (rep) => {
            const { report, info } = parseReportText(relayout(renderReportText(rep), layout));
            assert.deepStrictEqual(report, canonicalReport(rep));
            assert.equal(info.missingRows.length + info.missingColumns.length + info.extraRows.length, 0);
            assert.ok(info.cells.every((c) => c.problem === 'blank'));
          }),
          { numRuns: 150 },
        );
      });
    }
  }

  it('canonicalProse is idempotent on random prose', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '一', '、', '\u3000', ' ', '\n', '\r', '\t', '[', ']', '-', '1', '页', '第', '\f') }), (s) => {
        const c = canonicalProse(s);
        assert.equal(c === null ? null : canonicalProse(c), c);
      }),
      { numRuns: 500 },
    );
  });
});
