/**
 * Data versions of the public catalogue, and the indexes its lists read (src/portal/public-catalogue.ts).
 *
 *   scope 'catalogue', key A     any change to what the public sees of agency A's catalogue: an
 *                                item published, revised, withdrawn or moved, a published
 *                                version edited, a file of a published version, the agency's
 *                                制度 list (disclosure_rule_items)
 *
 * Per agency, like the applications' counters: a publication in one town leaves the cached pages
 * and counts of every column that does not hold that town as they are, and a column's version is
 * the sum of its agencies' counters (plus the agencies' own counter for names and the tree,
 * src/db/versions.ts catalogueVersion). Staff work that the public cannot see — drafts, reviews,
 * returns, an item's optimistic-lock counter, files of a draft — moves no counter.
 *
 * The triggers run inside the writing transaction, as in 2026112807. On SQLite they are per row
 * with WHEN conditions; on PostgreSQL per statement with transition tables, so that a bulk load
 * (an import, the benchmark) bumps each agency's counter once per statement instead of once per
 * row (updating one row a million times in one transaction is quadratic there).
 *
 * Indexes (src/portal/public-catalogue.ts): the public lists are ordered newest first
 * (published_on, then item) and filtered by category and year. Partial indexes over the
 * published, 主动公开 versions only (about one entry per public item) make the first pages of each
 * list an index range scan (public_order, public_category), looking the items up by their
 * published version (catalogue_items_published); public_item holds what the counts per
 * category and year read of a version, so that counting an agency's items does not read the
 * versions' rows (bodies and all).
 */
import { sql, type Kysely } from 'kysely';
import { dialectOf } from './util.js';

/** The columns of catalogue_items the public sees or filters by (not updated_at / version). */
const ITEM_COLUMNS = ['published_version_id', 'withdrawn_at', 'agency_id', 'index_number', 'first_published_on'];

/** The tables whose changes move a counter. */
const TABLES = ['catalogue_items', 'catalogue_versions', 'catalogue_files', 'disclosure_rule_items'];

