/**
 * Reconsideration and litigation about disclosure (行政复议、行政诉讼) recorded per application:
 * their kinds and results are the rows and columns of the annual report's section 四
 * (src/reports/format.ts REVIEW_GROUPS / REVIEW_COLUMNS). A result 'corrected' (结果纠正) lets the
 * application be reopened and handled again (application.service.ts reopenAfterReview).
 *
 * Pure: the operations that record them are in application.service.ts (addReviewCase,
 * decideReviewCase), so that they share the application's transaction, version check and log.
 */
import type { ReviewKind, ReviewResult } from '../db/schema.js';
import type { ReviewColumnId, ReviewGroupId } from '../reports/format.js';

export type { ReviewKind, ReviewResult } from '../db/schema.js';

export const REVIEW_KIND_LABELS: Record<ReviewKind, string> = {
  reconsideration: '行政复议',
  litigation_direct: '行政诉讼（未经复议直接起诉）',
  litigation_after: '行政诉讼（复议后起诉）',
};

export const REVIEW_RESULT_LABELS: Record<ReviewResult, string> = {
  upheld: '结果维持',
  corrected: '结果纠正',
  other: '其他结果',
};

export const PENDING_LABEL = '尚未审结';

/** The report group (section 四 row) of a kind: the ids are the same by design. */
export function reviewGroup(kind: ReviewKind): ReviewGroupId {
  return kind;
}

export interface ReviewCaseFacts {
  kind: ReviewKind;
  filed_on: string;
  result: ReviewResult | null;
  decided_on: string | null;
}

export type ReviewCounts = Record<ReviewGroupId, Record<ReviewColumnId, number>>;

/**
 * Section 四 of the report for `year`: cases decided during the year by result, and cases filed
 * by the end of the year and not decided by then as 尚未审结; total is their sum (T4).
 */
export function countReviewCases(cases: readonly ReviewCaseFacts[], year: number): ReviewCounts {
  const empty = (): Record<ReviewColumnId, number> => ({ upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 });
  const out: ReviewCounts = { reconsideration: empty(), litigation_direct: empty(), litigation_after: empty() };
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  for (const c of cases) {
    if (c.filed_on > end) continue;
    const row = out[reviewGroup(c.kind)];
    if (c.result !== null && c.decided_on !== null && c.decided_on <= end) {
      if (c.decided_on < start) continue;
      row[c.result]++;
    } else {
      row.pending++;
    }
    row.total++;
  }
  return out;
}

/** Chinese label of a case's standing. */
export function reviewStanding(c: Pick<ReviewCaseFacts, 'result'>): string {
  return c.result === null ? PENDING_LABEL : REVIEW_RESULT_LABELS[c.result];
}
