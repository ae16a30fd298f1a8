/**
 * The annual-report checks (shared/docs/DOMAIN.md §4.5): F1–F4 form, C1–C3 cells, T1–T6 table
 * arithmetic, P1–P3 prose. D1, D2 and R1 need system records (publication dates, versions, cases)
 * and live elsewhere.
 *
 * `checkReport` is pure: the same report and options always give the same findings, sorted by
 * rule (sortFindings). Per-format tables and regular expressions are built once at load time.
 */
import { sortFindings, type Finding } from '../finding.js';
import type { Report } from '../report.js';
import { checkC1, checkC2, checkC3 } from './cells.js';
import { makeContext, type CheckOptions } from './context.js';
import { checkF1, checkF2, checkF3, checkF4 } from './form.js';
import { checkP1, checkP2, checkP3 } from './prose.js';
import { checkT1, checkT2, checkT3, checkT4, checkT5, checkT6 } from './tables.js';

export { DEFAULT_C3_THRESHOLD_WAN_YUAN, type CheckOptions } from './context.js';
export { agencyKind, proseSimilarity, COPY_MIN_CHARS, COPY_THRESHOLD } from './prose.js';
export { parseNumeral } from './numerals.js';

/**
 * Checks one report. `info` is what the importer saw (text import: title, headings, blank cells,
 * missing rows …); `previous` is last year's report of the same agency (T5, T6, P2);
 * `c3ThresholdWanYuan` tunes C3.
 */
export function checkReport(report: Report, opts: CheckOptions = {}): Finding[] {
  const ctx = makeContext(report, opts);
  const out: Finding[] = [
    ...checkF1(ctx),
    ...checkF2(ctx), // before P3: P3 skips the sections F2 reports missing
    ...checkF3(ctx),
    ...checkF4(ctx),
    ...checkC1(ctx),
    ...checkC2(ctx),
    ...checkC3(ctx),
    ...checkT1(ctx),
    ...checkT2(ctx),
    ...checkT3(ctx),
    ...checkT4(ctx),
    ...checkT5(ctx),
    ...checkT6(ctx),
    ...checkP1(ctx),
    ...checkP2(ctx),
    ...checkP3(ctx),
  ];
  return sortFindings(out);
}
