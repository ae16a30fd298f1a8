/**
 * The report as a Word document (.docx, docx 9), laid out like the national format and the
 * official documents it sits among (GB/T 9704): A4, margins 37 / 26 / 35 / 28 mm; the title
 * centred in 2号小标宋 (22pt); the section headings in 3号黑体 (16pt); the prose in 3号仿宋_GB2312
 * (16pt) with a fixed 28pt line pitch and a two-character first-line indent; the tables in 五号宋体
 * (10.5pt; table 四, 15 columns wide, in 小五 9pt) as real Word tables whose header cells are
 * merged exactly as in the format (w:gridSpan across, w:vMerge down; layout.ts), header rows
 * marked to repeat on a new page, rows never split; page numbers 「— 1 —」 centred in the footer
 * (a PAGE field).
 *
 * Fonts: every run names its font for every script, East-Asian included (Word picks the East-Asian
 * font for Chinese text from w:eastAsia only); the document defaults name 宋体, and the font table
 * gives each font its stand-in (仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体) for machines without it.
 * The title and headings also carry the built-in styles Title and Heading 1, so the navigation
 * pane, a table of contents and converters (mammoth → <h1>) see the structure.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IFontAttributesProperties,
} from 'docx';
import type { Report } from '../report.js';
import { reportLayout, type GridCell, type ReportLayout, type ReportTable } from './layout.js';

export const REPORT_DOCX_FONTS = {
  title: '方正小标宋简体',
  heading: '黑体',
  body: '仿宋_GB2312',
  table: '宋体',
  fallback: '宋体',
  pageNumber: '宋体',
} as const;

/**
 * The document's font table: what Word falls back on when a font is not installed. 仿宋_GB2312
 * (not on Windows 10 and later, which have 仿宋 / FangSong) falls back to 仿宋, 方正小标宋简体 to
 * 宋体; all four are declared GB2312 (charset 86), so a substitute is always a Chinese font.
 */
