/**
 * The text importer: an annual report (政府信息公开工作年度报告) as offices really write it, in
 * either national format, read into the report JSON (DOMAIN.md §4.4) plus what the importer saw
 * (ParseInfo), which the checks use to tell a blank cell (C1) from a missing row (F3) or section
 * (F2).
 *
 * How a document is read, in one pass over its lines plus one over the table parts:
 *  1. Lines are cleaned (artefacts such as [bookmark: _GoBack], page numbers, form feeds).
 *  2. Section headings are found (headings.ts); the title is the line(s) before the first one.
 *  3. Prose sections (一 五 六) are the lines between their heading and the next; table sections
 *     (二 三 四) — and any table met where a heading is missing — are read as a stream of cells
 *     (tables.ts), whatever the layout, collecting the cells after every row label.
 *  4. The format is decided from the labels seen (ReportFormat.markers), then the collected cells
 *     are mapped to that format's columns, counting heuristics deciding which cells belong to a
 *     row, and read as values (cells.ts): only digits are values, never a filled-in 0.
 */
import { ReportInputError } from '../errors.js';
import {
  FORMATS,
  formatForYear,
  type ColumnDef,
  type FormatId,
  type ProseSectionId,
  type ReportFormat,
  type SectionId,
} from '../format.js';
import { emptyParseInfo, type CellNote, type ParsedReport, type ParseInfo } from '../parse-info.js';
import type { ProactiveValue, Report } from '../report.js';
import { COUNT_UNITS, MONEY_UNITS, headerUnit, readCell } from './cells.js';
import { matchHeading, type HeadingMatch } from './headings.js';
import { classifyLabel, headerMatchesColumn } from './labels.js';
import { cleanLines, hasInvisibles, joinProse, splitLines } from './lines.js';
import { BREAK, EMPTY, TableScanner, Tokenizer, detectModes, splitCells, type TableScan, type TableSection, type Token } from './tables.js';
import { parseTitle, yearFromText } from './title.js';

export { canonicalProse } from './lines.js';

const NUMERALS: Record<SectionId, string> = { '1': '一', '2': '二', '3': '三', '4': '四', '5': '五', '6': '六' };
const TABLE_NAMES: Record<TableSection, string> = { '2': '表二', '3': '表三', '4': '表四' };
const PROSE_IDS = new Set<SectionId>(['1', '5', '6']);

interface Heading {
  m: HeadingMatch;
  line: number;
}

interface Zone {
  start: number;
  end: number;
  /** The table section the zone's heading names, or null (a table met where its heading is missing). */
  section: TableSection | null;
}

