/**
 * Importing an annual report from the documents offices really have: a Word .docx, a page of the
 * portal (HTML), a PDF with a text layer, a text file or a report JSON. The kind is told by the
 * content (detect.ts), never by the file name alone.
 *
 * Every importer yields the same thing — the report JSON (DOMAIN.md §4.4) and a ParseInfo saying
 * what it saw and what it could not read — because every one of them turns its document into the
 * text layout the text importer reads best (one table cell per line, a merged cell once where it
 * starts) and lets the text importer (text/parse.ts) read that:
 *
 *   .docx  zip checked against bombs → word/document.xml → simple HTML → htmlToText   (docx.ts)
 *   HTML   charset → htmlToText → cut to the report (navigation, footer)            (html.ts)
 *   PDF    pdf.js words and ruled lines → tables rebuilt, paragraphs rejoined        (pdf.ts)
 *   text   UTF-8 / UTF-16 / GB18030 (text/decode.ts); JSON validated                (text.ts)
 *
 * Every failure is a ReportInputError with one Chinese line (the CLI's exit code 2): an empty,
 * oversized, damaged, encrypted or unsupported file, a zip bomb, a scanned PDF, a document that
 * holds no report. Nothing else escapes.
 */
import { ReportInputError } from '../errors.js';
import type { ParsedReport } from '../parse-info.js';
import { parseReportText } from '../text/parse.js';
import { sniffFormat, type ImportFormat } from './detect.js';
import { docxToText } from './docx.js';
import { formatBytes, readReportInput } from './file.js';
import { decodeHtml, htmlReportText } from './html.js';
import { pdfToText } from './pdf.js';
import { parseTextBytes } from './text.js';
import { trimToReport } from './trim.js';

export { ACCEPTED, detectFormat, type ImportFormat } from './detect.js';
export { closePdfImporter, NO_TEXT_LAYER } from './pdf.js';
export { MAX_DOCUMENT_XML_BYTES } from './docx.js';

/** Default upper bound on a report file (a real report is well under 5 MB, a PDF with images more). */
export const DEFAULT_IMPORT_MAX_BYTES = 64 * 1024 * 1024;

export interface ImportOptions {
  /** The file name, for messages (the format is told by the content). */
  name?: string;
  /** Largest file accepted, in bytes (default DEFAULT_IMPORT_MAX_BYTES). */
  maxBytes?: number;
}

export type ImportedReport = ParsedReport & {
  format: ImportFormat;
  /**
   * The character encoding of the text read: for text, JSON and HTML the one detected or declared
   * ('utf-8', 'gb18030', 'utf-16le' …); for a .docx that of its XML ('utf-8'); for a PDF 'pdf'
   * (its text comes from the fonts' character maps).
   */
  encoding: string;
};

const WHERE: Record<'docx' | 'html' | 'pdf', string> = { docx: 'Word 文档', html: '网页', pdf: 'PDF' };

/** The text importer on a converted document: "no report" said of that document. */
function parseConverted(text: string, format: 'docx' | 'html' | 'pdf', notes: readonly string[], encoding: string): ImportedReport {
  let parsed: ParsedReport;
  try {
    parsed = parseReportText(text);
  } catch (e) {
    if (e instanceof ReportInputError && e.message.startsWith('无法识别')) {
      throw new ReportInputError(`无法识别：${WHERE[format]}中没有找到政府信息公开工作年度报告（没有2019版或2021版格式的表格标签，标题和章节也不像年度报告）`);
    }
    throw e;
  }
  parsed.info.source = format;
  parsed.info.notes.unshift(...notes);
  return { ...parsed, format, encoding };
}

async function importBytes(bytes: Uint8Array, opts: ImportOptions): Promise<ImportedReport> {
  const maxBytes = opts.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  if (bytes.length > maxBytes) throw new ReportInputError(`文件过大：有 ${formatBytes(bytes.length)}，上限为 ${formatBytes(maxBytes)}`);
  const { format, utf16 } = sniffFormat(bytes, opts.name);
  switch (format) {
    case 'docx': {
      const d = docxToText(bytes);
      return parseConverted(d.text, 'docx', d.notes, d.encoding);
    }
    case 'html': {
      const d = decodeHtml(bytes, { maxBytes, utf16 });
      const t = htmlReportText(d.html);
      return parseConverted(t.text, 'html', [...d.notes, ...t.notes], d.encoding);
    }
    case 'pdf':
      return pdfToText(bytes, (t) => {
        const cut = trimToReport(t.text, 'PDF', t.title);
        return parseConverted(cut.text, 'pdf', [...t.notes, ...cut.notes], 'pdf');
      });
    case 'text':
    case 'json':
      return parseTextBytes(bytes, { maxBytes, utf16 });
  }
}

/** Imports a report from the bytes of a document (see the file comment). Throws ReportInputError only. */
export async function importReportBytes(bytes: Uint8Array, opts: ImportOptions = {}): Promise<ImportedReport> {
  try {
    return await importBytes(bytes, opts);
  } catch (e) {
    if (e instanceof ReportInputError) throw e;
    const err = new ReportInputError(`无法读取该文件：${opts.name ? `${opts.name} ` : ''}导入时出错（${e instanceof Error ? e.message : String(e)}）`);
    (err as Error).cause = e;
    throw err;
  }
}

/** Imports a report from a file: the same as importReportBytes, with readReportFile's size and permission errors. */
export async function importReportFile(path: string, opts: Omit<ImportOptions, 'name'> = {}): Promise<ImportedReport & { path: string }> {
  const maxBytes = opts.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  const bytes = await readReportInput(path, maxBytes);
  return { path, ...(await importReportBytes(bytes, { maxBytes, name: path })) };
}
