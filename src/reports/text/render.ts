/**
 * A report as text in the official layout: the title, the six section headings of the report's
 * format, prose as given, and tables 二, 三, 四 as `a | b | c` rows with the official header rows.
 *
 * Guarantee (tested with random reports of both formats): for any valid report whose prose
 * sections are null or canonical (canonicalProse(s) === s, no line of it reading as a heading or a
 * table row), whose agency is one line with no year in it and whose amount units are 元, 万元,
 * 千元, 百万元, 亿元 or null,
 *     parseReportText(renderReportText(r)).report  deep-equals  canonicalReport(r).
 *
 * Choices that make the round trip hold: a null prose section is rendered as its heading alone
 * (the parser reads an empty section as null); a null year is rendered as the placeholder ××××年度
 * (the parser then leaves the year null rather than guess it from the text); a null cell is an
 * empty cell; numbers are written with String(), which reads back exactly.
 */
import { APPLICANT_GROUP_LABEL, APPLICATIONS_IDENTITY, FORMATS, LEGAL_PERSON_GROUP_LABEL, PROACTIVE_HEADER, REVIEW_LITIGATION_LABEL } from '../format.js';
import { isAmount, type ProactiveValue, type Report } from '../report.js';

const SEP = ' | ';

function num(v: number): string {
  return String(v);
}

function cell(v: ProactiveValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (isAmount(v)) return `${num(v.value)}${v.unit ?? ''}`;
  return num(v);
}

function row(cells: readonly string[]): string {
  return cells.join(SEP).trimEnd();
}

/** The title as the official template words it. */
export function renderTitle(agency: string | null, year: number | null): string {
  return `${agency ?? ''}${year === null ? '××××' : year}年度政府信息公开工作年度报告`;
}

export function renderReportText(report: Report): string {
  const f = FORMATS[report.format];
  const out: string[] = [renderTitle(report.agency, report.year)];
  const heading = (id: '1' | '2' | '3' | '4' | '5' | '6') => out.push(f.sections.find((s) => s.id === id)!.label);
  const prose = (id: '1' | '5' | '6') => {
    heading(id);
    const p = report.sections[id];
    if (p !== null && p !== undefined && p !== '') out.push(p);
  };

  prose('1');

  heading('2');
  for (const b of f.proactive) {
    out.push(b.label);
    out.push(row([PROACTIVE_HEADER, ...b.columns.map((c) => c.label)]));
    for (const r of b.rows) out.push(row([r.label, ...b.columns.map((c) => cell(report.proactive[r.id]?.[c.id]))]));
  }

  heading('3');
  const cols = f.applicationColumns;
  const pad = (n: number) => Array.from({ length: n }, () => '');
  out.push(row([APPLICATIONS_IDENTITY, APPLICANT_GROUP_LABEL]));
  out.push(row(['', cols[0]!.label, LEGAL_PERSON_GROUP_LABEL, ...pad(cols.length - 3), cols[cols.length - 1]!.label]));
  out.push(row(['', '', ...cols.slice(1, -1).map((c) => c.label)]));
  // A group heading stands on its own line above its first row (三、本年度办理结果, （三）不予公开 …;
  // in 2021 also （六）其他处理), once.
  const printed = new Set<string>();
  for (const r of f.applicationRows) {
    if (r.group !== null && !printed.has(r.group)) {
      printed.add(r.group);
      out.push(r.group);
    }
    out.push(row([r.label, ...cols.map((c) => cell(report.applications[r.id]?.[c.id]))]));
  }

  heading('4');
  const rc = f.reviewColumns;
  const groups = f.reviewGroups;
  out.push(row([groups[0]!.label, ...pad(rc.length - 1), REVIEW_LITIGATION_LABEL]));
  out.push(row([...rc.map((c) => c.label), groups[1]!.label, ...pad(rc.length - 1), groups[2]!.label]));
  out.push(row([...pad(rc.length), ...rc.map((c) => c.label), ...rc.map((c) => c.label)]));
  out.push(row(groups.flatMap((g) => rc.map((c) => cell(report.reviews[g.id]?.[c.id])))));

  prose('5');
  prose('6');
  return `${out.join('\n')}\n`;
}
