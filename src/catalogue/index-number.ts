/**
 * 索引号: the catalogue number of an item, commonly `机构代码-类别号-年度-流水号`
 * (e.g. `11370402MB28xxxx-01-2026-0007`, DOMAIN.md §2). Each agency may set its own pattern from
 * these placeholders:
 *
 *   {code}        the agency's 机构代码 (agencies.code)
 *   {category}    the 类别号 of the item's 条例 category (categories.ts)
 *   {year}        the year of publication
 *   {serial}      the serial, 4 digits ({serial:N}: N digits, 3–8)
 *
 * {year} and {serial} are required; the serial counts per agency and year, and per category when
 * the pattern contains {category}, so two items never get the same number (the column is also
 * unique in the database, which catches a number entered by hand twice).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../validation.js';

type Q = Kysely<Database> | Transaction<Database>;

export const DEFAULT_INDEX_PATTERN = '{code}-{category}-{year}-{serial}';

const TOKEN = /\{(code|category|year|serial(?::(\d+))?)\}/g;
/** What may stand between placeholders: letters, digits and - _ / . (no spaces, no markup). */
const LITERAL = /^[A-Za-z0-9\-_/.]*$/;

export interface IndexPattern {
  text: string;
  /** Serial digits. */
  digits: number;
  perCategory: boolean;
  needsCode: boolean;
}

/** Parses a pattern; throws ValidationError (field index_pattern) with the reason. */
export function parseIndexPattern(text: string): IndexPattern {
  const fail = (m: string): never => {
    throw new ValidationError({ indexPattern: m });
  };
  const t = text.trim();
  if (!t) fail('请填写索引号格式');
  if (t.length > 60) fail('索引号格式不能超过60个字符');
  let digits = 0;
  let year = false;
  let perCategory = false;
  let needsCode = false;
  for (const m of t.matchAll(TOKEN)) {
    if (m[1] === 'year') year = true;
    else if (m[1] === 'category') perCategory = true;
    else if (m[1] === 'code') needsCode = true;
    else {
      if (digits) fail('索引号格式中 {serial} 只能出现一次');
      digits = m[2] ? Number(m[2]) : 4;
      if (digits < 3 || digits > 8) fail('流水号位数应为3到8位，例如 {serial:4}');
    }
  }
  if (!LITERAL.test(t.replace(TOKEN, ''))) fail('索引号格式只能由占位符 {code} {category} {year} {serial} 和字母、数字、- _ / . 组成');
  if (!year) fail('索引号格式必须包含年度 {year}');
  if (!digits) fail('索引号格式必须包含流水号 {serial}');
  return { text: t, digits, perCategory, needsCode };
}

export function formatIndexNumber(p: IndexPattern, v: { code: string | null; categoryCode: string; year: number; serial: number }): string {
  return p.text.replace(TOKEN, (_m, name: string) => {
    if (name === 'code') return v.code ?? '';
    if (name === 'category') return v.categoryCode;
    if (name === 'year') return String(v.year);
    return String(v.serial).padStart(p.digits, '0');
  });
}

/** A 索引号 typed by hand (legacy items): the characters a pattern can produce, 3–60 of them. */
export const MANUAL_INDEX_NUMBER = /^[A-Za-z0-9\-_/.]{3,60}$/;

/** The next serial (atomic upsert, as the letter numbers). */
export async function nextIndexSerial(db: Q, agencyId: number, year: number, category: string): Promise<number> {
  const r = await db
    .insertInto('catalogue_serials')
    .values({ agency_id: agencyId, year, category, last_serial: 1 })
    .onConflict((oc) => oc.columns(['agency_id', 'year', 'category']).doUpdateSet({ last_serial: sql<number>`catalogue_serials.last_serial + 1` }))
    .returning('last_serial')
    .executeTakeFirstOrThrow();
  return r.last_serial;
}

/**
 * Allocates the 索引号 of an item being published (inside the publishing transaction). A number
 * already taken by hand is skipped over, so allocation never fails on a legacy number.
 */
export async function allocateIndexNumber(
  db: Q,
  input: { agencyId: number; agencyCode: string | null; pattern: string | null; categoryCode: string; year: number },
): Promise<string> {
  const p = parseIndexPattern(input.pattern ?? DEFAULT_INDEX_PATTERN);
  if (p.needsCode && !input.agencyCode?.trim()) {
    throw new ValidationError({ _form: '本机关尚未设置机构代码，无法生成索引号：请管理员在“机关设置”中填写机构代码，或改用不含 {code} 的索引号格式' });
  }
  for (;;) {
    const serial = await nextIndexSerial(db, input.agencyId, input.year, p.perCategory ? input.categoryCode : '*');
    const n = formatIndexNumber(p, { code: input.agencyCode?.trim() ?? null, categoryCode: input.categoryCode, year: input.year, serial });
    const taken = await db.selectFrom('catalogue_items').select('id').where('index_number', '=', n).executeTakeFirst();
    if (!taken) return n;
  }
}
