/**
 * Helpers for the exports' tests (not built): the reports exported (the seed, random reports of
 * both formats, some with blank cells and missing year or agency), and readers that look inside
 * what the exports wrote — the tables of an HTML page and of a .docx's XML with their merges, the
 * text of a PDF.
 */
import { readFileSync } from 'node:fs';
import { PDFParse } from 'pdf-parse';
import { readZipEntry } from '../../attachments/zip.js';
import { FORMATS, type FormatId } from '../format.js';
import { canonicalReport, type Report } from '../report.js';
import { parseReportText } from '../text/parse.js';
import { randomReport, rng, type Rng } from '../../../test/support/reports.js';
import { parseAttributes } from './html-text.js';

export const SEED_PATH = new URL('../../../test/fixtures/reports/seed-2020-yongan.txt', import.meta.url);

/** The real 2020 report of 永安镇 (2019 format; row 行政强制 blank), as the text importer reads it. */
export function seedReport(): Report {
  return parseReportText(readFileSync(SEED_PATH, 'utf8')).report;
}

/** `n` consistent random reports of a format (tables add up, no blank cells). */
export function randomReports(format: FormatId, n: number, seed: number): Report[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => randomReport(r, format));
}

/**
 * A random report with what real drafts have too: blank cells (anywhere, some whole rows), a
 * negative 本年增/减, amounts without a unit, a blank line between paragraphs, and sometimes no
 * year or no agency.
 */
export function sparseReport(r: Rng, format: FormatId): Report {
  const rep = randomReport(r, format);
  const blank = (t: Record<string, Record<string, unknown>>) => {
    for (const row of Object.values(t)) {
      const whole = r() < 0.05;
      for (const k of Object.keys(row)) if (whole || r() < 0.12) row[k] = null;
    }
  };
  blank(rep.proactive);
  blank(rep.applications);
  blank(rep.reviews);
  if (format === '2019' && rep.proactive.licensing!.change !== null) rep.proactive.licensing!.change = -1 - Math.floor(r() * 5);
  if (r() < 0.3) rep.year = null;
  if (r() < 0.2) rep.agency = null;
  if (rep.sections['5']) rep.sections['5'] = `${rep.sections['5']}\n\n下一步，我们将继续做好政府信息公开工作。`;
  if (r() < 0.2) rep.sections['6'] = null;
  return canonicalReport(rep);
}

/** The report without its prose (for comparing what a lossy reader gives back of the tables). */
export function tablesOf(rep: Report): Omit<Report, 'sections'> {
  const { sections: _s, ...rest } = canonicalReport(rep);
  return rest;
}

