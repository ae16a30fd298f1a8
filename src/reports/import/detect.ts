/**
 * What kind of document a report file is, by its content (the file name is only a hint for the
 * message): a Word .docx (a zip holding word/document.xml), a PDF, a report JSON, an HTML page
 * (in UTF-8, GBK/GB18030 or UTF-16) or else a text report. Files no importer reads — an old
 * binary .doc, other Office and zip files, images, archives, binary data — are refused with one
 * Chinese line saying what the file is and what to do (ReportInputError).
 */
import { ReportInputError } from '../errors.js';
import { readZipDirectory } from './zip.js';

export type ImportFormat = 'docx' | 'html' | 'pdf' | 'text' | 'json';

/** What the importers accept, for messages. */
export const ACCEPTED = '可以导入的格式：Word（.docx）、PDF（有文字层）、网页（.html）、文本（.txt）和报告 JSON';

interface Signature {
  bytes: readonly (number | null)[];
  message: string;
}

const SIGNATURES: readonly Signature[] = [
  { bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66], message: '不支持 RTF 文件，请用 Word 或 WPS 另存为 .docx 后再导入' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], message: '这是图片（PNG），不是年度报告文档；图片中的文字无法读取，请提供 .docx、PDF 或文本格式的报告' },
  { bytes: [0xff, 0xd8, 0xff], message: '这是图片（JPEG），不是年度报告文档；图片中的文字无法读取，请提供 .docx、PDF 或文本格式的报告' },
  { bytes: [0x47, 0x49, 0x46, 0x38], message: '这是图片（GIF），不是年度报告文档；请提供 .docx、PDF 或文本格式的报告' },
  { bytes: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50], message: '这是图片（WebP），不是年度报告文档；请提供 .docx、PDF 或文本格式的报告' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], message: '这是图片（TIFF），可能是扫描件，其中的文字无法读取；请提供 .docx、PDF 或文本格式的报告' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], message: '这是图片（TIFF），可能是扫描件，其中的文字无法读取；请提供 .docx、PDF 或文本格式的报告' },
  { bytes: [0x42, 0x4d, null, null, null, null, 0x00, 0x00, 0x00, 0x00], message: '这是图片（BMP），不是年度报告文档；请提供 .docx、PDF 或文本格式的报告' },
  { bytes: [0x1f, 0x8b], message: '这是 gzip 压缩文件，请先解压，再导入其中的报告文件' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], message: '这是 7z 压缩文件，请先解压，再导入其中的报告文件' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], message: '这是 RAR 压缩文件，请先解压，再导入其中的报告文件' },
];

const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(b: Uint8Array, sig: readonly (number | null)[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (sig[i] !== null && b[at + i] !== sig[i]) return false;
  return true;
}

const utf16 = (s: string) => Buffer.from(s, 'utf16le');

/** An OLE2 compound file (old Office, WPS, a password-protected Office file): what it holds. */
function oleMessage(b: Uint8Array): string {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf.indexOf(utf16('EncryptedPackage')) !== -1) return '这是设置了打开密码的 Office 文档，无法读取；请取消密码后另存为 .docx 再导入';
  if (buf.indexOf(utf16('WordDocument')) !== -1) return '不支持旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx 后再导入';
  if (buf.indexOf(utf16('Workbook')) !== -1 || buf.indexOf(utf16('Book')) !== -1) return '这是旧版 Excel（.xls）文件，不是年度报告文档；请把报告另存为 .docx 或 PDF 后再导入';
  if (buf.indexOf(utf16('PowerPoint Document')) !== -1) return '这是旧版 PowerPoint（.ppt）文件，不是年度报告文档';
  return '这是旧版 Office 格式（.doc/.xls/.wps 等）的文件，不支持；请另存为 .docx 后再导入';
}

/** A zip: a .docx, or what else it is. */
function zipFormat(b: Uint8Array, name: string | undefined): ImportFormat {
  let names: Set<string>;
  try {
    names = new Set(readZipDirectory(b).entries.keys());
  } catch (e) {
    if (e instanceof ReportInputError && /\.docx$/i.test(name ?? '')) throw new ReportInputError(`Word 文档（.docx）已损坏：${e.message.replace(/^文件已损坏：/, '')}`);
    throw e;
  }
  if (names.has('word/document.xml')) return 'docx';
  if (names.has('xl/workbook.xml')) throw new ReportInputError('这是 Excel（.xlsx）文件，不是年度报告文档；请把报告另存为 .docx 或 PDF 后再导入');
  if (names.has('ppt/presentation.xml')) throw new ReportInputError('这是 PowerPoint（.pptx）文件，不是年度报告文档');
  if (names.has('OFD.xml')) throw new ReportInputError('不支持 OFD 版式文件，请另存为 PDF 或 .docx 后再导入');
  if ([...names].some((n) => n.startsWith('word/'))) throw new ReportInputError('Word 文档（.docx）已损坏：缺少正文部分 word/document.xml');
  throw new ReportInputError(`这是 zip 压缩文件，不是 Word 文档；请解压后导入其中的报告文件（${ACCEPTED}）`);
}

