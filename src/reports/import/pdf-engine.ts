/**
 * The pdf.js side of the PDF importer (pdf.ts), run in a worker thread of its own: a PDF's words
 * with their positions and the rules (lines) drawn on its pages, nothing more (the rules read by
 * pdf-rules.ts from the content streams, or else from pdf.js's operator list). pdf.ts rebuilds
 * the tables and paragraphs from them.
 *
 * Why a worker thread: pdf.js's Node build (the legacy build, which pdf-parse 2 loads) installs
 * core-js polyfills process-wide when it loads — among them Array.prototype.push and JSON.parse,
 * about ten times slower than the engine's own — and it runs in the calling thread: a hostile PDF
 * could hold it. In a thread of its own it slows nothing else, and a PDF that takes too long or
 * too much memory only costs that thread (pdf.ts stops it and starts another).
 *
 * pdf.js is the copy pdf-parse depends on (resolved from pdf-parse, so the two never differ),
 * loaded once per thread, with one pdf.js worker for every document.
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ContentRules, RuleCollector, apply, multiply, type Matrix } from './pdf-rules.js';


/** Pages read at most (a report has a handful). */
export const MAX_PDF_PAGES = 300;

// ---------------------------------------------------------------------------------------------
// What the engine gives: all positions in points, origin top left, y downwards.

export interface Word {
  s: string;
  x0: number;
  x1: number;
  /** Baseline. */
  y: number;
  size: number;
}

export interface HRule {
  y: number;
  x0: number;
  x1: number;
}

export interface VRule {
  x: number;
  y0: number;
  y1: number;
}

export interface PageText {
  n: number;
  width: number;
  height: number;
  words: Word[];
  hs: HRule[];
  vs: VRule[];
}

export interface Extracted {
  pages: PageText[];
  /** The document title of the PDF's properties. */
  title: string | null;
  /** Characters of text, and how many of them could not be mapped to Unicode. */
  chars: number;
  bad: number;
  /** Pages in the document, and pages read. */
  total: number;
  read: number;
}

/** A failure of pdf.js, by the name of its exception (PasswordException, InvalidPDFException …). */
export interface EngineError {
  name: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// pdf.js, loaded once


interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

interface PdfPage {
  getViewport(o: { scale: number }): { transform: number[]; width: number; height: number };
  getTextContent(): Promise<{ items: unknown[] }>;
  getOperatorList(o?: { annotationMode?: number; intent?: string }): Promise<{ fnArray: number[]; argsArray: unknown[] }>;
  cleanup(): void;
}

interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<PdfPage>;
  getMetadata(): Promise<{ info: unknown }>;
  destroy(): Promise<void>;
}

interface PdfJs {
  getDocument(params: Record<string, unknown>): { promise: Promise<PdfDocument>; destroy(): Promise<void> };
  PDFWorker: new (params: { name: string }) => { destroyed: boolean; destroy(): void };
  OPS: Record<string, number>;
}

interface Lib {
  pdfjs: PdfJs;
  worker: { destroyed: boolean; destroy(): void };
  cMapUrl: string;
  standardFontDataUrl: string;
}

let loaded: Promise<Lib> | null = null;

/**
 * The engine's own built-ins that pdf.js's polyfills replace although they work: kept before
 * pdf.js loads and put back after (in this thread, where only pdf.js runs), since the polyfills
 * are many times slower — pdf.js itself then runs faster too.
 */
const NATIVE = { push: Object.getOwnPropertyDescriptor(Array.prototype, 'push')!, parse: Object.getOwnPropertyDescriptor(JSON, 'parse')! };

/** pdf.js as pdf-parse resolves it (the same copy), with a worker for every document. */
function lib(): Promise<Lib> {
  if (!loaded) {
    loaded = (async () => {
      const req = createRequire(fileURLToPath(import.meta.resolve('pdf-parse')));
      const pdfjs = (await import(pathToFileURL(req.resolve('pdfjs-dist/legacy/build/pdf.mjs')).href)) as PdfJs;
      // The pdf.js worker code (run in this thread by pdf.js's "fake worker") brings its own copy
      // of the polyfills: loaded now, so that they are undone below too.
      await import(pathToFileURL(req.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs')).href);
      Object.defineProperty(Array.prototype, 'push', NATIVE.push);
      Object.defineProperty(JSON, 'parse', NATIVE.parse);
      const root = dirname(req.resolve('pdfjs-dist/package.json'));
      return {
        pdfjs,
        worker: new pdfjs.PDFWorker({ name: 'gongkai-report-import' }),
        cMapUrl: join(root, 'cmaps') + sep,
        standardFontDataUrl: join(root, 'standard_fonts') + sep,
      };
    })();
    loaded.catch(() => {
      loaded = null;
    });
  }
  return loaded;
}

// ---------------------------------------------------------------------------------------------
// Rules

/** The rules of a page from pdf.js's operator list (when pdf-rules.ts cannot read the page itself). */
function rulesOf(ops: { fnArray: number[]; argsArray: unknown[] }, OPS: Record<string, number>, view: readonly number[]): { hs: HRule[]; vs: VRule[] } {
  const out = new RuleCollector();
  const FILL = new Set([OPS.fill, OPS.eoFill]);
  const STROKE = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform && args) ctm = multiply(ctm, args as number[]);
    else if (fn === OPS.paintFormXObjectBegin && args) {
      stack.push(ctm);
      if (Array.isArray(args[0]) || ArrayBuffer.isView(args[0])) ctm = multiply(ctm, Array.from(args[0] as ArrayLike<number>));
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.constructPath && args) {
      const paint = args[0] as number;
      const fill = FILL.has(paint);
      const stroke = STROKE.has(paint);
      if (!fill && !stroke) continue;
      const data = (args[1] as ArrayLike<number>[] | null)?.[0];
      if (!data) continue;
      const m = multiply(view, ctm);
      // Subpaths as lists of points (pdf.js's path data: moveTo 0, lineTo 1, curveTo 2, closePath 3).
      let pts: [number, number][] = [];
      let curve = false;
      const flush = (closed: boolean) => {
        out.subpath(pts, closed, curve, fill, stroke);
        pts = [];
        curve = false;
      };
      for (let k = 0; k < data.length; ) {
        const op = data[k]!;
        if (op === 0) {
          flush(false);
          pts.push(apply(m, data[k + 1]!, data[k + 2]!));
          k += 3;
        } else if (op === 1) {
          pts.push(apply(m, data[k + 1]!, data[k + 2]!));
          k += 3;
        } else if (op === 2) {
          curve = true;
          pts.push(apply(m, data[k + 5]!, data[k + 6]!));
          k += 7;
        } else if (op === 3) {
          flush(true);
          k += 1;
        } else break;
      }
      flush(false);
    }
  }
  return { hs: out.hs, vs: out.vs };
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Characters that mean a font's text could not be mapped to Unicode. */
function badChars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff) || c < 0x09 || (c > 0x0d && c < 0x20)) n++;
  }
  return n;
}

