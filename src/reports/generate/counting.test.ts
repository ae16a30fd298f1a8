/** The counting rules (pure) and the parsing of entered values. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countReviewCases, type ReviewCaseFacts } from '../../applications/reconsideration.js';
import { parseCellValue, proactiveCell, proactiveCells, CellValueError } from './cells.js';
import { applicationRows, effectiveClosing, outcomeRowIn, reviewColumn, yearBounds, type LogEvent } from './counting.js';

const y2022 = yearBounds(2022);

/** A small seeded generator (mulberry32): rnd(n) is an integer in [0, n). */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe('section 三: where an application counts', () => {
  const rows = (received_on: string | null, closed_on: string | null, outcome_row: string | null = closed_on ? '3.1' : null) =>
    applicationRows({ received_on, closed_on, outcome_row }, y2022);

  test('received and closed in the year; received in December, closed in January (carried over)', () => {
    assert.deepEqual(rows('2022-03-01', '2022-03-15'), { start: '1', end: '3.1' });
    assert.deepEqual(rows('2021-12-20', '2022-01-10'), { start: '2', end: '3.1' });
    assert.deepEqual(applicationRows({ received_on: '2021-12-20', closed_on: '2022-01-10', outcome_row: '3.1' }, yearBounds(2021)), { start: '1', end: '4' });
    assert.deepEqual(rows('2022-12-31', null), { start: '1', end: '4' });
    assert.deepEqual(rows('2020-05-01', null), { start: '2', end: '4' });
    assert.deepEqual(rows('2021-05-01', '2023-01-03'), { start: '2', end: '4' });
  });

  test('outside the year, never received, closed without a row', () => {
    assert.equal(rows('2021-05-01', '2021-12-31'), null);
    assert.equal(rows('2023-01-01', null), null);
    assert.equal(rows(null, null), null);
    assert.deepEqual(rows('2022-02-01', '2022-02-02', null), { start: '1', end: '?' });
  });

  test('T1 holds by construction: 一 + 二 = 三 + 四 over random cases', () => {
    const rnd = random(7);
    const day = (base: number) => new Date(Date.UTC(2019, 0, 1) + base * 86_400_000).toISOString().slice(0, 10);
    let left = 0;
    let right = 0;
    for (let i = 0; i < 2000; i++) {
      const r = rnd(1800);
      const closed = rnd(5) === 0 ? null : day(r + rnd(120));
      const x = applicationRows({ received_on: day(r), closed_on: closed, outcome_row: '3.1' }, y2022);
      if (!x) continue;
      left++;
      if (x.end === '3.1' || x.end === '4') right++;
    }
    assert.ok(left > 100);
    assert.equal(left, right);
  });
});

describe('a case reopened after reconsideration counts once', () => {
  const replied = (date: string, row: string): LogEvent => ({ type: 'replied', date, data: JSON.stringify({ outcomeRow: row, outcomeFormat: '2021' }) });
  const reopened = (date: string): LogEvent => ({ type: 'reopened', date, data: JSON.stringify({ reviewCaseId: 1, dueOn: null }) });

  test('reopened and answered again in the same year: the later answer counts', () => {
    assert.deepEqual(effectiveClosing([replied('2022-05-19', '3.3.5'), reopened('2022-07-04'), replied('2022-07-20', '3.1')]), { closed_on: '2022-07-20', outcome_row: '3.1' });
  });
  test('reopened in a later year: the first answer stands for good', () => {
    assert.deepEqual(effectiveClosing([replied('2021-10-25', '3.4.1'), reopened('2022-01-17'), replied('2022-02-14', '3.1')]), { closed_on: '2021-10-25', outcome_row: '3.4.1' });
    assert.deepEqual(effectiveClosing([replied('2021-10-25', '3.4.1'), reopened('2022-01-17')]), { closed_on: '2021-10-25', outcome_row: '3.4.1' });
  });
  test('reopened in the same year and answered the next year: open at year end, closed by the new answer', () => {
    assert.deepEqual(effectiveClosing([replied('2022-09-15', '3.3.4'), reopened('2022-11-23'), replied('2023-01-05', '3.2')]), { closed_on: '2023-01-05', outcome_row: '3.2' });
    assert.equal(effectiveClosing([replied('2022-09-15', '3.3.4'), reopened('2022-11-23')]), null);
  });
  test('lapses and withdrawals take their row from the rules of the closing year', () => {
    assert.deepEqual(effectiveClosing([{ type: 'correction_lapsed', date: '2022-03-01', data: '{}' }]), { closed_on: '2022-03-01', outcome_row: '3.6.1' });
    assert.deepEqual(effectiveClosing([{ type: 'withdrawn', date: '2020-03-01', data: '{}' }]), { closed_on: '2020-03-01', outcome_row: '3.6' });
  });
});

