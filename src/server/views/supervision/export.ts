/**
 * The dashboard's table as a download: one list of columns, written as CSV (UTF-8 with a BOM so
 * that Excel reads the Chinese; formula injection neutralised: applications/csv.ts) or as .xlsx
 * (exceljs, writing only: numbers as numbers, every text a plain string cell, never a formula).
 */
import ExcelJS from 'exceljs';
import { AGENCY_KIND_LABELS } from '../../../agencies/agency.repository.js';
import { PROBLEMS, type AgencyFigures } from '../../../supervision/dashboard.js';
import type { DashboardView } from '../../../supervision/service.js';
import { BOM, csvLine, type CsvCell } from '../applications/csv.js';

interface Column {
  header: string;
  width: number;
  value: (r: AgencyFigures, v: DashboardView) => CsvCell;
}

const COLUMNS: readonly Column[] = [
  { header: '机关', width: 28, value: (r) => r.name },
  { header: '类型', width: 10, value: (r) => AGENCY_KIND_LABELS[r.kind] },
  { header: '层级', width: 6, value: (r) => r.level },
  { header: '上级机关', width: 24, value: (r, v) => (r.parentId === null ? null : (v.rows.find((x) => x.agencyId === r.parentId)?.name ?? null)) },
  { header: '逾期未答复申请（件）', width: 12, value: (r) => (r.organ ? r.overdue : null) },
  { header: '5个工作日内到期申请（件）', width: 14, value: (r) => (r.organ ? r.dueSoon : null) },
  { header: '超期未发布信息（条）', width: 12, value: (r) => r.catalogueOverdue },
  { header: '专栏最近更新', width: 14, value: (r) => r.lastPublishedOn },
  { header: '距最近更新（天）', width: 12, value: (r) => r.daysSinceUpdate },
  { header: '专栏更新滞后', width: 12, value: (r) => (r.organ ? r.stale : null) },
  { header: '年度报告年度', width: 10, value: (r) => r.report?.year ?? null },
  { header: '年度报告状态', width: 14, value: (r) => r.report?.label ?? null },
  { header: '年度报告公布期限', width: 14, value: (r) => r.report?.deadline ?? null },
  { header: '年度报告公布日期', width: 14, value: (r) => r.report?.publishedOn ?? null },
  { header: '未答复投诉（件）', width: 12, value: (r) => r.complaints },
  { header: '问题', width: 40, value: (r) => r.problems.map((k) => PROBLEMS[k]).join('、') },
];

export const EXPORT_HEADERS: readonly string[] = COLUMNS.map((c) => c.header);

export function exportRows(v: DashboardView): CsvCell[][] {
  return v.shown.map((r) => COLUMNS.map((c) => c.value(r, v)));
}

export function dashboardCsv(v: DashboardView): string {
  let out = BOM + csvLine(EXPORT_HEADERS);
  for (const row of exportRows(v)) out += csvLine(row);
  return out;
}

export async function dashboardXlsx(v: DashboardView, created: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Gongkai';
  wb.created = created;
  wb.modified = created;
  const ws = wb.addWorksheet('督查看板', { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({ width: c.width }));
  ws.addRow([...EXPORT_HEADERS]).font = { bold: true };
  for (const row of exportRows(v)) {
    const r = ws.addRow([]);
    row.forEach((cell, i) => {
      if (cell === null || cell === undefined) return;
      const c = r.getCell(i + 1);
      if (typeof cell === 'number') c.value = cell;
      else {
        // A plain string cell (shared string), never a formula whatever it starts with.
        c.value = typeof cell === 'boolean' ? (cell ? '是' : '否') : cell;
        c.numFmt = '@';
      }
    });
  }
  const meta = wb.addWorksheet('说明');
  meta.columns = [{ width: 20 }, { width: 60 }];
  for (const [k, val] of [
    ['截至日期', v.today],
    ['即将到期', `答复期限在 ${v.today} 至 ${v.dueBy} 之间（5个工作日）`],
    ['专栏更新阈值', `${v.staleDays} 天`],
    ['年度报告年度', String(v.reportYear)],
    ['机关数', String(v.shown.length)],
  ] as const) {
    const r = meta.addRow([]);
    r.getCell(1).value = k;
    r.getCell(2).value = val;
    r.getCell(2).numFmt = '@';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
