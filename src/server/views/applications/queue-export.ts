/**
 * The work queue's export: one list of columns and one function producing a row, written either
 * as CSV (csv.ts) or as a real .xlsx (exceljs, used here for writing only — never to read an
 * upload).
 *
 * In the .xlsx: the header row is bold and frozen; dates stay text (YYYY-MM-DD, as in the
 * database, so no time zone can shift them); numbers are numbers; booleans are 是/否; every other
 * value is a plain string cell (a shared string), so a text starting with = + - @ is shown as
 * text and never becomes a formula.
 */
import ExcelJS from 'exceljs';
import type { QueueItemView } from '../../../applications/application.presenter.js';
import type { CsvCell } from './csv.js';

export type ExportCell = CsvCell;

interface ExportColumn {
  header: string;
  /** Column width in the .xlsx (characters; a Chinese character counts about two). */
  width: number;
  value: (it: QueueItemView, description: string) => ExportCell;
}

const COLUMNS: readonly ExportColumn[] = [
  { header: '编号', width: 20, value: (it) => it.trackingNumber },
  { header: '受理机关', width: 24, value: (it) => it.agency.name },
  { header: '提交方式', width: 14, value: (it) => it.channelLabel },
  { header: '提交或收到日期', width: 16, value: (it) => it.submittedOn },
  { header: '收到申请之日', width: 14, value: (it) => it.receivedOn },
  { header: '申请人类型', width: 12, value: (it) => it.applicantTypeLabel },
  { header: '申请人', width: 20, value: (it) => it.applicantName },
  { header: '所需信息', width: 60, value: (_it, description) => description },
  { header: '状态', width: 12, value: (it) => it.state.label },
  { header: '期限状态', width: 20, value: (it) => it.statusText },
  { header: '答复期限', width: 12, value: (it) => it.replyDueOn },
  { header: '答复期限为推算', width: 16, value: (it) => (it.replyDueOn ? it.provisional : null) },
  { header: '剩余工作日', width: 12, value: (it) => it.remainingWorkingDays },
  { header: '已逾期', width: 8, value: (it) => it.overdue },
  { header: '延长工作日', width: 12, value: (it) => it.extensionDays },
  { header: '办理结果', width: 16, value: (it) => it.outcomeLabel },
  { header: '办结日期', width: 12, value: (it) => it.closedOn },
];

export const EXPORT_HEADERS: readonly string[] = COLUMNS.map((c) => c.header);

/** One case as a row of the export, in the order of EXPORT_HEADERS. */
export function exportRow(it: QueueItemView, description: string): ExportCell[] {
  return COLUMNS.map((c) => c.value(it, description));
}

/** The value of an .xlsx cell: numbers as numbers, booleans as 是/否, everything else a plain string. */
function xlsxValue(v: ExportCell): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? '是' : '否';
  return String(v);
}

/** The rows as an .xlsx workbook (one sheet, header row bold and frozen). */
export async function buildQueueXlsx(rows: Iterable<readonly ExportCell[]>, opts: { sheetName: string; created: Date }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Gongkai';
  wb.created = opts.created;
  wb.modified = opts.created;
  const ws = wb.addWorksheet(opts.sheetName, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({ width: c.width }));
  const header = ws.addRow([...EXPORT_HEADERS]);
  header.font = { bold: true };
  for (const row of rows) {
    const r = ws.addRow([]);
    row.forEach((v, i) => {
      const value = xlsxValue(v);
      if (value === null) return;
      const cell = r.getCell(i + 1);
      // Assigned one by one as plain values: a string is always a (shared) string cell, never a
      // formula, whatever it starts with.
      cell.value = value;
      if (typeof value === 'string') cell.numFmt = '@';
    });
  }
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
