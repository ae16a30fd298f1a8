/**
 * Entered figures of the annual report (录入数字): what an office types in where the system keeps no
 * records — section 二's 行政许可, 其他对外管理服务事项, 行政处罚, 行政强制, 行政事业性收费 and 政府集中采购
 * (2019), or 许可, 处罚, 强制 and the 收费金额 in 万元 (2021) — each with the source it was taken from
 * (来源说明, required) and who entered it when. A figure entered for a 第二十条第（一）项 cell replaces
 * the one the catalogue gives (for documents kept outside the system). Sections 三 and 四 are never
 * entered: they come from the case records.
 *
 * One current figure per agency, year and cell (report_entries); every setting and clearing is
 * kept in report_entry_history (append-only) and in the audit log.
 *
 * Authorization is the caller's: the routes decide who may enter figures for which agency (the
 * later back-office step); these functions take the actor to record who did it.
 */
import { z } from 'zod';
import { assertCan, type Actor } from '../../accounts/policy.js';
import { APPLICATION_AGENCY_KINDS } from '../../agencies/agency.repository.js';
import { audit } from '../../audit/audit.js';
import type { Db } from '../../db/database.js';
import { NotFoundError } from '../../errors.js';
import { id, int, optionalText, parseInput, text, ValidationError } from '../../validation.js';
import { DEFAULT_C3_THRESHOLD_WAN_YUAN } from '../checks/context.js';
import { FORMATS, formatForYear, type FormatId } from '../format.js';
import { AMOUNT_UNITS, CellValueError, parseCellValue, proactiveCell, proactiveCells, type ProactiveCellDef } from './cells.js';

/** Deps: the clock (tests fix it). */
export interface EntryDeps {
  now?: () => Date;
}

/** One entered figure as the back office shows it. */
export interface ReportEntryView {
  agencyId: number;
  year: number;
  /** `<row id>.<column id>` */
  cell: string;
  /** 第二十条第（五）项 行政许可「处理决定数量」 */
  label: string;
  /** The figure (for amounts: in `unit`, or 万元 for the 2021 收费金额). */
  value: number;
  /** Exact decimal text as stored. */
  valueText: string;
  unit: string | null;
  /** 来源说明 */
  note: string;
  enteredBy: { id: number; name: string };
  enteredAt: string;
  /** The cell is normally computed from the catalogue (this figure replaces it). */
  replacesRecords: boolean;
}

/** One change of an entered figure (history, oldest first). */
export interface ReportEntryChange {
  cell: string;
  action: 'set' | 'cleared';
  valueText: string | null;
  unit: string | null;
  note: string | null;
  enteredBy: { id: number; name: string };
  enteredAt: string;
}

const YEAR_MIN = 2019;

const yearField = int('报告年度', { min: YEAR_MIN, max: 9999 });

const setSchema = z.object({
  agencyId: id('机关'),
  year: yearField,
  cell: text('单元格', 60),
  value: z.unknown(),
  unit: optionalText('金额单位', 4),
  note: text('数字来源说明', 500),
});

const clearSchema = z.object({
  agencyId: id('机关'),
  year: yearField,
  cell: text('单元格', 60),
  note: optionalText('清除原因', 500),
});

const listSchema = z.object({ agencyId: id('机关'), year: yearField });

/** The China date year of now. */
function currentYear(deps: EntryDeps): number {
  const now = deps.now ? deps.now() : new Date();
  return new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear();
}

/**
 * The cell definition for an entry, or a ValidationError in Chinese: unknown ids are refused with
 * the list of the year's enterable cells; sections 三 and 四 are refused (they come from records).
 */
export function entryCell(year: number, cell: string): { format: FormatId; def: ProactiveCellDef } {
  const format = formatForYear(year);
  if (format === null) throw new ValidationError({ year: `${year}年早于2019年，没有对应的年度报告格式` });
  const def = proactiveCell(format, cell.trim());
  if (def) return { format, def };
  const f = FORMATS[format];
  const inTables =
    f.applicationRows.some((r) => cell.startsWith(`${r.id}.`) || cell === r.id) ||
    f.reviewGroups.some((g) => cell.startsWith(`${g.id}.`) || cell === g.id) ||
    /^(applications|reviews)\./.test(cell);
  if (inTables) {
    throw new ValidationError({ cell: `「${cell}」属于第三部分或第四部分：这两部分由申请和行政复议、行政诉讼记录生成，不能手工录入` });
  }
  const other = format === '2019' ? '2021' : '2019';
  const hint = proactiveCell(other, cell) ? `（这是${other}版格式的单元格；${year}年度报告使用${f.source}规定的${format}版格式）` : '';
  const list = proactiveCells(format)
    .map((c) => c.id)
    .join('、');
  throw new ValidationError({ cell: `未知的单元格「${cell}」${hint}。${year}年度报告第二部分的单元格为：${list}` });
}

