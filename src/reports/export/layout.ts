/**
 * The report as the national format lays it out on paper: the title, the six sections and the
 * three tables (二, 三, 四) as grids of cells with their merges. Every export (HTML and the PDF
 * printed from it, .docx, .xlsx) draws this one layout, so they cannot disagree about where a
 * cell is or which header cells are merged.
 *
 * The tables, as 国办公开办函〔2019〕60号 and 〔2021〕30号 draw them:
 *
 * - 二 (4 columns): per block (第二十条第（一）项 …) a row with the block's name across the table,
 *   a header row 信息内容 | column names, then one row per item. A block with fewer than three
 *   value columns widens its last column (2021 （五）: 本年处理决定数量 spans 3).
 * - 三 (10 columns: 3 label columns, 7 applicant columns): a 3-row header — the identity cell
 *   （本列数据的勾稽关系为……） merged 3×3, 申请人情况 over the seven columns, 自然人 and 总计 merged
 *   down two rows, 法人或其他组织 over the five organisation columns; then rows 一 and 二 (label
 *   over 3 columns), 三、本年度办理结果 merged down over all its rows, its sub-groups （三）不予公开 …
 *   merged down over theirs, 四 (label over 3 columns).
 * - 四 (15 columns): 行政复议 over 5 and 行政诉讼 over 10; the five result names of 行政复议 merged
 *   down two rows, 未经复议直接起诉 and 复议后起诉 over 5 each; the ten result names; one row of 15
 *   values.
 *
 * Header cells carry ids and value cells the ids of every header that describes them, so the HTML
 * can associate them (`headers`), as WCAG asks of tables with more than one header level.
 */
import {
  APPLICANT_GROUP_LABEL,
  APPLICATIONS_IDENTITY,
  FORMATS,
  LEGAL_PERSON_GROUP_LABEL,
  OUTCOME_GROUP_LABEL,
  PROACTIVE_HEADER,
  REVIEW_LITIGATION_LABEL,
  type ValueKind,
} from '../format.js';
import { isAmount, validateReportJson, ReportJsonError, type ProactiveValue, type Report } from '../report.js';
import { renderTitle } from '../text/render.js';
import { ReportExportError } from './errors.js';

export type TableSectionId = '2' | '3' | '4';

export type CellRole =
  /** A block's name across table 二 (第二十条第（一）项). */
  | 'block'
  /** A column header. */
  | 'column'
  /** A row's label. */
  | 'row'
  /** A group of rows (三、本年度办理结果, （三）不予公开 …), merged down. */
  | 'group'
  /** Table 三's identity cell in the top-left corner. */
  | 'corner'
  | 'value';

export interface ValueRef {
  table: 'proactive' | 'applications' | 'reviews';
  row: string;
  column: string;
  kind: ValueKind;
}

export interface GridCell {
  role: CellRole;
  /** The text shown ('' for a blank value). */
  text: string;
  colSpan: number;
  rowSpan: number;
  /** Header cells: an id unique within the report (HTML ids are prefixed). */
  id: string | null;
  /** Header cells: the HTML scope. */
  scope: 'col' | 'colgroup' | 'row' | 'rowgroup' | null;
  /** Value cells: the ids of the header cells that describe it, outermost first. */
  headers: readonly string[];
  /** Value cells: the value (null = blank) and where it is in the report. */
  value: ProactiveValue;
  ref: ValueRef | null;
}

export interface GridRow {
  cells: GridCell[];
  /** Part of the table's header (thead; repeated by Word on a new page). */
  head: boolean;
}

export interface ReportTable {
  section: TableSectionId;
  /** The section heading (二、主动公开政府信息情况 …): also the .xlsx sheet name. */
  heading: string;
  columns: number;
  /**
   * Column widths in characters (the .xlsx widths; HTML and .docx use them as proportions). Never
   * exactly 9: exceljs takes a width of 9 for its default and does not write it.
   */
  widths: readonly number[];
  /** Rows of table 二 that start a block (the HTML puts each block in its own tbody). */
  blockStarts: readonly number[];
  rows: GridRow[];
}