const FONT_TABLE = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${(
  [
    [REPORT_DOCX_FONTS.body, '仿宋', 'modern', 'fixed'],
    [REPORT_DOCX_FONTS.title, '宋体', 'auto', 'variable'],
    [REPORT_DOCX_FONTS.heading, 'SimHei', 'modern', 'fixed'],
    [REPORT_DOCX_FONTS.table, 'SimSun', 'auto', 'variable'],
  ] as const
)
  .map(
    ([name, alt, family, pitch]) =>
      `<w:font w:name="${name}"><w:altName w:val="${alt}"/><w:charset w:val="86"/><w:family w:val="${family}"/><w:pitch w:val="${pitch}"/></w:font>`,
  )
  .join('')}</w:fonts>`;

const PT = 20; // twips per point
/** Millimetres to twips, rounded. */
const mm = (x: number): number => Math.round((x / 25.4) * 1440);
const PAGE = { width: mm(210), height: mm(297), top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) };
const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
const TITLE_PT = 22;
const BODY_PT = 16;
const TABLE_PT = 10.5;
const SMALL_TABLE_PT = 9;
const PAGE_NUMBER_PT = 14;
const LINE_PITCH = 28 * PT;
const CHAR = BODY_PT * PT;
const ZH = { value: 'zh-CN', eastAsia: 'zh-CN' };

function fonts(name: string): IFontAttributesProperties {
  return { ascii: name, eastAsia: name, hAnsi: name, cs: name, hint: 'eastAsia' };
}

function run(text: string, font: string, pt: number, bold = false): TextRun {
  return new TextRun({ text, font: fonts(font), size: Math.round(pt * 2), bold, language: ZH });
}

const exact = { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 };

/** The title: its lines (agency, then 2020年度政府信息公开工作年度报告) joined by line breaks. */
function title(lines: readonly string[]): Paragraph {
  return new Paragraph({
    heading: HeadingLevel.TITLE,
    alignment: AlignmentType.CENTER,
    spacing: { line: 36 * PT, lineRule: LineRuleType.AT_LEAST, before: 0, after: LINE_PITCH },
    children: lines.map(
      (l, i) => new TextRun({ text: l, break: i > 0 ? 1 : undefined, font: fonts(REPORT_DOCX_FONTS.title), size: TITLE_PT * 2, language: ZH }),
    ),
  });
}

function heading(text: string): Paragraph {
  return new Paragraph({
    heading: HeadingLevel.HEADING_1,
    keepNext: true,
    indent: { firstLine: 2 * CHAR, firstLineChars: 200 },
    spacing: exact,
    children: [run(text, REPORT_DOCX_FONTS.heading, BODY_PT)],
  });
}

function body(text: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: 2 * CHAR, firstLineChars: 200 },
    spacing: exact,
    children: text === '' ? [] : [run(text, REPORT_DOCX_FONTS.body, BODY_PT)],
  });
}

const LINE = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const BORDERS = { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE };

/** Grid widths in twips: the layout's proportions over the text width (the last absorbs rounding). */
function gridWidths(t: ReportTable): number[] {
  const total = t.widths.reduce((a, b) => a + b, 0);
  const w = t.widths.map((x) => Math.floor((x / total) * TEXT_WIDTH));
  w[w.length - 1]! += TEXT_WIDTH - w.reduce((a, b) => a + b, 0);
  return w;
}

function cellParagraph(cell: GridCell, pt: number): Paragraph {
  const left = cell.role === 'row' || cell.role === 'group';
  return new Paragraph({
    alignment: left ? AlignmentType.LEFT : AlignmentType.CENTER,
    spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 0, after: 0 },
    children: cell.text === '' ? [] : [run(cell.text, REPORT_DOCX_FONTS.table, pt, cell.role === 'block')],
  });
}

function table(t: ReportTable): Table {
  const widths = gridWidths(t);
  const pt = t.section === '4' ? SMALL_TABLE_PT : TABLE_PT;
  // Cells start at grid columns that depend on the merges above them: track the columns covered.
  const covered = t.rows.map(() => new Array<boolean>(t.columns).fill(false));
  const rows = t.rows.map((r, ri) => {
    let col = 0;
    const cells = r.cells.map((c) => {
      while (covered[ri]![col]) col++;
      for (let y = ri; y < ri + c.rowSpan; y++) for (let x = col; x < col + c.colSpan; x++) covered[y]![x] = true;
      const width = widths.slice(col, col + c.colSpan).reduce((a, b) => a + b, 0);
      col += c.colSpan;
      return new TableCell({
        children: [cellParagraph(c, pt)],
        width: { size: width, type: WidthType.DXA },
        verticalAlign: VerticalAlignTable.CENTER,
        margins: { top: 30, bottom: 30, left: 60, right: 60 },
        ...(c.colSpan > 1 ? { columnSpan: c.colSpan } : {}),
        ...(c.rowSpan > 1 ? { rowSpan: c.rowSpan } : {}),
      });
    });
    return new TableRow({ children: cells, cantSplit: true, ...(r.head ? { tableHeader: true } : {}) });
  });
  return new Table({
    rows,
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    alignment: AlignmentType.CENTER,
    borders: BORDERS,
  });
}

function pageNumberFooter(): Footer {
  const f = fonts(REPORT_DOCX_FONTS.pageNumber);
  const size = PAGE_NUMBER_PT * 2;
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new TextRun({ text: '— ', font: f, size }),
          new TextRun({ children: [PageNumber.CURRENT], font: f, size }),
          new TextRun({ text: ' —', font: f, size }),
        ],
      }),
    ],
  });
}

/** The Word document of a layout. */
export async function renderLayoutDocx(layout: ReportLayout): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [title(layout.titleLines)];
  for (const part of layout.parts) {
    if (part.kind === 'prose') {
      children.push(heading(part.section.heading));
      for (const l of part.section.lines) children.push(body(l));
    } else {
      children.push(heading(part.table.heading));
      children.push(table(part.table));
      // Word needs a paragraph between two tables (and after the last one).
      children.push(new Paragraph({ spacing: { before: 0, after: 0 }, children: [] }));
    }
  }
  const { report } = layout;
  const doc = new Document({
    title: layout.title,
    creator: report.agency ?? 'Gongkai',
    lastModifiedBy: report.agency ?? 'Gongkai',
    description: `政府信息公开工作年度报告（${report.format}年版格式）`,
    styles: {
      default: {
        document: { run: { font: fonts(REPORT_DOCX_FONTS.fallback), size: BODY_PT * 2, language: ZH } },
        title: { run: { font: fonts(REPORT_DOCX_FONTS.title), size: TITLE_PT * 2, color: '000000' } },
        heading1: { run: { font: fonts(REPORT_DOCX_FONTS.heading), size: BODY_PT * 2, bold: false, color: '000000' } },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, header: mm(15), footer: mm(23) },
          },
        },
        footers: { default: pageNumberFooter() },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc, false, [{ path: 'word/fontTable.xml', data: FONT_TABLE }]);
}

/** The report as .docx bytes. Throws ReportExportError when the report is not valid. */
export async function renderReportDocx(report: Report): Promise<Buffer> {
  return renderLayoutDocx(reportLayout(report));
}
