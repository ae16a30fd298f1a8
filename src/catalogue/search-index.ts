/**
 * The catalogue in the search index (src/search, scope 'catalogue'). An item is in the index
 * exactly while it is public (visibility.ts decides: published, not withdrawn, 主动公开), with
 * the text of its published version — 名称, 文号 and 索引号 as the title, 内容概述, 正文, and the
 * text extracted from its attachments — and these keys:
 *
 *   agency:<id>      its agency and every agency above it, so that a column searches its whole
 *                    subtree with one key
 *   category:<id>    its 条例 category
 *
 * Newest first means the time its current version was published. The catalogue service keeps the
 * index in step inside the transaction that publishes or withdraws (syncItem); reindexCatalogue
 * rebuilds it (after an agency moved in the tree, or to fill an index created on existing data).
 * Whatever the index says, the portal reads every hit back through the visibility checkpoint.
 */
import type { Db } from '../db/database.js';
import { indexDocuments, removeDocument, type SearchDb, type SearchDocument } from '../search/index.js';
import { publicItems } from './visibility.js';

export const CATALOGUE_SCOPE = 'catalogue';

/** The filter key of everything an agency's column holds (its subtree). */
export const agencyKey = (agencyId: number) => `agency:${agencyId}`;
export const categoryKey = (category: string) => `category:${category}`;

/** Agency id → its ancestors' ids (nearest first). */
async function ancestorsOf(db: SearchDb): Promise<(agencyId: number) => number[]> {
  const rows = await db.kysely.selectFrom('agencies').select(['id', 'parent_id']).execute();
  const parent = new Map(rows.map((r) => [r.id, r.parent_id]));
  return (agencyId) => {
    const out: number[] = [];
    const seen = new Set<number>([agencyId]);
    for (let p = parent.get(agencyId) ?? null; p !== null && !seen.has(p); p = parent.get(p) ?? null) {
      out.push(p);
      seen.add(p);
    }
    return out;
  };
}

/** The public items among `ids` (all public items when ids is null), as search documents. */
async function documents(db: SearchDb, ids: readonly number[] | null): Promise<SearchDocument[]> {
  let q = publicItems(db.kysely).select([
    'i.id as id',
    'i.agency_id as agencyId',
    'i.index_number as indexNumber',
    'v.id as versionId',
    'v.title as title',
    'v.doc_number as docNumber',
    'v.summary as summary',
    'v.body as body',
    'v.category as category',
    'v.published_at as publishedAt',
  ]);
  if (ids) q = q.where('i.id', 'in', [...ids]);
  const rows = await q.orderBy('i.id').execute();
  if (rows.length === 0) return [];
  const files = await db.kysely
    .selectFrom('catalogue_files')
    .select(['version_id', 'text'])
    .where(
      'version_id',
      'in',
      rows.map((r) => r.versionId),
    )
    .where('text', 'is not', null)
    .orderBy('id')
    .execute();
  const texts = new Map<number, string[]>();
  for (const f of files) (texts.get(f.version_id) ?? texts.set(f.version_id, []).get(f.version_id)!).push(f.text!);
  const ancestors = await ancestorsOf(db);
  return rows.map((r) => ({
    scope: CATALOGUE_SCOPE,
    docId: r.id,
    fields: {
      title: [r.title, r.docNumber, r.indexNumber].filter(Boolean).join('\n'),
      summary: r.summary,
      body: r.body,
      attachmentsText: texts.get(r.versionId)?.join('\n') ?? null,
    },
    sortKey: Math.floor(Date.parse(r.publishedAt ?? '1970-01-01T00:00:00Z') / 1000),
    keys: [agencyKey(r.agencyId), ...ancestors(r.agencyId).map(agencyKey), categoryKey(r.category)],
  }));
}

/** Puts the item in the index if it is public, takes it out otherwise. */
export async function syncItem(db: SearchDb, itemId: number): Promise<void> {
  const [doc] = await documents(db, [itemId]);
  if (doc) await indexDocuments(db, [doc]);
  else await removeDocument(db, { scope: CATALOGUE_SCOPE, docId: itemId });
}

/** Indexes every public item again (in batches); returns how many. Items no longer public are not removed here: syncItem does that as they change. */
export async function reindexCatalogue(db: Db, batch = 500): Promise<number> {
  const ids = (await publicItems(db.kysely).select('i.id as id').orderBy('i.id').execute()).map((r) => r.id);
  for (let i = 0; i < ids.length; i += batch) {
    const part = ids.slice(i, i + batch);
    await db.kysely.transaction().execute(async (trx) => indexDocuments({ kysely: trx, dialect: db.dialect }, await documents({ kysely: trx, dialect: db.dialect }, part)));
  }
  return ids.length;
}
