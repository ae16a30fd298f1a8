import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REVIEW_COLUMNS, REVIEW_GROUPS } from '../reports/format.js';
import { REVIEW_KIND_LABELS, REVIEW_RESULT_LABELS, countReviewCases, reviewStanding, type ReviewCaseFacts } from './reconsideration.js';

describe('reconsideration and litigation (report section 四)', () => {
  test('kinds and results are the report’s rows and columns', () => {
    assert.deepEqual(Object.keys(REVIEW_KIND_LABELS), REVIEW_GROUPS.map((g) => g.id));
    assert.deepEqual(Object.keys(REVIEW_RESULT_LABELS), REVIEW_COLUMNS.map((c) => c.id).slice(0, 3));
    for (const c of REVIEW_COLUMNS.slice(0, 3)) assert.equal(REVIEW_RESULT_LABELS[c.id as 'upheld'], c.label);
  });

  test('counts for a year: decided in the year by result, the rest pending at year end', () => {
    const cases: ReviewCaseFacts[] = [
      { kind: 'reconsideration', filed_on: '2024-03-01', result: 'upheld', decided_on: '2024-05-01' }, // decided in 2024: not in 2025
      { kind: 'reconsideration', filed_on: '2024-11-01', result: 'corrected', decided_on: '2025-02-01' },
      { kind: 'reconsideration', filed_on: '2025-04-01', result: null, decided_on: null },
      { kind: 'litigation_direct', filed_on: '2025-06-01', result: 'other', decided_on: '2025-12-31' },
      { kind: 'litigation_after', filed_on: '2025-09-01', result: 'upheld', decided_on: '2026-01-05' }, // pending at the end of 2025
      { kind: 'litigation_after', filed_on: '2026-01-02', result: null, decided_on: null }, // not yet filed in 2025
    ];
    const c = countReviewCases(cases, 2025);
    assert.deepEqual(c.reconsideration, { upheld: 0, corrected: 1, other: 0, pending: 1, total: 2 });
    assert.deepEqual(c.litigation_direct, { upheld: 0, corrected: 0, other: 1, pending: 0, total: 1 });
    assert.deepEqual(c.litigation_after, { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 });
    assert.equal(reviewStanding({ result: null }), '尚未审结');
    assert.equal(reviewStanding({ result: 'corrected' }), '结果纠正');
  });
});
