/**
 * 政府信息公开制度: the sub-column where an agency shows its own disclosure rules (e.g. its 主动
 * 公开, 依申请公开 and 保密审查 rules). Those rules are documents like any other: drafted, reviewed
 * (条例第17条) and published through the catalogue. Here an administrator of the agency only
 * lists which of the agency's public items belong under 制度 — no text is published that did not
 * go through review. The list is read through the visibility checkpoint, so an item withdrawn
 * later drops out of the sub-column by itself.
 */
import type { Kysely, Transaction } from 'kysely';
import { assertCan, type Actor } from '../accounts/policy.js';
import { audit } from '../audit/audit.js';
import { publicItems } from '../catalogue/visibility.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { parseInput, text, ValidationError } from '../validation.js';
import { z } from 'zod';

type Q = Kysely<Database> | Transaction<Database>;

/** Items listed under 制度 per agency, at most. */
export const MAX_RULE_ITEMS = 100;

export interface RuleItem {
  id: number;
  indexNumber: string | null;
  title: string;
  docNumber: string | null;
  publishedOn: string | null;
}

/** The public items an agency lists under 制度, in the order they were added. */
export async function listRuleItems(db: Q, agencyId: number): Promise<RuleItem[]> {
  return publicItems(db)
    .innerJoin('disclosure_rule_items as r', 'r.item_id', 'i.id')
    .where('r.agency_id', '=', agencyId)
    .where('i.agency_id', '=', agencyId)
    .select(['i.id as id', 'i.index_number as indexNumber', 'v.title as title', 'v.doc_number as docNumber', 'v.published_on as publishedOn'])
    .orderBy('r.added_at')
    .orderBy('i.id')
    .execute();
}

export const addRuleSchema = z.object({ indexNumber: text('索引号', 60) });

/** Adds a public item of the agency (by its 索引号) to its 制度 list; administrators only; audited. */
export async function addRuleItem(db: Db, actor: Actor, agencyId: number, input: unknown, now: () => Date = () => new Date()): Promise<RuleItem> {
  assertCan(actor, 'administer', agencyId);
  const v = parseInput(addRuleSchema, input);
  return db.kysely.transaction().execute(async (trx) => {
    const item = await publicItems(trx)
      .where('i.index_number', '=', v.indexNumber)
      .where('i.agency_id', '=', agencyId)
      .select(['i.id as id', 'i.index_number as indexNumber', 'v.title as title', 'v.doc_number as docNumber', 'v.published_on as publishedOn'])
      .executeTakeFirst();
    if (!item) throw new ValidationError({ indexNumber: `本机关没有索引号为 ${v.indexNumber} 的已公开信息（须为本机关已发布、未撤回的主动公开信息）` });
    const existing = await trx.selectFrom('disclosure_rule_items').select('item_id').where('agency_id', '=', agencyId).execute();
    if (existing.some((r) => r.item_id === item.id)) throw new ValidationError({ indexNumber: '该信息已在制度列表中' });
    if (existing.length >= MAX_RULE_ITEMS) throw new ValidationError({ indexNumber: `制度列表最多${MAX_RULE_ITEMS}条` });
    await trx.insertInto('disclosure_rule_items').values({ agency_id: agencyId, item_id: item.id, added_at: now().toISOString(), added_by: actor.userId }).execute();
    await audit(trx, { userId: actor.userId, agencyId, action: 'portal.rule_item_added', subjectType: 'catalogue_item', subjectId: item.id });
    return item;
  });
}

/** Takes an item off the agency's 制度 list (the item itself stays published); audited. */
export async function removeRuleItem(db: Db, actor: Actor, agencyId: number, itemId: number): Promise<void> {
  assertCan(actor, 'administer', agencyId);
  await db.kysely.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('disclosure_rule_items').where('agency_id', '=', agencyId).where('item_id', '=', itemId).executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw new NotFoundError('该信息不在制度列表中');
    await audit(trx, { userId: actor.userId, agencyId, action: 'portal.rule_item_removed', subjectType: 'catalogue_item', subjectId: itemId });
  });
}

/** The 制度 list as an administrator manages it: every listed item, public or not any more. */
export async function listRuleItemsForStaff(db: Db, actor: Actor, agencyId: number): Promise<Array<{ id: number; indexNumber: string | null; title: string | null; isPublic: boolean }>> {
  assertCan(actor, 'administer', agencyId);
  const [rows, visible] = await Promise.all([
    db.kysely
      .selectFrom('disclosure_rule_items as r')
      .innerJoin('catalogue_items as i', 'i.id', 'r.item_id')
      .leftJoin('catalogue_versions as v', 'v.id', 'i.published_version_id')
      .select(['i.id', 'i.index_number', 'v.title'])
      .where('r.agency_id', '=', agencyId)
      .orderBy('r.added_at')
      .orderBy('i.id')
      .execute(),
    listRuleItems(db.kysely, agencyId),
  ]);
  const pub = new Set(visible.map((r) => r.id));
  return rows.map((r) => ({ id: r.id, indexNumber: r.index_number, title: r.title, isPublic: pub.has(r.id) }));
}
