/**
 * Reading a report document from a file: a report JSON (DOMAIN.md §4.4) or a text report in
 * either national format. Every failure is a ReportInputError with one Chinese line; nothing is
 * written anywhere.
 */
import { open, stat } from 'node:fs/promises';
import { ReportInputError } from './errors.js';
import { emptyParseInfo, type ParsedReport } from './parse-info.js';
import { ReportJsonError, validateReportJson } from './report.js';
import { decodeReportBytes } from './text/decode.js';
import { parseReportText } from './text/parse.js';

/** Default upper bound on a report file (a real report is well under 1 MB). */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface ReadReportOptions {
  maxBytes?: number;
}

export interface ReadReport extends ParsedReport {
  path: string;
  /** Encoding the text was decoded from ('json' files are UTF-8). */
  encoding: string;
}

export async function readReportFile(path: string, opts: ReadReportOptions = {}): Promise<ReadReport> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new ReportInputError(`${path} 是目录，不是报告文件`);
    size = s.size;
  } catch (e) {
    if (e instanceof ReportInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ReportInputError(`文件不存在：${path}`);
    if (code === 'EACCES') throw new ReportInputError(`没有读取权限：${path}`);
    throw new ReportInputError(`无法读取 ${path}：${(e as Error).message}`);
  }
  if (size > maxBytes) {
    throw new ReportInputError(`文件过大：${path} 有 ${formatBytes(size)}，上限为 ${formatBytes(maxBytes)}`);
  }
  const bytes = await readAll(path, size);
  return { path, ...parseReportBytes(bytes, { maxBytes }) };
}

/** Parses the bytes of a report document (JSON or text). */
export function parseReportBytes(bytes: Uint8Array, opts: ReadReportOptions = {}): ParsedReport & { encoding: string } {
  const { text, encoding, notes } = decodeReportBytes(bytes, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES });
  if (looksLikeJson(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ReportInputError(`JSON 语法错误：${(e as Error).message}`);
    }
    try {
      const report = validateReportJson(value);
      const info = emptyParseInfo('json');
      info.notes.push(...notes);
      return { report, info, encoding: 'json' };
    } catch (e) {
      if (e instanceof ReportJsonError) throw new ReportInputError(e.message);
      throw e;
    }
  }
  const parsed = parseReportText(text);
  parsed.info.notes.unshift(...notes);
  return { ...parsed, encoding };
}

function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) continue;
    return c === 0x7b; // '{'
  }
  return false;
}

async function readAll(path: string, size: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    // Read at most size+1 bytes: a file that grew since stat is still bounded.
    const buf = Buffer.allocUnsafe(size + 1);
    let off = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
      if (off === buf.length) break;
    }
    return buf.subarray(0, off);
  } finally {
    await fh.close();
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}
