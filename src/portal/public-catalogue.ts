/**
 * What the public column reads from the catalogue: lists, counts, years, an item with its files
 * and history, feed entries and sitemap rows. Every query here starts from the visibility
 * checkpoint (catalogue/visibility.ts publicItems / findPublicItem / publicFiles / publicHistory),
 * so drafts, versions in review, returned, withdrawn, on-request and withheld items and the text
 * of superseded versions cannot reach a public page, feed, sitemap or search result from here.
 */
import { SqliteAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { catalogueVersions } from '../db/versions.js';
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

const isSqlite = (db: Q) => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * Public items of these agencies, category and year. `newestFirst`: the query will walk the
 * published versions newest first (ListPlan 'date'); SQLite's planner is then told so — left
 * alone it reads a small column's items through the agency index and sorts them, and takes a
 * year through a skip-scan of the category index and sorts that. PostgreSQL plans from its
 * statistics, and plans well.
 */
function filtered(db: Q, f: ListFilter, newestFirst = false) {
  const hint = newestFirst && isSqlite(db);
  const agencies = f.agencyIds.length ? [...f.agencyIds] : [0];
  // `+x` is the same value, but not a column an index could serve.
  let q = hint ? publicItems(db).where(sql<number>`+${sql.ref('i.agency_id')}`, 'in', agencies) : publicItems(db).where('i.agency_id', 'in', agencies);
  if (f.category) q = q.where('v.category', '=', f.category);
  if (f.year !== undefined) {
    const from = `${f.year}-01-01`;
    q = hint ? q.where(sql<boolean>`likelihood(${sql.ref('v.published_on')} >= ${from}, 0.9)`) : q.where('v.published_on', '>=', from);
    q = q.where('v.published_on', '<', `${f.year + 1}-01-01`);
  }
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

/**
 * How a page of a list is read. 'date': walk the published versions newest first (the partial
 * indexes of migration 2026112812) and keep the column's — about (offset + limit) × everywhere /
 * matching index entries, a range scan of a few entries for the first pages of a big column;
 * 'agency': read every matching item of the column and sort them — about `matching` rows, for
 * a deep page of a small column. The counts say which is cheaper.
 */
export type ListPlan = 'date' | 'agency';

/** A row read and sorted by the 'agency' plan costs about this many index entries walked by 'date'. */
const AGENCY_ROW_COST = 8;

/** The cheaper plan for rows [0, end) of `matching` items, when `everywhere` items (all agencies) match the category and year. */
export function listPlan(matching: number, everywhere: number, end: number): ListPlan {
  if (matching <= 0 || everywhere <= matching) return 'date';
  return (end * everywhere) / matching <= AGENCY_ROW_COST * matching ? 'date' : 'agency';
}

/** A page of public items, newest first (day of publication, then item). How many there are: PublicCountCache. */
export async function listPublicItems(db: Q, f: ListFilter, page: { limit: number; offset: number }, plan: ListPlan = 'date'): Promise<PublicListRow[]> {
  return filtered(db, f, plan === 'date')
    .select([...LIST_COLUMNS])
    .orderBy('v.published_on', 'desc')
    .orderBy('v.item_id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Counts

/** One agency's public items counted by category, year of publication, and both. */
export class AgencyCounts {
  total = 0;
  readonly byCategory = new Map<string, number>();
  readonly byYear = new Map<number, number>();
  /** Key `${category} ${year}`. */
  readonly byCategoryYear = new Map<string, number>();

  /** `year` null: an item without a publication date (counted, in no year). */
  add(category: string, year: number | null, n: number): void {
    this.total += n;
    this.byCategory.set(category, (this.byCategory.get(category) ?? 0) + n);
    if (year === null) return;
    this.byYear.set(year, (this.byYear.get(year) ?? 0) + n);
    this.byCategoryYear.set(`${category} ${year}`, (this.byCategoryYear.get(`${category} ${year}`) ?? 0) + n);
  }

  /** Items in a category and/or year (both absent: all). */
  matching(category: string | undefined, year: number | undefined): number {
    if (category === undefined) return year === undefined ? this.total : (this.byYear.get(year) ?? 0);
    return year === undefined ? (this.byCategory.get(category) ?? 0) : (this.byCategoryYear.get(`${category} ${year}`) ?? 0);
  }
}

/** The counts of some agencies' public items, by agency, category and year. */
export class PublicCounts {
  #byCategory: Map<string, number> | undefined;
  #years: number[] | undefined;

  constructor(readonly agencies: ReadonlyMap<number, AgencyCounts>) {}

  /** Items matching a filter (agencies: all of these counts' agencies when absent). */
  total(f: { agencyIds?: readonly number[] | undefined; category?: string | undefined; year?: number | undefined } = {}): number {
    let n = 0;
    if (f.agencyIds) for (const id of f.agencyIds) n += this.agencies.get(id)?.matching(f.category, f.year) ?? 0;
    else for (const a of this.agencies.values()) n += a.matching(f.category, f.year);
    return n;
  }

  /** How many public items each 条例 category holds. */
  byCategory(): Map<string, number> {
    if (!this.#byCategory) {
      const m = new Map<string, number>();
      for (const a of this.agencies.values()) for (const [c, n] of a.byCategory) m.set(c, (m.get(c) ?? 0) + n);
      this.#byCategory = m;
    }
    return this.#byCategory;
  }

  /** How many public items each agency holds (for the 发布机关 filter). */
  byAgency(): Map<number, number> {
    return new Map([...this.agencies].map(([id, a]) => [id, a.total]));
  }

  /** The years (of publication) with public items, newest first. */
  years(): number[] {
    if (!this.#years) {
      const ys = new Set<number>();
      for (const a of this.agencies.values()) for (const [y, n] of a.byYear) if (n > 0) ys.add(y);
      this.#years = [...ys].sort((a, b) => b - a);
    }
    return this.#years;
  }
}

/** Agencies counted in one query at most. */
const COUNT_CHUNK = 500;
/** Views over agency lists kept (a list per column, and all agencies). */
const MAX_VIEWS = 1000;

/**
 * The counts of public items per agency, category and year, kept in memory per agency and valid
 * while the agency's 'catalogue' data version (migration 2026112812, src/db/versions.ts) has not
 * moved — on this node or any other. A list request therefore never counts a column's items
 * again: after a publication in one agency, only that agency's items are counted (once, however
 * many requests arrive meanwhile). The counting itself goes through the visibility checkpoint.
 *
 * Read the versions BEFORE counting: newer counts under an older version are recounted on the
 * next request, older counts never pass for newer.
 */
export class PublicCountCache {
  readonly #agencies = new Map<number, { version: number; counts: AgencyCounts }>();
  readonly #pending = new Map<number, { version: number; done: Promise<void> }>();
  /** The last view of each agency list, while none of its agencies was counted again (keyed by the list). */
  readonly #views = new Map<string, { sum: number; view: PublicCounts }>();
  /** Agencies counted so far (tests and the benchmark look at it). */
  counted = 0;

  /**
   * The counts of these agencies. `versionSum`: the sum of their counters if the caller has just
   * read it (catalogueVersion): counters only grow, so when the cached versions add up to it, each
   * is current and no query is needed.
   */
  async counts(db: Q, agencyIds: readonly number[], versionSum?: number): Promise<PublicCounts> {
    if (versionSum === undefined || this.#cachedSum(agencyIds) !== versionSum) {
      const versions = await catalogueVersions(db, agencyIds);
      const waits: Promise<void>[] = [];
      const load: number[] = [];
      for (const id of agencyIds) {
        const v = versions.get(id) ?? 0;
        if (this.#agencies.get(id)?.version === v) continue;
        const p = this.#pending.get(id);
        if (p && p.version === v) waits.push(p.done);
        else load.push(id);
      }
      if (load.length) {
        // Registered before the count starts, so that a request arriving meanwhile waits for it.
        const done = Promise.resolve().then(() => this.#count(db, load, versions));
        for (const id of load) this.#pending.set(id, { version: versions.get(id) ?? 0, done });
        waits.push(done);
      }
      await Promise.all(waits);
    }
    // Counters only grow: the same sum over the same agencies means the same counts.
    const key = agencyIds.join(',');
    const sum = this.#cachedSum(agencyIds);
    const memo = this.#views.get(key);
    if (memo && sum >= 0 && memo.sum === sum) return memo.view;
    const view = new PublicCounts(new Map(agencyIds.map((id) => [id, this.#agencies.get(id)?.counts ?? new AgencyCounts()])));
    this.#views.delete(key);
    if (sum >= 0) this.#views.set(key, { sum, view });
    if (this.#views.size > MAX_VIEWS) this.#views.delete(this.#views.keys().next().value!);
    return view;
  }

  clear(): void {
    this.#agencies.clear();
    this.#views.clear();
  }

  #cachedSum(agencyIds: readonly number[]): number {
    let sum = 0;
    for (const id of agencyIds) {
      const e = this.#agencies.get(id);
      if (!e) return -1;
      sum += e.version;
    }
    return sum;
  }

  async #count(db: Q, agencyIds: number[], versions: Map<number, number>): Promise<void> {
    try {
      const counted = new Map<number, AgencyCounts>(agencyIds.map((id) => [id, new AgencyCounts()]));
      const year = sql<string | null>`substr(v.published_on, 1, 4)`;
      for (let i = 0; i < agencyIds.length; i += COUNT_CHUNK) {
        let q = filtered(db, { agencyIds: agencyIds.slice(i, i + COUNT_CHUNK) });
        // SQLite: v.item_id = i.id (true of every published version) lets it read each version's
        // category and date from the covering index catalogue_versions_public_item instead of
        // the version's row; PostgreSQL hashes the join and estimates it worse with it.
        if (isSqlite(db)) q = q.whereRef('v.item_id', '=', 'i.id');
        const rows = await q
          .select(['i.agency_id as agencyId', 'v.category as category', year.as('year'), (eb) => eb.fn.countAll().as('n')])
          .groupBy(['i.agency_id', 'v.category', year])
          .execute();
        for (const r of rows) {
          const y = Number(r.year);
          counted.get(r.agencyId)?.add(r.category, r.year !== null && Number.isInteger(y) ? y : null, Number(r.n));
        }
      }
      for (const [id, c] of counted) {
        const version = versions.get(id) ?? 0;
        const cur = this.#agencies.get(id);
        // A concurrent count may have stored a newer version already: keep the newer.
        if (!cur || cur.version <= version) this.#agencies.set(id, { version, counts: c });
      }
      this.counted += agencyIds.length;
    } finally {
      for (const id of agencyIds) if (this.#pending.get(id)?.version === (versions.get(id) ?? 0)) this.#pending.delete(id);
    }
  }
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

/**
 * Feed entries: the newest public items (by the time their version was published). The day first
 * (published_on is the China date of published_at), so that the newest days come from the
 * public_order index and only within a day are rows sorted by time — not a whole column sorted.
 */
export async function feedEntries(db: Q, f: ListFilter, limit: number, plan: ListPlan = 'date') {
  return filtered(db, f, plan === 'date')
    .select([...LIST_COLUMNS, 'v.published_at as publishedAt'])
    .orderBy('v.published_on', 'desc')
    .orderBy('v.published_at', 'desc')
    .orderBy('v.item_id', 'desc')
    .limit(limit)
    .execute();
}

/** Public items for the sitemap, by id. */
export async function sitemapItems(db: Q, page: { limit: number; offset: number }) {
  return publicItems(db).select(['i.id as id', 'v.published_on as publishedOn']).orderBy('i.id').limit(page.limit).offset(page.offset).execute();
}

/** The rows of these public items in the order of `ids` (the search's re-filter); ids not public are dropped. */
export async function publicRowsByIds(db: Q, ids: readonly number[]): Promise<PublicListRow[]> {
  if (ids.length === 0) return [];
  const rows: PublicListRow[] = await publicItems(db).select([...LIST_COLUMNS]).where('i.id', 'in', [...ids]).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is PublicListRow => r !== undefined);
}
