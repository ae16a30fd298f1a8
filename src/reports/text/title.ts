/**
 * The title of a report and what it names: the agency and the year.
 *
 * Title forms met in practice:
 *   市中区永安镇政府2020年度政府信息公开工作年度报告     agency before the year
 *   XX局 / 2021年政府信息公开工作年度报告              two lines (joined with no separator)
 *   2022年XX区人民政府政府信息公开工作年度报告         agency after the year
 *   XX市人民政府办公室关于2021年政府信息公开工作年度报告  关于 dropped
 *   二〇二〇年度…                                    year in Chinese numerals
 *   ××××年度… / ____年度…                           year left blank (a template): year null
 *
 * Titles wrapped across lines, as PDF and Word lay out a long title: the break may fall anywhere,
 * even inside a word (…政府信息公开工 / 作年度报告, XX县人民 / 政府2020年度…, …政府20 / 20年度…).
 * The text importer joins the line naming the 报告 with the line before it when that line names no
 * agency; parseTitle therefore never takes the broken-off head of a title for an agency: a piece
 * of 政府信息公开工作年度报告 (作, 公开工作, 政府) or a cut year (20年度) is no agency. Importers that
 * know which lines are the title (the PDF importer, from the type size) join them with
 * joinTitleLines first.
 */

export interface TitleParts {
  agency: string | null;
  year: number | null;
  /** The title has a year placeholder (××××年度): the year was left blank on purpose. */
  yearBlank: boolean;
}

const YEAR_RE = /([0-9０-９]{4}|[〇○零一二三四五六七八九]{4})\s*年度?/;
const YEAR_PLACEHOLDER_RE = /(?:[×xX＊*_＿□]{2,4}|20[×xX＊*_＿□○〇]{2})\s*年度?/;
const DOCUMENT_WORDS = ['政府信息公开', '信息公开', '年度报告', '工作报告', '报告'];
const CHINESE_DIGITS: Record<string, number> = { '〇': 0, '○': 0, '零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9 };

export function yearFromDigits(s: string): number | null {
  let y = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    let d: number | undefined;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0xff10 && c <= 0xff19) d = c - 0xff10;
    else d = CHINESE_DIGITS[ch];
    if (d === undefined) return null;
    y = y * 10 + d;
  }
  return y >= 1990 && y <= 2100 ? y : null;
}

/** The document words a wrapped title may break anywhere in. */
const DOCUMENT_PHRASE = '政府信息公开工作年度报告';
/** A year cut by a line break (20 / 20年度): the digits before 年 are fewer than four. */
const CUT_YEAR_RE = /^[0-9０-９]{1,3}\s*年度?/;

function cleanAgency(s: string): string | null {
  const a = s
    .trim()
    .replace(/^关于\s*/, '')
    .replace(/\s*关于$/, '')
    .replace(/[\s:：,，、]+$/, '')
    .trim();
  if (a === '' || DOCUMENT_PHRASE.includes(a) || CUT_YEAR_RE.test(a)) return null;
  return a;
}

/**
 * The lines of a title laid out over several lines joined into one: no separator between
 * Chinese characters (a break inside a word disappears), one space between Latin words.
 */
export function joinTitleLines(lines: readonly string[]): string {
  let out = '';
  for (const l of lines) {
    const t = l.trim();
    if (t === '') continue;
    if (out !== '' && /[A-Za-z0-9]$/.test(out) && /^[A-Za-z]/.test(t)) out += ' ';
    out += t;
  }
  return out;
}

/** Agency and year from a title (the title as written, lines joined). */
export function parseTitle(title: string): TitleParts {
  const t = title.trim();
  let year: number | null = null;
  let yearBlank = false;
  let before = '';
  let after = t;
  const m = YEAR_RE.exec(t);
  const y = m ? yearFromDigits(m[1]!) : null;
  if (m && y !== null) {
    year = y;
    before = t.slice(0, m.index);
    after = t.slice(m.index + m[0].length);
  } else {
    const p = YEAR_PLACEHOLDER_RE.exec(t);
    if (p) {
      yearBlank = true;
      before = t.slice(0, p.index);
      after = t.slice(p.index + p[0].length);
    }
  }
  let agency = cleanAgency(before);
  if (agency === null) {
    for (const w of DOCUMENT_WORDS) {
      const i = after.lastIndexOf(w);
      if (i >= 0) {
        agency = cleanAgency(after.slice(0, i));
        break;
      }
    }
  }
  return { agency, year, yearBlank };
}

const PERIOD_RE = /([0-9０-９]{4})\s*年\s*(?:1|０?１|01)\s*月\s*(?:1|０?１|01)\s*日/;
const ANY_YEAR_RE = /((?:19|20)[0-9]{2})\s*年/g;

/**
 * The report year as the text states it when the title does not: the start of the statistics
 * period (…自2020年1月1日起…) or else the year the text names most often.
 */
export function yearFromText(lines: readonly (string | null)[], start: number, end: number): number | null {
  const counts = new Map<number, number>();
  for (let i = start; i < end; i++) {
    const l = lines[i];
    if (l == null || l.indexOf('年') === -1) continue;
    const p = PERIOD_RE.exec(l);
    if (p) {
      const y = yearFromDigits(p[1]!);
      if (y !== null) return y;
    }
    for (const m of l.normalize('NFKC').matchAll(ANY_YEAR_RE)) {
      const y = Number(m[1]);
      counts.set(y, (counts.get(y) ?? 0) + 1);
    }
  }
  let best: number | null = null;
  let bestCount = 0;
  for (const [y, c] of counts) {
    if (c > bestCount) {
      best = y;
      bestCount = c;
    }
  }
  return best;
}
