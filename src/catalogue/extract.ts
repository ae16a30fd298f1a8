/**
 * Text of a catalogue attachment, for search (catalogue_files.text). Best effort and never fatal:
 * whatever cannot be read gives null, and the file is stored all the same.
 *
 * - plain text: as is (the sniffer accepted only valid UTF-8);
 * - .docx: the text runs of word/document.xml (paragraphs, tabs and breaks kept as white space);
 * - .xlsx: the shared strings (the cells' texts);
 * - PDF: pdf-parse (pdfjs) in a worker thread with a time and memory limit, so that a hostile or
 *   broken PDF cannot stall or exhaust the server; the Adobe CMaps bundled with pdfjs decode
 *   Chinese text in the standard CJK encodings;
 * - images, OFD: null (no OCR).
 *
 * The zip entries are inflated only after the sniffer's zip-bomb checks passed, and bounded again
 * here (MAX_XML_BYTES).
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileKind } from '../attachments/sniff.js';
import { readZipEntry } from '../attachments/zip.js';

/** Longest text kept per file (a longer one is cut). */
export const MAX_TEXT_CHARS = 500_000;
/** Largest XML part of an Office file inflated for its text. */
export const MAX_XML_BYTES = 32 * 1024 * 1024;
/** Pages of a PDF read at most. */
export const MAX_PDF_PAGES = 300;
/** A PDF worker taking longer is stopped (the text is then null). */
export const PDF_TIMEOUT_MS = 20_000;
/** Heap of a PDF worker. */
const PDF_WORKER_HEAP_MB = 512;
/** PDF workers running at once (uploads beyond wait for a free one). */
const PDF_WORKERS = 2;

export async function extractText(kind: FileKind, bytes: Uint8Array): Promise<string | null> {
  try {
    let text: string | null;
    switch (kind.ext) {
      case 'txt':
        text = new TextDecoder('utf-8').decode(bytes);
        break;
      case 'docx':
        text = docxText(bytes);
        break;
      case 'xlsx':
        text = xlsxText(bytes);
        break;
      case 'pdf':
        text = await pdfText(bytes);
        break;
      default:
        text = null;
    }
    return tidy(text);
  } catch {
    return null;
  }
}

/** Normalised line ends, no NUL (PostgreSQL text refuses it), trimmed, bounded; '' → null. */
function tidy(text: string | null): string | null {
  if (text === null) return null;
  const t = text.replace(/\r\n?/g, '\n').replace(/\u0000/g, '').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  if (!t) return null;
  return t.length > MAX_TEXT_CHARS ? t.slice(0, MAX_TEXT_CHARS) : t;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[e] ?? m;
  });
}

/** The text of a WordprocessingML document: <w:t> runs; <w:p> ends a line; tabs and breaks. */
export function docxText(bytes: Uint8Array): string | null {
  const xml = readZipEntry(bytes, 'word/document.xml', MAX_XML_BYTES);
  if (!xml) return null;
  const s = xml.toString('utf8');
  const out: string[] = [];
  // One pass over the tags that matter; everything else (properties, drawings) is skipped.
  const re = /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:(?:br|cr)(?:\s[^>]*)?\/>|<\/w:p>/g;
  for (const m of s.matchAll(re)) {
    if (m[1] !== undefined) out.push(decodeXml(m[1]));
    else if (m[0] === '<w:tab/>') out.push('\t');
    else out.push('\n');
  }
  return out.join('');
}

/** The shared strings of a workbook (the texts of its cells), one per line. */
export function xlsxText(bytes: Uint8Array): string | null {
  const xml = readZipEntry(bytes, 'xl/sharedStrings.xml', MAX_XML_BYTES);
  if (!xml) return null;
  const out: string[] = [];
  for (const si of xml.toString('utf8').matchAll(/<si>([\s\S]*?)<\/si>/g)) {
    out.push([...si[1]!.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((t) => decodeXml(t[1]!)).join(''));
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// PDF, in a worker thread

/**
 * The worker's code (CommonJS, evaluated): loads pdf-parse from the path the parent resolved,
 * reads the text of the first pages and posts it back. pdfjs's eval-based font code is off.
 */
const PDF_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const path = require('node:path');
(async () => {
  const { PDFParse } = await import(workerData.moduleUrl);
  const pdfjs = path.dirname(createRequire(workerData.modulePath).resolve('pdfjs-dist/package.json'));
  const parser = new PDFParse({
    data: workerData.bytes,
    cMapUrl: path.join(pdfjs, 'cmaps') + path.sep,
    cMapPacked: true,
    standardFontDataUrl: path.join(pdfjs, 'standard_fonts') + path.sep,
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  });
  try {
    const r = await parser.getText({ first: workerData.maxPages, pageJoiner: '\\n' });
    parentPort.postMessage({ text: r.text });
  } finally {
    await parser.destroy();
  }
})().catch((e) => parentPort.postMessage({ error: String((e && e.message) || e) }));
`;

let pdfModule: { url: string; path: string } | null | undefined;

/** Where pdf-parse is (null if it is not installed: PDFs then get no text). */
function pdfParseModule(): { url: string; path: string } | null {
  if (pdfModule === undefined) {
    try {
      const url = import.meta.resolve('pdf-parse');
      pdfModule = { url, path: fileURLToPath(url) };
    } catch {
      pdfModule = null;
    }
  }
  return pdfModule;
}

let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(f: () => Promise<T>): Promise<T> {
  if (running >= PDF_WORKERS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await f();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export async function pdfText(bytes: Uint8Array): Promise<string | null> {
  const mod = pdfParseModule();
  if (!mod) return null;
  return slot(
    () =>
      new Promise<string | null>((resolve) => {
        const worker = new Worker(PDF_WORKER_SOURCE, {
          eval: true,
          workerData: { bytes: new Uint8Array(bytes), moduleUrl: mod.url, modulePath: mod.path, maxPages: MAX_PDF_PAGES },
          resourceLimits: { maxOldGenerationSizeMb: PDF_WORKER_HEAP_MB },
          stdout: true,
          stderr: true,
        });
        // pdfjs may warn on stdout/stderr about odd files: not the server's log.
        worker.stdout.resume();
        worker.stderr.resume();
        let settled = false;
        const done = (text: string | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(text);
          void worker.terminate();
        };
        const timer = setTimeout(() => done(null), PDF_TIMEOUT_MS);
        worker.on('message', (m: { text?: unknown }) => done(typeof m.text === 'string' ? m.text : null));
        worker.on('error', () => done(null));
        worker.on('exit', () => done(null));
      }),
  );
}
