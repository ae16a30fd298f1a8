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

const BLANK: CellRead = Object.freeze({ kind: 'blank' });
const UNREADABLE: CellRead = Object.freeze({ kind: 'unreadable' });

/**
 * Whether a cell can start with this character and still be a number or a placeholder: a digit
 * (ASCII or full-width), a sign, or the first character of a placeholder. Anything else — the
 * first character of a label such as 规章 — is rejected without further work.
 */
function mayBeValue(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0xff10 && c <= 0xff19) ||
    c === 0x2b || // +
    c === 0x2d || // -
    c === 0x2212 || // −
    c === 0xff0b || // ＋
    c === 0xff0d || // －
    c === 0x2f || // /
    c === 0xff0f || // ／
    c === 0x5c || // \
    c === 0x2014 || // —
    c === 0x2013 || // –
    c === 0x2015 || // ―
    c === 0x2500 || // ─
    c === 0x22 || // "
    c === 0x27 || // '
    c === 0x201c || // “
    c === 0x2018 || // ‘
    c === 0x65e0 || // 无
    c === 0x6682 || // 暂
    c === 0x7a7a // 空
  );
}

/** Reads a cell text (as written, untrimmed is fine). */
export function readCell(raw: string): CellRead {
  const t = raw.trim();
  if (t === '') return BLANK;
  if (!mayBeValue(t.charCodeAt(0))) return UNREADABLE;
  if (DIGITS_RE.test(t)) return { kind: 'value', value: Number(t), unit: null };
  if (PLACEHOLDERS.has(t)) return BLANK;
  // NFKC: full-width digits, comma, full stop, plus and hyphen-minus to ASCII; wide spaces to ' '.
  let n = t.normalize('NFKC');
  if (n.indexOf(' ') !== -1 || n.indexOf('\u3000') !== -1 || n.indexOf('\t') !== -1) n = n.replace(SPACE_RE, '');
  if (PLACEHOLDERS.has(n)) return BLANK;
  const m = NUMBER_RE.exec(n);
  if (!m) return UNREADABLE;
  const [, sign, int, frac, exp, rest] = m as unknown as [string, string, string, string | undefined, string | undefined, string];
  const unit = rest === '' ? null : rest;
  if (unit !== null && !COUNT_UNITS.has(unit) && !MONEY_UNITS.has(unit)) return UNREADABLE;
  const num = `${sign === '' || sign === '+' ? '' : '-'}${int.indexOf(',') === -1 ? int : int.replace(/,/g, '')}${frac === undefined ? '' : `.${frac}`}${exp === undefined ? '' : `e${exp}`}`;
  const value = Number(num);
  if (!Number.isFinite(value)) return UNREADABLE;
  return { kind: 'value', value: Object.is(value, -0) ? 0 : value, unit };
}

/** Whether a cell text is value-like: a number, a blank or a placeholder (not a label, not prose). */
export function isValueLike(raw: string): boolean {
  if (raw === '') return true;
  const c = raw.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39 && DIGITS_RE.test(raw)) return true;
  return readCell(raw).kind !== 'unreadable';
}

/** The money unit a header states, e.g. 采购总金额（万元） or 本年收费金额（单位：万元）; null when none. */
export function headerUnit(header: string): string | null {
  const m = /[（(](?:单位)?[:：]?\s*(百万元|千元|万元|亿元|元)\s*[）)]/.exec(header);
  return m ? m[1]! : null;
}
