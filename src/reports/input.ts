/**
 * Reading a report document from a file: a report JSON (DOMAIN.md §4.4) or a text report in
 * either national format. Every failure is a ReportInputError with one Chinese line; nothing is
 * written anywhere.
 *
 * The importers of .docx, HTML and PDF documents (and of these two) are in ./import
 * (importReportFile, importReportBytes); this module keeps the text-and-JSON reading the CLI and
 * the benchmarks use, sharing the file reading and the text/JSON parsing with them.
 */
import type { ParsedReport } from './parse-info.js';
import { formatBytes, readReportInput } from './import/file.js';
import { parseTextBytes } from './import/text.js';

export { formatBytes };

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
  const bytes = await readReportInput(path, maxBytes);
  return { path, ...parseReportBytes(bytes, { maxBytes }) };
}

/** Parses the bytes of a report document (JSON or text). */
export function parseReportBytes(bytes: Uint8Array, opts: ReadReportOptions = {}): ParsedReport & { encoding: string } {
  const { report, info, format, encoding } = parseTextBytes(bytes, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES });
  return { report, info, encoding: format === 'json' ? 'json' : encoding };
}