export interface ProseSection {
  id: '1' | '5' | '6';
  heading: string;
  /** The lines of the section ('' = an empty line between paragraphs); empty when the section is blank. */
  lines: string[];
}

export type LayoutPart = { kind: 'prose'; section: ProseSection } | { kind: 'table'; table: ReportTable };

export interface ReportLayout {
  report: Report;
  /** The title on one line (document properties, the <title>, the .xlsx banner). */
  title: string;
  /**
   * The title as printed: the agency on a line of its own above 2020年度政府信息公开工作年度报告
   * (which fits one line of 2号 type), as official documents break long titles, rather than
   * wherever the page width falls; an importer reading the text then still finds agency and year.
   */
  titleLines: string[];
  /** Sections 一 … 六 in order. */
  parts: LayoutPart[];
}

/** Characters XML 1.0 cannot carry (and HTML calls parse errors): dropped from every text. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A text safe in any export: no characters XML 1.0 forbids (escaping cannot represent them). */
export function safeText(s: string): string {
  return s.replace(NOT_XML_CHAR, '');
}

/** A value as the exports write it: String() (reads back exactly), an amount with its unit. */
export function valueText(v: ProactiveValue): string {
  if (v === null) return '';
  if (isAmount(v)) return `${String(v.value)}${v.unit === null ? '' : safeText(v.unit)}`;
  return String(v);
}

/**
 * The report validated (DOMAIN.md §4.4 JSON) and in canonical key order, or ReportExportError
 * naming every problem: an export never writes a half-valid report.
 */
export function checkedReport(report: unknown): Report {
  try {
    return validateReportJson(report);
  } catch (e) {
    if (e instanceof ReportJsonError) throw new ReportExportError(`无法导出报告：${e.message}`, e.issues, { cause: e });
    throw e;
  }
}

function header(role: CellRole, text: string, id: string, scope: GridCell['scope'], colSpan = 1, rowSpan = 1): GridCell {
  return { role, text, colSpan, rowSpan, id, scope, headers: [], value: null, ref: null };
}

function valueCell(value: ProactiveValue, ref: ValueRef, headers: string[], colSpan = 1): GridCell {
  return { role: 'value', text: valueText(value), colSpan, rowSpan: 1, id: null, scope: null, headers, value, ref };
}

function proactiveTable(r: Report, heading: string): ReportTable {
  const f = FORMATS[r.format];
  const columns = 4;
  const rows: GridRow[] = [];
  const blockStarts: number[] = [];
  for (const b of f.proactive) {
    const bid = `p-${b.id}`;
    blockStarts.push(rows.length);
    rows.push({ head: false, cells: [header('block', b.label, bid, 'rowgroup', columns)] });
    // The last column takes the width the block does not use.
    const span = (i: number) => (i === b.columns.length - 1 ? columns - b.columns.length : 1);
    rows.push({
      head: false,
      cells: [
        header('column', PROACTIVE_HEADER, `${bid}-label`, 'col'),
        ...b.columns.map((c, i) => header('column', c.label, `${bid}-${c.id}`, 'col', span(i))),
      ],
    });
    for (const row of b.rows) {
      const rid = `p-${row.id}`;
      rows.push({
        head: false,
        cells: [
          header('row', row.label, rid, 'row'),
          ...b.columns.map((c, i) =>
            valueCell(r.proactive[row.id]![c.id] ?? null, { table: 'proactive', row: row.id, column: c.id, kind: c.kind }, [bid, rid, `${bid}-${c.id}`], span(i)),
          ),
        ],
      });
    }
  }
  return { section: '2', heading, columns, widths: [30, 16, 16, 16], blockStarts, rows };
}