/** Parses a report text (already decoded, see decode.ts). Throws ReportInputError when it is no report. */
export function parseReportText(text: string): ParsedReport {
  const info = emptyParseInfo('text');
  const lines: (string | null)[] = splitLines(text);
  cleanLines(lines, hasInvisibles(text));

  // 1. Headings.
  const headings = findHeadings(lines);
  for (const h of headings) info.headings.push({ section: h.m.section, text: h.m.text, line: h.line + 1, numeral: h.m.numeral });

  // 2. Title.
  const firstHeading = headings.length ? headings[0]!.line : Math.min(lines.length, 40);
  const title = findTitle(lines, firstHeading);
  info.title = title?.text ?? null;
  const parts = title ? parseTitle(title.text) : { agency: null, year: null, yearBlank: false };
  const bodyStart = title ? title.end : 0;

  // 3. Regions: prose, and the zones where tables are read.
  const sections: Report['sections'] = { '1': null, '5': null, '6': null };
  const zones: Zone[] = [];
  const preambleEnd = headings.length ? headings[0]!.line : lines.length;
  const preTable = findTableStart(lines, bodyStart, preambleEnd);
  if (preTable < preambleEnd) zones.push({ start: preTable, end: preambleEnd, section: null });
  for (let k = 0; k < headings.length; k++) {
    const h = headings[k]!;
    const start = h.line + 1;
    const end = k + 1 < headings.length ? headings[k + 1]!.line : lines.length;
    if (PROSE_IDS.has(h.m.section)) {
      const t = findTableStart(lines, start, end);
      let prose = joinProse(lines, start, t);
      if (h.m.rest) prose = prose === null ? h.m.rest : `${h.m.rest}\n${prose}`;
      sections[h.m.section as ProseSectionId] = prose;
      if (t < end) zones.push({ start: t, end, section: null });
    } else {
      if (h.m.rest) info.notes.push(`第${h.line + 1}行标题后的文字“${h.m.rest}”未读取`);
      zones.push({ start, end, section: h.m.section as TableSection });
    }
  }

  // 4. Tables, pass 1.
  const modes = detectModes(lines, zones);
  const scanner = new TableScanner();
  for (const z of zones) scanner.scan(new Tokenizer(lines, z.start, z.end, modes), z.section);
  const scan = scanner.finish();

  // Year from the text when the title has none.
  let year = parts.year;
  if (year === null && parts.yearBlank) info.notes.push('标题中的年度未填写');
  if (year === null && !parts.yearBlank) {
    const end = Math.min(lines.length, bodyStart + 300, zones.length ? zones[0]!.start : lines.length);
    year = yearFromText(lines, bodyStart, end);
    if (year !== null) info.notes.push(`标题中没有年度，按正文推断为${year}年`);
  }

  // 5. Format.
  const format = decideFormat(scan, info, title?.text ?? null, headings.length, year);

  // 6. Pass 2: cells to the format's columns.
  const report = blankReport(format, parts.agency, year, sections);
  const f = FORMATS[format];
  const used = new Set<string>();
  assembleProactive(f, scan, report, info, used);
  assembleApplications(f, scan, report, info, used);
  assembleReviews(f, scan, report, info, used);
  for (const [key, rec] of scan.rows) {
    if (used.has(key)) continue;
    if (rec.cells.some((t) => t.k !== BREAK && t.text !== '')) {
      info.extraRows.push({ section: rec.section, label: rec.label, line: rec.line + 1 });
      info.notes.push(`第${rec.line + 1}行“${rec.label}”不是${format}版格式的行，未读取`);
    }
  }
  info.extraRows.push(...scan.extraRows);
  info.extraRows.sort((a, b) => a.line - b.line);
  scanNotes(scan, info);
  info.truncated = truncation(lines, zones, scan, info, headings);
  return { report, info };
}

// ---------------------------------------------------------------------------------------------
// Structure

function findHeadings(lines: readonly (string | null)[]): Heading[] {
  const out: Heading[] = [];
  const seen = new Set<SectionId>();
  let maxSeen = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l == null) continue;
    const m = matchHeading(l, seen, maxSeen);
    if (!m) continue;
    seen.add(m.section);
    maxSeen = Math.max(maxSeen, Number(m.section));
    out.push({ m, line: i });
    if (seen.size === 6) break;
  }
  return out;
}

/**
 * The title: the first line (before the first heading) that names a 报告, joined with the line
 * before it when it names no agency itself (XX局 / 2021年政府信息公开工作年度报告); failing that,
 * the first short line.
 */
function findTitle(lines: readonly (string | null)[], limit: number): { text: string; end: number } | null {
  let first = -1;
  let prev = -1;
  for (let i = 0; i < limit; i++) {
    const l = lines[i];
    if (l == null) continue;
    const t = l.trim();
    if (t === '') continue;
    if (first < 0) first = i;
    if (t.includes('报告') && t.length <= 80 && !/[。；]$/.test(t) && !t.includes('|')) {
      if (prev >= 0 && parseTitle(t).agency === null) {
        const p = lines[prev]!.trim();
        if (p.length <= 40 && !/[:：。；|]/.test(p) && !p.includes('报告')) return { text: p + t, end: i + 1 };
      }
      return { text: t, end: i + 1 };
    }
    prev = i;
    if (i - first > 12) break;
  }
  if (first < 0) return null;
  const t = lines[first]!.trim();
  if (t.length > 50 || /[。；|]$/.test(t) || t.includes('|') || t.includes('\t')) return null;
  return { text: t, end: first + 1 };
}