/** UTF-16 without a byte-order mark: ASCII characters leave a NUL in every other byte. */
export function sniffUtf16(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  const n = Math.min(b.length & ~1, 4096);
  if (n < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) even++;
    if (b[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  // Chinese characters may have a zero byte too (一 is U+4E00): compare the two sides.
  if (odd * 5 >= pairs && even * 4 < odd) return 'utf-16le';
  if (even * 5 >= pairs && odd * 4 < even) return 'utf-16be';
  // Chinese text with hardly any ASCII: nearly every code unit a Chinese character, Chinese
  // punctuation or ASCII (random bytes give about one in three).
  if (even + odd === 0) return null;
  if (plausibleUtf16(b, n, true)) return 'utf-16le';
  if (plausibleUtf16(b, n, false)) return 'utf-16be';
  return null;
}

function plausibleUtf16(b: Uint8Array, n: number, le: boolean): boolean {
  let ok = 0;
  for (let i = 0; i < n; i += 2) {
    const u = le ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!;
    if ((u >= 0x4e00 && u <= 0x9fff) || (u >= 0x3000 && u <= 0x303f) || (u >= 0xff00 && u <= 0xffef) || (u >= 0x20 && u < 0x7f) || u === 0x0a || u === 0x0d || u === 0x09) ok++;
  }
  return ok * 100 >= (n / 2) * 95;
}

const HTML_START_RE =
  /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|h[1-6]|span|center|font|link|style|script|section|article|main|header|ul|ol|br|b|strong)(?=[\s/>])/i;
const HTML_INSIDE_RE = /<(?:html|body|table|p|div|br)(?=[\s/>])/i;

/** The first characters of a text file (ASCII markup is all that is looked for). */
function head(b: Uint8Array, enc: 'utf-16le' | 'utf-16be' | null): string {
  const slice = b.subarray(0, Math.min(b.length, 2048) & ~1);
  const s = enc ? new TextDecoder(enc).decode(slice) : Buffer.from(slice).toString('latin1');
  return s.replace(/^(?:\ufeff|ï»¿)/, '').replace(/^[\s\u0000]+/, '');
}

/**
 * Binary data: a NUL byte in the first 64 KiB (text other than UTF-16 has none). Text with many
 * other control characters is refused by the text decoder, which says so.
 */
function binary(b: Uint8Array): boolean {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 65536)).indexOf(0) !== -1;
}

export interface Sniffed {
  format: ImportFormat;
  /** UTF-16 text (with or without a byte-order mark). */
  utf16: 'utf-16le' | 'utf-16be' | null;
}

/** The format and, for text formats, whether the bytes are UTF-16. Throws ReportInputError for what no importer reads. */
export function sniffFormat(b: Uint8Array, name?: string): Sniffed {
  if (b.length === 0) throw new ReportInputError('文件是空的（0 字节）');
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]) || startsWith(b, [0x50, 0x4b, 0x07, 0x08])) {
    return { format: zipFormat(b, name), utf16: null };
  }
  if (startsWith(b, OLE2)) throw new ReportInputError(oleMessage(b));
  // %PDF- may follow some junk (the format allows it within the first 1024 bytes).
  const pdfAt = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 1024)).indexOf('%PDF-');
  if (pdfAt !== -1) return { format: 'pdf', utf16: null };
  for (const s of SIGNATURES) if (startsWith(b, s.bytes)) throw new ReportInputError(s.message);
  const enc = sniffUtf16(b);
  if (!enc && binary(b)) throw new ReportInputError(`这是二进制文件，不是年度报告文档（${ACCEPTED}）`);
  const h = head(b, enc);
  if (h.startsWith('{')) return { format: 'json', utf16: enc };
  if (HTML_START_RE.test(h) || (/\.x?html?$/i.test(name ?? '') && HTML_INSIDE_RE.test(h))) return { format: 'html', utf16: enc };
  return { format: 'text', utf16: enc };
}

/** The format of a report file's bytes (see the file comment); `name` only shapes the messages. */
export function detectFormat(bytes: Uint8Array, name?: string): ImportFormat {
  return sniffFormat(bytes, name).format;
}
