/**
 * Reading the change counters the database keeps (migration 2026112807_data_versions) and a small
 * in-memory cache whose entries are valid for one version: derived data (the agency tree, a user's
 * grants, a page of the work queue) is reused while the counters it depends on have not moved, on
 * this node or any other, and recomputed as soon as they have.
 *
 * Read the version BEFORE the data it guards: a concurrent writer then leaves at worst newer data
 * under an older version (recomputed on the next read), never older data under a newer one.
 */
import { PostgresAdapter, sql, type ExpressionBuilder, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { compiledOnce } from './compiled.js';
import type { Database } from './schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/** A global scope's counter as a scalar subquery (0 before the first change). */
export function globalVersion(scope: 'agencies' | 'accounts'): RawBuilder<number> {
  return sql<number>`coalesce((select version from data_versions where scope = ${scope} and key = 0), 0)`;
}

/**
 * One number that grows whenever anything changes in the applications of these agencies or in
 * the agencies themselves (names): the sum of the counters, which only ever increase.
 */
export async function applicationsVersion(db: Q, agencyIds: readonly number[]): Promise<number> {
  if (db.getExecutor().adapter instanceof PostgresAdapter && !db.isTransaction) {
    // One statement shape for any number of agencies (an array parameter), prepared once.
    const [r] = await pgApplicationsVersion(db as Kysely<Database>, [...agencyIds]);
    return Number(r?.v ?? 0);
  }
  const r = await db
    .selectFrom('data_versions')
    .select((eb: ExpressionBuilder<Database, 'data_versions'>) => eb.fn.coalesce(eb.fn.sum<number>('version'), sql<number>`0`).as('v'))
    .where((eb) =>
      eb.or([
        eb.and([eb('scope', '=', 'agencies'), eb('key', '=', 0)]),
        ...(agencyIds.length ? [eb.and([eb('scope', '=', 'applications'), eb('key', 'in', [...agencyIds])])] : []),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(r.v);
}

const pgApplicationsVersion = compiledOnce(
  (db: Kysely<Database>, agencyIds: number[]) =>
    db
      .selectFrom('data_versions')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('version'), sql<number>`0`).as('v'))
      .where((eb) => eb.or([eb.and([eb('scope', '=', 'agencies'), eb('key', '=', 0)]), eb.and([eb('scope', '=', 'applications'), eb('key', '=', sql<number>`any(${agencyIds})`)])])),
  [[-987_654_321]] as [number[]],
);

/** The agencies' own counter and the sum of these agencies' public-catalogue counters (migration 2026112812). */
export interface CatalogueVersion {
  agencies: number;
  catalogue: number;
}

/**
 * What a public catalogue page of these agencies depends on, in one read: the agencies' counter
 * (names, the tree, the column an agency belongs to) and the sum of the agencies' 'catalogue'
 * counters (items published, revised, withdrawn or moved; the 制度 lists). Compiled once; on
 * PostgreSQL a prepared statement with an array parameter, on SQLite a JSON array parameter, so
 * that any number of agencies shares one statement.
 */
export async function catalogueVersion(db: Kysely<Database>, agencyIds: readonly number[]): Promise<CatalogueVersion> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const [r] = pg ? await pgCatalogueVersion(db, [...agencyIds]) : await sqliteCatalogueVersion(db, JSON.stringify(agencyIds));
  return { agencies: Number(r?.a ?? 0), catalogue: Number(r?.c ?? 0) };
}

const catalogueSum = (keys: RawBuilder<unknown>) =>
  sql<number>`coalesce((select sum(version) from data_versions where scope = 'catalogue' and key ${keys}), 0)`;

const pgCatalogueVersion = compiledOnce(
  (db: Kysely<Database>, agencyIds: number[]) => db.selectNoFrom([globalVersion('agencies').as('a'), catalogueSum(sql`= any(${agencyIds}::integer[])`).as('c')]),
  [[-987_654_322]] as [number[]],
);

const sqliteCatalogueVersion = compiledOnce(
  (db: Kysely<Database>, agencyIdsJson: string) => db.selectNoFrom([globalVersion('agencies').as('a'), catalogueSum(sql`in (select value from json_each(${agencyIdsJson}))`).as('c')]),
  ['[-987654323]'] as [string],
);

/** Each agency's public-catalogue counter (0 for an agency whose catalogue never changed). */
export async function catalogueVersions(db: Q, agencyIds: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>(agencyIds.map((id) => [id, 0]));
  for (let i = 0; i < agencyIds.length; i += 1000) {
    const rows = await db
      .selectFrom('data_versions')
      .select(['key', 'version'])
      .where(sql<boolean>`scope = 'catalogue'`)
      .where('key', 'in', agencyIds.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(r.key, Number(r.version));
  }
  return out;
}

/** Values keyed by string, each valid for the version it was stored with; least recently used dropped first. */
export class VersionedCache<V> {
  readonly #entries = new Map<string, { version: number | string; value: V }>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {}

  get(key: string, version: number | string): V | undefined {
    const e = this.#entries.get(key);
    if (!e || e.version !== version) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }

  set(key: string, version: number | string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { version, value });
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}