/** The first line in [start, end) where a table begins (a block label, table 三's header, a row naming a table label). */
function findTableStart(lines: readonly (string | null)[], start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const l = lines[i];
    if (l == null) continue;
    const t = l.trim();
    if (t === '') continue;
    if (t.length <= 20 && t.startsWith('第二十条')) {
      if (classifyLabel(t).hit?.t === 'block') return i;
      continue;
    }
    if (t.includes('勾稽关系')) return i;
    const pipe = t.includes('|') || t.includes('｜');
    if (pipe || t.includes('\t')) {
      let n = 0;
      for (const s of splitCells(t, pipe ? 'pipe' : 'tab', 6)) {
        if (s === '') continue;
        const hit = classifyLabel(s).hit;
        if (hit && (hit.t === 'block' || hit.t === 'prow' || hit.t === 'arow' || hit.t === 'rgroup' || hit.t === 'aheader')) return i;
        if (++n >= 3) break;
      }
    }
  }
  return end;
}

function decideFormat(scan: TableScan, info: ParseInfo, title: string | null, headingCount: number, year: number | null): FormatId {
  const six = scan.rows.get('3:3.6');
  const sixIsRow = six !== undefined && six.cells.some((t) => t.k !== BREAK && t.text !== '');
  const e19 = scan.markers['2019'].size + (sixIsRow ? 1 : 0);
  const e21 = scan.markers['2021'].size;
  info.formatEvidence = { '2019': e19, '2021': e21 };
  if (e19 !== e21) {
    const format: FormatId = e19 > e21 ? '2019' : '2021';
    const other: FormatId = format === '2019' ? '2021' : '2019';
    info.formatBy = 'labels';
    info.foreignLabels = [...new Set(scan.markers[other].values())];
    if (other === '2019' && sixIsRow) info.foreignLabels.push(six.label);
    return format;
  }
  if (e19 === 0 && scan.labelCount === 0) {
    const reportLike = (title !== null && /年度报告|年报/.test(title)) || headingCount >= 2;
    if (!reportLike) {
      throw new ReportInputError('无法识别：既不是2019版也不是2021版政府信息公开工作年度报告（没有找到这两种格式的表格标签，标题和章节也不像年度报告）');
    }
  }
  info.formatBy = 'year';
  const byYear = year === null ? null : formatForYear(year);
  const format: FormatId = byYear ?? (year !== null && year < 2019 ? '2019' : '2021');
  const why = e19 === 0 ? (scan.labelCount === 0 ? '没有找到表格标签' : '表格中没有区分两种格式的标签') : '两种格式的标签一样多';
  info.notes.push(
    byYear ? `${why}，按年度（${year}年）定为${format}版格式` : `${why}，年度${year === null ? '不明' : `为${year}年`}，按${format}版格式读取`,
  );
  if (e19 > 0) {
    const other: FormatId = format === '2019' ? '2021' : '2019';
    info.foreignLabels = [...new Set(scan.markers[other].values())];
  }
  return format;
}

// ---------------------------------------------------------------------------------------------
// Pass 2: cells to columns

interface Shape {
  proactive: { row: string; columns: string[] }[];
  applicationRows: string[];
  applicationColumns: string[];
  reviewGroups: string[];
  reviewColumns: string[];
}

function shapeOf(f: ReportFormat): Shape {
  return {
    proactive: f.proactive.flatMap((b) => b.rows.map((r) => ({ row: r.id, columns: b.columns.map((c) => c.id) }))),
    applicationRows: f.applicationRows.map((r) => r.id),
    applicationColumns: f.applicationColumns.map((c) => c.id),
    reviewGroups: f.reviewGroups.map((g) => g.id),
    reviewColumns: f.reviewColumns.map((c) => c.id),
  };
}
const SHAPES: Record<FormatId, Shape> = { '2019': shapeOf(FORMATS['2019']), '2021': shapeOf(FORMATS['2021']) };

function nullRow(columns: readonly string[]): Record<string, null> {
  const o: Record<string, null> = {};
  for (const c of columns) o[c] = null;
  return o;
}

