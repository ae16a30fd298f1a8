/**
 * CSV for spreadsheets: UTF-8 with a byte-order mark (so that Excel reads the Chinese correctly),
 * CRLF line ends, RFC 4180 quoting, and protection against formula injection: a text cell
 * starting with = + - @ (or a tab / carriage return, which some programs strip first) gets a
 * leading apostrophe, so that it is shown as text and never evaluated (OWASP "CSV Injection").
 * Numbers are written as numbers.
 */

export type CsvCell = string | number | boolean | null | undefined;

export const BOM = '\uFEFF';

/** One cell, neutralised and quoted when needed. */
export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? '是' : '否';
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
