import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { rng } from '../../../test/support/reports.js';
import type { FormatId } from '../format.js';
import { emptyReport, isAmount, type Report } from '../report.js';
import { ReportExportError } from './errors.js';
import { placeCells, reportLayout, reportTables } from './layout.js';
import { randomReports, seedReport, sparseReport } from './test-helpers.js';
import { TABLE_FIRST_ROW, amountFormat, renderReportXlsx } from './xlsx.js';

const FMTS: FormatId[] = ['2019', '2021'];

/** Column letters of a 1-based column number (A … O suffice here). */
const letter = (c: number) => String.fromCharCode(64 + c);

/**
 * Reads the workbook back (exceljs, in the test only) and checks it cell by cell against the
 * layout: sheet names, title rows, merges, label texts, and every value — numbers as numbers,
 * blanks empty, amounts with their unit in the number format.
 */
async function checkWorkbook(bytes: Buffer, rep: Report): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const layout = reportLayout(rep);
  const tables = reportTables(layout);
  assert.deepEqual(
    wb.worksheets.map((w) => w.name),
    ['二、主动公开政府信息情况', '三、收到和处理政府信息公开申请情况', '四、政府信息公开行政复议、行政诉讼情况'],
  );
  tables.forEach((t, i) => {
    const ws = wb.worksheets[i]!;
    assert.equal(ws.getCell(1, 1).value, layout.title);
    assert.equal(ws.getCell(2, 1).value, t.heading);
    const merges = new Set<string>((ws.model as unknown as { merges: string[] }).merges);
    const expected = new Set<string>([`A1:${letter(t.columns)}1`, `A2:${letter(t.columns)}2`]);
    for (const { cell, row, col } of placeCells(t.rows, t.columns)) {
      const r = TABLE_FIRST_ROW + row;
      const x = ws.getCell(r, col + 1);
      if (cell.colSpan > 1 || cell.rowSpan > 1) expected.add(`${letter(col + 1)}${r}:${letter(col + cell.colSpan)}${r + cell.rowSpan - 1}`);
      if (cell.role !== 'value') {
        assert.equal(x.value, cell.text);
        continue;
      }
      const v = cell.value;
      if (v === null) assert.equal(x.value, null, `${cell.ref!.row}.${cell.ref!.column} is blank`);
      else if (isAmount(v)) {
        assert.equal(x.value, v.value);
        assert.equal(x.numFmt ?? null, v.unit ? amountFormat(v.unit) : null);
      } else {
        assert.equal(typeof x.value, 'number');
        assert.equal(x.value, v);
      }
      assert.ok(x.border?.top?.style === 'thin');
    }
    assert.deepEqual([...merges].sort(), [...expected].sort(), `merges of sheet ${ws.name}`);
    assert.equal(ws.columns.length, t.columns);
    assert.ok(ws.columns.every((c) => (c.width ?? 0) >= 8));
  });
}

describe('renderReportXlsx', () => {
  it('the seed: one sheet per table, merged headers, numbers as numbers, the blank row blank', async () => {
    const seed = seedReport();
    const bytes = await renderReportXlsx(seed);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
    await checkWorkbook(bytes, seed);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws3 = wb.getWorksheet('三、收到和处理政府信息公开申请情况')!;
    assert.equal(ws3.getCell('A3').value, '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）');
    assert.ok((ws3.model as unknown as { merges: string[] }).merges.includes('A3:C5'));
    assert.equal(ws3.views[0]?.state, 'frozen');
  });

  for (const format of FMTS) {
    it(`random ${format} reports (and sparse ones) read back cell for cell`, async () => {
      const r = rng(format === '2019' ? 51 : 52);
      const reps = [...randomReports(format, 6, format === '2019' ? 53 : 54), ...Array.from({ length: 6 }, () => sparseReport(r, format))];
      for (const rep of reps) await checkWorkbook(await renderReportXlsx(rep), rep);
    });
  }

  it('keeps a 2019 采购总金额 a number with its unit in the format; texts never become formulas', async () => {
    const rep = emptyReport('2019', '=HYPERLINK("http://x","y")', 2020);
    rep.proactive.procurement = { projects: 6, amount: { value: 251000, unit: '元' } };
    const bytes = await renderReportXlsx(rep);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    assert.equal(ws.getCell(1, 1).value, '=HYPERLINK("http://x","y")2020年度政府信息公开工作年度报告');
    assert.equal(ws.getCell(1, 1).type, ExcelJS.ValueType.String);
    const row = ws.getRows(1, ws.rowCount)!.find((x) => x.getCell(1).value === '政府集中采购')!;
    assert.equal(row.getCell(2).value, 6);
    assert.equal(row.getCell(3).value, 251000);
    assert.equal(row.getCell(3).numFmt, 'General"元"');
  });

  it('refuses an invalid report with ReportExportError', async () => {
    const bad = { ...emptyReport('2021', 'XX局', 2022), year: '2022' } as unknown as Report;
    await assert.rejects(renderReportXlsx(bad), ReportExportError);
  });
});