async function reportingAgency(db: Db, agencyId: number): Promise<{ id: number; name: string }> {
  const a = await db.kysely.selectFrom('agencies').select(['id', 'name', 'kind']).where('id', '=', agencyId).executeTakeFirst();
  if (!a) throw new NotFoundError('未找到该机关');
  if (!APPLICATION_AGENCY_KINDS.includes(a.kind)) {
    throw new ValidationError({ agencyId: `「${a.name}」不是行政机关，不单独编制政府信息公开工作年度报告，其数字由所属乡镇人民政府或街道办事处填报` });
  }
  return a;
}

function checkYear(year: number, deps: EntryDeps): void {
  const current = currentYear(deps);
  if (year > current) throw new ValidationError({ year: `${year}年度尚未开始，不能录入（当前为${current}年）` });
}

/**
 * Sets (or replaces) an entered figure. Input: `{agencyId, year, cell, value, unit?, note}` —
 * `value` a JSON number or a form's text; `unit` only for the 2019 采购总金额 (元 or 万元; omitted
 * when the figure was written without one); `note` where the figure comes from. Validation errors
 * are Chinese, per field (ValidationError). Returns the stored figure and warnings that need a
 * human look (an amount implausible in 万元, a figure replacing the catalogue's).
 */
export async function setReportEntry(db: Db, actor: Actor, input: unknown, deps: EntryDeps = {}): Promise<{ entry: ReportEntryView; warnings: string[] }> {
  const v = parseInput(setSchema, input);
  checkYear(v.year, deps);
  const { def } = entryCell(v.year, v.cell);
  const unit = v.unit ?? null;
  if (def.kind === 'amount') {
    if (unit !== null && !(AMOUNT_UNITS as readonly string[]).includes(unit)) {
      throw new ValidationError({ unit: `金额单位应为${AMOUNT_UNITS.join('或')}，收到「${unit}」` });
    }
  } else if (unit !== null) {
    throw new ValidationError({ unit: `${def.label}不填单位${def.kind === 'amount_wan_yuan' ? '（固定为万元）' : ''}` });
  }
  let valueText: string;
  try {
    valueText = parseCellValue(def, v.value, unit);
  } catch (e) {
    if (e instanceof CellValueError) throw new ValidationError({ value: e.message });
    throw e;
  }
  const agency = await reportingAgency(db, v.agencyId);
  assertCan(actor, 'handle', agency.id);
  const warnings: string[] = [];
  if (def.kind === 'amount_wan_yuan' && Number(valueText) >= DEFAULT_C3_THRESHOLD_WAN_YUAN) {
    warnings.push(`${def.label}为${valueText}万元，数额很大：请确认单位是万元而不是元（规则C3）`);
  }
  if (def.fromCatalogue) warnings.push(`${def.label}通常由政府信息公开目录生成；录入的数字将代替生成的数字，请在来源说明中写明原因`);

  const now = deps.now ? deps.now() : new Date();
  const at = now.toISOString();
  const cell = def.id;
  await db.kysely.transaction().execute(async (trx) => {
    const row = { agency_id: agency.id, year: v.year, cell, value: valueText, unit, note: v.note, entered_by: actor.userId, entered_at: at };
    await trx
      .insertInto('report_entries')
      .values(row)
      .onConflict((oc) => oc.columns(['agency_id', 'year', 'cell']).doUpdateSet({ value: valueText, unit, note: v.note, entered_by: actor.userId, entered_at: at }))
      .execute();
    await trx.insertInto('report_entry_history').values({ ...row, action: 'set' }).execute();
    await audit(trx, {
      userId: actor.userId,
      agencyId: agency.id,
      action: 'report.entry.set',
      subjectType: 'report_entry',
      subjectId: `${agency.id}/${v.year}/${cell}`,
      details: { year: v.year, cell, value: valueText, unit },
    });
  });
  return {
    entry: {
      agencyId: agency.id,
      year: v.year,
      cell,
      label: def.label,
      value: Number(valueText),
      valueText,
      unit,
      note: v.note,
      enteredBy: { id: actor.userId, name: actor.displayName },
      enteredAt: at,
      replacesRecords: def.fromCatalogue,
    },
    warnings,
  };
}

