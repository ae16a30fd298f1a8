/**
 * THE public visibility checkpoint of the catalogue: every public read — item pages, lists,
 * search results, feeds, the sitemap, the public API — starts from `publicItems`, and nothing
 * else in the code base reads catalogue tables for the public. An item is public when it has a
 * published version, is not withdrawn, and that version is 主动公开 (`active`). Drafts, versions in
 * review, returned, discarded and superseded versions are never public; superseded versions appear
 * only as the version history of a public item (`publicHistory`).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Public items joined with their published version (aliases i and v). */
export function publicItems(db: Q) {
  return db
    .selectFrom('catalogue_items as i')
    .innerJoin('catalogue_versions as v', 'v.id', 'i.published_version_id')
    .innerJoin('agencies as a', 'a.id', 'i.agency_id')
    .where('i.withdrawn_at', 'is', null)
    .where('v.state', '=', 'published')
    .where('v.disclosure', '=', 'active');
}

/** The columns a public page may show (never the author, reviewers' identities or internal notes). */
export const PUBLIC_COLUMNS = [
  'i.id as id',
  'i.index_number as indexNumber',
  'i.agency_id as agencyId',
  'a.name as agencyName',
  'i.first_published_on as firstPublishedOn',
  'v.number as versionNumber',
  'v.title as title',
  'v.summary as summary',
  'v.publisher as publisher',
  'v.doc_number as docNumber',
  'v.written_on as writtenOn',
  'v.category as category',
  'v.subject as subject',
  'v.validity as validity',
  'v.validity_on as validityOn',
  'v.repealed_by as repealedBy',
  'v.published_on as publishedOn',
  'v.formed_on as formedOn',
] as const;

/** One public item with its body, or undefined (not public, or no such item: the same answer). */
export async function findPublicItem(db: Q, itemId: number) {
  if (!Number.isSafeInteger(itemId) || itemId < 1 || itemId > 2_147_483_647) return undefined;
  return publicItems(db)
    .select([...PUBLIC_COLUMNS, 'v.body as body', 'v.id as versionId'])
    .where('i.id', '=', itemId)
    .executeTakeFirst();
}

/** The published versions of a public item, newest first: number, date and what changed (never an earlier version's text). */
export async function publicHistory(db: Q, itemId: number) {
  return db
    .selectFrom('catalogue_versions as v')
    .select(['v.number as number', 'v.published_on as publishedOn', 'v.change_note as changeNote'])
    .where('v.item_id', '=', itemId)
    .where('v.state', 'in', ['published', 'superseded'])
    .where((eb) => eb.exists(publicItems(db).select('i.id').where('i.id', '=', itemId)))
    .orderBy('v.number', 'desc')
    .execute();
}

/** The attachments of a public item's published version (for its page and downloads). */
export async function publicFiles(db: Q, itemId: number) {
  return publicItems(db)
    .innerJoin('catalogue_files as f', 'f.version_id', 'v.id')
    .select(['f.id as id', 'f.filename as filename', 'f.media_type as mediaType', 'f.size as size', 'f.sha256 as sha256'])
    .where('i.id', '=', itemId)
    .orderBy('f.id')
    .execute();
}