function applicationsTable(r: Report, heading: string): ReportTable {
  const f = FORMATS[r.format];
  const cols = f.applicationColumns;
  const orgs = cols.slice(1, -1);
  const rows: GridRow[] = [
    {
      head: true,
      cells: [header('corner', APPLICATIONS_IDENTITY, 'a-identity', null, 3, 3), header('column', APPLICANT_GROUP_LABEL, 'a-applicants', 'colgroup', cols.length)],
    },
    {
      head: true,
      cells: [
        header('column', cols[0]!.label, `a-${cols[0]!.id}`, 'col', 1, 2),
        header('column', LEGAL_PERSON_GROUP_LABEL, 'a-legal', 'colgroup', orgs.length),
        header('column', cols[cols.length - 1]!.label, `a-${cols[cols.length - 1]!.id}`, 'col', 1, 2),
      ],
    },
    { head: true, cells: orgs.map((c) => header('column', c.label, `a-${c.id}`, 'col')) },
  ];
  const colHeaders = (id: string) => (orgs.some((c) => c.id === id) ? ['a-applicants', 'a-legal', `a-${id}`] : ['a-applicants', `a-${id}`]);
  // Rows under 三、本年度办理结果 and, within it, under a sub-group such as （三）不予公开.
  const inOutcome = f.applicationRows.filter((x) => x.group !== null);
  const subgroupSize = new Map<string, number>();
  for (const x of inOutcome) if (x.group !== OUTCOME_GROUP_LABEL) subgroupSize.set(x.group!, (subgroupSize.get(x.group!) ?? 0) + 1);
  const opened = new Set<string>();
  for (const row of f.applicationRows) {
    const cells: GridCell[] = [];
    const rowHeaders: string[] = [];
    let labelSpan = 3;
    if (row.group !== null) {
      if (!opened.has(OUTCOME_GROUP_LABEL)) {
        opened.add(OUTCOME_GROUP_LABEL);
        cells.push(header('group', OUTCOME_GROUP_LABEL, 'a-g-3', 'rowgroup', 1, inOutcome.length));
      }
      rowHeaders.push('a-g-3');
      labelSpan = 2;
      if (row.group !== OUTCOME_GROUP_LABEL) {
        const gid = `a-g-${row.id.split('.').slice(0, 2).join('.')}`;
        if (!opened.has(row.group)) {
          opened.add(row.group);
          cells.push(header('group', row.group, gid, 'rowgroup', 1, subgroupSize.get(row.group)!));
        }
        rowHeaders.push(gid);
        labelSpan = 1;
      }
    }
    const rid = `a-r-${row.id}`;
    cells.push(header('row', row.label, rid, 'row', labelSpan));
    for (const c of cols) {
      cells.push(valueCell(r.applications[row.id]![c.id] ?? null, { table: 'applications', row: row.id, column: c.id, kind: c.kind }, [...rowHeaders, rid, ...colHeaders(c.id)]));
    }
    rows.push({ head: false, cells });
  }
  return { section: '3', heading, columns: 3 + cols.length, widths: [8, 10, 40, ...cols.map(() => 9.5)], blockStarts: [], rows };
}

function reviewsTable(r: Report, heading: string): ReportTable {
  const f = FORMATS[r.format];
  const rc = f.reviewColumns;
  const [recon, direct, after] = f.reviewGroups as [(typeof f.reviewGroups)[number], (typeof f.reviewGroups)[number], (typeof f.reviewGroups)[number]];
  const gid = (id: string) => `r-${id}`;
  const rows: GridRow[] = [
    {
      head: true,
      cells: [header('column', recon.label, gid(recon.id), 'colgroup', rc.length), header('column', REVIEW_LITIGATION_LABEL, 'r-litigation', 'colgroup', 2 * rc.length)],
    },
    {
      head: true,
      cells: [
        ...rc.map((c) => header('column', c.label, `${gid(recon.id)}-${c.id}`, 'col', 1, 2)),
        header('column', direct.label, gid(direct.id), 'colgroup', rc.length),
        header('column', after.label, gid(after.id), 'colgroup', rc.length),
      ],
    },
    { head: true, cells: [direct, after].flatMap((g) => rc.map((c) => header('column', c.label, `${gid(g.id)}-${c.id}`, 'col'))) },
    {
      head: false,
      cells: f.reviewGroups.flatMap((g) =>
        rc.map((c) =>
          valueCell(r.reviews[g.id]![c.id] ?? null, { table: 'reviews', row: g.id, column: c.id, kind: c.kind }, [
            ...(g.id === recon.id ? [] : ['r-litigation']),
            gid(g.id),
            `${gid(g.id)}-${c.id}`,
          ]),
        ),
      ),
    },
  ];
  return { section: '4', heading, columns: 3 * rc.length, widths: Array.from({ length: 3 * rc.length }, () => 8), blockStarts: [], rows };
}

