/**
 * Shared machinery of the report checks: per-format lookup tables computed once at load time,
 * the context one `checkReport` call passes to every rule family, and the finding factory.
 */
import { RULES, type Finding, type RuleId } from '../finding.js';
import {
  FORMATS,
  FORMAT_IDS,
  normalizeLabel,
  type FormatId,
  type ProactiveBlock,
  type ReportFormat,
  type SectionId,
  type ValueKind,
} from '../format.js';
import type { ParseInfo } from '../parse-info.js';
import type { Report } from '../report.js';

export type TableSection = '2' | '3' | '4';

/** One value cell of tables 二/三/四 with its official labels. */
export interface CellDef {
  section: TableSection;
  row: string;
  column: string;
  /** Row label; for section 二 prefixed with the block, e.g. 第二十条第（六）项 行政强制. */
  rowLabel: string;
  columnLabel: string;
  kind: ValueKind;
  /** Section 二 only: the block id ('20.1' …). */
  block: string | null;
}

export interface FormatTables {
  format: ReportFormat;
  sectionLabel: Readonly<Record<SectionId, string>>;
  /** Every value cell of sections 二, 三, 四 in table order. */
  cells: readonly CellDef[];
  /** `${section}|${row}|${column}` → cell. */
  cellByKey: ReadonlyMap<string, CellDef>;
  /** `${section}|${row}` → row label (section 二 with its block). */
  rowLabel: ReadonlyMap<string, string>;
  /** Section 二 row id → its block. */
  blockOfRow: ReadonlyMap<string, ProactiveBlock>;
  appRowLabel: Readonly<Record<string, string>>;
  appColumnLabel: Readonly<Record<string, string>>;
  reviewGroupLabel: Readonly<Record<string, string>>;
  reviewColumnLabel: Readonly<Record<string, string>>;
  /** Rows of table 三 summed into 3.7 (T3). */
  outcomeRows: readonly string[];
  /** Official labels that only this format uses (F1 evidence when a report uses the wrong format). */
  distinctiveLabels: readonly string[];
}

export const SECTION_NUMERALS: Readonly<Record<SectionId, string>> = { '1': '一', '2': '二', '3': '三', '4': '四', '5': '五', '6': '六' };

function buildTables(f: ReportFormat, other: ReportFormat): FormatTables {
  const cells: CellDef[] = [];
  const rowLabel = new Map<string, string>();
  const blockOfRow = new Map<string, ProactiveBlock>();
  for (const b of f.proactive)
    for (const r of b.rows) {
      const label = `${b.label} ${r.label}`;
      rowLabel.set(`2|${r.id}`, label);
      blockOfRow.set(r.id, b);
      for (const c of b.columns)
        cells.push({ section: '2', row: r.id, column: c.id, rowLabel: label, columnLabel: c.label, kind: c.kind, block: b.id });
    }
  for (const r of f.applicationRows) {
    rowLabel.set(`3|${r.id}`, r.label);
    for (const c of f.applicationColumns)
      cells.push({ section: '3', row: r.id, column: c.id, rowLabel: r.label, columnLabel: c.label, kind: c.kind, block: null });
  }
  for (const g of f.reviewGroups) {
    rowLabel.set(`4|${g.id}`, g.label);
    for (const c of f.reviewColumns)
      cells.push({ section: '4', row: g.id, column: c.id, rowLabel: g.label, columnLabel: c.label, kind: c.kind, block: null });
  }
  // Labels that give the layout away: this format's markers and not the other's, one block after
  // another (本年新制作数量, 上一年项目数量, 本年增/减 …) so that a short list shows several blocks.
  const isDistinctive = (l: string) => {
    const n = normalizeLabel(l);
    return f.markers.some((m) => n.includes(m)) && !other.markers.some((m) => n.includes(m));
  };
  const perBlock = f.proactive.map((b) => [...b.columns.map((c) => c.label), ...b.rows.map((r) => r.label), b.label].filter(isDistinctive));
  const distinctive: string[] = [];
  for (let i = 0; perBlock.some((l) => l.length > i); i++)
    for (const l of perBlock) if (l[i] !== undefined && !distinctive.includes(l[i]!)) distinctive.push(l[i]!);
  return {
    format: f,
    sectionLabel: Object.fromEntries(f.sections.map((s) => [s.id, s.label])) as Record<SectionId, string>,
    cells,
    cellByKey: new Map(cells.map((c) => [`${c.section}|${c.row}|${c.column}`, c])),
    rowLabel,
    blockOfRow,
    appRowLabel: Object.fromEntries(f.applicationRows.map((r) => [r.id, r.label])),
    appColumnLabel: Object.fromEntries(f.applicationColumns.map((c) => [c.id, c.label])),
    reviewGroupLabel: Object.fromEntries(f.reviewGroups.map((g) => [g.id, g.label])),
    reviewColumnLabel: Object.fromEntries(f.reviewColumns.map((c) => [c.id, c.label])),
    outcomeRows: f.applicationRows.filter((r) => r.outcome).map((r) => r.id),
    distinctiveLabels: distinctive,
  };
}

