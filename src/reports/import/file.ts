/**
 * Reading a report file from disk, bounded: the size is checked before reading (and the read
 * stops one byte past it, for a file that grows meanwhile). Every failure is a ReportInputError
 * with one Chinese line naming the file.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ReportInputError } from '../errors.js';

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

/**
 * The bytes of a file of at most `maxBytes`. Synchronous on purpose: four system calls without
 * the thread pool's round trips (a batch reads thousands of small files, one at a time per
 * worker); callers in the server pass bytes, never paths.
 */
export function readReportInputSync(path: string, maxBytes: number): Uint8Array {
  const cannot = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new ReportInputError(`文件不存在：${path}`);
    if (code === 'EACCES' || code === 'EPERM') return new ReportInputError(`没有读取权限：${path}`);
    if (code === 'EISDIR') return new ReportInputError(`${path} 是目录，不是报告文件`);
    return new ReportInputError(`无法读取 ${path}：${(e as Error).message}`);
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw cannot(e);
  }
  try {
    const s = fstatSync(fd);
    if (s.isDirectory()) throw new ReportInputError(`${path} 是目录，不是报告文件`);
    if (s.size > maxBytes) throw new ReportInputError(`文件过大：${path} 有 ${formatBytes(s.size)}，上限为 ${formatBytes(maxBytes)}`);
    // Read at most size+1 bytes: a file that grew since fstat is still bounded.
    const buf = Buffer.allocUnsafe(s.size + 1);
    let off = 0;
    for (;;) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
      if (off === buf.length) break;
    }
    if (off > maxBytes) throw new ReportInputError(`文件过大：${path} 超过上限 ${formatBytes(maxBytes)}`);
    return buf.subarray(0, off);
  } catch (e) {
    throw e instanceof ReportInputError ? e : cannot(e);
  } finally {
    closeSync(fd);
  }
}

/** readReportInputSync behind a promise (the importers' API is asynchronous). */
export async function readReportInput(path: string, maxBytes: number): Promise<Uint8Array> {
  return readReportInputSync(path, maxBytes);
}
