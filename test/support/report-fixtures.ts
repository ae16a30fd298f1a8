/**
 * Report documents the project makes itself, for the importers' tests (src/reports/import): from a
 * Report, the documents offices and portals really publish, in both national formats, with and
 * without errors —
 *
 *  - a Word .docx written with the `docx` package the way Word writes a report: merged cells as
 *    Word merges them (w:vMerge restart/continue down the row-label columns of table 三 and in the
 *    headers, w:gridSpan across), header labels in two paragraphs (本年新 / 制作数量), numbers
 *    padded with full-width spaces, runs split mid-sentence, a preamble, a local extra row in
 *    table 三 (其中：网上申请), a page header and footer, a seal image at the end;
 *  - a government site's page (HTML): navigation, 当前位置, a layout table with a sidebar around
 *    the article, 发布时间 and 字体 buttons, &nbsp; in blank cells, rowspans and colspans, table
 *    二 as one table or one table per block, the title in <h1> or only in <title>, 打印本页 and
 *    the footer with 版权所有 and the ICP number; also saved in GBK (charset=gb2312);
 *  - a PDF of that page printed by Chromium (export/pdf.ts's renderer), with page numbers in the
 *    footer and a running header at the top of every page;
 *
 * and the bad inputs the importers must refuse clearly: a truncated .docx, an old .doc, zip bombs
 * (a size declared too large, and a directory that lies), an image-only (scanned) PDF, an empty
 * PDF, a PDF with a password, random bytes, a page with no report.
 */
import { readFileSync } from 'node:fs';
import { deflateRawSync, deflateSync, crc32 } from 'node:zlib';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  ImageRun,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalMergeType,
  WidthType,
} from 'docx';
import { checkReport } from '../../src/reports/checks/index.js';
import { setApplications, validReport2019, validReport2021 } from '../../src/reports/checks/test-helpers.js';
import { reportLayout, reportTables, type GridCell, type ReportLayout, type ReportTable } from '../../src/reports/export/layout.js';
import type { PdfRenderer } from '../../src/reports/export/pdf.js';
import type { FormatId } from '../../src/reports/format.js';
import type { ParseInfo } from '../../src/reports/parse-info.js';
import { parseReportText } from '../../src/reports/text/parse.js';
import { canonicalReport, type Report } from '../../src/reports/report.js';
import { makeZip } from './zip.js';
import { rng } from './reports.js';

// ---------------------------------------------------------------------------------------------
// The reports

/**
 * The real 2020 report of 永安镇 (the seed; 2019 format, row 行政强制 blank) as the text importer
 * reads it. (Not export/test-helpers' seedReport: that module loads pdf-parse, and with it pdf.js's
 * process-wide polyfills, into every test that uses these fixtures.)
 */
function seedReport(): Report {
  return parseReportText(readFileSync(new URL('../fixtures/reports/seed-2020-yongan.txt', import.meta.url), 'utf8')).report;
}

export interface ReportFixture {
  /** A short id (file names, test names). */
  id: string;
  format: FormatId;
  /** The source report (canonical): what every importer must give back, cell for cell. */
  report: Report;
  /** Rule ids of the findings checkReport gives on the imported report (with its ParseInfo), sorted. */
  rules: string[];
  /** How the title is written in the page: in an <h1> over two lines, on one line, or only in <title>. */
  title: 'two-lines' | 'one-line' | 'page-title';
  /** Table 二 as one table, or one table per block (第二十条第（一）项 …), as many portals do. */
  splitProactive: boolean;
  /** A local row the office added in table 三 (其中：网上申请), in the .docx and the page. */
  extraRow: boolean;
  /** Table 三's header rows in <thead>: Chromium repeats them on every page the table spans. */
  repeatHeaders?: boolean;
}

