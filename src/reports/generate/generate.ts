/**
 * The annual report's tables computed from the records (issue 5): section 二 from the catalogue
 * and the entered figures, section 三 from the applications, section 四 from the review cases —
 * in the format the year requires (2019 format for 2019–2020, 2021 format from 2021; DOMAIN.md §4).
 * The counting rules are in counting.ts; the SQL in queries.ts.
 *
 * A few GROUP BY statements per report, in one read-only snapshot (repeatable read on
 * PostgreSQL), whatever the number of applications; the work in memory is proportional to the
 * number of groups (agencies × rows × applicant types), never to the number of cases.
 *
 * Prose (sections 一, 五, 六) is left null: staff write it. What the records say for the prose —
 * information-processing fees collected (section 六, 2021 format) — comes back as `facts` and
 * `reminders`.
 */
import { APPLICATION_AGENCY_KINDS } from '../../agencies/agency.repository.js';
import type { Db } from '../../db/database.js';
import type { AgencyKind, ReviewKind } from '../../db/schema.js';
import { NotFoundError } from '../../errors.js';
import { ValidationError } from '../../validation.js';
import {
  APPLICANT_COLUMN_IDS,
  FORMATS,
  formatForYear,
  REVIEW_PART_IDS,
  type ApplicantColumnId,
  type FormatId,
  type ReportFormat,
} from '../format.js';
import { emptyReport, type Amount, type Report } from '../report.js';
import { proactiveCell, proactiveCells, type ProactiveCellDef } from './cells.js';
import {
  applicationRows,
  effectiveClosing,
  NO_OUTCOME,
  outcomeRowIn,
  RULE_TEXT,
  yearBounds,
  type YearBounds,
} from './counting.js';
import * as q from './queries.js';

// ---------------------------------------------------------------------------------------------
// Types of the result

/** An agency as the result names it. */
export interface AgencyRef {
  id: number;
  name: string;
  kind: AgencyKind;
}

/** One entered figure behind a cell. */
export interface EnteredFigure {
  agencyId: number;
  agencyName: string;
  value: number;
  unit: string | null;
  /** 来源说明 */
  note: string;
  enteredBy: { id: number; name: string };
  enteredAt: string;
}

/**
 * Where a cell's figure came from, for the back office to show beside it:
 * - `records`: counted from the system's records (`records` says which; `rule` how);
 * - `entry`: entered by the office (`entries`, with their source notes);
 * - `mixed`: a roll-up cell where some agencies' parts are entered and others counted;
 * - `sum`: a total of other cells of the table;
 * - `none`: nothing entered and no records: the cell is blank (null), a defect to fix (C1).
 */
export interface CellSource {
  origin: 'records' | 'entry' | 'mixed' | 'sum' | 'none';
  /** The counting rule or what is missing, in Chinese. */
  rule: string;
  records?: 'applications' | 'review_cases' | 'catalogue';
  /** The entered figures making up the value (one for a single agency). */
  entries?: EnteredFigure[];
  /** For a figure entered over a catalogue cell: what the catalogue gives. */
  recordsValue?: number;
  /** Reporting agencies in the scope without an entered figure for this cell (then the cell is blank). */
  missing?: AgencyRef[];
}

/** The sources of every cell, in the shape of the report's tables. */
export interface ReportSources {
  proactive: Record<string, Record<string, CellSource>>;
  applications: Record<string, Record<string, CellSource>>;
  reviews: Record<string, Record<string, CellSource>>;
}

/** Facts from the records that the prose sections report. */
export interface ReportFacts {
  /** Information-processing fees paid in the year (events 缴费, by payment date; 国办函〔2020〕109号). */
  informationFees: { payments: number; amountYuan: number };
}

export interface GeneratedReport {
  /** The report JSON (DOMAIN.md §4.4): tables filled, prose sections null. */
  report: Report;
  sources: ReportSources;
  /** The agencies whose records and entries were counted. */
  scope: AgencyRef[];
  facts: ReportFacts;
  /** Things the prose must say, in Chinese (e.g. section 六's fees). */
  reminders: string[];
  /** Data problems met while counting, in Chinese (cases without an outcome row, undated repeals …). */
  warnings: string[];
}

export interface GenerateOptions {
  agencyId: number;
  year: number;
  /**
   * Count the records of the agency's whole subtree too (agencies.parent_id), as a government's
   * report covering its region does. Default false: the agency's own records only.
   */
  includeSubordinates?: boolean;
}

