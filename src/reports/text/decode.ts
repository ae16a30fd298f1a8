/**
 * Bytes of an uploaded or given report file to text: UTF-8 (BOM stripped), UTF-16 with a BOM,
 * else GB18030 (a superset of GBK, which many Chinese offices still save in). Files that are not
 * text — empty, binary, a Word/zip, PDF or image file, too large — are refused with one Chinese
 * line (ReportInputError). Line endings come out as \n.
 */
import { ReportInputError } from '../errors.js';

export interface DecodeOptions {
  /** Largest accepted file in bytes (default 64 MiB). */
  maxBytes?: number;
}

export interface DecodedText {
  text: string;
  /** 'utf-8', 'utf-16le', 'utf-16be' or 'gb18030'. */
  encoding: string;
  /** Notes for the user in Chinese (e.g. that the file was read as GB18030/GBK). */
  notes: string[];
}

export const DEFAULT_MAX_REPORT_BYTES = 64 * 1024 * 1024;

const TEXT_ONLY = '此命令读取文本格式的年度报告';

interface Signature {
  bytes: readonly (number | null)[];
  offset?: number;
  message: string;
}

/** Magic numbers of the files people upload by mistake (null = any byte). */
const SIGNATURES: readonly Signature[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], message: `这是 Word/Excel（.docx/.xlsx）或 zip 压缩文件，不是文本文件；${TEXT_ONLY}（.docx 导入以后提供），请先另存为纯文本（.txt）` },
  { bytes: [0x50, 0x4b, 0x05, 0x06], message: `这是空的 zip 压缩文件，不是文本文件；${TEXT_ONLY}` },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], message: `这是旧版 Word/Excel（.doc/.xls）文件，不是文本文件；${TEXT_ONLY}，请先另存为纯文本（.txt）` },
  { bytes: [0x25, 0x50, 0x44, 0x46], message: `这是 PDF 文件，不是文本文件；${TEXT_ONLY}（PDF 导入以后提供），请先把内容复制为纯文本（.txt）` },
  { bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66], message: `这是 RTF 文件，不是纯文本文件；${TEXT_ONLY}，请先另存为纯文本（.txt）` },
  { bytes: [0x89, 0x50, 0x4e, 0x47], message: `这是图片文件（PNG），不是文本文件；${TEXT_ONLY}` },
  { bytes: [0xff, 0xd8, 0xff], message: `这是图片文件（JPEG），不是文本文件；${TEXT_ONLY}` },
  { bytes: [0x47, 0x49, 0x46, 0x38], message: `这是图片文件（GIF），不是文本文件；${TEXT_ONLY}` },
  { bytes: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50], message: `这是图片文件（WebP），不是文本文件；${TEXT_ONLY}` },
  { bytes: [0x49, 0x49, 0x2a, 0x00], message: `这是图片文件（TIFF），不是文本文件；${TEXT_ONLY}` },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], message: `这是图片文件（TIFF），不是文本文件；${TEXT_ONLY}` },
  { bytes: [0x42, 0x4d, null, null, null, null, 0x00, 0x00, 0x00, 0x00], message: `这是图片文件（BMP），不是文本文件；${TEXT_ONLY}` },
  { bytes: [0x1f, 0x8b], message: `这是 gzip 压缩文件，不是文本文件；${TEXT_ONLY}，请先解压` },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], message: `这是 7z 压缩文件，不是文本文件；${TEXT_ONLY}，请先解压` },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], message: `这是 RAR 压缩文件，不是文本文件；${TEXT_ONLY}，请先解压` },
];