/** The five reports: the seed (2019, blank row 行政强制), a valid report of each format, an erroneous one of each. */
export function reportFixtures(): ReportFixture[] {
  const errors2021 = validReport2021();
  errors2021.proactive['enforcement'] = { decisions: null }; // C1
  errors2021.applications['3.1']!['natural_person'] = 4; // total and （七）总计 not updated: T2, T3
  errors2021.reviews['litigation_direct'] = { upheld: 1, corrected: -1, other: 0, pending: 0, total: 0 }; // C2
  const errors2019 = validReport2019();
  errors2019.proactive['rules'] = { made: null, published: 0, total_published: 0 }; // C1
  errors2019.reviews['reconsideration']!['total'] = 3; // T4
  setApplications(errors2019, { '4': { commercial: 1 } }); // carried over without a source: T1
  return [
    { id: 'seed-2020', format: '2019', report: canonicalReport(seedReport()), rules: ['C1', 'C1', 'C1', 'P2'], title: 'two-lines', splitProactive: false, extraRow: false, repeatHeaders: true },
    { id: 'valid-2019', format: '2019', report: canonicalReport(validReport2019()), rules: [], title: 'one-line', splitProactive: true, extraRow: true },
    { id: 'valid-2021', format: '2021', report: canonicalReport(validReport2021()), rules: [], title: 'page-title', splitProactive: false, extraRow: true },
    { id: 'errors-2021', format: '2021', report: canonicalReport(errors2021), rules: ['C1', 'C2', 'T2', 'T3'], title: 'two-lines', splitProactive: true, extraRow: true },
    { id: 'errors-2019', format: '2019', report: canonicalReport(errors2019), rules: ['C1', 'P1', 'P1', 'T1', 'T1', 'T4'], title: 'one-line', splitProactive: false, extraRow: false },
  ];
}

/** The rule ids checkReport gives on a report read back with its ParseInfo, sorted (for the tests' comparisons). */
export function ruleIds(report: Report, info: ParseInfo): string[] {
  return checkReport(report, { info })
    .map((f) => f.rule)
    .sort();
}

/** The extra row: label and a value per applicant column (total last). */
const EXTRA_ROW = { label: '其中：网上申请', values: ['2', '0', '0', '0', '0', '0', '2'] };

