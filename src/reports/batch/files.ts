/**
 * The files of a batch: every report-like file under a directory, recursively, in a stable order
 * (by path, code point order). Hidden files and directories (".…") are left out; symbolic links
 * to files are followed, links to directories are not (no loops). Files of other kinds (images,
 * spreadsheets …) are counted, not checked.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ReportInputError } from '../errors.js';

/** Extensions of the files a batch reads (lower case, without the dot). */
export const REPORT_EXTENSIONS: ReadonlySet<string> = new Set(['docx', 'doc', 'html', 'htm', 'xhtml', 'shtml', 'pdf', 'txt', 'text', 'json']);

export interface Listing {
  files: { path: string; shownAs: string }[];
  /** Files left out for their extension. */
  skipped: number;
}

export async function listReportFiles(dir: string): Promise<Listing> {
  let top;
  try {
    top = await stat(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportInputError(code === 'ENOENT' ? `目录不存在：${dir}` : code === 'EACCES' ? `没有读取权限：${dir}` : `无法读取 ${dir}：${(e as Error).message}`);
  }
  if (!top.isDirectory()) throw new ReportInputError(`${dir} 不是目录`);
  const found: string[] = [];
  let skipped = 0;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (e) {
      if (d === dir) throw new ReportInputError(`无法读取目录 ${dir}：${(e as Error).message}`);
      return; // an unreadable subdirectory: its files are not listed
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        await walk(p);
        continue;
      }
      let isFile = e.isFile();
      if (e.isSymbolicLink()) isFile = await stat(p).then((s) => s.isFile(), () => false);
      if (!isFile) continue;
      const dot = e.name.lastIndexOf('.');
      const ext = dot > 0 ? e.name.slice(dot + 1).toLowerCase() : '';
      if (REPORT_EXTENSIONS.has(ext)) found.push(p);
      else skipped++;
    }
  };
  await walk(dir);
  found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { files: found.map((p) => ({ path: p, shownAs: relative(dir, p).split(sep).join('/') })), skipped };
}
