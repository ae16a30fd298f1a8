/**
 * The zip container of a .docx, read just enough to take one part out: the central directory is
 * read first (no decompression), and a part is inflated only when its declared size is within a
 * bound; inflating stops at that bound all the same, so a directory that lies about sizes (a zip
 * bomb) cannot make the importer allocate more. Every refusal is a ReportInputError in Chinese.
 *
 * Only what Office writes is supported: stored and deflated entries, no encryption, no ZIP64
 * (a report is far below 4 GB).
 */
import { inflateRawSync } from 'node:zlib';
import { ReportInputError } from '../errors.js';

/** Entries a .docx may hold (Word writes a few dozen; thousands means something else). */
export const MAX_ZIP_ENTRIES = 5000;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export interface ZipDirectory {
  entries: Map<string, ZipEntry>;
}

const CORRUPT = '文件已损坏：不是完整的 zip（.docx）文件';

/** Where the end-of-central-directory record starts (within the last 64 KiB + 22 bytes), or -1. */
function endOfDirectory(b: Uint8Array, view: DataView): number {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65_557); i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && view.getUint32(i, true) === 0x06054b50) return i;
  }
  return -1;
}

/** Reads the central directory; throws ReportInputError when the zip is damaged or unsupported. */
export function readZipDirectory(b: Uint8Array): ZipDirectory {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const eocd = endOfDirectory(b, view);
  if (eocd < 0) throw new ReportInputError(`${CORRUPT}（找不到 zip 目录，文件可能不完整）`);
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ReportInputError('不支持 ZIP64 格式的文件');
  if (count > MAX_ZIP_ENTRIES) throw new ReportInputError(`文件内部条目过多（${count} 个），不是正常的 Word 文档`);
  if (cdOffset + cdSize > b.length) throw new ReportInputError(`${CORRUPT}（目录超出文件范围）`);
  const entries = new Map<string, ZipEntry>();
  const names = new TextDecoder();
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > b.length || view.getUint32(p, true) !== 0x02014b50) throw new ReportInputError(`${CORRUPT}（目录项无效）`);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    if (p + 46 + nameLen > b.length) throw new ReportInputError(`${CORRUPT}（目录项无效）`);
    const name = names.decode(b.subarray(p + 46, p + 46 + nameLen));
    const entry: ZipEntry = {
      name,
      flags: view.getUint16(p + 8, true),
      method: view.getUint16(p + 10, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      localOffset: view.getUint32(p + 42, true),
    };
    if (!entries.has(name)) entries.set(name, entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { entries };
}

/**
 * Inflates one entry, refusing it when it declares (or turns out to have) more than `maxBytes`
 * (`what` names the part in the messages, e.g. 「Word 文档正文」).
 */
export function readZipEntry(b: Uint8Array, e: ZipEntry, maxBytes: number, what: string): Buffer {
  const limit = `${Math.round(maxBytes / 1024 / 1024)} MB`;
  if (e.flags & 0x1) throw new ReportInputError('文件已加密（设置了密码），无法读取；请取消密码后重新保存');
  if (e.size > maxBytes) throw new ReportInputError(`${what}解压后有 ${(e.size / 1024 / 1024).toFixed(0)} MB，超过上限 ${limit}，疑似压缩炸弹，已拒绝`);
  // Deflate cannot compress better than about 1032:1; a directory claiming more lies.
  if (e.compressedSize > 0 && e.size / e.compressedSize > 1100) throw new ReportInputError(`${what}的压缩比异常，疑似压缩炸弹，已拒绝`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const local = e.localOffset;
  if (local + 30 > b.length || view.getUint32(local, true) !== 0x04034b50) throw new ReportInputError(`${CORRUPT}（${what}的数据头无效）`);
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (start + e.compressedSize > b.length) throw new ReportInputError(`${CORRUPT}（${what}的数据不完整）`);
  const data = b.subarray(start, start + e.compressedSize);
  if (e.method === 0) {
    if (e.compressedSize > maxBytes) throw new ReportInputError(`${what}超过上限 ${limit}，已拒绝`);
    return Buffer.from(data);
  }
  if (e.method !== 8) throw new ReportInputError(`不支持的压缩方式（${e.method}），无法读取${what}`);
  try {
    return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new ReportInputError(`${what}解压后超过上限 ${limit}，疑似压缩炸弹，已拒绝`);
    }
    throw new ReportInputError(`${CORRUPT}（${what}无法解压）`);
  }
}
