/**
 * What a file really is, from its bytes (never from its name or the browser's claim), and whether
 * we accept it. Accepted: PDF, Word/Excel (OOXML .docx/.xlsx and legacy .doc/.xls), OFD, JPEG, PNG,
 * plain UTF-8 text. Anything else — executables, HTML, archives, scripts — is refused.
 */
import { inspectZip, type ZipVerdict } from './zip.js';

export interface FileKind {
  mediaType: string;
  /** The extension we store and serve it with. */
  ext: string;
  label: string;
}

export const KINDS = {
  pdf: { mediaType: 'application/pdf', ext: 'pdf', label: 'PDF 文件' },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx', label: 'Word 文档' },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx', label: 'Excel 表格' },
  ofd: { mediaType: 'application/ofd', ext: 'ofd', label: 'OFD 版式文件' },
  ole: { mediaType: 'application/x-ole-storage', ext: 'doc', label: 'Word/Excel 97-2003 文档' },
  jpeg: { mediaType: 'image/jpeg', ext: 'jpg', label: 'JPEG 图片' },
  png: { mediaType: 'image/png', ext: 'png', label: 'PNG 图片' },
  text: { mediaType: 'text/plain; charset=utf-8', ext: 'txt', label: '文本文件' },
} as const satisfies Record<string, FileKind>;

export type SniffResult = { ok: true; kind: FileKind } | { ok: false; reason: string };

const starts = (b: Uint8Array, sig: number[]) => sig.every((x, i) => b[i] === x);

/** `bytes` is the whole file (attachments are bounded in size before this is called). */
export function sniff(bytes: Uint8Array, claimedName: string): SniffResult {
  if (bytes.length === 0) return { ok: false, reason: '文件是空的' };
  if (starts(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { ok: true, kind: KINDS.pdf };
  if (starts(bytes, [0xff, 0xd8, 0xff])) return { ok: true, kind: KINDS.jpeg };
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, kind: KINDS.png };
  if (starts(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { ok: true, kind: KINDS.ole };
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04])) return sniffZip(inspectZip(bytes));
  if (starts(bytes, [0x4d, 0x5a])) return { ok: false, reason: '可执行程序不能作为附件' };
  if (starts(bytes, [0x7f, 0x45, 0x4c, 0x46])) return { ok: false, reason: '可执行程序不能作为附件' };
  if (isText(bytes)) {
    const head = new TextDecoder().decode(bytes.subarray(0, 1024)).trimStart().toLowerCase();
    if (head.startsWith('<') && /<(!doctype|html|script|svg|\?xml|body|iframe)/.test(head)) {
      return { ok: false, reason: '网页、SVG 或 XML 文件不能作为附件，请转换为 PDF' };
    }
    return { ok: true, kind: KINDS.text };
  }
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(claimedName)?.[1]?.toLowerCase();
  return { ok: false, reason: `不支持的文件类型${ext ? `（扩展名 .${ext} 与内容不符或不受支持）` : ''}；可上传 PDF、Word、Excel、OFD、JPEG、PNG 或文本文件` };
}

function sniffZip(v: ZipVerdict): SniffResult {
  if (!v.ok) return { ok: false, reason: v.reason };
  const names = new Set(v.entries);
  if (names.has('[Content_Types].xml') && [...names].some((n) => n.startsWith('word/'))) return { ok: true, kind: KINDS.docx };
  if (names.has('[Content_Types].xml') && [...names].some((n) => n.startsWith('xl/'))) return { ok: true, kind: KINDS.xlsx };
  if (names.has('OFD.xml')) return { ok: true, kind: KINDS.ofd };
  return { ok: false, reason: '压缩包不能作为附件（Word、Excel、OFD 文件除外）' };
}

function isText(b: Uint8Array): boolean {
  if (b.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}
