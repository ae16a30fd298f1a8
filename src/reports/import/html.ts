/**
 * An HTML page → the text layout the text importer reads (one table cell per line).
 *
 * Decoding: a byte-order mark (UTF-8, UTF-16) wins; then the charset the page declares
 * (<meta charset>, <meta http-equiv="Content-Type" content="…; charset=gb2312">, <?xml encoding>)
 * for UTF-8, the GB family (gb2312/gbk/gb18030, read as GB18030) and Big5; a declaration the
 * bytes contradict (a page saved as UTF-8 that still says gb2312) is overruled, with a note; with
 * no usable declaration the text detection of the text importer decides (UTF-8, else GB18030).
 *
 * Layout: htmlToText (export/html-text.ts) — cells on lines of their own (&nbsp; cells are blank
 * cells, a cell merged over several rows appears once), layout tables as flow, <nav> left out —
 * then trim.ts cuts the page to the report (navigation above the title, footer below section 六)
 * and uses the page's <title> when the body has no title line.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { ReportInputError } from '../errors.js';
import { decodeEntities, htmlToText } from '../export/html-text.js';
import { decodeReportBytes } from '../text/decode.js';
import { trimToReport } from './trim.js';

export interface DecodedHtml {
  html: string;
  /** 'utf-8', 'gb18030', 'big5', 'utf-16le' or 'utf-16be'. */
  encoding: string;
  notes: string[];
}

const LABELS: Record<string, string> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  gb2312: 'gb18030',
  gbk: 'gb18030',
  gb18030: 'gb18030',
  'x-gbk': 'gb18030',
  cp936: 'gb18030',
  'windows-936': 'gb18030',
  chinese: 'gb18030',
  csgb2312: 'gb18030',
  'euc-cn': 'gb18030',
  'gb_2312-80': 'gb18030',
  'iso-ir-58': 'gb18030',
  big5: 'big5',
  'big5-hkscs': 'big5',
  'x-x-big5': 'big5',
  'cn-big5': 'big5',
};

const NAMES: Record<string, string> = { 'utf-8': 'UTF-8', gb18030: 'GB18030/GBK', big5: 'Big5', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE' };

/** The charset a page declares in its first 4 KiB, as written (lower case), or null. */
export function declaredCharset(b: Uint8Array): string | null {
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 4096)).toString('latin1');
  const meta = /<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(head);
  if (meta) return meta[1]!.toLowerCase();
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)/i.exec(head);
  return xml ? xml[1]!.toLowerCase() : null;
}

function tryDecode(b: Uint8Array, encoding: string): string | null {
  if (encoding === 'utf-8') {
    if (!isUtf8(b)) return null;
    const s = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
    return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  }
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(b);
  } catch {
    return null;
  }
}

/** The page's text (see the file comment). `utf16` is the UTF-16 sniffed by detect.ts for a page without a byte-order mark. */
export function decodeHtml(b: Uint8Array, opts: { maxBytes: number; utf16?: 'utf-16le' | 'utf-16be' | null }): DecodedHtml {
  const notes: string[] = [];
  const bom = (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) || (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff);
  if (!bom && opts.utf16) {
    const html = tryDecode(b, opts.utf16);
    if (html === null || b.length % 2 !== 0) throw new ReportInputError(`网页像是 ${NAMES[opts.utf16]} 编码，但内容不是有效的 UTF-16 文本`);
    notes.push(`按 ${NAMES[opts.utf16]} 解码`);
    return { html, encoding: opts.utf16, notes };
  }
  if (!bom) {
    const label = declaredCharset(b);
    const declared = label ? (LABELS[label] ?? null) : null;
    if (declared === 'utf-8' || (declared !== null && isAscii(b))) {
      const html = tryDecode(b, 'utf-8');
      if (html !== null) return { html, encoding: 'utf-8', notes };
    } else if (declared !== null) {
      // A page saved as UTF-8 that still declares gb2312 (common after a site migration): valid
      // UTF-8 with Chinese in it is not GBK.
      const utf8 = tryDecode(b, 'utf-8');
      if (utf8 !== null) {
        notes.push(`网页声明的编码为 ${label}，但内容是 UTF-8，已按 UTF-8 解码`);
        return { html: utf8, encoding: 'utf-8', notes };
      }
      const html = tryDecode(b, declared);
      if (html !== null) {
        notes.push(`按网页声明的编码 ${label} 解码`);
        return { html, encoding: declared, notes };
      }
    }
    const d = decodeReportBytes(b, { maxBytes: opts.maxBytes });
    if (label && (declared === null || d.encoding !== declared)) {
      notes.push(`网页声明的编码 ${label} ${declared === null ? '不受支持' : '与内容不符'}，已按 ${NAMES[d.encoding] ?? d.encoding} 解码`);
    } else notes.push(...d.notes);
    return { html: d.text, encoding: d.encoding, notes };
  }
  const d = decodeReportBytes(b, { maxBytes: opts.maxBytes });
  return { html: d.text, encoding: d.encoding, notes: d.notes };
}

/** The page's own title (<title>), entities decoded, or null. */
export function htmlTitle(html: string): string | null {
  const m = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html.length > 200_000 ? html.slice(0, 200_000) : html);
  if (!m) return null;
  const t = decodeEntities(m[1]!.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}

/** The report's text in a page, cut to the report, and what was left out. */
export function htmlReportText(html: string): { text: string; notes: string[] } {
  return trimToReport(htmlToText(html), '网页', htmlTitle(html));
}