/** A header label broken in two the way narrow cells break them (本年新 / 制作数量), or null. */
function brokenLabel(text: string): [string, string] | null {
  if (text.length < 6 || text.length > 12 || /[（(]/.test(text)) return null;
  const k = Math.ceil(text.length / 2);
  return [text.slice(0, k), text.slice(k)];
}

/** Number cells as offices type them: some with full-width spaces around. */
const padded = (text: string, i: number) => (text !== '' && i % 5 === 2 ? `\u3000${text}\u3000` : text);

/** The rows of a table as a grid: each cell with its grid column and whether it continues a cell above. */
interface Slot {
  cell: GridCell;
  col: number;
  /** Covered by a cell merged down from above (Word writes a vMerge continue cell here). */
  continues: boolean;
  /** First row of a cell merged down (vMerge restart). */
  restarts: boolean;
}

function slots(t: ReportTable): Slot[][] {
  const covered: (GridCell | null)[][] = t.rows.map(() => new Array<GridCell | null>(t.columns).fill(null));
  const out: Slot[][] = [];
  t.rows.forEach((row, ri) => {
    const line: Slot[] = [];
    let col = 0;
    let k = 0;
    while (col < t.columns) {
      const above = covered[ri]![col];
      if (above) {
        line.push({ cell: above, col, continues: true, restarts: false });
        col += above.colSpan;
        continue;
      }
      const cell = row.cells[k++];
      if (!cell) break;
      for (let r = ri + 1; r < ri + cell.rowSpan; r++) covered[r]![col] = cell;
      line.push({ cell, col, continues: false, restarts: cell.rowSpan > 1 });
      col += cell.colSpan;
    }
    out.push(line);
  });
  return out;
}

/** Table 三's grid with the extra row inserted after row 一 (label over three columns, seven values). */
function withExtraRow(t: ReportTable): ReportTable {
  const at = t.rows.findIndex((r) => r.cells.some((c) => c.role === 'row' && c.text.startsWith('一、')));
  const label: GridCell = { role: 'row', text: EXTRA_ROW.label, colSpan: 3, rowSpan: 1, id: null, scope: 'row', headers: [], value: null, ref: null };
  const values: GridCell[] = EXTRA_ROW.values.map((v) => ({ role: 'value', text: v, colSpan: 1, rowSpan: 1, id: null, scope: null, headers: [], value: Number(v), ref: null }));
  const rows = t.rows.slice();
  rows.splice(at + 1, 0, { head: false, cells: [label, ...values] });
  return { ...t, rows };
}

function tablesOf(fx: ReportFixture, layout: ReportLayout): ReportTable[] {
  return reportTables(layout).map((t) => (t.section === '3' && fx.extraRow ? withExtraRow(t) : t));
}

function preamble(r: Report): string {
  const y = r.year ?? '';
  return `根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级有关要求，特向社会公布本机关${y}年度政府信息公开工作年度报告。本报告中所列数据的统计期限自${y}年1月1日起至${y}年12月31日止。`;
}

// ---------------------------------------------------------------------------------------------
// Word

/** A small grey PNG (a seal's stand-in): 16×16, 8-bit greyscale. */
export function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(16, 0);
  ihdr.writeUInt32BE(16, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const raw = Buffer.alloc(16 * 17, 0x80);
  for (let y = 0; y < 16; y++) raw[y * 17] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const LINE = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const BORDERS = { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE };
const FONT = { eastAsia: '仿宋_GB2312', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };

/** Text split into runs at arbitrary points, as editing leaves it. */
function runs(text: string, seed: number): TextRun[] {
  if (text.length < 12) return [new TextRun({ text, font: FONT, size: 32 })];
  const a = 3 + (seed % 7);
  const b = Math.min(text.length - 1, a + 5 + (seed % 11));
  return [text.slice(0, a), text.slice(a, b), text.slice(b)].filter((s) => s !== '').map((s) => new TextRun({ text: s, font: FONT, size: 32 }));
}

function docxCell(slot: Slot, table: ReportTable, k: number): TableCell {
  const { cell } = slot;
  const common = {
    ...(cell.colSpan > 1 ? { columnSpan: cell.colSpan } : {}),
    width: { size: Math.round((9000 * cell.colSpan) / table.columns), type: WidthType.DXA },
  };
  if (slot.continues) return new TableCell({ ...common, verticalMerge: VerticalMergeType.CONTINUE, children: [new Paragraph({})] });
  const size = table.section === '4' ? 18 : 21;
  const text = cell.role === 'value' ? padded(cell.text, k) : cell.text;
  const parts = cell.role === 'column' ? brokenLabel(text) : null;
  const children = (parts ?? [text]).map(
    (t) => new Paragraph({ alignment: cell.role === 'row' ? AlignmentType.LEFT : AlignmentType.CENTER, children: t === '' ? [] : [new TextRun({ text: t, size, font: { eastAsia: '宋体' } })] }),
  );
  return new TableCell({ ...common, ...(slot.restarts ? { verticalMerge: VerticalMergeType.RESTART } : {}), children });
}

function docxTable(t: ReportTable): Table {
  let k = 0;
  return new Table({
    width: { size: 9000, type: WidthType.DXA },
    borders: BORDERS,
    rows: slots(t).map((line) => new TableRow({ children: line.map((s) => docxCell(s, t, k++)) })),
  });
}

/** The report as an office's .docx (see the file comment). */
export async function fixtureDocx(fx: ReportFixture): Promise<Buffer> {
  const layout = reportLayout(fx.report);
  const r = layout.report;
  const children: (Paragraph | Table)[] = [];
  const titleRun = (text: string, br = false) => new TextRun({ text, break: br ? 1 : undefined, size: 44, font: { eastAsia: '方正小标宋简体' } });
  children.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: fx.title === 'two-lines' ? layout.titleLines.map((l, i) => titleRun(l, i > 0)) : [titleRun(layout.title)],
    }),
  );
  children.push(new Paragraph({}));
  children.push(new Paragraph({ indent: { firstLine: 640 }, children: runs(preamble(r), 1) }));
  const tables = tablesOf(fx, layout);
  let seed = 0;
  for (const part of layout.parts) {
    const heading = part.kind === 'prose' ? part.section.heading : part.table.heading;
    children.push(new Paragraph({ indent: { firstLine: 640 }, children: [new TextRun({ text: heading, bold: true, size: 32, font: { eastAsia: '黑体' } })] }));
    if (part.kind === 'prose') {
      for (const l of part.section.lines) children.push(new Paragraph({ indent: { firstLine: 640 }, children: l === '' ? [] : runs(l, seed++) }));
    } else {
      children.push(docxTable(tables.find((t) => t.section === part.table.section)!));
      children.push(new Paragraph({}));
    }
  }
  children.push(new Paragraph({}));
  children.push(new Paragraph({ alignment: AlignmentType.RIGHT, children: [new ImageRun({ type: 'png', data: tinyPng(), transformation: { width: 120, height: 120 } })] }));
  const doc = new Document({
    title: layout.title,
    creator: r.agency ?? '',
    sections: [
      {
        headers: { default: new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(`${r.agency ?? ''}政务公开`)] })] }) },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun('— '), new TextRun({ children: [PageNumber.CURRENT] }), new TextRun(' —')] })],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