export interface RollupReport extends GeneratedReport {
  /** Agencies of the subtree with records or entered figures for the year. */
  included: AgencyRef[];
  /**
   * Administrative organs of the subtree (those that report: governments, departments, towns,
   * streets) with nothing for the year: no application or review case counted in its tables, no
   * catalogue document made, published or repealed in the year, and no entered figure. Their
   * report has most likely not been prepared. (Villages and communities do not report: they are
   * never missing, and are included when they have records.)
   */
  missing: AgencyRef[];
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Generates the tables of an agency's annual report for `year` from the records.
 *
 * Throws ValidationError (Chinese) for a year before 2019 (no format) and NotFoundError for an
 * unknown agency. Cells of section 二 with neither records nor an entered figure are null (blank);
 * sections 三 and 四 are always complete and satisfy T1–T4.
 */
export async function generateReport(db: Db, opts: GenerateOptions): Promise<GeneratedReport> {
  const { format, bounds } = checkYear(opts.year);
  return snapshot(db, async (tx) => {
    const tree = await q.listAgencyTree(tx);
    const root = tree.find((a) => a.id === opts.agencyId);
    if (!root) throw new NotFoundError('未找到该机关');
    const scope = opts.includeSubordinates ? subtree(tree, root.id) : [root];
    const data = await collect(tx, db.dialect, scope, bounds);
    const out = assemble(format, bounds, root, scope, data, opts.includeSubordinates ?? false);
    if (!opts.includeSubordinates && !APPLICATION_AGENCY_KINDS.includes(root.kind)) {
      out.warnings.push(`「${root.name}」不是行政机关，不单独编制政府信息公开工作年度报告`);
    }
    return out;
  });
}

/**
 * The roll-up of an agency's region: its tables summed over the agency and all its subordinate
 * agencies (the agencies.parent_id tree), with the agencies included and those missing (see
 * RollupReport.missing). Entered cells are summed; when a reporting agency of the subtree has not
 * entered a cell, the cell is blank and its source lists who is missing.
 */
export async function generateRollup(db: Db, opts: { agencyId: number; year: number }): Promise<RollupReport> {
  const { format, bounds } = checkYear(opts.year);
  return snapshot(db, async (tx) => {
    const tree = await q.listAgencyTree(tx);
    const root = tree.find((a) => a.id === opts.agencyId);
    if (!root) throw new NotFoundError('未找到该机关');
    const scope = subtree(tree, root.id);
    const data = await collect(tx, db.dialect, scope, bounds);
    const out = assemble(format, bounds, root, scope, data, true);
    const included = scope.filter((a) => data.active.has(a.id)).map(ref);
    const missing = scope.filter((a) => !data.active.has(a.id) && APPLICATION_AGENCY_KINDS.includes(a.kind)).map(ref);
    if (missing.length) out.warnings.push(`${missing.length}个机关${opts.year}年度没有任何记录或录入的数字：${missing.map((a) => a.name).join('、')}`);
    return { ...out, included, missing };
  });
}

// ---------------------------------------------------------------------------------------------
// Collecting

function checkYear(year: number): { format: FormatId; bounds: YearBounds } {
  if (!Number.isInteger(year)) throw new ValidationError({ year: '报告年度应为整数' });
  const format = formatForYear(year);
  if (format === null) throw new ValidationError({ year: `${year}年早于2019年，没有对应的年度报告格式（现行格式自2019年度起适用）` });
  if (year > 9999) throw new ValidationError({ year: `报告年度${year}无效` });
  return { format, bounds: yearBounds(year) };
}

type Snap = Parameters<typeof q.listAgencyTree>[0];

/** Runs the reads in one snapshot: repeatable read, read only (PostgreSQL); one read transaction (SQLite). */
async function snapshot<T>(db: Db, fn: (tx: Snap) => Promise<T>): Promise<T> {
  if (db.kysely.isTransaction) return fn(db.kysely);
  return db.kysely.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
}

function subtree(tree: q.AgencyTreeRow[], rootId: number): q.AgencyTreeRow[] {
  const children = new Map<number, q.AgencyTreeRow[]>();
  for (const a of tree) {
    if (a.parent_id === null) continue;
    const list = children.get(a.parent_id) ?? [];
    list.push(a);
    children.set(a.parent_id, list);
  }
  const out: q.AgencyTreeRow[] = [];
  const seen = new Set<number>();
  const stack = [tree.find((a) => a.id === rootId)!];
  while (stack.length) {
    const a = stack.pop()!;
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    out.push(a);
    for (const c of (children.get(a.id) ?? []).slice().reverse()) stack.push(c);
  }
  return out;
}

const ref = (a: q.AgencyTreeRow): AgencyRef => ({ id: a.id, name: a.name, kind: a.kind });

type Counts = Map<string, number>;
const key = (...parts: (string | number)[]) => parts.join('|');
const add = (m: Counts, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);

interface Collected {
  /** agency|row|applicantType → n (rows: '1', '2', outcome rows as recorded or NO_OUTCOME, '4'). */
  applications: Counts;
  /** agency|group|column → n */
  reviews: Counts;
  /** agency|kind|measure → n */
  catalogue: Counts;
  entries: q.EntryRow[];
  fees: { payments: number; amountYuan: number };
  /** Agencies with anything for the year. */
  active: Set<number>;
  warnings: string[];
}

async function collect(tx: Snap, dialect: Db['dialect'], scope: q.AgencyTreeRow[], b: YearBounds): Promise<Collected> {
  const ids = scope.map((a) => a.id);
  // Sequential on purpose: one connection holds the snapshot.
  const appRows = await q.countApplications(tx, dialect, ids, b);
  const reopened = await q.reopenedLogs(tx, ids);
  const reviewRows = await q.countReviews(tx, ids, b);
  const catalogueRows = await q.countCatalogue(tx, ids, b);
  const feeRows = await q.feePayments(tx, ids, b);
  let entries = await q.listEntries(tx, ids, b.year);
  const uploads = await q.acceptedUploads(tx, ids, b.year);

  const applications: Counts = new Map();
  const active = new Set<number>();
  for (const r of appRows) {
    add(applications, key(r.agency_id, r.start_row, r.applicant_type), r.n);
    add(applications, key(r.agency_id, r.end_row, r.applicant_type), r.n);
    if (r.n > 0) active.add(r.agency_id);
  }
  // Reopened cases: replace what their stored columns gave by their effective closing.
  const byApp = new Map<number, q.ReopenedLogRow[]>();
  for (const r of reopened) {
    const list = byApp.get(r.application_id) ?? [];
    list.push(r);
    byApp.set(r.application_id, list);
  }
  for (const events of byApp.values()) {
    const a = events[0]!;
    const eff = effectiveClosing(events);
    const before = applicationRows(a, b);
    const after = applicationRows({ received_on: a.received_on, closed_on: eff?.closed_on ?? null, outcome_row: eff?.outcome_row ?? null }, b);
    if (before) {
      add(applications, key(a.agency_id, before.start, a.applicant_type), -1);
      add(applications, key(a.agency_id, before.end, a.applicant_type), -1);
    }
    if (after) {
      add(applications, key(a.agency_id, after.start, a.applicant_type), 1);
      add(applications, key(a.agency_id, after.end, a.applicant_type), 1);
      active.add(a.agency_id);
    }
  }

  const reviews: Counts = new Map();
  for (const r of reviewRows) {
    add(reviews, key(r.agency_id, r.kind, r.col), r.n);
    if (r.n > 0) active.add(r.agency_id);
  }

  const catalogue: Counts = new Map();
  const warnings: string[] = [];
  let expired = 0;
  let undated = 0;
  for (const r of catalogueRows) {
    for (const m of ['made', 'published', 'total_published', 'repealed', 'in_force'] as const) add(catalogue, key(r.agency_id, r.kind, m), r[m]);
    if (r.made + r.published + r.repealed > 0) active.add(r.agency_id);
    expired += r.expired;
    undated += r.undated;
  }
  if (expired) warnings.push(`${expired}件规范性文件（或规章）于${b.year}年失效：不计入本年废止件数，但不再计入现行有效件数（与上年现行有效件数比较时请说明）`);
  if (undated) warnings.push(`${undated}件规范性文件（或规章）有效性为失效或废止但未填写日期：不计入现行有效件数，也不计入任何年度的废止件数，请在政府信息公开目录中补填有效性变更日期`);

  let payments = 0;
  let amountYuan = 0;
  for (const r of feeRows) {
    payments++;
    try {
      const amount = (JSON.parse(r.data ?? 'null') as { amount?: unknown } | null)?.amount;
      if (typeof amount === 'number' && Number.isFinite(amount)) amountYuan += amount;
    } catch {
      warnings.push('一条缴费记录的金额无法读取');
    }
  }
  entries = useUploads(uploads, { applications, reviews, catalogue, entries, warnings });
  for (const e of entries) active.add(e.agency_id);
  for (const u of uploads) active.add(u.agency_id);
  return { applications, reviews, catalogue, entries, fees: { payments, amountYuan: Math.round(amountYuan * 100) / 100 }, active, warnings };
}

/**
 * An agency whose report the supervisor accepted as an uploaded file (reports/uploads) counts by
 * that report, not by what the system holds for it: its records and entered figures are dropped,
 * the report's section 三 and 四 figures take their place, and its section 二 figures become
 * entered figures whose source is the file (a blank cell stays missing). Returns the entries.
 */
function useUploads(
  uploads: q.AcceptedUploadRow[],
  data: Pick<Collected, 'applications' | 'reviews' | 'catalogue' | 'entries' | 'warnings'>,
): q.EntryRow[] {
  if (!uploads.length) return data.entries;
  const uploaded = new Set(uploads.map((u) => u.agency_id));
  for (const m of [data.applications, data.reviews, data.catalogue]) {
    for (const k of [...m.keys()]) if (uploaded.has(Number(k.slice(0, k.indexOf('|'))))) m.delete(k);
  }
  const entries = data.entries.filter((e) => !uploaded.has(e.agency_id));
  let blanks = 0;
  for (const u of uploads) {
    const rep = JSON.parse(u.content) as Report;
    for (const [row, cells] of Object.entries(rep.applications)) {
      if (row === '3.7') continue;
      for (const [col, v] of Object.entries(cells)) {
        if (col === 'total') continue;
        if (v === null) blanks++;
        else if (v) add(data.applications, key(u.agency_id, row, col), v);
      }
    }
    for (const [group, cells] of Object.entries(rep.reviews)) {
      for (const [col, v] of Object.entries(cells)) {
        if (col === 'total') continue;
        if (v === null) blanks++;
        else if (v) add(data.reviews, key(u.agency_id, group, col), v);
      }
    }
    const note = `报送的报告文件《${u.file_name}》，${u.decided_at.slice(0, 10)}由${u.decided_by_name}接受`;
    for (const [row, cells] of Object.entries(rep.proactive)) {
      for (const [col, v] of Object.entries(cells)) {
        if (v === null) continue;
        const amount = typeof v === 'object';
        entries.push({
          agency_id: u.agency_id,
          cell: `${row}.${col}`,
          value: String(amount ? v.value : v),
          unit: amount ? v.unit : null,
          note,
          entered_by: u.decided_by,
          entered_by_name: u.decided_by_name,
          entered_at: u.decided_at,
        });
      }
    }
  }
  data.warnings.push(`${uploads.length}个机关按其报送并已接受的报告文件计入（第二、三、四部分的数字来自该文件，不再计算这些机关在系统中的记录）`);
  if (blanks) data.warnings.push(`报送的报告文件中，第三、四部分共有${blanks}个空白单元格，按0计入`);
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Assembling the report

function assemble(
  format: FormatId,
  b: YearBounds,
  root: q.AgencyTreeRow,
  scope: q.AgencyTreeRow[],
  data: Collected,
  rollup: boolean,
): GeneratedReport {
  const f = FORMATS[format];
  const report = emptyReport(format, root.name, b.year);
  const sources: ReportSources = { proactive: {}, applications: {}, reviews: {} };
  const warnings = [...data.warnings];
  fillApplications(f, b, data, report, sources, warnings);
  fillReviews(f, b, scope, data, report, sources);
  fillProactive(format, b, scope, data, report, sources, warnings, rollup);

  const reminders: string[] = [];
  const { payments, amountYuan } = data.fees;
  if (payments > 0) {
    reminders.push(`第六部分：本年度共收取信息处理费${payments}笔，合计${amountYuan}元（按缴费日期统计，国办函〔2020〕109号），请在“其他需要报告的事项”中报告。`);
  } else if (format === '2021') {
    reminders.push('第六部分：系统中本年度没有收取信息处理费的记录；2021年版格式要求报告信息处理费的收取情况，如未收取请写明。');
  }
  return { report, sources, scope: scope.map(ref), facts: { informationFees: data.fees }, reminders, warnings };
}

function fillApplications(
  f: ReportFormat,
  b: YearBounds,
  data: Collected,
  report: Report,
  sources: ReportSources,
  warnings: string[],
): void {
  const rows = new Map<string, Record<ApplicantColumnId, number>>();
  for (const r of f.applicationRows) rows.set(r.id, { natural_person: 0, commercial: 0, research: 0, public_interest: 0, legal_services: 0, other: 0, total: 0 });
  let flagged = 0;
  let unknownType = 0;
  for (const [k, n] of data.applications) {
    const [, rawRow, rawType] = k.split('|') as [string, string, string];
    if (n === 0) continue;
    let rowId = rawRow;
    if (rawRow !== '1' && rawRow !== '2' && rawRow !== '4') {
      const o = outcomeRowIn(f.id, rawRow === NO_OUTCOME ? '' : rawRow);
      rowId = o.row;
      if (o.flagged) flagged += n;
    }
    let type = rawType as ApplicantColumnId;
    if (!(APPLICANT_COLUMN_IDS as readonly string[]).includes(type)) {
      type = 'other';
      if (rawRow === '1' || rawRow === '2') unknownType += n;
    }
    rows.get(rowId)![type] += n;
  }
  if (flagged) warnings.push(`${flagged}件办结的申请没有记录有效的办理结果行，已计入「（六）其他处理」${f.id === '2021' ? '「3.其他」' : ''}，请核对这些申请的办理结果`);
  if (unknownType) warnings.push(`${unknownType}件申请的申请人类型无法识别，已计入「其他」列`);

  const outcomeIds = f.applicationRows.filter((r) => r.outcome).map((r) => r.id);
  const total = rows.get('3.7')!;
  for (const id of outcomeIds) for (const c of APPLICANT_COLUMN_IDS) total[c] += rows.get(id)![c];
  for (const r of f.applicationRows) {
    const cells = rows.get(r.id)!;
    cells.total = APPLICANT_COLUMN_IDS.reduce((s, c) => s + cells[c], 0);
    report.applications[r.id] = { ...cells };
    const rule =
      r.id === '1'
        ? RULE_TEXT.received(b.year)
        : r.id === '2'
          ? RULE_TEXT.carried(b.year)
          : r.id === '4'
            ? RULE_TEXT.open(b.year)
            : r.id === '3.7'
              ? RULE_TEXT.totalRow
              : RULE_TEXT.closed(b.year, r.group && r.group !== '三、本年度办理结果' ? `${r.group} ${r.label}` : r.label);
    const src: CellSource = r.id === '3.7' ? { origin: 'sum', rule } : { origin: 'records', records: 'applications', rule };
    const sumSrc: CellSource = { origin: 'sum', rule: RULE_TEXT.totalColumn };
    sources.applications[r.id] = Object.fromEntries(f.applicationColumns.map((c) => [c.id, c.id === 'total' ? sumSrc : src]));
  }
}

const REVIEW_RESULT_LABEL: Record<string, string> = { upheld: '结果维持', corrected: '结果纠正', other: '其他结果' };

function fillReviews(f: ReportFormat, b: YearBounds, scope: q.AgencyTreeRow[], data: Collected, report: Report, sources: ReportSources): void {
  const inScope = new Set(scope.map((a) => String(a.id)));
  for (const g of f.reviewGroups) {
    const cells: Record<string, number> = { upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 };
    for (const [k, n] of data.reviews) {
      const [agency, kind, col] = k.split('|') as [string, ReviewKind, string];
      if (kind === g.id && inScope.has(agency) && col in cells) cells[col] = (cells[col] ?? 0) + n;
    }
    cells.total = REVIEW_PART_IDS.reduce((s, c) => s + cells[c]!, 0);
    report.reviews[g.id] = cells;
    sources.reviews[g.id] = Object.fromEntries(
      f.reviewColumns.map((c) => [
        c.id,
        c.id === 'total'
          ? { origin: 'sum', rule: RULE_TEXT.reviewTotal }
          : {
              origin: 'records',
              records: 'review_cases',
              rule: c.id === 'pending' ? RULE_TEXT.reviewPending(b.year, g.label) : RULE_TEXT.review(b.year, g.label, REVIEW_RESULT_LABEL[c.id]!),
            },
      ]),
    );
  }
}

/** The catalogue's measure behind a 第二十条第（一）项 column. */
const CATALOGUE_MEASURE: Record<string, string> = {
  made: 'made',
  published: 'published',
  total_published: 'total_published',
  issued: 'made',
  repealed: 'repealed',
  in_force: 'in_force',
};

function fillProactive(
  format: FormatId,
  b: YearBounds,
  scope: q.AgencyTreeRow[],
  data: Collected,
  report: Report,
  sources: ReportSources,
  warnings: string[],
  rollup: boolean,
): void {
  const names = new Map(scope.map((a) => [a.id, a.name]));
  const entries = new Map<string, q.EntryRow[]>();
  for (const e of data.entries) {
    if (!proactiveCell(format, e.cell)) {
      warnings.push(`录入的单元格「${e.cell}」不属于${b.year}年度报告的格式，未采用`);
      continue;
    }
    const list = entries.get(e.cell) ?? [];
    list.push(e);
    entries.set(e.cell, list);
  }
  // Agencies expected to enter figures: the reporting ones of the scope (a roll-up), or the agency itself.
  const reporters = rollup ? scope.filter((a) => APPLICATION_AGENCY_KINDS.includes(a.kind)) : scope.slice(0, 1);
  const figure = (e: q.EntryRow): EnteredFigure => ({
    agencyId: e.agency_id,
    agencyName: names.get(e.agency_id) ?? '',
    value: Number(e.value),
    unit: e.unit,
    note: e.note,
    enteredBy: { id: e.entered_by, name: e.entered_by_name },
    enteredAt: e.entered_at,
  });

  for (const cell of proactiveCells(format)) {
    const list = entries.get(cell.id) ?? [];
    const row = (sources.proactive[cell.rowId] ??= {});
    if (cell.fromCatalogue) {
      const measure = CATALOGUE_MEASURE[cell.columnId]!;
      const entered = new Set(list.map((e) => e.agency_id));
      let value = 0;
      let recordsValue = 0;
      for (const a of scope) {
        const counted = data.catalogue.get(key(a.id, cell.rowId, measure)) ?? 0;
        recordsValue += counted;
        if (!entered.has(a.id)) value += counted;
      }
      for (const e of list) value += Number(e.value);
      report.proactive[cell.rowId]![cell.columnId] = value;
      const rule = RULE_TEXT.catalogue[cell.columnId]!(b.year);
      row[cell.columnId] =
        list.length === 0
          ? { origin: 'records', records: 'catalogue', rule }
          : { origin: list.length === scope.length ? 'entry' : 'mixed', records: 'catalogue', rule, entries: list.map(figure), recordsValue };
      continue;
    }
    const entered = new Set(list.map((e) => e.agency_id));
    const missing = reporters.filter((a) => !entered.has(a.id)).map(ref);
    if (list.length === 0) {
      report.proactive[cell.rowId]![cell.columnId] = null;
      row[cell.columnId] = { origin: 'none', rule: RULE_TEXT.notEntered, ...(rollup ? { missing } : {}) };
      continue;
    }
    const value = missing.length > 0 ? null : sumEntries(cell, list, warnings);
    report.proactive[cell.rowId]![cell.columnId] = value;
    row[cell.columnId] = {
      origin: 'entry',
      rule: missing.length > 0 ? `${RULE_TEXT.entered}；尚有${missing.length}个机关未录入，合计暂空` : RULE_TEXT.entered,
      entries: list.map(figure),
      ...(missing.length ? { missing } : {}),
    };
  }
}

/** The sum of entered figures of a cell (amounts with their units reconciled). */
function sumEntries(cell: ProactiveCellDef, list: q.EntryRow[], warnings: string[]): number | Amount | null {
  if (cell.kind !== 'amount') return roundDecimal(list.reduce((s, e) => s + Number(e.value), 0));
  const nonZero = list.filter((e) => Number(e.value) !== 0);
  const units = new Set(nonZero.map((e) => e.unit));
  if (nonZero.length === 0) return { value: 0, unit: list.length === 1 ? list[0]!.unit : (list.find((e) => e.unit !== null)?.unit ?? null) };
  if (units.size === 1) return { value: roundDecimal(nonZero.reduce((s, e) => s + Number(e.value), 0)), unit: nonZero[0]!.unit };
  if (units.has(null)) {
    warnings.push(`${cell.label}：有的机关录入的金额未写单位，无法与其他机关的金额相加，合计暂空`);
    return null;
  }
  // 元 and 万元: summed in 元.
  const yuan = nonZero.reduce((s, e) => s + Number(e.value) * (e.unit === '万元' ? 10_000 : 1), 0);
  return { value: roundDecimal(yuan), unit: '元' };
}

/** Removes binary floating-point noise from a sum of decimals (at most 6 places are entered). */
function roundDecimal(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
