/**
 * What an importer saw in a report document, beyond the report JSON itself: the raw title, the
 * section headings in document order, cells that were not plain numbers, rows and columns that
 * could not be found, and where the document stops. Every importer (text, .docx, HTML, PDF; see
 * src/reports/import) yields a Report plus a ParseInfo, and the checks use the ParseInfo to tell a
 * blank cell (C1) from a missing row (F3) or a missing section (F2).
 *
 * The .docx, HTML and PDF importers turn their document into the text layout the text importer
 * reads best (one table cell per line) and parse that: line numbers are then those of that text
 * (what `gongkai report parse --with-info` would show for it), and `notes` also say what the
 * document held that could not be read (images, embedded objects, pages without text …).
 */
import type { FormatId, SectionId } from './format.js';
import type { Report } from './report.js';

/** How a table cell that is not a value was written. */
export type CellProblem =
  | 'blank' // empty, or a placeholder such as — / ／ 无: only digits are values
  | 'unreadable' // text that is neither a number nor a placeholder (e.g. 约5, 三)
  | 'missing'; // the document has no cell there (a shorter row, a truncated document)

export interface CellNote {
  section: '2' | '3' | '4';
  row: string;
  column: string;
  problem: CellProblem;
  /** The cell text as written (trimmed), or null when there is no cell at all. */
  raw: string | null;
  /** 1-based line of the document where the cell (or its row) stands, when known. */
  line: number | null;
}

export interface HeadingNote {
  section: SectionId;
  /** The heading as written. */
  text: string;
  line: number;
  /** The numeral the heading carries (一 … 六), or null when it has none. */
  numeral: string | null;
}

export interface MissingRow {
  section: '2' | '3' | '4';
  row: string;
  label: string;
}

export interface MissingColumn {
  section: '2' | '3' | '4';
  /** For section 二: the block id ('20.1' …); null elsewhere. */
  block: string | null;
  column: string;
  label: string;
}

export interface ExtraRow {
  section: '2' | '3' | '4';
  /** The row label as written. */
  label: string;
  line: number;
}

export type ParseSource = 'text' | 'json' | 'docx' | 'html' | 'pdf';

export interface ParseInfo {
  /** The title as written (lines joined), or null when the document has none. */
  title: string | null;
  /** Which importer read the document: a text report, a report JSON file, a Word .docx, an HTML page or a PDF. */
  source: ParseSource;
  /** Lines 1-based. */
  headings: HeadingNote[];
  /** How the format was decided: by the labels of the tables, or from the year when no table label was found. */
  formatBy: 'labels' | 'year' | 'json';
  /** How many format-specific labels of each layout the document uses (F1 evidence). */
  formatEvidence: Record<FormatId, number>;
  /** Labels of the other layout found in the document (e.g. 本年新制作数量 in a 2021 report). */
  foreignLabels: string[];
  cells: CellNote[];
  missingRows: MissingRow[];
  missingColumns: MissingColumn[];
  extraRows: ExtraRow[];
  /** Set when the document ends before the report does: where it stops and what is missing. */
  truncated: { line: number; message: string } | null;
  /** Other notes in Chinese (e.g. an amount converted from 元 to 万元, a GBK file decoded). */
  notes: string[];
}

export interface ParsedReport {
  report: Report;
  info: ParseInfo;
}

export function emptyParseInfo(source: ParseInfo['source']): ParseInfo {
  return {
    title: null,
    source,
    headings: [],
    formatBy: source === 'json' ? 'json' : 'labels',
    formatEvidence: { '2019': 0, '2021': 0 },
    foreignLabels: [],
    cells: [],
    missingRows: [],
    missingColumns: [],
    extraRows: [],
    truncated: null,
    notes: [],
  };
}
