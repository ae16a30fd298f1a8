/**
 * Batch checking of report files (`gongkai report check DIR`): list the directory (files.ts),
 * read and check every file in parallel workers (pool.ts, check-file.ts), re-check against last
 * year's report of the same agency where the batch has it, and summarize (summary.ts); outputs in
 * outputs.ts and overview.tsx.
 */
import type { CheckedFile } from './check-file.js';
import { listReportFiles } from './files.js';
import type { BatchOutput } from './outputs.js';
import { checkFiles, type PoolOptions } from './pool.js';
import { checkAgainstPreviousYear, fileRecord, summarize } from './summary.js';

export { batchCsv, batchJson, batchXlsx, type BatchOutput } from './outputs.js';
export { batchHtml } from './overview.js';
export { listReportFiles, REPORT_EXTENSIONS } from './files.js';
export { DEFAULT_TIMEOUT_MS } from './pool.js';

export interface BatchOptions extends Omit<PoolOptions, 'onResult'> {
  /** Called before the work starts, with the number of files. */
  onStart?: (files: number) => void;
  onResult?: (r: CheckedFile, done: number) => void;
}

export async function checkDirectory(dir: string, opts: BatchOptions): Promise<BatchOutput & { results: CheckedFile[] }> {
  const listing = await listReportFiles(dir);
  opts.onStart?.(listing.files.length);
  const results = await checkFiles(listing.files, opts);
  const withPreviousYear = checkAgainstPreviousYear(results);
  return { files: results.map(fileRecord), summary: summarize(results, { withPreviousYear, skipped: listing.skipped }), results };
}