function startsWith(buf: Uint8Array, sig: readonly (number | null)[]): boolean {
  if (buf.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (sig[i] !== null && buf[i] !== sig[i]) return false;
  return true;
}

function mib(n: number): string {
  const v = n / (1024 * 1024);
  return v >= 10 ? `${Math.round(v)} MiB` : v >= 0.1 ? `${v.toFixed(1)} MiB` : `${n} 字节`;
}

/** Decodes the bytes of a text report; throws ReportInputError when they are not a text. */
export function decodeReportBytes(buf: Uint8Array, opts: DecodeOptions = {}): DecodedText {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_REPORT_BYTES;
  if (buf.length > maxBytes) throw new ReportInputError(`文件过大：${mib(buf.length)}，上限为 ${mib(maxBytes)}`);
  if (buf.length === 0) throw new ReportInputError('文件是空的（0 字节）');

  let text: string;
  let encoding: string;
  const notes: string[] = [];
  if (startsWith(buf, [0xff, 0xfe]) || startsWith(buf, [0xfe, 0xff])) {
    encoding = buf[0] === 0xff ? 'utf-16le' : 'utf-16be';
    if (buf.length % 2 !== 0) throw new ReportInputError(`文件以 UTF-16 标记开头，但长度不是偶数字节，已损坏或不是文本`);
    try {
      text = new TextDecoder(encoding, { fatal: true }).decode(buf);
    } catch {
      throw new ReportInputError('文件以 UTF-16 标记开头，但内容不是有效的 UTF-16 文本');
    }
    notes.push(`按 ${encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE'} 解码`);
    if (controlRatioTooHigh(text)) throw new ReportInputError('文件含有大量控制字符，不是文本文件');
  } else {
    for (const s of SIGNATURES) if (startsWith(buf, s.bytes)) throw new ReportInputError(s.message);
    if (buf.indexOf(0) !== -1) throw new ReportInputError('这是二进制文件（含有 NUL 字节），不是文本文件；此命令读取文本格式的年度报告');
    if (binaryBytes(buf)) throw new ReportInputError('文件含有大量控制字符，看来是二进制文件而不是文本文件');
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf); // strips a BOM
      encoding = 'utf-8';
    } catch {
      // A UTF-8 file with a few bad bytes (cut in the middle of a character, a stray byte) is still
      // UTF-8: read as GB18030 it would turn entirely into plausible-looking wrong characters.
      const lenient = new TextDecoder('utf-8').decode(buf);
      const bad = countReplacements(lenient);
      const nonAscii = nonAsciiCount(lenient);
      if (bad * 50 < nonAscii || (bad <= 3 && bad * 10 <= nonAscii)) {
        notes.push(`有${bad}处字节不是有效的 UTF-8，已替换为“\ufffd”`);
        text = lenient;
        encoding = 'utf-8';
        return finish(text, encoding, notes);
      }
      try {
        text = new TextDecoder('gb18030', { fatal: true }).decode(buf);
      } catch {
        throw new ReportInputError('无法解码：既不是有效的 UTF-8，也不是 GB18030/GBK 编码的文本');
      }
      if (looksLikeGarbage(text)) throw new ReportInputError('无法解码：不是有效的 UTF-8，按 GB18030/GBK 解码得到的是乱码');
      encoding = 'gb18030';
      notes.push('按 GB18030/GBK 解码');
    }
  }
  return finish(text, encoding, notes);
}

function finish(text: string, encoding: string, notes: string[]): DecodedText {
  if (text.trim() === '') throw new ReportInputError('文件只有空白字符，没有内容');
  if (text.indexOf('\r') !== -1) text = text.replace(/\r\n?/g, '\n');
  return { text, encoding, notes };
}

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

function nonAsciiCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) n++;
  return n;
}

/** Control bytes other than tab, newline, carriage return, form feed, vertical tab and ESC, in the first 64 KiB. */
function binaryBytes(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 65536);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x0b && b !== 0x1b) || b === 0x7f) bad++;
  }
  return bad > 8 && bad * 100 > n;
}

function controlRatioTooHigh(text: string): boolean {
  const n = Math.min(text.length, 65536);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x0b) || c === 0x7f) bad++;
  }
  return bad > 8 && bad * 100 > n;
}

/**
 * GB18030 decodes almost any byte sequence without error, so a wrong guess shows as text made of
 * replacement characters, private-use code points and rare CJK extension characters rather than
 * the common characters of an official document.
 */
function looksLikeGarbage(text: string): boolean {
  const n = Math.min(text.length, 65536);
  let odd = 0;
  let cjk = 0;
  let nonAscii = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    nonAscii++;
    if (c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff) || (c >= 0xd800 && c <= 0xdfff) || (c >= 0x3400 && c <= 0x4dbf)) odd++;
    else if (c >= 0x4e00 && c <= 0x9fff) cjk++;
  }
  if (nonAscii === 0) return false;
  return odd * 20 > nonAscii || (nonAscii >= 20 && cjk * 2 < nonAscii);
}
