/**
 * Reading one table cell as written by an office: ONLY digits are values. Full-width digits,
 * white space of any width around or inside the number, thousands separators (1,234), decimals,
 * a sign, and a unit after the number (5件, 25.1万元) are accepted. Placeholders (— / 无 …) are
 * blank; any other text (约5, 三, 不详) is unreadable. Nothing is ever filled with 0.
 */

export type CellRead =
  | { kind: 'value'; value: number; unit: string | null }
  | { kind: 'blank' }
  | { kind: 'unreadable' };

/** Units a counted cell may carry (they are dropped). */
export const COUNT_UNITS: ReadonlySet<string> = new Set(['件', '个', '项', '条', '次', '人', '人次', '家', '宗', '份', '起', '例', '户', '批']);
/** Money units and their factor to 万元. */
export const MONEY_UNITS: ReadonlyMap<string, number> = new Map([
  ['元', 1e-4],
  ['千元', 1e-1],
  ['万元', 1],
  ['百万元', 100],
  ['亿元', 1e4],
]);

/** What offices write in a cell for "nothing": a blank, never a value. */
const PLACEHOLDERS: ReadonlySet<string> = new Set([
  '—',
  '——',
  '———',
  '-',
  '--',
  '---',
  '－',
  '－－',
  '―',
  '――',
  '–',
  '─',
  '/',
  '／',
  '//',
  '\\',
  '无',
  '暂无',
  '空',
  '""',
  '“”',
  "''",
  '‘’',
]);

const DIGITS_RE = /^\d+$/;
/** sign, integer (plain or with thousands separators), fraction, exponent, rest (a unit). */
const NUMBER_RE = /^([+\-−]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,3}))?(.*)$/;
const SPACE_RE = /\s+/g;

/** Reads a cell text (as written, untrimmed is fine). */
export function readCell(raw: string): CellRead {
  const t = raw.trim();
  if (t === '') return { kind: 'blank' };
  if (DIGITS_RE.test(t)) return { kind: 'value', value: Number(t), unit: null };
  if (PLACEHOLDERS.has(t)) return { kind: 'blank' };
  // NFKC: full-width digits, comma, full stop, plus and hyphen-minus to ASCII; wide spaces to ' '.
  let n = t.normalize('NFKC');
  if (n.indexOf(' ') !== -1 || n.indexOf('\u3000') !== -1 || n.indexOf('\t') !== -1) n = n.replace(SPACE_RE, '');
  if (PLACEHOLDERS.has(n)) return { kind: 'blank' };
  const m = NUMBER_RE.exec(n);
  if (!m) return { kind: 'unreadable' };
  const [, sign, int, frac, exp, rest] = m as unknown as [string, string, string, string | undefined, string | undefined, string];
  const unit = rest === '' ? null : rest;
  if (unit !== null && !COUNT_UNITS.has(unit) && !MONEY_UNITS.has(unit)) return { kind: 'unreadable' };
  const num = `${sign === '' || sign === '+' ? '' : '-'}${int.indexOf(',') === -1 ? int : int.replace(/,/g, '')}${frac === undefined ? '' : `.${frac}`}${exp === undefined ? '' : `e${exp}`}`;
  const value = Number(num);
  if (!Number.isFinite(value)) return { kind: 'unreadable' };
  return { kind: 'value', value: Object.is(value, -0) ? 0 : value, unit };
}

/** Whether a cell text is value-like: a number, a blank or a placeholder (not a label, not prose). */
export function isValueLike(raw: string): boolean {
  return readCell(raw).kind !== 'unreadable';
}

/** The money unit a header states, e.g. 采购总金额（万元） or 本年收费金额（单位：万元）; null when none. */
export function headerUnit(header: string): string | null {
  const m = /[（(](?:单位)?[:：]?\s*(百万元|千元|万元|亿元|元)\s*[）)]/.exec(header);
  return m ? m[1]! : null;
}
