/**
 * Reads a zip's central directory (no decompression) to see what is inside and to refuse zip
 * bombs before anything opens the file: too many entries, too much uncompressed data, an absurd
 * compression ratio, encrypted or path-escaping entries, nested archives. readZipEntry then
 * inflates one entry, bounded.
 */
import { inflateRawSync } from 'node:zlib';

export const MAX_ENTRIES = 2000;
export const MAX_UNCOMPRESSED = 200 * 1024 * 1024;
export const MAX_RATIO = 100;

/** Where the end-of-central-directory record starts (signature 0x06054b50 within the last 64 KiB + 22 bytes), or -1. */
function endOfDirectory(view: DataView, length: number): number {
  for (let i = length - 22; i >= Math.max(0, length - 65_557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) return i;
  }
  return -1;
}

export type ZipVerdict = { ok: true; entries: string[]; uncompressed: number } | { ok: false; reason: string };

export function inspectZip(b: Uint8Array): ZipVerdict {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const eocd = endOfDirectory(view, b.length);
  if (eocd < 0) return { ok: false, reason: '文件已损坏：不是完整的 zip/Office 文件' };
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) return { ok: false, reason: '不支持 ZIP64 格式的文件' };
  if (count > MAX_ENTRIES) return { ok: false, reason: `文件内部条目过多（${count} 个），疑似压缩炸弹` };
  if (cdOffset + cdSize > b.length) return { ok: false, reason: '文件已损坏：目录超出文件范围' };
  const entries: string[] = [];
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > b.length || view.getUint32(p, true) !== 0x02014b50) return { ok: false, reason: '文件已损坏：目录项无效' };
    const flags = view.getUint16(p + 8, true);
    const compressed = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const name = new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLen));
    if (flags & 0x1) return { ok: false, reason: '加密的文件不能作为附件' };
    if (name.startsWith('/') || name.split(/[\\/]/).includes('..')) return { ok: false, reason: '文件内部路径无效' };
    if (/\.(zip|rar|7z|docx|xlsx|exe|dll|js|vbs|bat|cmd|ps1)$/i.test(name)) return { ok: false, reason: `文件内部含有不允许的内容（${name}）` };
    total += size;
    if (total > MAX_UNCOMPRESSED) return { ok: false, reason: '文件解压后过大，疑似压缩炸弹' };
    if (compressed > 0 && size / compressed > MAX_RATIO && size > 1024 * 1024) return { ok: false, reason: '文件压缩比异常，疑似压缩炸弹' };
    entries.push(name);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { ok: true, entries, uncompressed: total };
}

/**
 * Reads one entry of a zip (a .docx's word/document.xml) — after inspectZip accepted the file.
 * Only stored and deflated entries; the inflated size is bounded by `maxBytes` (zlib stops there),
 * so a lying directory cannot make it allocate more. Returns null when the entry is missing,
 * unsupported, larger than `maxBytes` or damaged.
 */
export function readZipEntry(b: Uint8Array, name: string, maxBytes: number): Buffer | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const eocd = endOfDirectory(view, b.length);
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  for (let n = 0; n < count && p + 46 <= b.length; n++) {
    if (view.getUint32(p, true) !== 0x02014b50) return null;
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const entryName = new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (entryName !== name) continue;
    if (size > maxBytes || local + 30 > b.length || view.getUint32(local, true) !== 0x04034b50) return null;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + compressed > b.length) return null;
    const data = b.subarray(start, start + compressed);
    try {
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch {
      return null;
    }
    return null;
  }
  return null;
}
