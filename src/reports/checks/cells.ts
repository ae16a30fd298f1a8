/**
 * Cell checks (DOMAIN §4.5): C1 no blank cells, C2 values of the right kind, C3 the 2021 （八）
 * amount plausible as 万元.
 */
import type { Finding } from '../finding.js';
import type { CellNote } from '../parse-info.js';
import { isAmount, type ProactiveValue } from '../report.js';
import { cellText, cellWhere, finding, fmt, type CellDef, type CheckContext } from './context.js';

function valueOf(ctx: CheckContext, c: CellDef): ProactiveValue | undefined {
  const r = ctx.report;
  const table = c.section === '2' ? r.proactive : c.section === '3' ? r.applications : r.reviews;
  return table[c.row]?.[c.column];
}

/** Cells the importer could not find as a row or a column: F3 reports them, C1 must not repeat them. */
function coveredByF3(ctx: CheckContext): (c: CellDef) => boolean {
  const info = ctx.info;
  if (!info || (info.missingRows.length === 0 && info.missingColumns.length === 0)) return () => false;
  const rows = new Set(info.missingRows.map((m) => `${m.section}|${m.row}`));
  const cols = new Set(info.missingColumns.map((m) => `${m.section}|${m.block ?? ''}|${m.column}`));
  return (c) => rows.has(`${c.section}|${c.row}`) || cols.has(`${c.section}|${c.block ?? ''}|${c.column}`);
}

function blankMessage(c: CellDef, note: CellNote | undefined): string {
  const what = c.kind === 'amount' ? '应填写金额（写明单位），没有则填 0' : '应填写数字，没有则填 0';
  if (note?.problem === 'missing') return `${cellText(c)}缺少单元格（该行的单元格少于规定列数），${what}。`;
  if (note?.problem === 'unreadable' && note.raw)
    return `${cellText(c)}写作「${note.raw}」，无法识别为数字，${c.kind === 'amount' ? '应填写准确金额（写明单位），没有则填 0' : '应填写准确的阿拉伯数字，没有则填 0'}。`;
  if (note?.raw) return `${cellText(c)}写作「${note.raw}」，${what}。`;
  return `${cellText(c)}为空白，${what}，不能留空。`;
}

/**
 * C1: every null cell of tables 二/三/四 is a finding, except cells of rows or columns that F3
 * already reports missing. The importer's note on the cell (blank placeholder, unreadable text,
 * absent cell) is quoted.
 */
export function checkC1(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const covered = coveredByF3(ctx);
  let notes: Map<string, CellNote> | null = null;
  if (ctx.info && ctx.info.cells.length > 0) {
    notes = new Map();
    for (const n of ctx.info.cells) notes.set(`${n.section}|${n.row}|${n.column}`, n);
  }
  for (const c of ctx.t.cells) {
    const v = valueOf(ctx, c);
    if (v !== null && v !== undefined) continue;
    if (covered(c)) continue;
    const note = notes?.get(`${c.section}|${c.row}|${c.column}`);
    out.push(finding('C1', cellWhere(ctx.t, c), blankMessage(c, note)));
  }
  return out;
}

/**
 * C2: counts are non-negative integers; 本年增/减 any integer; amounts (2019 采购总金额, 2021
 * 收费金额) non-negative decimals. `actual` is the value found.
 */
export function checkC2(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const c of ctx.t.cells) {
    const v = valueOf(ctx, c);
    if (v === null || v === undefined) continue;
    const n = isAmount(v) ? v.value : v;
    if (typeof n !== 'number') continue;
    let problem: string | null = null;
    if (!Number.isFinite(n)) problem = '不是有效数字';
    else if (c.kind === 'count') {
      if (n < 0) problem = '是负数，件数、项目数不能为负';
      else if (!Number.isInteger(n)) problem = '不是整数，件数、项目数应为整数';
    } else if (c.kind === 'change') {
      if (!Number.isInteger(n)) problem = '不是整数，本年增/减应为整数（减少时写负数）';
    } else if (n < 0) problem = '是负数，金额不能为负';
    if (problem === null) continue;
    const shown = Number.isFinite(n) ? fmt(n) : String(n);
    out.push(
      finding('C2', cellWhere(ctx.t, c), `${cellText(c)}为 ${shown}，${problem}。请核对后改正。`, { actual: Number.isFinite(n) ? n : null }),
    );
  }
  return out;
}

/** Whether a non-negative number has more than four decimal places (less than one yuan in 万元). */
function belowOneYuan(v: number): boolean {
  const x = v * 10000;
  return Math.abs(x - Math.round(x)) > 1e-6 * Math.max(1, Math.abs(x));
}

/**
 * C3 (warning): the 2021 （八） amount is in 万元 by the format. Heuristic: an amount of
 * `c3ThresholdWanYuan` 万元 or more (default 10,000 万元, i.e. 1亿元 of administrative fees in one
 * year, implausible for nearly every agency) most likely was written in 元; so is a positive amount
 * with more than four decimal places (a fraction of one yuan).
 */
export function checkC3(ctx: CheckContext): Finding[] {
  if (ctx.report.format !== '2021') return [];
  const out: Finding[] = [];
  for (const c of ctx.t.cells) {
    if (c.kind !== 'amount_wan_yuan') continue;
    const v = valueOf(ctx, c);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) continue;
    const limit = ctx.c3ThresholdWanYuan;
    let why: string | null = null;
    if (v >= limit)
      why = `即 ${fmt(v / 10000)} 亿元，按万元看不合常理（核查阈值 ${fmt(limit)} 万元），疑似按元填写。若按元填写，应换算为万元（除以 10000，即 ${fmt(v / 10000)} 万元）`;
    else if (v > 0 && belowOneYuan(v))
      why = `小数超过四位（精确到 1 元以下），按万元看不合常理。金额单位为万元，精确到元时最多四位小数；若按元填写，应换算为万元（除以 10000）`;
    if (why)
      out.push(finding('C3', cellWhere(ctx.t, c), `${cellText(c)}为 ${fmt(v)} 万元，${why}。请核对单位。`, { actual: v }));
  }
  return out;
}
