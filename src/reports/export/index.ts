/**
 * Exports of an annual report, in five formats, from one Report (either national format):
 *
 * - json: DOMAIN.md §4.4, keys in official order (report.ts reportToJson);
 * - html: a complete accessible document (html.tsx; renderReportHtml also gives a fragment);
 * - pdf: that document printed by Chromium (pdf.ts);
 * - docx: a Word document laid out like the format (docx.ts);
 * - xlsx: the tables, one sheet each (xlsx.ts).
 *
 * Every export validates the report first and refuses an invalid one with ReportExportError.
 */
import { reportToJson, type Report } from '../report.js';
import { renderLayoutDocx } from './docx.js';
import { ReportExportError } from './errors.js';
import { renderLayoutHtml } from './html.js';
import { reportFileName, reportLayout } from './layout.js';
import { pdfRenderer } from './pdf.js';
import { renderLayoutXlsx } from './xlsx.js';

export { ReportExportError, PdfBusyError, PdfUnavailableError } from './errors.js';
export { renderReportHtml, REPORT_CSS, ReportArticle, type ReportHtmlOptions } from './html.js';
export { renderReportDocx } from './docx.js';
export { renderReportXlsx } from './xlsx.js';
export { renderReportPdf, closePdfRenderer, chromiumPath, PdfRenderer } from './pdf.js';
export { htmlToText } from './html-text.js';
export { reportFileName, reportLayout } from './layout.js';

export type ExportFormat = 'json' | 'docx' | 'pdf' | 'html' | 'xlsx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'docx', 'pdf', 'html', 'xlsx'];

export const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface ExportedReport {
  bytes: Buffer;
  contentType: string;
  /** Without the dot: json, docx, pdf, html, xlsx. */
  fileExtension: ExportFormat;
  /** 市中区永安镇人民政府2020年度政府信息公开工作年度报告.docx (see reportFileName). */
  fileName: string;
}

export function isExportFormat(s: unknown): s is ExportFormat {
  return typeof s === 'string' && (EXPORT_FORMATS as readonly string[]).includes(s);
}

/**
 * One report in one format. Throws ReportExportError (invalid report or unknown format), and for
 * PDF PdfUnavailableError / PdfBusyError.
 */
export async function exportReport(report: Report, format: ExportFormat): Promise<ExportedReport> {
  if (!isExportFormat(format)) {
    throw new ReportExportError(`不支持的导出格式“${String(format)}”，可选：${EXPORT_FORMATS.join('、')}`, [`format: ${String(format)}`]);
  }
  const layout = reportLayout(report);
  let bytes: Buffer;
  switch (format) {
    case 'json':
      bytes = Buffer.from(`${reportToJson(layout.report)}\n`, 'utf8');
      break;
    case 'html':
      bytes = Buffer.from(renderLayoutHtml(layout), 'utf8');
      break;
    case 'pdf':
      bytes = await pdfRenderer().print(renderLayoutHtml(layout));
      break;
    case 'docx':
      bytes = await renderLayoutDocx(layout);
      break;
    case 'xlsx':
      bytes = await renderLayoutXlsx(layout);
      break;
  }
  return {
    bytes,
    contentType: CONTENT_TYPES[format],
    fileExtension: format,
    fileName: reportFileName(layout.report.agency, layout.report.year, format),
  };
}