// ---------------------------------------------------------------------------------------------
// A government site's page

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function htmlCell(slot: Slot, k: number): string {
  const { cell } = slot;
  const span = `${cell.colSpan > 1 ? ` colspan="${cell.colSpan}"` : ''}${cell.rowSpan > 1 ? ` rowspan="${cell.rowSpan}"` : ''}`;
  let inner: string;
  if (cell.role === 'value') inner = cell.text === '' ? '&nbsp;' : k % 4 === 1 ? `&nbsp;${esc(cell.text)}&nbsp;` : esc(cell.text);
  else {
    const parts = cell.role === 'column' ? brokenLabel(cell.text) : null;
    inner = parts ? `${esc(parts[0])}<br />${esc(parts[1])}` : `<span style="font-family:宋体">${esc(cell.text)}</span>`;
  }
  return `<td${span} valign="middle" align="center"><p style="text-align:center">${inner}</p></td>`;
}

function htmlTable(t: ReportTable, rows: readonly (readonly Slot[])[], k0: number, head = 0): string {
  let k = k0;
  const tr = (line: readonly Slot[]) => `<tr>${line.filter((s) => !s.continues).map((s) => htmlCell(s, k++)).join('')}</tr>`;
  const thead = head > 0 ? `<thead>\n${rows.slice(0, head).map(tr).join('\n')}\n</thead>\n` : '';
  const body = rows.slice(head).map(tr).join('\n');
  const cls = head > 0 ? ' class="tall"' : '';
  return `<table${cls} border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;font-size:${t.section === '4' ? 9 : 10.5}pt">\n${thead}<tbody>\n${body}\n</tbody></table>`;
}

/** Tables of a section as HTML: table 二 as one table, or one table per block. */
function htmlTables(fx: ReportFixture, t: ReportTable): string {
  const all = slots(t);
  if (t.section === '3' && fx.repeatHeaders) return htmlTable(t, all, 0, t.rows.filter((r) => r.head).length);
  if (t.section !== '2' || !fx.splitProactive) return htmlTable(t, all, 0);
  return t.blockStarts
    .map((start, i) => htmlTable(t, all.slice(start, t.blockStarts[i + 1] ?? all.length), start * 3))
    .join('\n<p>&nbsp;</p>\n');
}

const SITE = '市中区人民政府';

