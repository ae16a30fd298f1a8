/**
 * The machine-readable form of one annual report (shared/docs/DOMAIN.md §4.4).
 *
 * Every row and column of the report's format is present; a blank cell is `null`, never 0.
 * The ids are exactly those of `format.ts`. JSON key order follows the official table order,
 * so that two equal reports serialize to the same text.
 */
import { z } from 'zod';
import {
  FORMATS,
  PROSE_SECTION_IDS,
  type ColumnDef,
  type FormatId,
  type ProseSectionId,
  type ReportFormat,
} from './format.js';

/** A counted cell: a number, or null when the cell was blank or unreadable. */
export type Cell = number | null;

/** An amount whose unit is not fixed by the format (2019 采购总金额): the unit is kept as written. */
export interface Amount {
  value: number;
  /** 元, 万元 …, or null when the cell gave a bare number. */
  unit: string | null;
}

export type ProactiveValue = Cell | Amount;

export interface Report {
  /** The agency as the report names it (from the title), or null when it cannot be told. */
  agency: string | null;
  year: number | null;
  format: FormatId;
  /** Section 二: row id → column id → value. */
  proactive: Record<string, Record<string, ProactiveValue>>;
  /** Section 三: row id ('1', '2', '3.1' … '4') → applicant column id → value. */
  applications: Record<string, Record<string, Cell>>;
  /** Section 四: group id → column id → value. */
  reviews: Record<string, Record<string, Cell>>;
  /** The prose sections 一, 五, 六; null when the section is missing. */
  sections: Record<ProseSectionId, string | null>;
}

export function isAmount(v: unknown): v is Amount {
  return typeof v === 'object' && v !== null && 'value' in v;
}

/** A report of the given format with every cell blank (null) and no prose. */
export function emptyReport(format: FormatId, agency: string | null = null, year: number | null = null): Report {
  const f = FORMATS[format];
  const proactive: Report['proactive'] = {};
  for (const b of f.proactive) for (const r of b.rows) proactive[r.id] = Object.fromEntries(b.columns.map((c) => [c.id, null]));
  const applications: Report['applications'] = {};
  for (const r of f.applicationRows) applications[r.id] = Object.fromEntries(f.applicationColumns.map((c) => [c.id, null]));
  const reviews: Report['reviews'] = {};
  for (const g of f.reviewGroups) reviews[g.id] = Object.fromEntries(f.reviewColumns.map((c) => [c.id, null]));
  return { agency, year, format, proactive, applications, reviews, sections: { '1': null, '5': null, '6': null } };
}

/** Fills every cell of a report with `value` (handy for tests and demos). */
export function filledReport(format: FormatId, agency: string, year: number, value = 0): Report {
  const r = emptyReport(format, agency, year);
  const f = FORMATS[format];
  for (const b of f.proactive)
    for (const row of b.rows)
      for (const c of b.columns) r.proactive[row.id]![c.id] = c.kind === 'amount' ? { value, unit: '元' } : value;
  for (const row of Object.values(r.applications)) for (const k of Object.keys(row)) row[k] = value;
  for (const row of Object.values(r.reviews)) for (const k of Object.keys(row)) row[k] = value;
  return r;
}

/** Where a proactive row lives: its block and column definitions. */
export function proactiveRowDefs(format: ReportFormat): { block: ReportFormat['proactive'][number]; rowId: string; columns: readonly ColumnDef[] }[] {
  return format.proactive.flatMap((block) => block.rows.map((r) => ({ block, rowId: r.id, columns: block.columns })));
}

// ---------------------------------------------------------------------------------------------
// Validation of report JSON coming from outside (CLI files, API bodies, imports)

const finite = z.number().refine(Number.isFinite, '必须是有限数字');
const cellSchema = finite.nullable();
const amountSchema = z.strictObject({ value: finite, unit: z.string().max(20).nullable() });

function valueSchema(c: ColumnDef) {
  if (c.kind === 'amount') return amountSchema.nullable();
  return cellSchema;
}

function tableSchema(rows: readonly { id: string }[], columns: readonly ColumnDef[]) {
  return z.strictObject(
    Object.fromEntries(rows.map((r) => [r.id, z.strictObject(Object.fromEntries(columns.map((c) => [c.id, valueSchema(c)])))])),
  );
}

function schemaFor(f: ReportFormat) {
  const proactiveShape: Record<string, z.ZodType> = {};
  for (const b of f.proactive)
    for (const r of b.rows) proactiveShape[r.id] = z.strictObject(Object.fromEntries(b.columns.map((c) => [c.id, valueSchema(c)])));
  return z.strictObject({
    agency: z.string().max(200).nullable(),
    year: z.number().int().min(1900).max(2200).nullable(),
    format: z.literal(f.id),
    proactive: z.strictObject(proactiveShape),
    applications: tableSchema(f.applicationRows, f.applicationColumns),
    reviews: tableSchema(f.reviewGroups, f.reviewColumns),
    sections: z.strictObject(Object.fromEntries(PROSE_SECTION_IDS.map((id) => [id, z.string().nullable()]))),
  });
}