/** Prose with every line break collapsed to one (what a reader that doubles them still keeps). */
export function singleBreaks(rep: Report): Report['sections'] {
  const out = { ...rep.sections };
  for (const k of Object.keys(out) as (keyof Report['sections'])[]) out[k] = out[k] === null ? null : out[k]!.replace(/\n+/g, '\n');
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTML tables

export interface SpanCell {
  tag: string;
  colSpan: number;
  rowSpan: number;
  attrs: Map<string, string>;
  text: string;
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The tables of an HTML page written by the export (well-formed, no nesting): rows of cells with spans. */
export function htmlTables(html: string): { attrs: Map<string, string>; rows: { cells: SpanCell[] }[] }[] {
  return [...html.matchAll(/<table\b([^>]*)>([\s\S]*?)<\/table>/g)].map((t) => ({
    attrs: parseAttributes(t[1]!),
    rows: [...t[2]!.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) => ({
      cells: [...tr[1]!.matchAll(/<(t[hd])\b([^>]*)>([\s\S]*?)<\/t[hd]>/g)].map((c) => {
        const attrs = parseAttributes(c[2]!);
        return {
          tag: c[1]!,
          colSpan: Number(attrs.get('colspan') ?? 1),
          rowSpan: Number(attrs.get('rowspan') ?? 1),
          attrs,
          text: unescape(c[3]!.replace(/<[^>]*>/g, '')),
        };
      }),
    })),
  }));
}

// ---------------------------------------------------------------------------------------------
// .docx

export function docxPart(docx: Uint8Array, name: string): string {
  const b = readZipEntry(docx, name, 64 * 1024 * 1024);
  if (!b) throw new Error(`no ${name} in the .docx`);
  return b.toString('utf8');
}

export interface DocxCell {
  colSpan: number;
  rowSpan: number;
  text: string;
}

const xmlText = (s: string) =>
  [...s.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => m[1]!)
    .join('')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * The tables of a document.xml as rows of cells with spans, merges read back from w:gridSpan
 * (across) and w:vMerge restart/continue (down): a continue cell is dropped and counted into the
 * rowSpan of the restart cell above it in the same grid column. Also returns the grid width of
 * every row (sum of gridSpans, continue cells included) and the table's w:gridCol count.
 */
export function docxTables(xml: string): { gridCols: number; rowWidths: number[]; rows: { cells: DocxCell[] }[] }[] {
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((t) => {
    const gridCols = [...t[1]!.matchAll(/<w:gridCol\b/g)].length;
    const raw = [...t[1]!.matchAll(/<w:tr\b[^>]*>([\s\S]*?)<\/w:tr>/g)].map((tr) =>
      [...tr[1]!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((tc) => {
        const span = /<w:gridSpan w:val="(\d+)"/.exec(tc[1]!);
        const vm = /<w:vMerge(?: w:val="(\w+)")?\s*\/>/.exec(tc[1]!);
        return { span: span ? Number(span[1]) : 1, vmerge: vm ? (vm[1] ?? 'continue') : null, text: xmlText(tc[1]!) };
      }),
    );
    const rows: { cells: DocxCell[] }[] = [];
    const rowWidths: number[] = [];
    /** The open restart cell per grid column. */
    const open = new Map<number, DocxCell>();
    for (const cells of raw) {
      const out: DocxCell[] = [];
      let col = 0;
      for (const c of cells) {
        if (c.vmerge === 'continue') {
          const above = open.get(col);
          if (!above) throw new Error(`vMerge continue without a restart above (grid column ${col})`);
          above.rowSpan++;
        } else {
          const cell: DocxCell = { colSpan: c.span, rowSpan: 1, text: c.text };
          out.push(cell);
          if (c.vmerge === 'restart') open.set(col, cell);
          else open.delete(col);
        }
        col += c.span;
      }
      rows.push({ cells: out });
      rowWidths.push(col);
    }
    return { gridCols, rowWidths, rows };
  });
}

// ---------------------------------------------------------------------------------------------
// PDF

/** Text and page count of a PDF (pdf-parse, no page markers). */
export async function pdfText(pdf: Uint8Array): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf), verbosity: 0 });
  try {
    const r = await parser.getText({ pageJoiner: '' });
    return { text: r.text, pages: r.total };
  } finally {
    await parser.destroy();
  }
}

/** Value cells of every table in layout order, as the exports write them. */
export function valueTexts(rep: Report): string[] {
  const f = FORMATS[rep.format];
  const out: string[] = [];
  const push = (v: unknown) => {
    if (v === null || v === undefined) return;
    if (typeof v === 'object') {
      const a = v as { value: number; unit: string | null };
      out.push(`${a.value}${a.unit ?? ''}`);
    } else out.push(String(v));
  };
  for (const b of f.proactive) for (const row of b.rows) for (const c of b.columns) push(rep.proactive[row.id]![c.id]);
  for (const row of f.applicationRows) for (const c of f.applicationColumns) push(rep.applications[row.id]![c.id]);
  for (const g of f.reviewGroups) for (const c of f.reviewColumns) push(rep.reviews[g.id]![c.id]);
  return out;
}
