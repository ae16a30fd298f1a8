import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORMATS, type FormatId } from '../format.js';
import { emptyReport, filledReport, type Report } from '../report.js';
import { ReportExportError } from './errors.js';
import { checkedReport, placeCells, reportFileName, reportLayout, reportTables, safeText, valueText } from './layout.js';

const FMTS: FormatId[] = ['2019', '2021'];

describe('report layout', () => {
  for (const format of FMTS) {
    it(`${format}: every row of tables 二, 三, 四 fills the format's columns once spans are expanded`, () => {
      const tables = reportTables(reportLayout(filledReport(format, 'XX局', format === '2019' ? 2020 : 2022, 1)));
      assert.deepEqual(
        tables.map((t) => [t.section, t.columns, t.widths.length]),
        [
          ['2', 4, 4],
          ['3', 10, 10],
          ['4', 15, 15],
        ],
      );
      for (const t of tables) placeCells(t.rows, t.columns); // throws on a short, long or overlapping row
    });

    it(`${format}: one value cell per cell of the report, each naming its headers`, () => {
      const f = FORMATS[format];
      const layout = reportLayout(filledReport(format, 'XX局', 2022, 7));
      const cells = reportTables(layout).flatMap((t) => t.rows.flatMap((r) => r.cells));
      const values = cells.filter((c) => c.role === 'value');
      const expected =
        f.proactive.reduce((n, b) => n + b.rows.length * b.columns.length, 0) + f.applicationRows.length * 7 + f.reviewGroups.length * 5;
      assert.equal(values.length, expected);
      const refs = new Set(values.map((c) => `${c.ref!.table}:${c.ref!.row}:${c.ref!.column}`));
      assert.equal(refs.size, expected);
      const ids = cells.filter((c) => c.id !== null).map((c) => c.id!);
      assert.equal(new Set(ids).size, ids.length, 'header ids are unique');
      for (const v of values) {
        assert.ok(v.headers.length >= 2);
        for (const h of v.headers) assert.ok(ids.includes(h), h);
      }
    });
  }

  it('merges table 三 as the format does: identity 3×3, 三、本年度办理结果 down all its rows, sub-groups down theirs', () => {
    const t = reportTables(reportLayout(filledReport('2021', 'XX局', 2022, 0))).find((x) => x.section === '3')!;
    const placed = placeCells(t.rows, t.columns);
    const at = (text: string) => placed.find((p) => p.cell.text === text)!;
    assert.deepEqual([at('（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）').cell.colSpan, at('（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）').cell.rowSpan], [3, 3]);
    assert.equal(at('申请人情况').cell.colSpan, 7);
    assert.equal(at('法人或其他组织').cell.colSpan, 5);
    assert.equal(at('自然人').cell.rowSpan, 2);
    assert.equal(at('三、本年度办理结果').cell.rowSpan, FORMATS['2021'].applicationRows.filter((r) => r.group !== null).length);
    assert.equal(at('（三）不予公开').cell.rowSpan, 8);
    assert.equal(at('（六）其他处理').cell.rowSpan, 3);
    assert.equal(at('（七）总计').cell.colSpan, 2);
    assert.equal(at('四、结转下年度继续办理').cell.colSpan, 3);
    const v2019 = reportTables(reportLayout(filledReport('2019', 'XX局', 2020, 0))).find((x) => x.section === '3')!;
    const six = v2019.rows.flatMap((r) => r.cells).find((c) => c.text === '（六）其他处理')!;
    assert.deepEqual([six.colSpan, six.rowSpan, six.role], [2, 1, 'row']);
  });

  it('widens the last column of a short block of table 二 (2021 （五）: one column over three)', () => {
    const t = reportTables(reportLayout(filledReport('2021', 'XX局', 2022, 0))).find((x) => x.section === '2')!;
    const licensing = t.rows.find((r) => r.cells[0]!.text === '行政许可')!;
    assert.deepEqual(
      licensing.cells.map((c) => c.colSpan),
      [1, 3],
    );
  });

  it('writes values as the text layout does: String(), amounts with their unit, blank as empty', () => {
    assert.equal(valueText(0), '0');
    assert.equal(valueText(-3), '-3');
    assert.equal(valueText(12.5), '12.5');
    assert.equal(valueText(null), '');
    assert.equal(valueText({ value: 251000, unit: '元' }), '251000元');
    assert.equal(valueText({ value: 3.5, unit: null }), '3.5');
  });

  it('refuses an invalid report with ReportExportError listing the problems', () => {
    const bad = emptyReport('2019', 'XX局', 2020) as unknown as Record<string, unknown>;
    delete (bad.applications as Record<string, unknown>)['3.7'];
    (bad.reviews as Record<string, Record<string, unknown>>).reconsideration!.upheld = 'five';
    assert.throws(
      () => reportLayout(bad as unknown as Report),
      (e: unknown) => e instanceof ReportExportError && /无法导出报告/.test(e.message) && e.issues.length === 2,
    );
    for (const x of [null, 'report', [], { format: '2030' }, { ...emptyReport('2021'), year: 2021.5 }]) {
      assert.throws(() => checkedReport(x), ReportExportError);
    }
  });

  it('drops characters XML cannot carry from every text', () => {
    const r = emptyReport('2021', 'XX\u0001局', 2022);
    r.sections['1'] = '甲\u0000乙\u000b丙\uffff';
    const layout = reportLayout(r);
    assert.equal(layout.title, 'XX局2022年度政府信息公开工作年度报告');
    const prose = layout.parts[0]!;
    assert.ok(prose.kind === 'prose' && prose.section.lines[0] === '甲乙丙');
    assert.equal(safeText('a\tb\nc\u{1F600}'), 'a\tb\nc\u{1F600}');
  });

  it('names files after the agency and the year, without path or reserved characters', () => {
    assert.equal(reportFileName('市中区永安镇人民政府', 2020, 'docx'), '市中区永安镇人民政府2020年度政府信息公开工作年度报告.docx');
    assert.equal(reportFileName(null, null, 'pdf'), '政府信息公开工作年度报告.pdf');
    assert.equal(reportFileName('../a/b\\c:*?"<>|\u0000局', 2021, 'json'), 'abc局2021年度政府信息公开工作年度报告.json');
    assert.ok(reportFileName('局'.repeat(300), 2021, 'html').length < 130);
  });
});

describe('placeCells', () => {
  it('places cells after those merged down from above, and refuses rows that do not fit', () => {
    const c = (colSpan: number, rowSpan = 1) => ({ colSpan, rowSpan });
    const placed = placeCells([{ cells: [c(1, 2), c(2)] }, { cells: [c(1), c(1)] }], 3);
    assert.deepEqual(
      placed.map((p) => [p.row, p.col]),
      [
        [0, 0],
        [0, 1],
        [1, 1],
        [1, 2],
      ],
    );
    assert.throws(() => placeCells([{ cells: [c(2)] }], 3), /2 of 3 columns/);
    assert.throws(() => placeCells([{ cells: [c(4)] }], 3), /overflow/);
    assert.throws(() => placeCells([{ cells: [c(1, 3), c(2)] }, { cells: [c(2)] }], 3), /below the table/);
  });
});