/** The same as report.ts emptyReport (every cell null), built with plain loops: it runs on every parse. */
function blankReport(format: FormatId, agency: string | null, year: number | null, sections: Report['sections']): Report {
  const s = SHAPES[format];
  const proactive: Report['proactive'] = {};
  for (const p of s.proactive) proactive[p.row] = nullRow(p.columns);
  const applications: Report['applications'] = {};
  for (const r of s.applicationRows) applications[r] = nullRow(s.applicationColumns);
  const reviews: Report['reviews'] = {};
  for (const g of s.reviewGroups) reviews[g] = nullRow(s.reviewColumns);
  return { agency, year, format, proactive, applications, reviews, sections };
}

interface Assign {
  section: '2' | '3' | '4';
  rowId: string;
  label: string;
  line: number;
  columns: readonly ColumnDef[];
  /** Which columns the header names (for rows shorter than the format). */
  present: readonly boolean[];
  /** Unit stated in the header, per column index (money columns). */
  units: readonly (string | null)[];
}

function assembleProactive(f: ReportFormat, scan: TableScan, report: Report, info: ParseInfo, used: Set<string>): void {
  for (const b of f.proactive) {
    const headers = scan.blockHeaders.get(b.id) ?? [];
    const present = b.columns.map((c) => headers.some((h) => headerMatchesColumn(h.info.n, h.info.core, c)));
    const units = b.columns.map((c) => {
      if (c.kind !== 'amount' && c.kind !== 'amount_wan_yuan') return null;
      const h = headers.find((x) => headerMatchesColumn(x.info.n, x.info.core, c));
      return h ? headerUnit(h.raw) : null;
    });
    let anyRow = false;
    for (const row of b.rows) {
      const key = `2:${row.id}`;
      const rec = scan.rows.get(key);
      if (!rec) {
        info.missingRows.push({ section: '2', row: row.id, label: row.label });
        continue;
      }
      used.add(key);
      anyRow = true;
      const values = assignRow(rec.cells, { section: '2', rowId: row.id, label: rec.label, line: rec.line, columns: b.columns, present, units }, info);
      b.columns.forEach((c, i) => (report.proactive[row.id]![c.id] = values[i]!));
    }
    if (anyRow) {
      b.columns.forEach((c, i) => {
        if (!present[i]) info.missingColumns.push({ section: '2', block: b.id, column: c.id, label: c.label });
      });
      if (!scan.blockLabels.has(b.id)) info.notes.push(`表二缺少“${b.label}”标题行`);
    }
  }
}

function assembleApplications(f: ReportFormat, scan: TableScan, report: Report, info: ParseInfo, used: Set<string>): void {
  const present = f.applicationColumns.map((c) => scan.appColumns.has(c.id));
  const units = f.applicationColumns.map(() => null);
  let anyRow = false;
  for (const row of f.applicationRows) {
    const key = `3:${row.id}`;
    const rec = scan.rows.get(key);
    if (!rec) {
      info.missingRows.push({ section: '3', row: row.id, label: row.label });
      continue;
    }
    used.add(key);
    anyRow = true;
    const values = assignRow(rec.cells, { section: '3', rowId: row.id, label: rec.label, line: rec.line, columns: f.applicationColumns, present, units }, info);
    f.applicationColumns.forEach((c, i) => (report.applications[row.id]![c.id] = values[i] as number | null));
  }
  // In 2021 （六）其他处理 heads three sub-rows: the label alone is not a row.
  if (f.id === '2021' && !scan.rows.get('3:3.6')?.cells.some((t) => t.k !== BREAK && t.text !== '')) used.add('3:3.6');
  if (anyRow) {
    f.applicationColumns.forEach((c, i) => {
      if (!present[i]) info.missingColumns.push({ section: '3', block: null, column: c.id, label: c.label });
    });
  }
}