export const TABLES: Readonly<Record<FormatId, FormatTables>> = {
  '2019': buildTables(FORMATS['2019'], FORMATS['2021']),
  '2021': buildTables(FORMATS['2021'], FORMATS['2019']),
};

/** Which layouts a (foreign) label belongs to, by the formats' markers. */
export function formatsOfLabel(label: string): FormatId[] {
  const n = normalizeLabel(label);
  return FORMAT_IDS.filter((id) => FORMATS[id].markers.some((m) => n.includes(m)));
}

/** C3 default: 10,000 万元 (1亿元) of fees in one year is taken to be a figure written in 元. */
export const DEFAULT_C3_THRESHOLD_WAN_YUAN = 10000;

export interface CheckOptions {
  /** What the importer saw (text import); absent for a report given as JSON. */
  info?: ParseInfo;
  /** Last year's report of the same agency (T5, T6, P2). */
  previous?: Report;
  /** C3: amounts at or above this many 万元 look like 元 (default 10,000 万元 = 1亿元). */
  c3ThresholdWanYuan?: number;
}

export interface CheckContext {
  report: Report;
  t: FormatTables;
  /** The ParseInfo of a document import (source other than 'json'), or null. */
  doc: ParseInfo | null;
  info: ParseInfo | null;
  previous: Report | null;
  c3ThresholdWanYuan: number;
  /** Sections judged missing by F2 (so P3 does not report them again). */
  missingSections: Set<SectionId>;
}

export function makeContext(report: Report, opts: CheckOptions = {}): CheckContext {
  const info = opts.info ?? null;
  return {
    report,
    t: TABLES[report.format],
    doc: info && info.source !== 'json' ? info : null,
    info,
    previous: opts.previous ?? null,
    c3ThresholdWanYuan: opts.c3ThresholdWanYuan ?? DEFAULT_C3_THRESHOLD_WAN_YUAN,
    missingSections: new Set(),
  };
}

export interface Where {
  section: Finding['section'];
  row?: string | null;
  column?: string | null;
  labels?: Partial<Finding['labels']>;
}

/** Builds a finding; severity comes from RULES. */
export function finding(
  rule: RuleId,
  where: Where,
  message: string,
  values?: { expected?: number | null; actual?: number | null },
): Finding {
  const f: Finding = {
    rule,
    severity: RULES[rule].severity,
    section: where.section,
    row: where.row ?? null,
    column: where.column ?? null,
    labels: { section: where.labels?.section ?? null, row: where.labels?.row ?? null, column: where.labels?.column ?? null },
    message,
  };
  if (values && 'expected' in values) f.expected = values.expected ?? null;
  if (values && 'actual' in values) f.actual = values.actual ?? null;
  return f;
}

/** The location of a table cell as a finding location. */
export function cellWhere(t: FormatTables, c: CellDef): Where {
  return {
    section: c.section,
    row: c.row,
    column: c.column,
    labels: { section: t.sectionLabel[c.section], row: c.rowLabel, column: c.columnLabel },
  };
}

/** 第二部分「第二十条第（六）项 行政强制」行「上一年项目数量」列 … in messages. */
export function cellText(c: Pick<CellDef, 'section' | 'rowLabel' | 'columnLabel'>): string {
  if (c.section === '4') return `第四部分「${c.rowLabel}」的「${c.columnLabel}」栏`;
  return `第${SECTION_NUMERALS[c.section]}部分「${c.rowLabel}」行「${c.columnLabel}」列`;
}

/** A number for messages: integers as is, decimals without float noise. */
export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}
