/**
 * A batch's results as files: JSON (the CLI's --json shape), CSV (one line per file), XLSX (the
 * summary, the files, every finding) and the HTML overview (overview.tsx). The same files give
 * the same bytes (no timings, no dates), whatever the number of workers.
 */
import ExcelJS from 'exceljs';
import { csvLine, BOM } from '../../server/views/applications/csv.js';
import { RULES } from '../finding.js';
import { FORMATS, type FormatId } from '../format.js';
import { BATCH_RULES, LEVEL_NAMES, type BatchSummary, type FileRecord, type Level } from './summary.js';

export interface BatchOutput {
  files: FileRecord[];
  summary: BatchSummary;
}

export const FILE_TYPE_NAMES: Record<string, string> = { docx: 'Word (.docx)', html: '网页 (HTML)', pdf: 'PDF', text: '文本', json: '报告 JSON', unknown: '无法识别' };

/** The JSON object of `report check DIR --json`: {"files": […], "summary": {…}}. */
export function batchJson(out: BatchOutput): string {
  return `${JSON.stringify({ files: out.files, summary: out.summary }, null, 2)}\n`;
}

const errorsOf = (f: FileRecord) => f.findings.filter((x) => x.severity === 'error').length;
const warningsOf = (f: FileRecord) => f.findings.length - errorsOf(f);
const ruleCount = (f: FileRecord, rule: string) => f.findings.filter((x) => x.rule === rule).length;
const formatName = (f: FormatId | null) => (f ? `${FORMATS[f].id}版` : '');

/** The columns of the per-file table (CSV and the XLSX sheet 文件). */
function fileRows(out: BatchOutput): { head: string[]; rows: (string | number | null)[][] } {
  const head = ['文件', '类型', '机关', '年度', '格式', '结论', '错误', '警告', ...BATCH_RULES, '无法读取的原因', '导入说明'];
  const rows = out.files.map((f) => [
    f.path,
    FILE_TYPE_NAMES[f.fileType ?? 'unknown'] ?? f.fileType,
    f.agency,
    f.year,
    formatName(f.format),
    verdict(f),
    f.error === null ? errorsOf(f) : null,
    f.error === null ? warningsOf(f) : null,
    ...BATCH_RULES.map((r) => (f.error === null ? ruleCount(f, r) : null)),
    f.error,
    f.notes.join('；') || null,
  ]);
  return { head, rows };
}

export function verdict(f: FileRecord): string {
  if (f.error !== null) return '无法读取';
  if (errorsOf(f)) return '未通过';
  return warningsOf(f) ? '通过（有警告）' : '通过';
}

export function batchCsv(out: BatchOutput): string {
  const { head, rows } = fileRows(out);
  return BOM + csvLine(head) + rows.map((r) => csvLine(r)).join('');
}

/** Sheets 汇总 (summary), 文件 (one row per file), 问题 (one row per finding). */
export async function batchXlsx(out: BatchOutput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Gongkai';
  wb.title = '年度报告批量检查结果';
  wb.created = wb.modified = new Date(Date.UTC(2000, 0, 1));
  const bold = { bold: true };

  const sum = wb.addWorksheet('汇总');
  sum.columns = [{ width: 28 }, { width: 12 }, { width: 12 }, { width: 12 }];
  for (const [label, value] of summaryLines(out.summary)) sum.addRow([label, value]);
  sum.addRow([]);
  sum.addRow(['规则', '文件数', '问题数', '说明']).font = bold;
  for (const [rule, t] of Object.entries(out.summary.byRule)) sum.addRow([`${rule}（${RULES[rule as keyof typeof RULES].severity === 'error' ? '错误' : '警告'}）`, t.files, t.findings, RULES[rule as keyof typeof RULES].title]);
  sum.addRow([]);
  sum.addRow(['机关层级', '文件数', '有错误的文件', '问题数']).font = bold;
  for (const [level, t] of Object.entries(out.summary.byLevel)) sum.addRow([LEVEL_NAMES[level as Level], t.files, t.withErrors, t.findings]);
  sum.addRow([]);
  sum.addRow(['年度', '文件数', '有错误的文件', '问题数']).font = bold;
  for (const [year, t] of Object.entries(out.summary.byYear)) sum.addRow([year, t.files, t.withErrors, t.findings]);

  const files = wb.addWorksheet('文件', { views: [{ state: 'frozen', ySplit: 1 }] });
  const { head, rows } = fileRows(out);
  files.addRow(head).font = bold;
  for (const r of rows) files.addRow(r);
  files.columns.forEach((c, i) => (c.width = i === 0 ? 40 : i === 2 ? 28 : head[i]!.length > 4 ? 24 : 8));
  files.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: head.length } };

  const problems = wb.addWorksheet('问题', { views: [{ state: 'frozen', ySplit: 1 }] });
  problems.addRow(['文件', '机关', '年度', '规则', '级别', '部分', '行', '列', '说明', '应为', '实为']).font = bold;
  for (const f of out.files) {
    for (const x of f.findings) {
      problems.addRow([f.path, f.agency, f.year, x.rule, x.severity === 'error' ? '错误' : '警告', x.labels.section, x.labels.row, x.labels.column, x.message, x.expected ?? null, x.actual ?? null]);
    }
  }
  problems.columns.forEach((c, i) => (c.width = [40, 28, 8, 6, 6, 16, 24, 16, 80, 8, 8][i]!));
  problems.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 11 } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The summary's headline figures, labelled in Chinese (XLSX, HTML, the CLI's last lines). */
export function summaryLines(s: BatchSummary): [string, number][] {
  return [
    ['文件总数', s.files],
    ['已读取', s.read],
    ['无法读取', s.unreadable],
    ['有错误（未通过）', s.withErrors],
    ['仅有警告', s.withWarningsOnly],
    ['未发现问题', s.clean],
    ['错误总数', s.errors],
    ['警告总数', s.warnings],
    ['与上一年度报告对照（T5、T6、P2）', s.withPreviousYear],
    ['其他类型、未检查的文件', s.skipped],
  ];
}