describe('outcome rows across formats', () => {
  test('known rows stay; （六） translates; unknown is flagged into 其他', () => {
    assert.deepEqual(outcomeRowIn('2021', '3.3.8'), { row: '3.3.8', flagged: false });
    assert.deepEqual(outcomeRowIn('2019', '3.6.2'), { row: '3.6', flagged: false });
    assert.deepEqual(outcomeRowIn('2021', '3.6'), { row: '3.6.3', flagged: false });
    assert.deepEqual(outcomeRowIn('2021', ''), { row: '3.6.3', flagged: true });
    assert.deepEqual(outcomeRowIn('2019', '9.9'), { row: '3.6', flagged: true });
  });
});

describe('section 四: the same rule as countReviewCases', () => {
  test('random cases: reviewColumn agrees with reconsideration.ts', () => {
    const rnd = random(11);
    const day = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const kinds = ['reconsideration', 'litigation_direct', 'litigation_after'] as const;
    const results = ['upheld', 'corrected', 'other', null] as const;
    const cases: ReviewCaseFacts[] = [];
    for (let i = 0; i < 500; i++) {
      const filed = rnd(1500);
      const result = results[rnd(4)]!;
      cases.push({ kind: kinds[rnd(3)]!, filed_on: day(filed), result, decided_on: result === null ? null : day(filed + rnd(400)) });
    }
    for (const year of [2020, 2021, 2022, 2023]) {
      const expected = countReviewCases(cases, year);
      const got: Record<string, Record<string, number>> = {};
      for (const c of cases) {
        const col = reviewColumn(c, yearBounds(year));
        if (col === null) continue;
        const g = (got[c.kind] ??= { upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 });
        g[col]!++;
        g.total!++;
      }
      for (const k of kinds) assert.deepEqual(got[k] ?? { upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 }, expected[k], `${year} ${k}`);
    }
  });
});

describe('entered values', () => {
  const cell = (format: '2019' | '2021', id: string) => proactiveCell(format, id)!;
  const err = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof CellValueError && re.test(e.message));

  test('cells by format use the DOMAIN ids', () => {
    assert.deepEqual(
      proactiveCells('2021').map((c) => c.id),
      ['rules.issued', 'rules.repealed', 'rules.in_force', 'normative_documents.issued', 'normative_documents.repealed', 'normative_documents.in_force', 'licensing.decisions', 'penalty.decisions', 'enforcement.decisions', 'fees.amount_wan_yuan'],
    );
    assert.equal(proactiveCells('2019').length, 3 * 2 + 3 * 2 + 3 * 2 + 2 + 2);
    assert.equal(cell('2019', 'licensing.decisions').label, '第二十条第（五）项 行政许可「处理决定数量」');
    assert.equal(proactiveCell('2021', 'procurement.amount'), undefined);
  });

  test('counts: whole numbers ≥ 0, as numbers or form text', () => {
    assert.equal(parseCellValue(cell('2021', 'licensing.decisions'), 12), '12');
    assert.equal(parseCellValue(cell('2021', 'licensing.decisions'), ' １，２３４ '), '1234');
    assert.equal(parseCellValue(cell('2021', 'licensing.decisions'), '007'), '7');
    assert.equal(parseCellValue(cell('2021', 'licensing.decisions'), '-0'), '0');
    err(() => parseCellValue(cell('2021', 'licensing.decisions'), -1), /非负整数/);
    err(() => parseCellValue(cell('2021', 'licensing.decisions'), '1.5'), /非负整数/);
    err(() => parseCellValue(cell('2021', 'licensing.decisions'), '十二'), /不是数字/);
    err(() => parseCellValue(cell('2021', 'licensing.decisions'), ''), /请填写/);
    err(() => parseCellValue(cell('2021', 'licensing.decisions'), null), /请填写/);
    err(() => parseCellValue(cell('2021', 'licensing.decisions'), Number.NaN), /应为数字/);
  });

  test('本年增/减 may be negative; amounts keep their decimals exactly, within the precision', () => {
    assert.equal(parseCellValue(cell('2019', 'licensing.change'), '－3'), '-3');
    assert.equal(parseCellValue(cell('2019', 'licensing.change'), '−3'), '-3');
    err(() => parseCellValue(cell('2019', 'licensing.change'), '2.5'), /整数/);
    assert.equal(parseCellValue(cell('2021', 'fees.amount_wan_yuan'), '0.1500'), '0.15');
    assert.equal(parseCellValue(cell('2021', 'fees.amount_wan_yuan'), 0.0001), '0.0001');
    err(() => parseCellValue(cell('2021', 'fees.amount_wan_yuan'), '0.00001'), /最多保留4位小数/);
    err(() => parseCellValue(cell('2021', 'fees.amount_wan_yuan'), '-1'), /不能为负数/);
    assert.equal(parseCellValue(cell('2019', 'procurement.amount'), '251000.50', '元'), '251000.5');
    err(() => parseCellValue(cell('2019', 'procurement.amount'), '1.005', '元'), /最多保留2位小数/);
    assert.equal(parseCellValue(cell('2019', 'procurement.amount'), '25.100005', '万元'), '25.100005');
  });
});