/**
 * Clears an entered figure (the cell becomes blank again, or the catalogue's figure for
 * 第二十条第（一）项). Input `{agencyId, year, cell, note?}`. Returns whether there was one.
 */
export async function clearReportEntry(db: Db, actor: Actor, input: unknown, deps: EntryDeps = {}): Promise<boolean> {
  const v = parseInput(clearSchema, input);
  const { def } = entryCell(v.year, v.cell);
  const agency = await reportingAgency(db, v.agencyId);
  assertCan(actor, 'handle', agency.id);
  const at = (deps.now ? deps.now() : new Date()).toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('report_entries')
      .where('agency_id', '=', agency.id)
      .where('year', '=', v.year)
      .where('cell', '=', def.id)
      .returning('value')
      .executeTakeFirst();
    if (!gone) return false;
    await trx
      .insertInto('report_entry_history')
      .values({ agency_id: agency.id, year: v.year, cell: def.id, action: 'cleared', value: null, unit: null, note: v.note ?? null, entered_by: actor.userId, entered_at: at })
      .execute();
    await audit(trx, {
      userId: actor.userId,
      agencyId: agency.id,
      action: 'report.entry.cleared',
      subjectType: 'report_entry',
      subjectId: `${agency.id}/${v.year}/${def.id}`,
      details: { year: v.year, cell: def.id, previous: gone.value },
    });
    return true;
  });
}

/** The entered figures of an agency for a year, in table order. Input `{agencyId, year}`. */
export async function listReportEntries(db: Db, input: unknown): Promise<ReportEntryView[]> {
  const v = parseInput(listSchema, input);
  const format = formatForYear(v.year);
  if (format === null) throw new ValidationError({ year: `${v.year}年早于2019年，没有对应的年度报告格式` });
  const rows = await db.kysely
    .selectFrom('report_entries as e')
    .innerJoin('users as u', 'u.id', 'e.entered_by')
    .select(['e.cell', 'e.value', 'e.unit', 'e.note', 'e.entered_by', 'u.display_name', 'e.entered_at'])
    .where('e.agency_id', '=', v.agencyId)
    .where('e.year', '=', v.year)
    .execute();
  const order = new Map(proactiveCells(format).map((c, i) => [c.id, i]));
  return rows
    .filter((r) => order.has(r.cell))
    .sort((a, b) => order.get(a.cell)! - order.get(b.cell)!)
    .map((r) => {
      const def = proactiveCell(format, r.cell)!;
      return {
        agencyId: v.agencyId,
        year: v.year,
        cell: r.cell,
        label: def.label,
        value: Number(r.value),
        valueText: r.value,
        unit: r.unit,
        note: r.note,
        enteredBy: { id: r.entered_by, name: r.display_name },
        enteredAt: r.entered_at,
        replacesRecords: def.fromCatalogue,
      };
    });
}

/** Every change of an agency's entered figures for a year (one cell if given), oldest first. */
export async function reportEntryHistory(db: Db, input: unknown): Promise<ReportEntryChange[]> {
  const v = parseInput(listSchema.extend({ cell: optionalText('单元格', 60) }), input);
  let q = db.kysely
    .selectFrom('report_entry_history as h')
    .innerJoin('users as u', 'u.id', 'h.entered_by')
    .select(['h.cell', 'h.action', 'h.value', 'h.unit', 'h.note', 'h.entered_by', 'u.display_name', 'h.entered_at'])
    .where('h.agency_id', '=', v.agencyId)
    .where('h.year', '=', v.year);
  if (v.cell) q = q.where('h.cell', '=', v.cell);
  const rows = await q.orderBy('h.id').execute();
  return rows.map((r) => ({
    cell: r.cell,
    action: r.action,
    valueText: r.value,
    unit: r.unit,
    note: r.note,
    enteredBy: { id: r.entered_by, name: r.display_name },
    enteredAt: r.entered_at,
  }));
}
