/**
 * The report's tables as an .xlsx workbook (exceljs, writing only): one sheet per table — 二, 三,
 * 四 — named by its section heading. Each sheet: the report's title (row 1) and the section heading
 * (row 2) across the table, then the table from row TABLE_FIRST_ROW with the format's merged
 * header cells (layout.ts), thin borders, wrapped and centred header text, the header rows frozen.
 *
 * Values are numbers (a blank cell stays empty, never 0); a 2019 采购总金额 keeps its unit in the
 * number format (251000 shown as 251000元, still a number); 2021 本年收费金额 is a number of 万元 as
 * its header says. Texts are plain strings (never formulas). Pages: A4, fitted to the width,
 * table 四 in landscape.
 */
import ExcelJS from 'exceljs';
import { isAmount, type Report } from '../report.js';
import { placeCells, reportLayout, reportTables, type ReportLayout } from './layout.js';

/** Row of a sheet where the table starts (after the title and the section heading). */
export const TABLE_FIRST_ROW = 3;

/** The number format of a money amount with its unit (General followed by the unit as text). */
export function amountFormat(unit: string): string {
  return `General"${unit.replace(/"/g, '')}"`;
}

const THIN = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const TABLE_FONT = { name: '宋体', size: 10.5 };

export async function renderLayoutXlsx(layout: ReportLayout): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Gongkai';
  wb.title = layout.title;
  wb.subject = '政府信息公开工作年度报告';
  // A fixed date: the same report gives the same workbook.
  wb.created = wb.modified = new Date(Date.UTC(2000, 0, 1));
  for (const t of reportTables(layout)) {
    const headRows = t.rows.filter((r) => r.head).length;
    const ws = wb.addWorksheet(t.heading, {
      pageSetup: { paperSize: 9, orientation: t.section === '4' ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
      views: [{ state: 'frozen', xSplit: 0, ySplit: TABLE_FIRST_ROW - 1 + headRows }],
    });
    ws.columns = t.widths.map((w) => ({ width: w }));
    const banner = (row: number, text: string, size: number, bold: boolean) => {
      ws.mergeCells(row, 1, row, t.columns);
      const c = ws.getCell(row, 1);
      c.value = text;
      c.font = { name: '宋体', size, bold };
      c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      ws.getRow(row).height = size * 2;
    };
    banner(1, layout.title, 14, true);
    banner(2, t.heading, 12, true);

    for (const { cell, row, col } of placeCells(t.rows, t.columns)) {
      const r = TABLE_FIRST_ROW + row;
      const c = col + 1;
      if (cell.colSpan > 1 || cell.rowSpan > 1) ws.mergeCells(r, c, r + cell.rowSpan - 1, c + cell.colSpan - 1);
      const x = ws.getCell(r, c);
      if (cell.role === 'value') {
        const v = cell.value;
        if (isAmount(v)) {
          x.value = v.value;
          if (v.unit !== null && v.unit !== '') x.numFmt = amountFormat(v.unit);
        } else if (v !== null) x.value = v;
        x.alignment = { horizontal: 'center', vertical: 'middle' };
      } else {
        x.value = cell.text;
        const left = cell.role === 'row' || cell.role === 'group';
        x.alignment = { horizontal: left ? 'left' : 'center', vertical: 'middle', wrapText: true };
        if (cell.role === 'block') x.font = { ...TABLE_FONT, bold: true };
      }
      // Every grid position of a merge gets the border, so that the merged cell is framed.
      for (let y = r; y < r + cell.rowSpan; y++)
        for (let z = c; z < c + cell.colSpan; z++) {
          const g = ws.getCell(y, z);
          g.border = BORDER;
          if (cell.role !== 'block') g.font = TABLE_FONT;
        }
    }
  }
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

/** The report's tables as .xlsx bytes. Throws ReportExportError when the report is not valid. */
export async function renderReportXlsx(report: Report): Promise<Buffer> {
  return renderLayoutXlsx(reportLayout(report));
}