/** Reads a PDF's words and rules (pdf.js exceptions are thrown as they are). */
export async function extractPdf(bytes: Uint8Array): Promise<Extracted> {
  const { pdfjs, worker, cMapUrl, standardFontDataUrl } = await lib();
  // The rules are read from the content streams where possible (pdf-rules.ts); pdf.js takes a
  // copy of the bytes (it may take over their buffer).
  const contentRules = ContentRules.open(bytes);
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    worker: worker.destroyed ? undefined : worker,
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    cMapUrl,
    cMapPacked: true,
    standardFontDataUrl,
    stopAtErrors: false,
  });
  let doc: PdfDocument;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy().catch(() => undefined);
    throw e;
  }
  try {
    const out: Extracted = { pages: [], title: null, chars: 0, bad: 0, total: doc.numPages, read: Math.min(doc.numPages, MAX_PDF_PAGES) };
    try {
      const info = (await doc.getMetadata()).info as { Title?: unknown } | null;
      if (info && typeof info.Title === 'string') out.title = info.Title;
    } catch {
      // no document information: no fallback title
    }
    for (let n = 1; n <= out.read; n++) {
      const page = await doc.getPage(n);
      const vp = page.getViewport({ scale: 1 });
      const tc = await page.getTextContent();
      const words: Word[] = [];
      let short = 0;
      for (const it of tc.items as TextItem[]) {
        if (typeof it.str !== 'string' || it.str.trim() === '') continue;
        const t = it.transform;
        // Horizontal text only (vertical text is not what report tables hold).
        if (Math.abs(t[1]!) > Math.abs(t[0]!) + 0.01) continue;
        const [x, y] = apply(vp.transform, t[4]!, t[5]!);
        const size = Math.hypot(t[2]!, t[3]!) || it.height || 10;
        words.push({ s: it.str, x0: x, x1: x + it.width, y, size });
        out.chars += it.str.length;
        out.bad += badChars(it.str);
        if (it.str.trim().length <= 12) short++;
      }
      // Rules only where there may be a table (many short pieces of text): prose pages and
      // pages with images only are not drawn again.
      let hs: HRule[] = [];
      let vs: VRule[] = [];
      if (short >= 8) {
        ({ hs, vs } = contentRules?.rules(n, vp.transform) ?? rulesOf(await page.getOperatorList({ annotationMode: 0, intent: 'print' }), pdfjs.OPS, vp.transform));
      }
      out.pages.push({ n, width: vp.width, height: vp.height, words, hs, vs });
      page.cleanup();
    }
    return out;
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}


/**
 * The rules of every page, read one way: from the content streams (pdf-rules.ts) or from pdf.js's
 * operator list — the two must agree (the tests compare them).
 */
export async function readPdfRules(bytes: Uint8Array, via: 'content' | 'pdfjs'): Promise<{ hs: HRule[]; vs: VRule[] }[]> {
  const { pdfjs, worker, cMapUrl, standardFontDataUrl } = await lib();
  const contentRules = via === 'content' ? ContentRules.open(bytes) : null;
  if (via === 'content' && !contentRules) throw new Error('the content streams cannot be read');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), worker, verbosity: 0, isEvalSupported: false, cMapUrl, cMapPacked: true, standardFontDataUrl }).promise;
  try {
    const out: { hs: HRule[]; vs: VRule[] }[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const view = page.getViewport({ scale: 1 }).transform;
      const r = contentRules ? contentRules.rules(n, view) : rulesOf(await page.getOperatorList({ annotationMode: 0, intent: 'print' }), pdfjs.OPS, view);
      if (!r) throw new Error(`page ${n}: the content stream cannot be read`);
      out.push(r);
    }
    return out;
  } finally {
    await doc.destroy();
  }
}
