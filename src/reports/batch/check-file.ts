/**
 * One file of a batch check: read (any importer), check, and say what was found, or why the file
 * could not be read. Never throws for a bad file: a broken file is a result like any other, so
 * that it never stops a batch. Runs in the batch's worker threads and, with one job, inline.
 */
import { performance } from 'node:perf_hooks';
import { checkReport } from '../checks/index.js';
import { ReportInputError } from '../errors.js';
import type { Finding } from '../finding.js';
import type { FormatId } from '../format.js';
import { readReportInput } from '../import/file.js';
import { DEFAULT_IMPORT_MAX_BYTES, importReportBytes, type ImportFormat } from '../import/index.js';
import type { ParseInfo } from '../parse-info.js';
import type { Report } from '../report.js';

export interface FileResult {
  /** The path as listed (relative to the batch's directory). */
  path: string;
  /** The kind of file read, or null when it could not be read at all. */
  fileType: ImportFormat | null;
  agency: string | null;
  year: number | null;
  /** The national format of the report ('2019' or '2021'), null when unreadable. */
  format: FormatId | null;
  findings: Finding[];
  /** Why the file could not be read (Chinese), or null. */
  error: string | null;
  /** What the importer could not read or changed (Chinese). */
  notes: string[];
  bytes: number;
  /** Time spent reading and checking, in milliseconds. */
  ms: number;
}

/** A result with what the cross-file checks need (not part of any output). */
export interface CheckedFile extends FileResult {
  parsed: { report: Report; info: ParseInfo } | null;
}

export interface CheckFileOptions {
  maxBytes?: number;
}

/**
 * Reads and checks one file, given by its path or as bytes (an upload); `shownAs` names it in
 * the result.
 */
export async function checkFile(source: string | { bytes: Uint8Array }, shownAs: string, opts: CheckFileOptions = {}): Promise<CheckedFile> {
  const t0 = performance.now();
  try {
    const maxBytes = opts.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
    const data = typeof source === 'string' ? await readReportInput(source, maxBytes) : source.bytes;
    const r = await importReportBytes(data, { maxBytes, name: typeof source === 'string' ? source : shownAs });
    const bytes = data.length;
    const findings = checkReport(r.report, { info: r.info });
    return {
      path: shownAs,
      fileType: r.format,
      agency: r.report.agency,
      year: r.report.year,
      format: r.report.format,
      findings,
      error: null,
      notes: importNotes(r.info),
      bytes,
      ms: performance.now() - t0,
      parsed: { report: r.report, info: r.info },
    };
  } catch (e) {
    // Anything else is a bug in an importer, still reported per file rather than stopping the batch.
    const message = e instanceof ReportInputError ? e.message : `读取时出错：${(e as Error)?.message ?? String(e)}`;
    return failed(shownAs, message, performance.now() - t0);
  }
}

/** The result of a file that could not be read. */
export function failed(path: string, error: string, ms = 0): CheckedFile {
  return { path, fileType: null, agency: null, year: null, format: null, findings: [], error, notes: [], bytes: 0, ms, parsed: null };
}

/** What the importer could not read, one Chinese line each. */
export function importNotes(info: ParseInfo): string[] {
  const out = [...info.notes];
  if (info.truncated) out.push(info.truncated.message);
  return out;
}