const PUBLIC = `WHERE state = 'published' AND disclosure = 'active'`;
const INDEXES: ReadonlyArray<[name: string, on: string]> = [
  ['catalogue_versions_public_order', `catalogue_versions (published_on, item_id) ${PUBLIC}`],
  ['catalogue_versions_public_category', `catalogue_versions (category, published_on, item_id) ${PUBLIC}`],
  ['catalogue_versions_public_item', `catalogue_versions (item_id, category, published_on) ${PUBLIC}`],
  ['catalogue_items_published', 'catalogue_items (published_version_id)'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  const run = (text: string) => sql.raw(text).execute(db);
  for (const [name, on] of INDEXES) await run(`CREATE INDEX ${name} ON ${on}`);
  if (d === 'sqlite') {
    const bump = (key: string) =>
      `INSERT OR IGNORE INTO data_versions(scope, key, version) VALUES ('catalogue', ${key}, 0); ` +
      `UPDATE data_versions SET version = version + 1 WHERE scope = 'catalogue' AND key = ${key};`;
    const agencyOfItem = (itemId: string) => `(SELECT agency_id FROM catalogue_items WHERE id = ${itemId})`;
    const agencyOfVersion = (versionId: string) =>
      `(SELECT i.agency_id FROM catalogue_versions v JOIN catalogue_items i ON i.id = v.item_id WHERE v.id = ${versionId} AND v.state = 'published')`;
    const changed = ITEM_COLUMNS.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
    const triggers = [
      // Items: public once they point at a published version.
      `CREATE TRIGGER catalogue_items_public_insert AFTER INSERT ON catalogue_items WHEN NEW.published_version_id IS NOT NULL BEGIN ${bump('NEW.agency_id')} END`,
      `CREATE TRIGGER catalogue_items_public_update AFTER UPDATE OF ${ITEM_COLUMNS.join(', ')} ON catalogue_items WHEN ${changed} BEGIN ${bump('NEW.agency_id')} ` +
        `UPDATE data_versions SET version = version + 1 WHERE scope = 'catalogue' AND key = OLD.agency_id AND OLD.agency_id IS NOT NEW.agency_id; END`,
      `CREATE TRIGGER catalogue_items_public_delete AFTER DELETE ON catalogue_items WHEN OLD.published_version_id IS NOT NULL BEGIN ${bump('OLD.agency_id')} END`,
      // Versions: only a published one is seen (publishing, superseding, an edit made in the database).
      `CREATE TRIGGER catalogue_versions_public_insert AFTER INSERT ON catalogue_versions WHEN NEW.state = 'published' BEGIN ${bump(agencyOfItem('NEW.item_id'))} END`,
      `CREATE TRIGGER catalogue_versions_public_update AFTER UPDATE ON catalogue_versions WHEN OLD.state = 'published' OR NEW.state = 'published' BEGIN ${bump(agencyOfItem('NEW.item_id'))} END`,
      `CREATE TRIGGER catalogue_versions_public_delete AFTER DELETE ON catalogue_versions WHEN OLD.state = 'published' BEGIN ${bump(agencyOfItem('OLD.item_id'))} END`,
      // Files of a published version (its item page lists them).
      `CREATE TRIGGER catalogue_files_public_insert AFTER INSERT ON catalogue_files WHEN ${agencyOfVersion('NEW.version_id')} IS NOT NULL BEGIN ${bump(agencyOfVersion('NEW.version_id'))} END`,
      `CREATE TRIGGER catalogue_files_public_update AFTER UPDATE ON catalogue_files WHEN ${agencyOfVersion('NEW.version_id')} IS NOT NULL OR ${agencyOfVersion('OLD.version_id')} IS NOT NULL BEGIN ` +
        `${bump(`coalesce(${agencyOfVersion('NEW.version_id')}, ${agencyOfVersion('OLD.version_id')})`)} END`,
      `CREATE TRIGGER catalogue_files_public_delete AFTER DELETE ON catalogue_files WHEN ${agencyOfVersion('OLD.version_id')} IS NOT NULL BEGIN ${bump(agencyOfVersion('OLD.version_id'))} END`,
      // The 制度 list of a column.
      `CREATE TRIGGER disclosure_rule_items_public_insert AFTER INSERT ON disclosure_rule_items BEGIN ${bump('NEW.agency_id')} END`,
      `CREATE TRIGGER disclosure_rule_items_public_update AFTER UPDATE ON disclosure_rule_items BEGIN ${bump('NEW.agency_id')} ${bump('OLD.agency_id')} END`,
      `CREATE TRIGGER disclosure_rule_items_public_delete AFTER DELETE ON disclosure_rule_items BEGIN ${bump('OLD.agency_id')} END`,
    ];
    for (const t of triggers) await run(t);
    return;
  }
  // PostgreSQL: each trigger function collects the agencies its statement touched (transition
  // tables) and bumps each of their counters once, in key order (no deadlock between writers).
  await run(`CREATE OR REPLACE FUNCTION gongkai_bump_catalogue(agency_ids integer[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO data_versions(scope, key, version)
    SELECT 'catalogue', k, 1 FROM (SELECT DISTINCT k FROM unnest(agency_ids) AS u(k) WHERE k IS NOT NULL) s ORDER BY k
    ON CONFLICT (scope, key) DO UPDATE SET version = data_versions.version + 1 $$`);
  const distinct = ITEM_COLUMNS.map((c) => `o.${c}`).join(', ') + ') IS DISTINCT FROM (' + ITEM_COLUMNS.map((c) => `n.${c}`).join(', ');
  await run(`CREATE OR REPLACE FUNCTION gongkai_catalogue_items_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM gongkai_bump_catalogue(array(SELECT agency_id FROM new_rows WHERE published_version_id IS NOT NULL));
    ELSIF TG_OP = 'DELETE' THEN
      PERFORM gongkai_bump_catalogue(array(SELECT agency_id FROM old_rows WHERE published_version_id IS NOT NULL));
    ELSE
      PERFORM gongkai_bump_catalogue(array(SELECT unnest(array[o.agency_id, n.agency_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (${distinct})));
    END IF;
    RETURN NULL; END $$`);
  await run(`CREATE OR REPLACE FUNCTION gongkai_catalogue_versions_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM gongkai_bump_catalogue(array(SELECT i.agency_id FROM new_rows v JOIN catalogue_items i ON i.id = v.item_id WHERE v.state = 'published'));
    ELSIF TG_OP = 'DELETE' THEN
      PERFORM gongkai_bump_catalogue(array(SELECT i.agency_id FROM old_rows v JOIN catalogue_items i ON i.id = v.item_id WHERE v.state = 'published'));
    ELSE
      PERFORM gongkai_bump_catalogue(array(SELECT i.agency_id FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN catalogue_items i ON i.id IN (o.item_id, n.item_id)
        WHERE o.state = 'published' OR n.state = 'published'));
    END IF;
    RETURN NULL; END $$`);
  const filesOf = (rows: string) =>
    `SELECT i.agency_id FROM ${rows} f JOIN catalogue_versions v ON v.id = f.version_id AND v.state = 'published' JOIN catalogue_items i ON i.id = v.item_id`;
  await run(`CREATE OR REPLACE FUNCTION gongkai_catalogue_files_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP = 'INSERT' THEN PERFORM gongkai_bump_catalogue(array(${filesOf('new_rows')}));
    ELSIF TG_OP = 'DELETE' THEN PERFORM gongkai_bump_catalogue(array(${filesOf('old_rows')}));
    ELSE PERFORM gongkai_bump_catalogue(array(${filesOf('old_rows')} UNION ALL ${filesOf('new_rows')}));
    END IF;
    RETURN NULL; END $$`);
  await run(`CREATE OR REPLACE FUNCTION gongkai_disclosure_rule_items_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP = 'INSERT' THEN PERFORM gongkai_bump_catalogue(array(SELECT agency_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN PERFORM gongkai_bump_catalogue(array(SELECT agency_id FROM old_rows));
    ELSE PERFORM gongkai_bump_catalogue(array(SELECT agency_id FROM old_rows UNION ALL SELECT agency_id FROM new_rows));
    END IF;
    RETURN NULL; END $$`);
  await run(`CREATE OR REPLACE FUNCTION gongkai_catalogue_truncate_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    UPDATE data_versions SET version = version + 1 WHERE scope = 'catalogue'; RETURN NULL; END $$`);
  for (const table of TABLES) {
    const fn = `gongkai_${table}_version`;
    await run(`CREATE TRIGGER ${table}_public_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    await run(`CREATE TRIGGER ${table}_public_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    await run(`CREATE TRIGGER ${table}_public_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    await run(`CREATE TRIGGER ${table}_public_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION gongkai_catalogue_truncate_version()`);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  const run = (text: string) => sql.raw(text).execute(db);
  for (const table of TABLES) {
    for (const op of ['insert', 'update', 'delete', ...(d === 'postgres' ? ['truncate'] : [])]) {
      await run(d === 'sqlite' ? `DROP TRIGGER IF EXISTS ${table}_public_${op}` : `DROP TRIGGER IF EXISTS ${table}_public_${op} ON ${table}`);
    }
  }
  if (d === 'postgres') {
    for (const table of TABLES) await run(`DROP FUNCTION IF EXISTS gongkai_${table}_version()`);
    await run('DROP FUNCTION IF EXISTS gongkai_catalogue_truncate_version()');
    await run('DROP FUNCTION IF EXISTS gongkai_bump_catalogue(integer[])');
  }
  for (const [name] of INDEXES) await run(`DROP INDEX IF EXISTS ${name}`);
  await run(`DELETE FROM data_versions WHERE scope = 'catalogue'`);
}
