/**
 * Table arithmetic (DOMAIN §4.5): T1–T4 within the report, T5–T6 against last year's report.
 * A blank cell (null) makes the identity undecidable: the identity is skipped and C1 reports the
 * blank. Comparisons allow for floating-point noise only.
 */
import type { Finding } from '../finding.js';
import { APPLICANT_COLUMN_IDS, REVIEW_PART_IDS } from '../format.js';
import type { Cell, Report } from '../report.js';
import { finding, fmt, type CheckContext } from './context.js';

const differs = (a: number, b: number) => Math.abs(a - b) > 1e-9;

/** Sum of cells, or null when any is blank (or not a number). */
function sum(values: readonly (Cell | undefined)[]): number | null {
  let s = 0;
  for (const v of values) {
    if (typeof v !== 'number') return null;
    s += v;
  }
  return s;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** T1: table 三, every column: row 1 + row 2 = row 3.7 + row 4 (the identity in the table header). */
export function checkT1(ctx: CheckContext): Finding[] {
  const { t } = ctx;
  const a = ctx.report.applications;
  const out: Finding[] = [];
  for (const col of t.format.applicationColumns) {
    const r1 = num(a['1']?.[col.id]);
    const r2 = num(a['2']?.[col.id]);
    const r37 = num(a['3.7']?.[col.id]);
    const r4 = num(a['4']?.[col.id]);
    if (r1 === null || r2 === null || r37 === null || r4 === null) continue;
    const expected = r1 + r2;
    const actual = r37 + r4;
    if (!differs(expected, actual)) continue;
    out.push(
      finding(
        'T1',
        { section: '3', column: col.id, labels: { section: t.sectionLabel['3'], column: col.label } },
        `第三部分「${col.label}」列：第一项加第二项之和为 ${fmt(expected)}（本年新收 ${fmt(r1)} + 上年结转 ${fmt(r2)}），第三项加第四项之和为 ${fmt(actual)}（（七）总计 ${fmt(r37)} + 结转下年度 ${fmt(r4)}），两者应相等（表头注明的勾稽关系）。请核对该列这四行的数字。`,
        { expected, actual },
      ),
    );
  }
  return out;
}

/** T2: table 三, every row: total = the sum of the six applicant columns. */
export function checkT2(ctx: CheckContext): Finding[] {
  const { t } = ctx;
  const out: Finding[] = [];
  for (const row of t.format.applicationRows) {
    const cells = ctx.report.applications[row.id];
    if (!cells) continue;
    const parts = APPLICANT_COLUMN_IDS.map((c) => cells[c]);
    const expected = sum(parts);
    const actual = num(cells['total']);
    if (expected === null || actual === null || !differs(expected, actual)) continue;
    const terms = APPLICANT_COLUMN_IDS.map((c, i) => `${t.appColumnLabel[c]} ${fmt(parts[i] as number)}`).join(' + ');
    out.push(
      finding(
        'T2',
        {
          section: '3',
          row: row.id,
          column: 'total',
          labels: { section: t.sectionLabel['3'], row: row.label, column: t.appColumnLabel['total'] },
        },
        `第三部分「${row.label}」行：六类申请人之和为 ${fmt(expected)}（${terms}），「总计」列却为 ${fmt(actual)}。请核对该行。`,
        { expected, actual },
      ),
    );
  }
  return out;
}

/** T3: table 三, every column: row 3.7 = the sum of the outcome rows. */
export function checkT3(ctx: CheckContext): Finding[] {
  const { t } = ctx;
  const a = ctx.report.applications;
  const out: Finding[] = [];
  const first = t.appRowLabel[t.outcomeRows[0]!]!;
  const last = t.outcomeRows[t.outcomeRows.length - 1]!;
  for (const col of t.format.applicationColumns) {
    const expected = sum(t.outcomeRows.map((r) => a[r]?.[col.id]));
    const actual = num(a['3.7']?.[col.id]);
    if (expected === null || actual === null || !differs(expected, actual)) continue;
    out.push(
      finding(
        'T3',
        {
          section: '3',
          row: '3.7',
          column: col.id,
          labels: { section: t.sectionLabel['3'], row: t.appRowLabel['3.7'], column: col.label },
        },
        `第三部分「${col.label}」列：各项办理结果（从「${first}」到「${t.appRowLabel[last]}」共 ${t.outcomeRows.length} 行）之和为 ${fmt(expected)}，「（七）总计」行却为 ${fmt(actual)}。请核对该列。`,
        { expected, actual },
      ),
    );
  }
  return out;
}

/** T4: table 四, every group: total = upheld + corrected + other + pending. */
export function checkT4(ctx: CheckContext): Finding[] {
  const { t } = ctx;
  const out: Finding[] = [];
  for (const g of t.format.reviewGroups) {
    const cells = ctx.report.reviews[g.id];
    if (!cells) continue;
    const parts = REVIEW_PART_IDS.map((c) => cells[c]);
    const expected = sum(parts);
    const actual = num(cells['total']);
    if (expected === null || actual === null || !differs(expected, actual)) continue;
    const terms = REVIEW_PART_IDS.map((c, i) => `${t.reviewColumnLabel[c]} ${fmt(parts[i] as number)}`).join(' + ');
    out.push(
      finding(
        'T4',
        {
          section: '4',
          row: g.id,
          column: 'total',
          labels: { section: t.sectionLabel['4'], row: g.label, column: t.reviewColumnLabel['total'] },
        },
        `第四部分「${g.label}」：${terms} = ${fmt(expected)}，「总计」却为 ${fmt(actual)}。请核对。`,
        { expected, actual },
      ),
    );
  }
  return out;
}

/**
 * Last year's report, when it is usable for T5/T6: both years known and `previous.year` exactly
 * the year before. Otherwise T5 and T6 are skipped silently (a report two years back or of the
 * same year says nothing about this year's carry-over).
 */
function lastYear(ctx: CheckContext): Report | null {
  const p = ctx.previous;
  const y = ctx.report.year;
  if (!p || y === null || p.year === null || p.year !== y - 1) return null;
  return p;
}

/** T5 (warning): row 2 (上年结转) equals last year's row 4 (结转下年度), column by column, whatever the formats. */
export function checkT5(ctx: CheckContext): Finding[] {
  const prev = lastYear(ctx);
  if (!prev) return [];
  const { t } = ctx;
  const out: Finding[] = [];
  for (const col of t.format.applicationColumns) {
    const actual = num(ctx.report.applications['2']?.[col.id]);
    const expected = num(prev.applications['4']?.[col.id]);
    if (expected === null || actual === null || !differs(expected, actual)) continue;
    out.push(
      finding(
        'T5',
        {
          section: '3',
          row: '2',
          column: col.id,
          labels: { section: t.sectionLabel['3'], row: t.appRowLabel['2'], column: col.label },
        },
        `第三部分「${t.appRowLabel['2']}」行「${col.label}」列为 ${fmt(actual)}，但${prev.year}年度报告「四、结转下年度继续办理」行同列为 ${fmt(expected)}，两者应相等。请核对本年或上年的数字。`,
        { expected, actual },
      ),
    );
  }
  return out;
}

/** T6 (warning): 2021 （一）: in_force = last year's in_force + issued − repealed (both reports in the 2021 format). */
export function checkT6(ctx: CheckContext): Finding[] {
  const prev = lastYear(ctx);
  if (!prev || ctx.report.format !== '2021' || prev.format !== '2021') return [];
  const { t } = ctx;
  const block = t.format.proactive.find((b) => b.id === '20.1')!;
  const inForceLabel = block.columns.find((c) => c.id === 'in_force')!.label;
  const out: Finding[] = [];
  for (const row of block.rows) {
    const cur = ctx.report.proactive[row.id];
    const before = num(prev.proactive[row.id]?.['in_force']);
    const issued = num(cur?.['issued']);
    const repealed = num(cur?.['repealed']);
    const actual = num(cur?.['in_force']);
    if (before === null || issued === null || repealed === null || actual === null) continue;
    const expected = before + issued - repealed;
    if (!differs(expected, actual)) continue;
    const rowLabel = `${block.label} ${row.label}`;
    out.push(
      finding(
        'T6',
        { section: '2', row: row.id, column: 'in_force', labels: { section: t.sectionLabel['2'], row: rowLabel, column: inForceLabel } },
        `第二部分「${rowLabel}」：${prev.year}年度报告的现行有效件数 ${fmt(before)} + 本年制发 ${fmt(issued)} − 本年废止 ${fmt(repealed)} = ${fmt(expected)}，「${inForceLabel}」却为 ${fmt(actual)}。请核对（如有其他原因导致变动，如失效、清理，请在报告中说明）。`,
        { expected, actual },
      ),
    );
  }
  return out;
}