function assembleReviews(f: ReportFormat, scan: TableScan, report: Report, info: ParseInfo, used: Set<string>): void {
  const cols = f.reviewColumns;
  const present = cols.map((c) => scan.reviewColumns.has(c.id));
  const units = cols.map(() => null);
  const per = cols.length;
  const run = scan.reviewRun ? trimCells(scan.reviewRun.cells, per * f.reviewGroups.length, null, info) : null;
  let any = false;
  f.reviewGroups.forEach((g, gi) => {
    const key = `4:${g.id}`;
    const rec = scan.rows.get(key);
    const base = { section: '4' as const, rowId: g.id, label: g.label, columns: cols, present, units };
    let values: ProactiveValue[];
    if (rec) {
      used.add(key);
      values = assignRow(rec.cells, { ...base, label: rec.label, line: rec.line }, info);
    } else if (run && run.length > gi * per) {
      const line = scan.reviewRun!.line;
      values = assignRow(run.slice(gi * per, gi * per + per), { ...base, line }, info, true);
    } else if (run || scan.reviewGroupLabels.has(g.id)) {
      values = cols.map((c) => {
        info.cells.push({ section: '4', row: g.id, column: c.id, problem: 'missing', raw: null, line: null });
        return null;
      });
    } else {
      info.missingRows.push({ section: '4', row: g.id, label: g.label });
      return;
    }
    any = true;
    cols.forEach((c, i) => (report.reviews[g.id]![c.id] = values[i] as number | null));
  });
  if (any) {
    cols.forEach((c, i) => {
      if (!present[i]) info.missingColumns.push({ section: '4', block: null, column: c.id, label: c.label });
    });
  }
}

/**
 * The cells of one row, cut to the format's width: row breaks dropped; when there are more cells
 * than columns, empty lines are dropped first (from the end, then the start: they separate rows),
 * then blank cells at the end (the next row's empty label cells) and at the start; what is still
 * too much is reported and ignored.
 */
function trimCells(tokens: readonly Token[], n: number, where: { label: string; line: number } | null, info: ParseInfo): Token[] {
  let a = tokens.filter((t) => t.k !== BREAK);
  if (a.length <= n) return a;
  let s = 0;
  let e = a.length;
  while (e - s > n && a[e - 1]!.k === EMPTY) e--;
  while (e - s > n && a[s]!.k === EMPTY) s++;
  a = a.slice(s, e);
  for (let i = a.length - 1; i >= 0 && a.length > n; i--) if (a[i]!.k === EMPTY) a.splice(i, 1);
  while (a.length > n && a[a.length - 1]!.text === '') a.pop();
  while (a.length > n && a[0]!.text === '') a.shift();
  if (a.length > n) {
    const extra = a.length - n;
    info.notes.push(
      where ? `第${where.line + 1}行“${where.label}”多出${extra}个单元格，已忽略` : `表四的数字多出${extra}个，已忽略（第${a[n]!.line + 1}行起）`,
    );
    a = a.slice(0, n);
  }
  return a;
}

/** Values of one row in column order; notes blank, unreadable and missing cells. */
function assignRow(tokens: readonly Token[], a: Assign, info: ParseInfo, trimmed = false): ProactiveValue[] {
  const n = a.columns.length;
  const items = trimmed ? tokens : trimCells(tokens, n, { label: a.label, line: a.line }, info);
  let mapping: number[] = a.columns.map((_c, i) => i);
  if (items.length < n) {
    const pres = mapping.filter((i) => a.present[i]);
    if (pres.length < n && pres.length > 0 && items.length === pres.length) mapping = pres;
  }
  const out: ProactiveValue[] = a.columns.map(() => null);
  mapping.forEach((ci, j) => {
    const c = a.columns[ci]!;
    const tok = items[j];
    if (!tok) {
      info.cells.push({ section: a.section, row: a.rowId, column: c.id, problem: 'missing', raw: null, line: a.line + 1 });
      return;
    }
    out[ci] = readValue(tok, c, a.units[ci] ?? null, a, info);
  });
  return out;
}

const WAN_FACTORS: Record<string, (v: number) => number> = {
  元: (v) => v / 10000,
  千元: (v) => v / 10,
  万元: (v) => v,
  百万元: (v) => v * 100,
  亿元: (v) => v * 10000,
};

function noteCell(info: ParseInfo, a: Assign, c: ColumnDef, tok: Token, problem: CellNote['problem']): null {
  info.cells.push({ section: a.section, row: a.rowId, column: c.id, problem, raw: tok.text, line: tok.line + 1 });
  return null;
}