/** The report as a page of a government portal (see the file comment); `charset` is what the page declares. */
export function fixtureHtml(fx: ReportFixture, charset = 'utf-8'): string {
  const layout = reportLayout(fx.report);
  const tables = tablesOf(fx, layout);
  const h1 =
    fx.title === 'page-title' ? '' : `<h1 class="title">${fx.title === 'two-lines' ? layout.titleLines.map(esc).join('<br />') : esc(layout.title)}</h1>`;
  const parts = layout.parts
    .map((part) => {
      if (part.kind === 'prose') {
        const lines = part.section.lines.map((l) => (l === '' ? '<p style="text-indent:2em">&nbsp;</p>' : `<p style="text-indent:2em">${esc(l)}</p>`));
        return [`<p style="text-indent:2em"><strong>${esc(part.section.heading)}</strong></p>`, ...lines].join('\n');
      }
      const t = tables.find((x) => x.section === part.table.section)!;
      return `<p style="text-indent:2em"><strong>${esc(part.table.heading)}</strong></p>\n${htmlTables(fx, t)}`;
    })
    .join('\n');
  return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=${charset}" />
<title>${esc(layout.title)}_${SITE}</title>
<style type="text/css">
body { font-family: "宋体", "WenQuanYi Zen Hei", serif; margin: 0; }
.top { position: relative; }
.header { background: #b30000; color: #fff; padding: 8px; }
.nav li { display: inline; margin-right: 12px; }
.position { font-size: 12px; padding: 6px 0; }
.content { font-size: 16px; line-height: 1.8; }
.content td { border: 1px solid #000; }
.content td p { margin: 0; }
.content table.tall tbody td { padding: 7px 2px; }
.footer { font-size: 12px; text-align: center; border-top: 2px solid #b30000; margin-top: 20px; }
@page { size: A4; margin: 25mm 20mm; @top-center { content: "${SITE}门户网站 政府信息公开专栏"; font-size: 9pt; } }
@media print { .sidebar, .share { display: none; } }
</style>
<script type="text/javascript">var _hmt = _hmt || []; document.write("<p>不要</p>");</script>
</head>
<body>
<div class="header"><div class="logo">${SITE}</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjsz/">走进市中</a></li></ul>
</div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; 政府信息公开年报</div>
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="layout"><tr>
<td class="sidebar" width="200" valign="top"><ul><li><a href="#">政府信息公开指南</a></li><li><a href="#">政府信息公开制度</a></li><li><a href="#">法定主动公开内容</a></li><li><a href="#">政府信息公开年报</a></li></ul></td>
<td class="main" valign="top">
${h1}
<div class="info">发布时间：${(fx.report.year ?? 2021) + 1}-01-20&nbsp;&nbsp;来源：${esc(fx.report.agency ?? SITE)}&nbsp;&nbsp;浏览次数：<span id="views">1024</span>&nbsp;&nbsp;【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div class="content TRS_Editor">
<p style="text-indent:2em">${esc(preamble(fx.report))}</p>
${parts}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="print">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</td></tr></table>
<div class="footer"><p>版权所有：${SITE}办公室&nbsp;&nbsp;主办：${SITE}办公室</p><p>网站标识码：3701030001&nbsp;&nbsp;鲁ICP备05012345号&nbsp;&nbsp;鲁公网安备 37010302000123号</p></div>
</body>
</html>
`;
}

let gbkTable: Map<string, number> | null = null;

/** Characters to their GBK code (built once from the platform's GBK decoder). */
function gbk(): Map<string, number> {
  if (gbkTable) return gbkTable;
  const m = new Map<string, number>();
  const dec = new TextDecoder('gbk');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = dec.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\ufffd' && !m.has(ch)) m.set(ch, (lead << 8) | trail);
    }
  }
  gbkTable = m;
  return m;
}

/** Text encoded in GBK; a character GBK lacks is written as an HTML character reference. */
export function encodeGbk(text: string): Buffer {
  const table = gbk();
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else {
      const g = table.get(ch);
      if (g !== undefined) out.push(g >> 8, g & 0xff);
      else for (const b of Buffer.from(`&#x${c.toString(16)};`, 'latin1')) out.push(b);
    }
  }
  return Buffer.from(out);
}

/** The page saved in GBK, as many older portals still serve it (declaring gb2312). */
export function fixtureHtmlGbk(fx: ReportFixture): Buffer {
  return encodeGbk(fixtureHtml(fx, 'gb2312'));
}

/** The page printed to PDF by Chromium: page numbers 「— n —」 in the footer, the running header of @page. */
export async function fixturePdf(fx: ReportFixture, renderer: PdfRenderer): Promise<Buffer> {
  return renderer.print(fixtureHtml(fx));
}

// ---------------------------------------------------------------------------------------------
// Bad inputs

/** The first half of a document (a download cut short). */
export function truncated(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length / 2)));
}

/** An old binary Word file: an OLE2 compound file holding a WordDocument stream. */
export function oldDoc(): Buffer {
  const b = Buffer.alloc(4096);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(b, 0);
  b.writeUInt16LE(0x3e, 24);
  b.writeUInt16LE(0x03, 26);
  b.writeUInt16LE(0xfffe, 28);
  Buffer.from('Root Entry', 'utf16le').copy(b, 1024);
  Buffer.from('WordDocument', 'utf16le').copy(b, 1152);
  return b;
}

