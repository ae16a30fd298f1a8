/**
 * An agency's catalogue settings, kept by its administrators (policy action 'administer'):
 *
 * - 机构代码 (agencies.code): the {code} of the 索引号;
 * - the review chain (review-chain.ts): one to three levels, each a role (审核人 / 负责人) in the
 *   agency itself or in its parent; null keeps the default for the agency's kind. Versions already
 *   in review keep the chain they were submitted with;
 * - the 索引号 pattern (index-number.ts); null keeps the default. Numbers already given stay.
 *
 * An agency the actor may not administer is "not found". Every change is audited with the values
 * before and after.
 */
import { z } from 'zod';
import { can, type Actor } from '../accounts/policy.js';
import { audit } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import type { AgencyKind } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { MAX_ID, ValidationError } from '../validation.js';
import { DEFAULT_INDEX_PATTERN, formatIndexNumber, parseIndexPattern } from './index-number.js';
import { defaultChain, parseChain, storedChain, type ReviewLevel } from './review-chain.js';

export const AGENCY_CODE = /^[A-Za-z0-9]{2,30}$/;

export interface CatalogueSettings {
  agency: { id: number; name: string; kind: AgencyKind; hasParent: boolean; parentName: string | null };
  code: string | null;
  /** The chain in force (the stored one, or the default for the kind) and whether it is the default. */
  chain: ReviewLevel[];
  chainIsDefault: boolean;
  /** The pattern in force and whether it is the default. */
  indexPattern: string;
  indexPatternIsDefault: boolean;
}

/** The fields of a save (form or API); empty text = not set, null chain or pattern = the default. */
const codeField = z.preprocess(
  (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v),
  z
    .string({ error: '机构代码应为文字' })
    .trim()
    .regex(AGENCY_CODE, '机构代码只能由字母和数字组成，2到30位（例如统一社会信用代码 113704020040000201）')
    .nullable(),
);
const patternField = z.preprocess((v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v), z.string({ error: '索引号格式应为文字' }).nullable());

async function administered(db: Db, actor: Actor, agencyId: number) {
  if (!Number.isSafeInteger(agencyId) || agencyId < 1 || agencyId > MAX_ID || !can(actor, 'administer', agencyId)) throw new NotFoundError('找不到该机关');
  const a = await db.kysely
    .selectFrom('agencies as a')
    .leftJoin('agencies as p', 'p.id', 'a.parent_id')
    .select(['a.id', 'a.name', 'a.kind', 'a.parent_id', 'a.code', 'a.review_chain', 'a.index_pattern', 'p.name as parent_name'])
    .where('a.id', '=', agencyId)
    .executeTakeFirst();
  if (!a) throw new NotFoundError('找不到该机关');
  return a;
}

export async function getCatalogueSettings(db: Db, actor: Actor, agencyId: number): Promise<CatalogueSettings> {
  const a = await administered(db, actor, agencyId);
  return {
    agency: { id: a.id, name: a.name, kind: a.kind, hasParent: a.parent_id !== null, parentName: a.parent_name },
    code: a.code,
    chain: storedChain(a.review_chain, a.kind),
    chainIsDefault: a.review_chain === null,
    indexPattern: a.index_pattern ?? DEFAULT_INDEX_PATTERN,
    indexPatternIsDefault: a.index_pattern === null,
  };
}

export interface CheckedSettings {
  code: string | null;
  chain: ReviewLevel[] | null;
  indexPattern: string | null;
  /** The 索引号 the pattern gives for the first item of category 01 this year. */
  example: string;
  /** What will not work with these settings (not an error: the settings can still be saved). */
  warnings: string[];
}

/**
 * Validates settings for an agency (kind and whether it has a parent): the fields' messages under
 * `code`, `chain.<level>.<field>` / `chain`, `indexPattern`.
 */
export function checkSettings(input: unknown, agency: { kind: AgencyKind; hasParent: boolean }, year: number): CheckedSettings {
  const errors: Record<string, string> = {};
  const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  // Each field on its own, so that the form shows every problem at once.
  const field = <S extends z.ZodType>(key: string, schema: S): z.output<S> | null => {
    const r = schema.safeParse(raw[key]);
    if (r.success) return r.data;
    errors[key] = r.error.issues[0]?.message ?? '输入有误';
    return null;
  };
  const base = { code: field('code', codeField) as string | null, chain: raw.chain ?? null, indexPattern: field('indexPattern', patternField) as string | null };
  let chain: ReviewLevel[] | null = null;
  if (base.chain !== null && base.chain !== undefined) {
    try {
      chain = parseChain(base.chain);
      if (!agency.hasParent && chain.some((l) => l.at === 'parent')) errors.chain = '本机关没有上级机关，审核环节不能设在上级机关';
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      for (const [k, m] of Object.entries(e.fields)) errors[k === '_form' ? 'chain' : `chain.${k}`] ??= m;
    }
  }
  let pattern = null as ReturnType<typeof parseIndexPattern> | null;
  try {
    pattern = parseIndexPattern(base.indexPattern ?? DEFAULT_INDEX_PATTERN);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    Object.assign(errors, e.fields);
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const warnings: string[] = [];
  if (pattern!.needsCode && !base.code) warnings.push('索引号格式含有 {code}，但尚未填写机构代码：在填写之前，本机关的信息无法发布。');
  const example = formatIndexNumber(pattern!, { code: base.code ?? '（机构代码）', categoryCode: '01', year, serial: 1 });
  return {
    code: base.code,
    chain: chain && JSON.stringify(chain) === JSON.stringify(defaultChain(agency.kind)) ? null : chain,
    indexPattern: base.indexPattern === null || base.indexPattern.trim() === DEFAULT_INDEX_PATTERN ? null : pattern!.text,
    example,
    warnings,
  };
}

export async function saveCatalogueSettings(db: Db, actor: Actor, agencyId: number, input: unknown, ctx: { year: number; ip?: string | null }): Promise<CheckedSettings> {
  const a = await administered(db, actor, agencyId);
  const checked = checkSettings(input, { kind: a.kind, hasParent: a.parent_id !== null }, ctx.year);
  const after = { code: checked.code, review_chain: checked.chain ? JSON.stringify(checked.chain) : null, index_pattern: checked.indexPattern };
  await db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('agencies').set(after).where('id', '=', a.id).execute();
    await audit(trx, {
      userId: actor.userId,
      agencyId: a.id,
      action: 'agency.catalogue_settings',
      subjectType: 'agency',
      subjectId: a.id,
      details: { before: { code: a.code, review_chain: a.review_chain, index_pattern: a.index_pattern }, after },
      ip: ctx.ip ?? null,
    });
  });
  return checked;
}