function readValue(tok: Token, c: ColumnDef, headerUnitText: string | null, a: Assign, info: ParseInfo): ProactiveValue {
  if (tok.k === EMPTY) return noteCell(info, a, c, tok, 'blank');
  const r = readCell(tok.text);
  if (r.kind === 'blank') return noteCell(info, a, c, tok, 'blank');
  if (r.kind === 'unreadable') return noteCell(info, a, c, tok, 'unreadable');
  switch (c.kind) {
    case 'count':
    case 'change':
      return r.unit !== null && MONEY_UNITS.has(r.unit) ? noteCell(info, a, c, tok, 'unreadable') : r.value;
    case 'amount':
      if (r.unit !== null && COUNT_UNITS.has(r.unit)) return noteCell(info, a, c, tok, 'unreadable');
      return { value: r.value, unit: r.unit ?? headerUnitText };
    case 'amount_wan_yuan': {
      if (r.unit !== null && COUNT_UNITS.has(r.unit)) return noteCell(info, a, c, tok, 'unreadable');
      const unit = r.unit ?? headerUnitText ?? '万元';
      if (unit === '万元') return r.value;
      const v = WAN_FACTORS[unit]!(r.value);
      info.notes.push(`第${tok.line + 1}行“${a.label}”的${c.label}写作“${tok.text}”，已按万元折算为${v}`);
      return v;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Notes

function sectionName(key: string): string {
  return key === '-' ? '表格' : `第${NUMERALS[key as SectionId]}部分`;
}

function scanNotes(scan: TableScan, info: ParseInfo): void {
  for (const [key, e] of scan.ignoredText) {
    const sample = e.sample.length > 20 ? `${e.sample.slice(0, 20)}…` : e.sample;
    info.notes.push(`${sectionName(key)}有${e.count}处表格以外的文字未读取（第${e.line + 1}行：“${sample}”）`);
  }
  for (const [key, e] of scan.strayCells) info.notes.push(`${sectionName(key)}有${e.count}个数字不属于任何行，未读取（第${e.line + 1}行起）`);
  for (const d of scan.duplicateRows) info.notes.push(`第${d.line + 1}行重复出现“${d.label}”，已忽略`);
  if (scan.duplicateCount > scan.duplicateRows.length) info.notes.push(`另有${scan.duplicateCount - scan.duplicateRows.length}处重复的行，已忽略`);
}

/** Set when the document's last text is inside a table: it stops before the report does. */
function truncation(
  lines: readonly (string | null)[],
  zones: readonly Zone[],
  scan: TableScan,
  info: ParseInfo,
  headings: readonly Heading[],
): ParseInfo['truncated'] {
  let last = lines.length - 1;
  while (last >= 0 && (lines[last] == null || lines[last]!.trim() === '')) last--;
  if (last < 0) return null;
  if (!zones.some((z) => last >= z.start && last < z.end)) return null;
  // Only a document that stops inside a table (one whose labels were seen) is truncated; a table
  // section with no table at all is reported as missing rows.
  const table = scan.lastSection;
  if (!table || !scan.tablesSeen.has(table)) return null;
  const missing: string[] = [];
  const seen = new Set(headings.map((h) => h.m.section));
  for (const t of ['2', '3', '4'] as const) {
    // A later table whose heading is missing too is reported as a missing section below.
    if (t < table || (t > table && !seen.has(t))) continue;
    const rows = info.missingRows.filter((r) => r.section === t);
    const cells = info.cells.filter((c) => c.section === t && c.problem === 'missing').length;
    if (rows.length === 0 && cells === 0) continue;
    const what = [rows.length ? `自“${rows[0]!.label}”起${rows.length}行` : '', cells ? `${cells}个单元格` : ''].filter(Boolean).join('和');
    missing.push(`${TABLE_NAMES[t]}缺少${what}`);
  }
  const later = (['3', '4', '5', '6'] as const).filter((s) => s > table && !seen.has(s)).map((s) => NUMERALS[s]);
  if (later.length) missing.push(`缺少第${later.join('、')}部分`);
  return {
    line: last + 1,
    message: `在${TABLE_NAMES[table]}中结束${missing.length ? `：${missing.join('；')}` : ''}`,
  };
}