/** A .docx-shaped zip whose document part declares 51 MB (a zip bomb by its directory). */
export function zipBombDeclared(): Buffer {
  return makeZip([
    { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types/>' },
    { name: 'word/document.xml', data: deflateRawSync(Buffer.alloc(1024, 0x20)), claimedSize: 51 * 1024 * 1024 },
  ]);
}

/** A .docx-shaped zip whose document part says 1 KB but inflates to 60 MB (a directory that lies). */
export function zipBombLying(): Buffer {
  const huge = Buffer.alloc(60 * 1024 * 1024, 0x20);
  const xml = Buffer.concat([Buffer.from('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'), huge]);
  return makeZip([
    { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types/>' },
    { name: 'word/document.xml', data: xml, deflate: true, claimedSize: 1024 },
  ]);
}

/** A zip that is no Word document (an .xlsx). */
export function xlsxZip(): Buffer {
  return makeZip([
    { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types/>' },
    { name: 'xl/workbook.xml', data: '<workbook/>', deflate: true },
  ]);
}

/** A PDF written by hand from its objects (offsets computed). */
function pdfOf(objects: readonly (string | Buffer)[], trailerExtra = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let size = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(size);
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof o === 'string' ? Buffer.from(o, 'latin1') : o, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(b);
    size += b.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${size}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** A scanned report: one page that is only an image (no text layer). */
export function scannedPdf(): Buffer {
  const w = 200;
  const h = 280;
  const pixels = Buffer.alloc(w * h, 0xee);
  for (let y = 20; y < 260; y += 12) pixels.fill(0x20, y * w + 20, y * w + 180); // lines of "text"
  const img = deflateSync(pixels);
  const content = 'q 500 0 0 700 50 70 cm /Im1 Do Q';
  return pdfOf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    Buffer.concat([
      Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${w} /Height ${h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${img.length} >>\nstream\n`, 'latin1'),
      img,
      Buffer.from('\nendstream', 'latin1'),
    ]),
  ]);
}

/** A PDF with one empty page. */
export function emptyPdf(): Buffer {
  return pdfOf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>']);
}

/** A PDF that needs a password to open (standard security handler; the empty password does not open it). */
export function passwordPdf(): Buffer {
  const r = rng(7);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 256).toString(16).padStart(2, '0')).join('');
  return pdfOf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
      `<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <${hex(32)}> /U <${hex(32)}> >>`,
    ],
    `/Encrypt 4 0 R /ID [<${hex(16)}> <${hex(16)}>] `,
  );
}

/** A damaged PDF: the header and then nothing usable. */
export function brokenPdf(): Buffer {
  return Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog', 'latin1');
}

/** Bytes from a seeded generator (deterministic "random" data). */
export function randomBytes(n: number, seed = 1): Buffer {
  const r = rng(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

/** A portal page with an ordinary article and no report. */
export function pageWithoutReport(): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于开展2024年度防汛演练的通知_${SITE}</title></head><body>
<div class="header"><ul><li>首页</li><li>政务公开</li></ul></div>
<h1>关于开展2024年度防汛演练的通知</h1>
<p>各街道、各部门：</p><p>为切实做好防汛工作，经研究，决定于6月15日开展防汛应急演练。请各单位高度重视，认真组织。</p>
<table border="1"><tr><td>单位</td><td>人数</td></tr><tr><td>永安镇</td><td>30</td></tr></table>
<div class="footer">版权所有：${SITE}办公室</div></body></html>`;
}

// ---------------------------------------------------------------------------------------------
// PDFs drawn by hand (no Chromium needed)

export interface DrawnText {
  /** Left end of the baseline, in points from the top left corner of an A4 page. */
  x: number;
  y: number;
  size: number;
  s: string;
}

/** A filled rectangle (a thin one is a table rule), top left corner and size in points. */
export interface DrawnRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * A PDF of A4 pages with text in the non-embedded CJK font STSong-Light (encoding UniGB-UCS2-H,
 * so a reader needs the Adobe CMaps, as with many real Chinese PDFs) and filled rectangles; the
 * font has no widths of its own here but the default of 1000 units, so each character is one em
 * wide.
 */
export function drawnPdf(pages: readonly { texts: readonly DrawnText[]; rects?: readonly DrawnRect[] }[], opts: { compressed?: boolean } = {}): Buffer {
  const H = 842;
  const hex = (s: string) => [...s].map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0')).join('');
  const font = 3 + pages.length * 2;
  const objects: PdfObject[] = [{ dict: '<< /Type /Catalog /Pages 2 0 R >>' }, { dict: `<< /Type /Pages /Kids [${pages.map((_p, i) => `${3 + i * 2} 0 R`).join(' ')}] /Count ${pages.length} >>` }];
  for (const p of pages) {
    const ops = [
      ...(p.rects ?? []).map((r) => `${r.x} ${H - r.y - r.h} ${r.w} ${r.h} re f`),
      ...p.texts.map((t) => `BT /F1 ${t.size} Tf ${t.x} ${H - t.y} Td <${hex(t.s)}> Tj ET`),
    ].join('\n');
    objects.push({ dict: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${objects.length + 2} 0 R >>` });
    objects.push({ dict: '<< >>', stream: Buffer.from(ops, 'latin1') });
  }
  objects.push(
    { dict: `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [${font + 1} 0 R] >>` },
    { dict: `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor ${font + 2} 0 R /DW 1000 >>` },
    { dict: '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>' },
  );
  return opts.compressed ? compressedPdfOf(objects) : pdfOf(objects.map((o) => (o.stream ? Buffer.concat([Buffer.from(`<< /Length ${o.stream.length} >>\nstream\n`, 'latin1'), o.stream, Buffer.from('\nendstream', 'latin1')]) : o.dict)));
}

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

/**
 * A PDF 1.5 file as recent writers make it: objects other than streams packed in an object
 * stream, streams deflated, and a cross-reference stream with the PNG Up predictor instead of an
 * xref table.
 */
function compressedPdfOf(objects: readonly PdfObject[]): Buffer {
  const n = objects.length;
  const objStm = n + 1;
  const xrefNum = n + 2;
  const packed = objects.map((o, i) => ({ o, num: i + 1 })).filter((x) => !x.o.stream);
  let body = '';
  const header: string[] = [];
  for (const { o, num } of packed) {
    header.push(`${num} ${body.length}`);
    body += `${o.dict}\n`;
  }
  const head = `${header.join(' ')}\n`;
  const stmData = deflateSync(Buffer.from(head + body, 'latin1'));
  const parts: Buffer[] = [Buffer.from('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let size = parts[0]!.length;
  const where = new Map<number, [number, number]>(); // num → [type, field]
  const add = (num: number, content: Buffer) => {
    where.set(num, [1, size]);
    const b = Buffer.concat([Buffer.from(`${num} 0 obj\n`, 'latin1'), content, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(b);
    size += b.length;
  };
  objects.forEach((o, i) => {
    if (!o.stream) return;
    const z = deflateSync(o.stream);
    add(i + 1, Buffer.concat([Buffer.from(`<< /Length ${z.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'), z, Buffer.from('\nendstream', 'latin1')]));
  });
  add(objStm, Buffer.concat([Buffer.from(`<< /Type /ObjStm /N ${packed.length} /First ${Buffer.byteLength(head, 'latin1')} /Length ${stmData.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'), stmData, Buffer.from('\nendstream', 'latin1')]));
  packed.forEach(({ num }, k) => where.set(num, [2, objStm * 65536 + k]));
  const xrefAt = size;
  where.set(xrefNum, [1, xrefAt]);
  // Rows of 1 + 4 + 2 bytes (type, offset or object stream, generation or index), PNG Up predicted.
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(7);
  for (let num = 0; num <= xrefNum; num++) {
    const row = Buffer.alloc(7);
    const w = where.get(num);
    if (w && w[0] === 1) {
      row[0] = 1;
      row.writeUInt32BE(w[1], 1);
    } else if (w) {
      row[0] = 2;
      row.writeUInt32BE(Math.floor(w[1] / 65536), 1);
      row.writeUInt16BE(w[1] % 65536, 5);
    }
    const up = Buffer.alloc(8);
    up[0] = 2;
    for (let k = 0; k < 7; k++) up[k + 1] = (row[k]! - prev[k]!) & 0xff;
    rows.push(up);
    prev = row;
  }
  const xdata = deflateSync(Buffer.concat(rows));
  parts.push(
    Buffer.concat([
      Buffer.from(`${xrefNum} 0 obj\n<< /Type /XRef /Size ${xrefNum + 1} /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> /Length ${xdata.length} >>\nstream\n`, 'latin1'),
      xdata,
      Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'),
    ]),
  );
  return Buffer.concat(parts);
}

/** The rules of a grid: horizontal rules at `ys` across [x0, x1] and vertical ones at `xs`, each as given by `cut` (true: drawn). */
export function gridRects(xs: readonly number[], ys: readonly number[], vertical: (col: number, row: number) => boolean = () => true, horizontal: (row: number, col: number) => boolean = () => true): DrawnRect[] {
  const out: DrawnRect[] = [];
  for (let r = 0; r < ys.length; r++) for (let c = 0; c + 1 < xs.length; c++) if (horizontal(r, c)) out.push({ x: xs[c]!, y: ys[r]! - 0.25, w: xs[c + 1]! - xs[c]!, h: 0.5 });
  for (let c = 0; c < xs.length; c++) for (let r = 0; r + 1 < ys.length; r++) if (vertical(c, r)) out.push({ x: xs[c]! - 0.25, y: ys[r]!, w: 0.5, h: ys[r + 1]! - ys[r]! });
  return out;
}