const SCHEMAS: Record<FormatId, ReturnType<typeof schemaFor>> = {
  '2019': schemaFor(FORMATS['2019']),
  '2021': schemaFor(FORMATS['2021']),
};

export class ReportJsonError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = 'ReportJsonError';
  }
}

/**
 * Validates a value parsed from JSON as a report; returns it typed, or throws ReportJsonError with
 * one Chinese line per problem (path: reason).
 */
export function validateReportJson(input: unknown): Report {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ReportJsonError('报告 JSON 必须是一个对象', ['(根): 必须是对象']);
  }
  const format = (input as { format?: unknown }).format;
  if (format !== '2019' && format !== '2021') {
    throw new ReportJsonError('报告 JSON 的 format 必须是 "2019" 或 "2021"', [`format: 收到 ${JSON.stringify(format)}`]);
  }
  const r = SCHEMAS[format].safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(根)'}: ${describeIssue(i)}`);
    throw new ReportJsonError(`报告 JSON 不符合 ${format} 格式：${issues.slice(0, 5).join('；')}${issues.length > 5 ? ` 等 ${issues.length} 处` : ''}`, issues);
  }
  return canonicalReport(r.data as Report);
}

function describeIssue(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case 'unrecognized_keys':
      return `多余的键 ${i.keys.join(', ')}`;
    case 'invalid_type':
      return i.input === undefined ? '缺少该项' : `类型错误，应为 ${i.expected}`;
    default:
      return i.message;
  }
}

/** The same report with keys in official order (rows, columns, sections). */
export function canonicalReport(r: Report): Report {
  const f = FORMATS[r.format];
  const out = emptyReport(r.format, r.agency, r.year);
  for (const b of f.proactive)
    for (const row of b.rows)
      for (const c of b.columns) {
        const v = r.proactive[row.id]?.[c.id] ?? null;
        out.proactive[row.id]![c.id] = isAmount(v) ? { value: v.value, unit: v.unit } : v;
      }
  for (const row of f.applicationRows)
    for (const c of f.applicationColumns) out.applications[row.id]![c.id] = r.applications[row.id]?.[c.id] ?? null;
  for (const g of f.reviewGroups) for (const c of f.reviewColumns) out.reviews[g.id]![c.id] = r.reviews[g.id]?.[c.id] ?? null;
  for (const id of PROSE_SECTION_IDS) out.sections[id] = r.sections[id] ?? null;
  return out;
}

/**
 * Pretty JSON of a report with every key in official order. (JavaScript objects list integer-like
 * keys such as "1", "2", "4" before "3.1", so JSON.stringify alone would put row 4 before row 3.1.)
 */
export function reportToJson(r: Report): string {
  const c = canonicalReport(r);
  const f = FORMATS[c.format];
  const table = (t: Record<string, Record<string, unknown>>, rows: readonly { id: string }[], cols: readonly { id: string }[]) =>
    new OrderedObject(rows.map((row) => [row.id, new OrderedObject(cols.map((col) => [col.id, t[row.id]![col.id]]))]));
  const proactiveRows = f.proactive.flatMap((b) => b.rows.map((row) => ({ row, cols: b.columns })));
  const doc = new OrderedObject([
    ['agency', c.agency],
    ['year', c.year],
    ['format', c.format],
    [
      'proactive',
      new OrderedObject(proactiveRows.map(({ row, cols }) => [row.id, new OrderedObject(cols.map((col) => [col.id, c.proactive[row.id]![col.id]]))])),
    ],
    ['applications', table(c.applications, f.applicationRows, f.applicationColumns)],
    ['reviews', table(c.reviews, f.reviewGroups, f.reviewColumns)],
    ['sections', new OrderedObject(PROSE_SECTION_IDS.map((id) => [id, c.sections[id]]))],
  ]);
  return stringifyOrdered(doc, '');
}

class OrderedObject {
  constructor(readonly entries: [string, unknown][]) {}
}

function stringifyOrdered(v: unknown, indent: string): string {
  if (!(v instanceof OrderedObject)) return JSON.stringify(v) ?? 'null';
  if (v.entries.length === 0) return '{}';
  const inner = `${indent}  `;
  return `{\n${v.entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${stringifyOrdered(x, inner)}`).join(',\n')}\n${indent}}`;
}
