/**
 * Document numbers (文号, 发文字号) of letters: the agency's prefix (机关代字, e.g. 永政公开), the
 * year in hexagonal brackets 〔〕 and the serial, e.g. 永政公开〔2026〕第12号 (GB/T 9704-2012 §7.2.4:
 * year in Arabic numerals within 〔〕, serial without leading zeros; many offices write 第 before
 * the serial of a 告知书, which is the default here, `ordinal: false` leaves it out).
 *
 * Pure functions only: the serial is allocated per agency and year by the application service,
 * in the database.
 */
import { LetterError } from './errors.js';

export interface DocNumber {
  /** 机关代字, e.g. 永政公开. */
  prefix: string;
  year: number;
  /** 1, 2, 3 … (no leading zeros). */
  serial: number;
}

export interface DocNumberStyle {
  /** Write 第 before the serial (永政公开〔2026〕第12号); default true. */
  ordinal?: boolean;
}

export const MAX_PREFIX_LENGTH = 20;
export const MIN_DOC_YEAR = 1949;
export const MAX_DOC_YEAR = 2200;
export const MAX_SERIAL = 999_999;

const BRACKETS = /[〔〕[\]［］【】()（）{}｛｝<>《》「」]/;

/** Why an agency's prefix cannot be used (Chinese), or null when it can. */
export function prefixProblem(prefix: unknown): string | null {
  if (typeof prefix !== 'string') return '文号前缀（机关代字）应为文字';
  if (prefix.trim() === '') return '文号前缀（机关代字）不能为空';
  if (prefix !== prefix.trim() || /[\s\u3000]/.test(prefix)) return '文号前缀（机关代字）不能含空格';
  if ([...prefix].length > MAX_PREFIX_LENGTH) return `文号前缀（机关代字）最多${MAX_PREFIX_LENGTH}个字`;
  if (/[\u0000-\u001F\u007F-\u009F]/.test(prefix)) return '文号前缀（机关代字）含有控制字符';
  if (BRACKETS.test(prefix)) return '文号前缀（机关代字）不能含括号，年份的〔〕由系统添加';
  return null;
}

/** 永政公开〔2026〕第12号. Throws LetterError (Chinese) on a bad prefix, year or serial. */
export function formatDocNumber(n: DocNumber, style: DocNumberStyle = {}): string {
  const problems: string[] = [];
  const p = prefixProblem(n.prefix);
  if (p) problems.push(p);
  if (!Number.isInteger(n.year) || n.year < MIN_DOC_YEAR || n.year > MAX_DOC_YEAR) {
    problems.push(`文号年份应为${MIN_DOC_YEAR}至${MAX_DOC_YEAR}之间的整数，收到「${String(n.year)}」`);
  }
  if (!Number.isInteger(n.serial) || n.serial < 1 || n.serial > MAX_SERIAL) {
    problems.push(`文号序号应为1至${MAX_SERIAL}之间的整数，收到「${String(n.serial)}」`);
  }
  if (problems.length > 0) throw new LetterError(`文号无效：${problems.join('；')}`, problems);
  return `${n.prefix}〔${n.year}〕${style.ordinal === false ? '' : '第'}${n.serial}号`;
}

const DOC_NUMBER =
  /^(.+?)[〔[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(第?)\s*(\d{1,6})\s*号$/;

/**
 * Reads a document number as written in letters and imported documents. Lenient about the year's
 * brackets ([2026], 【2026】, （2026） as often typed instead of 〔2026〕), spaces, 第 and leading
 * zeros; returns null for anything that is not a document number. `ordinal` tells whether 第 was
 * written, so formatDocNumber(parsed, parsed) gives the canonical form.
 */
export function parseDocNumber(text: string): (DocNumber & { ordinal: boolean }) | null {
  if (typeof text !== 'string') return null;
  const m = DOC_NUMBER.exec(text.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ''));
  if (!m) return null;
  const prefix = m[1]!.replace(/[\s\u3000]+$/, '');
  const year = Number(m[2]);
  const serial = Number(m[4]);
  if (prefixProblem(prefix) !== null) return null;
  if (year < MIN_DOC_YEAR || year > MAX_DOC_YEAR || serial < 1) return null;
  return { prefix, year, serial, ordinal: m[3] === '第' };
}
