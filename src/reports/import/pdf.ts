/**
 * A PDF with a text layer → the text layout the text importer reads (one table cell per line).
 *
 * The text and its positions come from pdf.js (the copy pdf-parse 2 depends on, loaded once; one
 * pdf.js worker kept for every document), the lines drawn on the pages from the page content
 * streams (pdf-rules.ts; pdf.js's operator list when those cannot be read). A PDF keeps no
 * tables, only words at positions and lines, so the tables are rebuilt:
 *
 *  - Ruled tables (every report table in practice: Word, WPS and browsers draw the borders): the
 *    lines drawn on a page (thin filled rectangles or stroked lines) are merged into horizontal and
 *    vertical rules, rules that cross form a table, and their positions a grid. Two grid cells with
 *    no rule between them are one (merged) cell. Each word goes to the cell its centre lies in,
 *    so a label wrapped over two or three lines inside its cell is one label again, a cell with no
 *    word is a blank cell, and a cell merged over several rows appears once, where it starts — the
 *    layout htmlToText gives for HTML tables. A table continued on the next page goes on; header
 *    rows Word repeats on the new page are dropped.
 *  - Without rules (rare), the words of a line are split into cells where the gap between them is
 *    wide (a TAB row): blank cells and wrapped labels then cannot be told, which the notes say.
 *  - Outside tables, words make lines (by baseline) and lines make paragraphs: a line continues
 *    the paragraph above when that one reaches the right margin and this one starts at the left
 *    margin (not indented), on the same page or across a page break; a gap of a blank line between
 *    paragraphs is kept. The title — the lines in the largest type before the first heading — is
 *    one line again (joinTitleLines), wherever the layout broke it.
 *  - Page headers, footers and page numbers (lines in the top and bottom margins that repeat from
 *    page to page, or that are page numbers) are left out, so they cannot break a table or a
 *    paragraph.
 *
 * Speed (a report of five pages in about 30 ms): pdf.js parses and repairs every embedded font
 * program, which is most of its time and not needed for the text (the characters come from the
 * fonts' ToUnicode maps, the widths from the font dictionaries). The PDF is first read with its
 * embedded font programs unlinked (the references blanked out in place, so no offset moves); when
 * that text looks wrong or is no report — a font whose characters only its program knows — the
 * PDF is read again as it is. The rules are only looked for on pages with many short pieces of
 * text (a table's cells).
 *
 * pdf.js runs in a worker thread of its own (pdf-engine.ts says why), started on the first PDF
 * and kept for the next ones, with a time and memory limit per PDF: a PDF that exceeds them stops
 * that thread (the next PDF starts another) and is refused. The thread does not keep the process
 * alive while it waits for work; closePdfImporter() stops it.
 */
import { Worker } from 'node:worker_threads';
import { ReportInputError } from '../errors.js';
import { matchHeading } from '../text/headings.js';
import { isPageNumber } from '../text/lines.js';
import { joinTitleLines } from '../text/title.js';
import { THIN } from './pdf-rules.js';
import { MAX_PDF_PAGES, type EngineError, type Extracted, type HRule, type PageText, type VRule, type Word } from './pdf-engine.js';

export { MAX_PDF_PAGES };

/** Time allowed for reading one PDF. */
export const PDF_TIMEOUT_MS = 60_000;
/** Heap of the pdf.js thread. */
const PDF_HEAP_MB = 512;

export const NO_TEXT_LAYER = '该 PDF 没有文字层（可能是扫描件），无法读取';

