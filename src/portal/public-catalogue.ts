/**
 * What the public column reads from the catalogue: lists, counts, years, an item with its files
 * and history, feed entries and sitemap rows. Every query here starts from the visibility
 * checkpoint (catalogue/visibility.ts publicItems / findPublicItem / publicFiles / publicHistory),
 * so drafts, versions in review, returned, withdrawn, on-request and withheld items and the text
 * of superseded versions cannot reach a public page, feed, sitemap or search result from here.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { findPublicItem, publicFiles, publicHistory, publicItems, PUBLIC_COLUMNS } from '../catalogue/visibility.js';

type Q = Kysely<Database> | Transaction<Database>;

export interface ListFilter {
  /** The agencies whose items are listed (a column's subtree, or one agency of it). */
  agencyIds: readonly number[];
  category?: string | undefined;
  year?: number | undefined;
}

/** One row of a public list. */
export interface PublicListRow {
  id: number;
  indexNumber: string | null;
  agencyId: number;
  agencyName: string;
  title: string;
  summary: string;
  publisher: string;
  docNumber: string | null;
  writtenOn: string | null;
  category: string;
  subject: string;
  validity: string;
  publishedOn: string | null;
  firstPublishedOn: string | null;
  versionNumber: number;
}

function filtered(db: Q, f: ListFilter) {
  let q = publicItems(db).where('i.agency_id', 'in', f.agencyIds.length ? [...f.agencyIds] : [0]);
  if (f.category) q = q.where('v.category', '=', f.category);
  if (f.year !== undefined) q = q.where('v.published_on', '>=', `${f.year}-01-01`).where('v.published_on', '<', `${f.year + 1}-01-01`);
  return q;
}

/** The columns of list rows (a subset of the checkpoint's PUBLIC_COLUMNS). */
const LIST_COLUMNS = [
  'i.id as id',
  'i.index_number as indexNumber',
  'i.agency_id as agencyId',
  'a.name as agencyName',
  'v.title as title',
  'v.summary as summary',
  'v.publisher as publisher',
  'v.doc_number as docNumber',
  'v.written_on as writtenOn',
  'v.category as category',
  'v.subject as subject',
  'v.validity as validity',
  'v.published_on as publishedOn',
  'i.first_published_on as firstPublishedOn',
  'v.number as versionNumber',
] as const satisfies ReadonlyArray<(typeof PUBLIC_COLUMNS)[number]>;

/** A page of public items, newest first, and how many there are in all. */
export async function listPublicItems(db: Q, f: ListFilter, page: { limit: number; offset: number }): Promise<{ rows: PublicListRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(db, f).select([...LIST_COLUMNS]).orderBy('v.published_on', 'desc').orderBy('i.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    filtered(db, f)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** How many public items each 条例 category holds among these agencies. */
export async function categoryCounts(db: Q, agencyIds: readonly number[]): Promise<Map<string, number>> {
  const rows = await filtered(db, { agencyIds })
    .select(['v.category as category', (eb) => eb.fn.countAll().as('n')])
    .groupBy('v.category')
    .execute();
  return new Map(rows.map((r) => [r.category, Number(r.n)]));
}

/** How many public items each agency holds (for the 发布机关 filter). */
export async function agencyCounts(db: Q, agencyIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await filtered(db, { agencyIds })
    .select(['i.agency_id as agencyId', (eb) => eb.fn.countAll().as('n')])
    .groupBy('i.agency_id')
    .execute();
  return new Map(rows.map((r) => [r.agencyId, Number(r.n)]));
}

/** The years (of publication) with public items among these agencies, newest first. */
export async function publicYears(db: Q, agencyIds: readonly number[]): Promise<number[]> {
  const year = sql<string>`substr(v.published_on, 1, 4)`;
  const rows = await filtered(db, { agencyIds }).select(year.as('year')).groupBy(year).execute();
  return rows
    .map((r) => Number(r.year))
    .filter((y) => Number.isInteger(y))
    .sort((a, b) => b - a);
}

export type PublicItem = NonNullable<Awaited<ReturnType<typeof findPublicItem>>>;
export type PublicFile = Awaited<ReturnType<typeof publicFiles>>[number];
export type PublicVersion = Awaited<ReturnType<typeof publicHistory>>[number];

/**
 * A public item with what its page shows: the published version's attachments and the version
 * history (numbers, dates and change notes; the text of superseded versions stays out). Undefined
 * when the item is not public, whatever the reason.
 */
export async function publicItemPage(db: Q, itemId: number): Promise<{ item: PublicItem; files: PublicFile[]; history: PublicVersion[] } | undefined> {
  const item = await findPublicItem(db, itemId);
  if (!item) return undefined;
  const [files, history] = await Promise.all([publicFiles(db, itemId), publicHistory(db, itemId)]);
  return { item, files, history };
}

/** Feed entries: the newest public items (by the time their version was published). */
export async function feedEntries(db: Q, f: ListFilter, limit: number) {
  return filtered(db, f)
    .select([...LIST_COLUMNS, 'v.published_at as publishedAt'])
    .orderBy('v.published_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(limit)
    .execute();
}

/** Public items for the sitemap, by id. */
export async function sitemapItems(db: Q, page: { limit: number; offset: number }) {
  return publicItems(db).select(['i.id as id', 'v.published_on as publishedOn']).orderBy('i.id').limit(page.limit).offset(page.offset).execute();
}

export async function countPublicItems(db: Q): Promise<number> {
  const r = await publicItems(db)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The rows of these public items in the order of `ids` (the search's re-filter); ids not public are dropped. */
export async function publicRowsByIds(db: Q, ids: readonly number[]): Promise<PublicListRow[]> {
  if (ids.length === 0) return [];
  const rows: PublicListRow[] = await publicItems(db).select([...LIST_COLUMNS]).where('i.id', 'in', [...ids]).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is PublicListRow => r !== undefined);
}
