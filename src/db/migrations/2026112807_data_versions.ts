/**
 * Data versions: a counter per scope that the database itself bumps on every change, so that a
 * node can keep derived data in memory (the agency tree, a user's expanded grants, a rendered work
 * queue) and know with one indexed read whether it is still current, even when another node or
 * the CLI made the change (src/db/versions.ts).
 *
 *   scope 'agencies', key 0          any change to agencies (tree, names, office details)
 *   scope 'accounts', key 0          any change to users or user_roles
 *   scope 'applications', key A      any change to an application of agency A
 *
 * The triggers run inside the writing transaction, so a reader that reads the version before the
 * data never caches older data under a newer version. Per-agency application counters keep busy
 * agencies from serialising on one row (PostgreSQL locks the counter row until commit).
 */
import { sql, type Kysely } from 'kysely';
import { dialectOf, notNull } from './util.js';

const GLOBAL: ReadonlyArray<[table: string, scope: string]> = [
  ['agencies', 'agencies'],
  ['users', 'accounts'],
  ['user_roles', 'accounts'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  await db.schema
    .createTable('data_versions')
    .addColumn('scope', 'text', notNull)
    .addColumn('key', 'integer', notNull)
    .addColumn('version', 'bigint', notNull)
    .addPrimaryKeyConstraint('data_versions_pk', ['scope', 'key'])
    .execute();
  const run = (text: string) => sql.raw(text).execute(db);
  if (d === 'sqlite') {
    // SQLite triggers are per row: make sure the counter exists, then increment it.
    const bump = (scope: string, key: string) =>
      `INSERT OR IGNORE INTO data_versions(scope, key, version) VALUES ('${scope}', ${key}, 0); ` +
      `UPDATE data_versions SET version = version + 1 WHERE scope = '${scope}' AND key = ${key};`;
    for (const [table, scope] of GLOBAL) {
      for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
        await run(`CREATE TRIGGER ${table}_version_${op.toLowerCase()} AFTER ${op} ON ${table} BEGIN ${bump(scope, '0')} END`);
      }
    }
    await run(`CREATE TRIGGER applications_version_insert AFTER INSERT ON applications BEGIN ${bump('applications', 'NEW.agency_id')} END`);
    await run(
      `CREATE TRIGGER applications_version_update AFTER UPDATE ON applications BEGIN ${bump('applications', 'NEW.agency_id')} ` +
        `UPDATE data_versions SET version = version + 1 WHERE scope = 'applications' AND key = OLD.agency_id AND OLD.agency_id <> NEW.agency_id; END`,
    );
    await run(`CREATE TRIGGER applications_version_delete AFTER DELETE ON applications BEGIN ${bump('applications', 'OLD.agency_id')} END`);
    return;
  }
  await run(`CREATE OR REPLACE FUNCTION gongkai_bump_version(s text, k integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO data_versions(scope, key, version) VALUES (s, k, 1)
    ON CONFLICT (scope, key) DO UPDATE SET version = data_versions.version + 1 $$`);
  await run(`CREATE OR REPLACE FUNCTION gongkai_version_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    PERFORM gongkai_bump_version(TG_ARGV[0], 0); RETURN NULL; END $$`);
  await run(`CREATE OR REPLACE FUNCTION gongkai_applications_version_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM gongkai_bump_version('applications', NEW.agency_id); END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.agency_id <> NEW.agency_id) THEN PERFORM gongkai_bump_version('applications', OLD.agency_id); END IF;
    RETURN NULL; END $$`);
  for (const [table, scope] of GLOBAL) {
    await run(`CREATE TRIGGER ${table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION gongkai_version_trigger('${scope}')`);
  }
  await run(`CREATE TRIGGER applications_version AFTER INSERT OR UPDATE OR DELETE ON applications FOR EACH ROW EXECUTE FUNCTION gongkai_applications_version_trigger()`);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  const run = (text: string) => sql.raw(text).execute(db);
  if (d === 'sqlite') {
    for (const table of ['agencies', 'users', 'user_roles', 'applications']) {
      for (const op of ['insert', 'update', 'delete']) await run(`DROP TRIGGER IF EXISTS ${table}_version_${op}`);
    }
  } else {
    for (const table of ['agencies', 'users', 'user_roles', 'applications']) await run(`DROP TRIGGER IF EXISTS ${table}_version ON ${table}`);
    await run('DROP FUNCTION IF EXISTS gongkai_applications_version_trigger()');
    await run('DROP FUNCTION IF EXISTS gongkai_version_trigger()');
    await run('DROP FUNCTION IF EXISTS gongkai_bump_version(text, integer)');
  }
  await db.schema.dropTable('data_versions').execute();
}