// ---------------------------------------------------------------------------------------------
// The pdf.js thread

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// pdf.js may print about odd files: not the caller's output.
for (const k of ['log', 'info', 'warn', 'error', 'debug']) console[k] = () => {};
const ready = (async () => {
  if (workerData.tsxUrl) (await import(workerData.tsxUrl)).register();
  return import(workerData.moduleUrl);
})();
parentPort.on('message', async (m) => {
  try {
    const { extractPdf } = await ready;
    parentPort.postMessage({ id: m.id, result: await extractPdf(m.bytes) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { name: String((e && e.name) || 'Error'), message: String((e && e.message) || e) } });
  }
});
`;

const UNDER_TSX = import.meta.url.endsWith('.ts');
/** pdf-engine with this module's extension (.ts under tsx, .js in dist/). */
const ENGINE_URL = new URL(`./pdf-engine${UNDER_TSX ? '.ts' : '.js'}`, import.meta.url).href;

interface Pending {
  resolve: (x: Extracted) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

let thread: { worker: Worker; pending: Map<number, Pending> } | null = null;
let nextId = 0;

/** Fails every PDF waiting on a thread that is gone, and forgets the thread. */
function lose(t: NonNullable<typeof thread>, why: string): void {
  if (thread === t) thread = null;
  for (const p of t.pending.values()) {
    clearTimeout(p.timer);
    p.reject(new ReportInputError(why));
  }
  t.pending.clear();
  void t.worker.terminate();
}

function startThread(): NonNullable<typeof thread> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: { moduleUrl: ENGINE_URL, tsxUrl: UNDER_TSX ? import.meta.resolve('tsx/esm/api') : null },
    resourceLimits: { maxOldGenerationSizeMb: PDF_HEAP_MB },
  });
  const t = { worker, pending: new Map<number, Pending>() };
  worker.on('message', (m: { id: number; result?: Extracted; error?: EngineError }) => {
    const p = t.pending.get(m.id);
    if (!p) return;
    t.pending.delete(m.id);
    clearTimeout(p.timer);
    if (t.pending.size === 0) worker.unref();
    if (m.result) p.resolve(m.result);
    else p.reject(pdfError(m.error));
  });
  worker.on('error', (e) => lose(t, `PDF 读取失败（${e.message}）`));
  worker.on('exit', () => lose(t, 'PDF 过于复杂，读取时内存不足，已放弃'));
  worker.unref();
  return t;
}

/** Reads a PDF's words and rules in the pdf.js thread. */
function extract(bytes: Uint8Array): Promise<Extracted> {
  const t = (thread ??= startThread());
  const id = nextId++;
  return new Promise<Extracted>((resolve, reject) => {
    const timer = setTimeout(() => lose(t, `PDF 读取超过 ${PDF_TIMEOUT_MS / 1000} 秒，已放弃（文件可能已损坏或过于复杂）`), PDF_TIMEOUT_MS);
    t.pending.set(id, { resolve, reject, timer });
    // Waiting for an answer keeps the process alive; an idle thread does not.
    t.worker.ref();
    const copy = new Uint8Array(bytes);
    t.worker.postMessage({ id, bytes: copy }, [copy.buffer]);
  });
}

// ---------------------------------------------------------------------------------------------
// Geometry

function clusters(values: number[], tol: number): number[] {
  const v = values.slice().sort((a, b) => a - b);
  const out: number[] = [];
  let sum = 0;
  let n = 0;
  let prev = -Infinity;
  for (const x of v) {
    if (n > 0 && x - prev > tol) {
      out.push(sum / n);
      sum = 0;
      n = 0;
    }
    sum += x;
    n++;
    prev = x;
  }
  if (n > 0) out.push(sum / n);
  return out;
}

/** Merges collinear horizontal rules that touch or overlap. */
function mergeH(hs: HRule[]): HRule[] {
  const sorted = hs.slice().sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const out: HRule[] = [];
  let group: HRule[] = [];
  const flushGroup = () => {
    group.sort((a, b) => a.x0 - b.x0);
    let cur: HRule | null = null;
    for (const h of group) {
      if (cur && h.x0 <= cur.x1 + THIN) cur.x1 = Math.max(cur.x1, h.x1);
      else {
        if (cur) out.push(cur);
        cur = { ...h };
      }
    }
    if (cur) out.push(cur);
    group = [];
  };
  for (const h of sorted) {
    if (group.length && h.y - group[group.length - 1]!.y > 2) flushGroup();
    group.push(h);
  }
  if (group.length) flushGroup();
  return out;
}

function mergeV(vs: VRule[]): VRule[] {
  return mergeH(vs.map((v) => ({ y: v.x, x0: v.y0, x1: v.y1 }))).map((h) => ({ x: h.y, y0: h.x0, y1: h.x1 }));
}

interface Region {
  r0: number;
  c0: number;
  r1: number;
  c1: number;
  words: Word[];
}

interface Grid {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  xs: number[];
  ys: number[];
  /** Region index of every grid cell, row-major. */
  cellRegion: Int32Array;
  regions: Region[];
  /** Whether a vertical rule runs at xs[c] through row band r (for splitting words that cross it). */
  vAt: (c: number, r: number) => boolean;
  /** The table's column rules run on above its first (below its last) horizontal rule: a row cut by a page break. */
  openTop: boolean;
  openBottom: boolean;
}

/** Tables of a page: rules that cross, as grids of (merged) cells. */
function gridsOf(hsRaw: HRule[], vsRaw: VRule[]): Grid[] {
  const hs = mergeH(hsRaw);
  const vs = mergeV(vsRaw);
  if (hs.length < 2 || vs.length < 2) return [];
  // Connected components of crossing rules.
  const parent = Array.from({ length: hs.length + vs.length }, (_x, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const TOL = 3;
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!;
    for (let j = 0; j < vs.length; j++) {
      const v = vs[j]!;
      if (v.x >= h.x0 - TOL && v.x <= h.x1 + TOL && h.y >= v.y0 - TOL && h.y <= v.y1 + TOL) parent[find(i)] = find(hs.length + j);
    }
  }
  const comps = new Map<number, { hs: HRule[]; vs: VRule[] }>();
  hs.forEach((h, i) => {
    const r = find(i);
    if (!comps.has(r)) comps.set(r, { hs: [], vs: [] });
    comps.get(r)!.hs.push(h);
  });
  vs.forEach((v, j) => {
    const r = find(hs.length + j);
    if (!comps.has(r)) comps.set(r, { hs: [], vs: [] });
    comps.get(r)!.vs.push(v);
  });
  const grids: Grid[] = [];
  for (const comp of comps.values()) {
    if (comp.hs.length < 2 || comp.vs.length < 2) continue;
    // Rules closer than 4 pt are one (double borders, the two edges of a stroked thin rectangle).
    const xs = clusters(comp.vs.map((v) => v.x), 4);
    const ys = clusters(comp.hs.map((h) => h.y), 4);
    if (xs.length < 2 || ys.length < 2) continue;
    // A table cut by a page break has no rule along the cut (the column rules stop there): the
    // cut is an edge of the grid all the same.
    const vTop = Math.min(...comp.vs.map((v) => v.y0));
    const vBottom = Math.max(...comp.vs.map((v) => v.y1));
    const openTop = vTop < ys[0]! - 4;
    const openBottom = vBottom > ys[ys.length - 1]! + 4;
    if (openTop) ys.unshift(vTop);
    if (openBottom) ys.push(vBottom);
    const nr = ys.length - 1;
    const nc = xs.length - 1;
    const vAt = (c: number, r: number) => {
      const x = xs[c]!;
      const ym = (ys[r]! + ys[r + 1]!) / 2;
      return comp.vs.some((v) => Math.abs(v.x - x) <= 4 && v.y0 <= ym && v.y1 >= ym);
    };
    const hAt = (r: number, c: number) => {
      if ((openTop && r === 0) || (openBottom && r === ys.length - 1)) return true;
      const y = ys[r]!;
      const xm = (xs[c]! + xs[c + 1]!) / 2;
      return comp.hs.some((h) => Math.abs(h.y - y) <= 4 && h.x0 <= xm && h.x1 >= xm);
    };
    const up = Array.from({ length: nr * nc }, (_x, i) => i);
    const f = (i: number): number => {
      while (up[i] !== i) i = up[i] = up[up[i]!]!;
      return i;
    };
    for (let r = 0; r < nr; r++) {
      for (let c = 0; c < nc; c++) {
        if (c + 1 < nc && !vAt(c + 1, r)) up[f(r * nc + c)] = f(r * nc + c + 1);
        if (r + 1 < nr && !hAt(r + 1, c)) up[f(r * nc + c)] = f((r + 1) * nc + c);
      }
    }
    const cellRegion = new Int32Array(nr * nc);
    const byRoot = new Map<number, number>();
    const regions: Region[] = [];
    for (let r = 0; r < nr; r++) {
      for (let c = 0; c < nc; c++) {
        const root = f(r * nc + c);
        let k = byRoot.get(root);
        if (k === undefined) {
          k = regions.length;
          byRoot.set(root, k);
          regions.push({ r0: r, c0: c, r1: r, c1: c, words: [] });
        }
        const g = regions[k]!;
        g.r0 = Math.min(g.r0, r);
        g.c0 = Math.min(g.c0, c);
        g.r1 = Math.max(g.r1, r);
        g.c1 = Math.max(g.c1, c);
        cellRegion[r * nc + c] = k;
      }
    }
    // A frame around a block of text (one cell) is no table.
    if (regions.length < 2) continue;
    grids.push({ x0: xs[0]!, x1: xs[nc]!, y0: ys[0]!, y1: ys[nr]!, xs, ys, cellRegion, regions, vAt, openTop, openBottom });
  }
  return grids.sort((a, b) => a.y0 - b.y0);
}

/** Index of the band [edges[i], edges[i+1]) holding v (clamped). */
function band(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const CJK_RE = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;

/** Rough width of a character in em: Chinese and full-width 1, others 0.5. */
const charWeight = (ch: string) => (CJK_RE.test(ch) ? 1 : 0.5);

/** Splits a word at the given x positions (by estimated character widths). */
function splitWord(w: Word, cuts: readonly number[]): Word[] {
  const chars = [...w.s];
  const weights = chars.map(charWeight);
  const total = weights.reduce((a, b) => a + b, 0);
  const out: Word[] = [];
  let acc = 0;
  let start = 0;
  let startX = w.x0;
  let ci = 0;
  for (let k = 0; k < chars.length; k++) {
    const mid = w.x0 + ((acc + weights[k]! / 2) / total) * (w.x1 - w.x0);
    while (ci < cuts.length && mid > cuts[ci]!) {
      if (k > start) {
        const x = w.x0 + (acc / total) * (w.x1 - w.x0);
        out.push({ ...w, s: chars.slice(start, k).join(''), x0: startX, x1: x });
        start = k;
        startX = x;
      }
      ci++;
    }
    acc += weights[k]!;
  }
  out.push({ ...w, s: chars.slice(start).join(''), x0: startX, x1: w.x1 });
  return out.filter((x) => x.s.trim() !== '');
}

/** A line of words (outside tables); `cells` > 1 when wide gaps split it into TAB cells. */
interface Line {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  cells: number;
}

/** The words of one line joined; a gap wider than `tabGap` em makes a TAB (a new cell). */
function lineText(words: Word[], tabGap: number | null): { text: string; cells: number } {
  let text = '';
  let cells = 1;
  let prev: Word | null = null;
  for (const w of words) {
    const s = w.s;
    if (prev) {
      const gap = w.x0 - prev.x1;
      if (tabGap !== null && gap > tabGap * w.size) {
        text += '\t';
        cells++;
      } else if (gap > 0.2 * w.size && !CJK_RE.test(text[text.length - 1] ?? '') && !CJK_RE.test(s[0]!) && !text.endsWith(' ')) text += ' ';
    }
    text += s;
    prev = w;
  }
  return { text, cells };
}

/** Words grouped into lines by baseline, top to bottom. */
function linesOf(words: Word[], tabGap: number | null): Line[] {
  const sorted = words.slice().sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const lines: Line[] = [];
  let cur: Word[] = [];
  const flush = () => {
    if (!cur.length) return;
    cur.sort((a, b) => a.x0 - b.x0);
    const { text, cells } = lineText(cur, tabGap);
    const sizes = cur.map((w) => w.size).sort((a, b) => a - b);
    lines.push({ text, x0: cur[0]!.x0, x1: Math.max(...cur.map((w) => w.x1)), y: cur[0]!.y, size: sizes[sizes.length >> 1]!, cells });
    cur = [];
  };
  for (const w of sorted) {
    if (cur.length && Math.abs(w.y - cur[0]!.y) > 0.45 * Math.max(w.size, cur[0]!.size)) flush();
    cur.push(w);
  }
  flush();
  return lines;
}

/** The text of one cell: its lines joined (no space between Chinese, one between Latin words). */
function cellText(words: Word[]): string {
  let out = '';
  for (const l of linesOf(words, null)) {
    const t = l.text.trim();
    if (t === '') continue;
    if (out !== '' && !CJK_RE.test(out[out.length - 1]!) && !CJK_RE.test(t[0]!)) out += ' ';
    out += t;
  }
  return out.replace(/\t/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Page → blocks, blocks → text

/** A cell of a rebuilt table: its text and where it starts (its left edge). */
interface TCell {
  text: string;
  x: number;
}

interface TableBlock {
  kind: 'table';
  y: number;
  page: number;
  /** Rows of cells: each (merged) cell in the row where it starts. */
  rows: TCell[][];
  xs: number[];
  /** The first thing on its page (a table continued from the page before may be). */
  top: boolean;
  openTop: boolean;
  openBottom: boolean;
  /** Left edges of the cells that started above the last row and reach down through it (merged down). */
  spanning: number[];
}

type Block = { kind: 'line'; line: Line; page: number } | TableBlock;

function tableBlock(g: Grid, page: number): TableBlock {
  const nc = g.xs.length - 1;
  const nr = g.ys.length - 1;
  const rows: TCell[][] = [];
  for (let r = 0; r < nr; r++) {
    const row: TCell[] = [];
    for (let c = 0; c < nc; c++) {
      const reg = g.regions[g.cellRegion[r * nc + c]!]!;
      if (reg.r0 === r && reg.c0 === c) row.push({ text: cellText(reg.words), x: g.xs[c]! });
    }
    if (row.length) rows.push(row);
  }
  const spanning = g.regions.filter((x) => x.r1 === nr - 1 && x.r0 < nr - 1).map((x) => g.xs[x.c0]!);
  return { kind: 'table', y: g.y0, page, rows, xs: g.xs, top: false, openTop: g.openTop, openBottom: g.openBottom, spanning };
}

const joinText = (a: string, b: string) => (a === '' ? b : b === '' ? a : a + (!CJK_RE.test(a[a.length - 1]!) && !CJK_RE.test(b[0]!) ? ' ' : '') + b);

/**
 * Appends the part of a table found on the next page to the table: header rows repeated there
 * are dropped, a row cut by the page break is one row again, and cells merged down that go on
 * over the break (empty on the new page) are not cells of their own.
 */
function continueTable(t: TableBlock, next: TableBlock, firstRows: readonly TCell[][]): void {
  const key = (row: readonly TCell[]) => row.map((x) => x.text).join('\u0001');
  const at = (xs: readonly number[], x: number) => xs.some((y) => Math.abs(y - x) < 3);
  let rows = next.rows;
  let k = 0;
  while (k < rows.length - 1 && k < firstRows.length && key(rows[k]!) === key(firstRows[k]!)) k++;
  rows = rows.slice(k);
  const first = rows[0];
  if (first && k === 0) {
    const cells = first.filter((x) => !(x.text === '' && at(t.spanning, x.x)));
    const last = t.rows[t.rows.length - 1];
    if (t.openBottom && next.openTop && last) {
      for (const x of cells) {
        const same = last.find((y) => Math.abs(y.x - x.x) < 3);
        if (same) same.text = joinText(same.text, x.text);
        else last.push(x);
      }
      last.sort((a, b) => a.x - b.x);
      rows = rows.slice(1);
    } else rows = [cells, ...rows.slice(1)];
  }
  t.rows.push(...rows);
  t.openBottom = next.openBottom;
  t.spanning = next.spanning;
  t.page = next.page;
}

function pageBlocks(p: PageText, notes: Set<string>): Block[] {
  const grids = gridsOf(p.hs, p.vs);
  const free: Word[] = [];
  for (const w0 of p.words) {
    const cy = w0.y - 0.35 * w0.size;
    const g = grids.find((t) => cy >= t.y0 - 1 && cy <= t.y1 + 1 && (w0.x0 + w0.x1) / 2 >= t.x0 - 1 && (w0.x0 + w0.x1) / 2 <= t.x1 + 1);
    if (!g) {
      free.push(w0);
      continue;
    }
    const nc = g.xs.length - 1;
    const r = band(g.ys, cy);
    // A word drawn across a column rule (one text run for several cells) is cut there.
    const cuts: number[] = [];
    for (let c = 1; c < nc; c++) if (g.xs[c]! > w0.x0 + 1 && g.xs[c]! < w0.x1 - 1 && g.vAt(c, r)) cuts.push(g.xs[c]!);
    for (const w of cuts.length && [...w0.s].length > 1 ? splitWord(w0, cuts) : [w0]) {
      const c = band(g.xs, (w.x0 + w.x1) / 2);
      g.regions[g.cellRegion[r * nc + c]!]!.words.push(w);
    }
  }
  const blocks: Block[] = grids.map((g) => tableBlock(g, p.n));
  // Lines outside tables; a wide gap between words makes TAB cells (a table without rules).
  const lines = linesOf(free, 2);
  const zone = 0.09 * p.height;
  for (const line of lines) {
    if ((line.y < zone || line.y > p.height - zone) && isPageNumber(line.text)) continue;
    if (line.cells > 1) notes.add(`PDF 第${p.n}页有没有框线的表格，按文字位置读取：空白单元格和折行的标签可能无法识别`);
    blocks.push({ kind: 'line', line, page: p.n });
  }
  blocks.sort((a, b) => (a.kind === 'line' ? a.line.y : a.y) - (b.kind === 'line' ? b.line.y : b.y));
  return blocks;
}

/** Lines in the top or bottom margin that repeat on several pages (running headers and footers). */
function dropRunningLines(pages: readonly PageText[], blocks: Block[][]): void {
  if (pages.length < 2) return;
  const key = (t: string) => t.replace(/[0-9０-９]+/g, '#').replace(/\s+/g, '');
  const counts = new Map<string, number>();
  const margin = (b: Block, p: PageText) => b.kind === 'line' && (b.line.y < 0.1 * p.height || b.line.y > 0.9 * p.height);
  blocks.forEach((bs, i) => {
    const seen = new Set<string>();
    for (const b of bs) if (b.kind === 'line' && margin(b, pages[i]!)) seen.add(key(b.line.text));
    for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
  });
  blocks.forEach((bs, i) => {
    for (let k = bs.length - 1; k >= 0; k--) {
      const b = bs[k]!;
      if (b.kind === 'line' && margin(b, pages[i]!) && (counts.get(key(b.line.text)) ?? 0) >= 2) bs.splice(k, 1);
    }
  });
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

/** The same table's outline: the same left and right edges (inner rules vary with the merges in the rows). */
const sameColumns = (a: readonly number[], b: readonly number[]) => Math.abs(a[0]! - b[0]!) < 3 && Math.abs(a[a.length - 1]! - b[b.length - 1]!) < 3;

/** All pages' blocks → the text for the text importer. */
function blocksToText(allBlocks: Block[][]): string {
  for (const bs of allBlocks) {
    const first = bs[0];
    if (first && first.kind === 'table') first.top = true;
  }
  const blocks = allBlocks.flat();
  const lineBlocks = blocks.filter((b): b is Extract<Block, { kind: 'line' }> => b.kind === 'line');
  const sizes = lineBlocks.map((b) => Math.round(b.line.size * 2) / 2);
  const bodySize = median(sizes) ?? 12;
  // The text column. Its right edge: where the longest body line ends (full lines of justified
  // text end there; unjustified ones up to two characters short of it, when the rules of Chinese
  // line breaking carry 录。 or 1件， over to the next line together). Its left edge: where most
  // lines that follow a full line start (continuation lines; paragraphs' first lines are indented).
  const body = lineBlocks.filter((b) => Math.abs(b.line.size - bodySize) <= 0.6 && b.line.cells === 1);
  const right = Math.max(...body.map((b) => b.line.x1), 0);
  const full = (l: Line) => l.x1 >= right - 2.5 * l.size && l.x1 <= right + 0.5 * l.size;
  const starts = new Map<number, number>();
  for (let i = 1; i < body.length; i++) {
    const a = body[i - 1]!;
    const b = body[i]!;
    if (full(a.line) && a.page === b.page) starts.set(Math.round(b.line.x0), (starts.get(Math.round(b.line.x0)) ?? 0) + 1);
  }
  let left = Infinity;
  let most = 0;
  for (const [x, n] of starts) if (n > most || (n === most && x < left)) [left, most] = [x, n];

  // Which line continues the one before (the same paragraph): the one before is full (it reaches
  // the right margin, unless it ends a sentence well short of it) and this one starts at the left
  // margin (a paragraph's first line is indented).
  const continues = (a: Line, b: Line, samePage: boolean) =>
    a.cells === 1 &&
    b.cells === 1 &&
    Math.abs(a.size - b.size) <= 0.6 &&
    full(a) &&
    !(a.x1 < right - 1.5 * a.size && /[。！？!?]$/.test(a.text)) &&
    Math.abs(b.x0 - left) <= 0.5 * b.size &&
    (!samePage || (b.y - a.y > 0 && b.y - a.y <= 2.2 * b.size));

  // Typical line pitch within paragraphs and between them (for blank lines between paragraphs).
  const pitch: number[] = [];
  const paraGap: number[] = [];
  for (let i = 1; i < blocks.length; i++) {
    const a = blocks[i - 1]!;
    const b = blocks[i]!;
    if (a.kind !== 'line' || b.kind !== 'line' || a.page !== b.page || Math.abs(a.line.size - bodySize) > 0.6 || Math.abs(b.line.size - bodySize) > 0.6) continue;
    (continues(a.line, b.line, true) ? pitch : paraGap).push(b.line.y - a.line.y);
  }
  const p = median(pitch) ?? 1.5 * bodySize;
  const q = median(paraGap) ?? p;
  const blankGap = Math.max(1.6 * p, q + 0.6 * p);

  // The title: the run of lines in the largest type before the first heading.
  const titleLines = new Set<Block>();
  const headingAt = blocks.findIndex((b) => b.kind === 'line' && matchHeading(b.line.text, new Set(), 0) !== null);
  const before = blocks.slice(0, headingAt < 0 ? Math.min(blocks.length, 40) : headingAt);
  const big = Math.max(...before.map((b) => (b.kind === 'line' ? b.line.size : 0)), 0);
  if (big >= 1.2 * bodySize) {
    const start = before.findIndex((b) => b.kind === 'line' && b.line.size >= big - 0.6);
    for (let i = start; i >= 0 && i < before.length; i++) {
      const b = before[i]!;
      if (b.kind !== 'line' || b.line.size < big - 0.6) break;
      titleLines.add(b);
    }
  }

  // Lines and tables in order; a table continued on the next page is one table.
  type Part = { kind: 'text'; text: string } | { kind: 'table'; table: TableBlock };
  const parts: Part[] = [];
  let prev: Block | null = null;
  let open: { table: TableBlock; firstRows: TCell[][] } | null = null;
  let title: string[] = [];
  const flushTitle = () => {
    if (title.length) parts.push({ kind: 'text', text: joinTitleLines(title) });
    title = [];
  };
  for (const b of blocks) {
    if (titleLines.has(b) && b.kind === 'line') {
      title.push(b.line.text);
      prev = b;
      continue;
    }
    flushTitle();
    if (b.kind === 'table') {
      if (open && prev === open.table && b.top && b.page === open.table.page + 1 && sameColumns(open.table.xs, b.xs)) {
        continueTable(open.table, b, open.firstRows);
      } else {
        const table: TableBlock = { ...b, rows: b.rows.map((r) => r.map((x) => ({ ...x }))) };
        open = { table, firstRows: b.rows };
        parts.push({ kind: 'table', table });
      }
      prev = open.table;
      continue;
    }
    const line = b.line;
    const last = parts[parts.length - 1];
    if (prev && prev.kind === 'line' && !titleLines.has(prev) && last?.kind === 'text') {
      const samePage = prev.page === b.page;
      if (continues(prev.line, line, samePage)) {
        last.text = joinText(last.text, line.text.trim());
        prev = b;
        continue;
      }
      if (samePage && line.y - prev.line.y > blankGap) parts.push({ kind: 'text', text: '' });
    }
    parts.push({ kind: 'text', text: line.text });
    prev = b;
  }
  flushTitle();
  const out: string[] = [];
  for (const part of parts) {
    if (part.kind === 'text') {
      out.push(part.text);
      continue;
    }
    if (out.length && out[out.length - 1] !== '') out.push('');
    for (const row of part.table.rows) {
      for (const x of row) out.push(`\t${x.text}`);
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The bytes with the references to embedded font programs blanked out (same length); null if there are none. */
export function unlinkFontPrograms(b: Uint8Array): Uint8Array | null {
  const buf = Buffer.from(b);
  const key = Buffer.from('/FontFile');
  let found = false;
  for (let i = buf.indexOf(key); i !== -1; i = buf.indexOf(key, i + key.length)) {
    let j = i + key.length;
    if (buf[j] === 0x32 || buf[j] === 0x33) j++; // FontFile2, FontFile3
    const m = /^\s+\d+\s+\d+\s+R/.exec(buf.subarray(j, j + 32).toString('latin1'));
    if (!m) continue;
    buf.fill(0x20, i, j + m[0].length);
    found = true;
  }
  // pdf.js wants a plain Uint8Array (and takes ownership of its buffer).
  return found ? new Uint8Array(buf.buffer, buf.byteOffset, buf.length) : null;
}

/** A pdf.js failure in Chinese. */
function pdfError(e: EngineError | undefined): ReportInputError {
  const name = e?.name;
  if (name === 'PasswordException') return new ReportInputError('该 PDF 设置了打开密码，无法读取；请提供没有密码的版本');
  if (name === 'InvalidPDFException') return new ReportInputError('PDF 文件已损坏，无法读取');
  return new ReportInputError('PDF 文件已损坏或格式不受支持，无法读取');
}

export interface PdfText {
  text: string;
  /** The document title from the PDF's properties (for a page with no title line). */
  title: string | null;
  notes: string[];
}

/** Text of an extraction, or null when it has no text layer. */
function layout(x: Extracted): PdfText | null {
  if (x.chars - x.bad < 10) return null;
  const notes = new Set<string>();
  const blocks = x.pages.map((p) => pageBlocks(p, notes));
  dropRunningLines(x.pages, blocks);
  const empty = x.pages.filter((p) => p.words.length === 0).map((p) => p.n);
  const out = [...notes];
  if (empty.length) out.unshift(`PDF 第${empty.join('、')}页没有文字（可能是扫描页或图片），未读取`);
  if (x.read < x.total) out.push(`PDF 共${x.total}页，只读取了前${x.read}页`);
  return { text: blocksToText(blocks), title: x.title, notes: out };
}

/** Whether an extraction's text is usable (characters mapped to Unicode). */
const clean = (x: Extracted) => x.chars > 0 && x.bad * 100 <= x.chars;

/**
 * The text of a PDF laid out for the text importer. `accept` tells whether a text is a report
 * (parses); when the quick reading (font programs unlinked) gives no usable text or no report, the
 * PDF is read again in full. Throws ReportInputError (no text layer, password, damaged file).
 */
export async function pdfToText<T>(bytes: Uint8Array, accept: (t: PdfText) => T): Promise<T> {
  const quick = unlinkFontPrograms(bytes);
  if (quick) {
    const x = await extract(quick);
    const t = clean(x) ? layout(x) : null;
    if (t) {
      try {
        return accept(t);
      } catch (e) {
        if (!(e instanceof ReportInputError)) throw e;
        // No report in the quick reading: read the PDF in full before saying so.
      }
    }
  }
  const x = await extract(new Uint8Array(bytes));
  const t = layout(x);
  if (!t) throw new ReportInputError(NO_TEXT_LAYER);
  if (!clean(x)) t.notes.push('PDF 中有部分文字无法识别（字体没有字符对照表），可能显示为乱码');
  return accept(t);
}

/** Stops the pdf.js thread (PDFs being read fail; a later PDF starts a new thread). */
export async function closePdfImporter(): Promise<void> {
  const t = thread;
  thread = null;
  if (t) {
    lose(t, 'PDF 读取已中止');
    await t.worker.terminate();
  }
}
