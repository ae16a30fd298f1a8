/**
 * Reading a report file from disk, bounded: the size is checked before reading (and the read
 * stops one byte past it, for a file that grows meanwhile). Every failure is a ReportInputError
 * with one Chinese line naming the file.
 */
import { open, stat } from 'node:fs/promises';
import { ReportInputError } from '../errors.js';

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

/** The bytes of a file of at most `maxBytes`. */
export async function readReportInput(path: string, maxBytes: number): Promise<Uint8Array> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new ReportInputError(`${path} 是目录，不是报告文件`);
    size = s.size;
  } catch (e) {
    if (e instanceof ReportInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ReportInputError(`文件不存在：${path}`);
    if (code === 'EACCES' || code === 'EPERM') throw new ReportInputError(`没有读取权限：${path}`);
    throw new ReportInputError(`无法读取 ${path}：${(e as Error).message}`);
  }
  if (size > maxBytes) {
    throw new ReportInputError(`文件过大：${path} 有 ${formatBytes(size)}，上限为 ${formatBytes(maxBytes)}`);
  }
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new ReportInputError(`没有读取权限：${path}`);
    throw new ReportInputError(`无法读取 ${path}：${(e as Error).message}`);
  }
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
    if (off > maxBytes) throw new ReportInputError(`文件过大：${path} 超过上限 ${formatBytes(maxBytes)}`);
    return buf.subarray(0, off);
  } catch (e) {
    if (e instanceof ReportInputError) throw e;
    throw new ReportInputError(`无法读取 ${path}：${(e as Error).message}`);
  } finally {
    await fh.close();
  }
}