/** Prose as lines: '' stays an empty line (canonical prose has at most one between paragraphs). */
function proseLines(text: string | null): string[] {
  if (text === null || text === '') return [];
  return safeText(text).split('\n');
}

/** The layout of a report. Validates it first (ReportExportError when it is not a valid report). */
export function reportLayout(input: Report): ReportLayout {
  const report = checkedReport(input);
  const f = FORMATS[report.format];
  const heading = (id: string) => f.sections.find((s) => s.id === id)!.label;
  const prose = (id: '1' | '5' | '6'): LayoutPart => ({ kind: 'prose', section: { id, heading: heading(id), lines: proseLines(report.sections[id]) } });
  const title = safeText(renderTitle(report.agency, report.year));
  const agency = report.agency === null ? '' : safeText(report.agency).trim();
  return {
    report,
    title,
    titleLines: agency === '' ? [title] : [agency, safeText(renderTitle(null, report.year))],
    parts: [
      prose('1'),
      { kind: 'table', table: proactiveTable(report, heading('2')) },
      { kind: 'table', table: applicationsTable(report, heading('3')) },
      { kind: 'table', table: reviewsTable(report, heading('4')) },
      prose('5'),
      prose('6'),
    ],
  };
}

/** The three tables of a report (二, 三, 四). */
export function reportTables(layout: ReportLayout): ReportTable[] {
  return layout.parts.flatMap((p) => (p.kind === 'table' ? [p.table] : []));
}

export interface PlacedCell<C> {
  cell: C;
  row: number;
  col: number;
}

/**
 * Places the cells of rows with row and column spans on a grid, as HTML tables and Word do: each
 * cell takes the first column not covered by a cell merged down from a row above. Returns the
 * placed cells, or throws when a row does not fill exactly `columns` columns or cells overlap
 * (a layout error).
 */
export function placeCells<C extends { colSpan: number; rowSpan: number }>(rows: readonly { cells: readonly C[] }[], columns: number): PlacedCell<C>[] {
  const covered: boolean[][] = rows.map(() => new Array<boolean>(columns).fill(false));
  const out: PlacedCell<C>[] = [];
  rows.forEach((row, ri) => {
    let col = 0;
    for (const cell of row.cells) {
      while (col < columns && covered[ri]![col]) col++;
      if (col + cell.colSpan > columns) throw new Error(`row ${ri + 1}: cells overflow ${columns} columns`);
      if (ri + cell.rowSpan > rows.length) throw new Error(`row ${ri + 1}: a cell spans below the table`);
      for (let r = ri; r < ri + cell.rowSpan; r++)
        for (let c = col; c < col + cell.colSpan; c++) {
          if (covered[r]![c]) throw new Error(`row ${r + 1}, column ${c + 1}: cells overlap`);
          covered[r]![c] = true;
        }
      out.push({ cell, row: ri, col });
      col += cell.colSpan;
    }
    const filled = covered[ri]!.filter(Boolean).length;
    if (filled !== columns) throw new Error(`row ${ri + 1}: ${filled} of ${columns} columns filled`);
  });
  return out;
}

/** The file name of an export: 市中区永安镇人民政府2020年度政府信息公开工作年度报告.docx (no path or reserved characters). */
export function reportFileName(agency: string | null, year: number | null, extension: string): string {
  const a = agency === null ? '' : safeText(agency).replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, '').replace(/\s+/g, ' ').replace(/^[.\s]+/, '').trim().slice(0, 100);
  const y = year === null ? '' : `${year}年度`;
  return `${a}${y}政府信息公开工作年度报告.${extension}`;
}
