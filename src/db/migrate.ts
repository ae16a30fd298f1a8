/**
 * Migrations: TypeScript files in ./migrations, timestamp-prefixed and append-only, listed here so
 * that the compiled build needs no directory scan. Run at start and by `gongkai db migrate`.
 */
import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Db } from './database.js';
import * as m2026112801 from './migrations/2026112801_accounts.js';
import * as m2026112802 from './migrations/2026112802_applications.js';
import * as m2026112803 from './migrations/2026112803_rate_limits.js';
import * as m2026112804 from './migrations/2026112804_attachments.js';
import * as m2026112805 from './migrations/2026112805_letter_settings.js';
import * as m2026112806 from './migrations/2026112806_letter_events_form_tokens.js';
import * as m2026112807 from './migrations/2026112807_data_versions.js';
import * as m2026112808 from './migrations/2026112808_search.js';
import * as m2026112809 from './migrations/2026112809_catalogue.js';
import * as m2026112810 from './migrations/2026112810_search_sequences.js';
import * as m2026112811 from './migrations/2026112811_feedback.js';
import * as m2026112812 from './migrations/2026112812_catalogue_versions.js';
import * as m2026112813 from './migrations/2026112813_report_entries.js';
import * as m2026112814 from './migrations/2026112814_annual_reports.js';
import * as m2026112815 from './migrations/2026112815_supervision.js';
import * as m2026112816 from './migrations/2026112816_report_uploads.js';
import * as m2026112817 from './migrations/2026112817_scheduled_jobs.js';
import * as m2026112818 from './migrations/2026112818_security.js';
import * as m2026112819 from './migrations/2026112819_search_forward.js';

/** Every migration by name (exported for the migrations' own tests). */
export const MIGRATIONS: Record<string, Migration> = {
  '2026112801_accounts': m2026112801,
  '2026112802_applications': m2026112802,
  '2026112803_rate_limits': m2026112803,
  '2026112804_attachments': m2026112804,
  '2026112805_letter_settings': m2026112805,
  '2026112806_letter_events_form_tokens': m2026112806,
  '2026112807_data_versions': m2026112807,
  '2026112808_search': m2026112808,
  '2026112809_catalogue': m2026112809,
  '2026112810_search_sequences': m2026112810,
  '2026112811_feedback': m2026112811,
  '2026112812_catalogue_versions': m2026112812,
  '2026112813_report_entries': m2026112813,
  '2026112814_annual_reports': m2026112814,
  '2026112815_supervision': m2026112815,
  '2026112816_report_uploads': m2026112816,
  '2026112817_scheduled_jobs': m2026112817,
  '2026112818_security': m2026112818,
  '2026112819_search_forward': m2026112819,
};

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/**
 * Brings the schema to the latest version; returns the names of the migrations applied now.
 * (`migrations`: another list, for the migrations' own tests.)
 */
export async function migrateToLatest(db: Db, migrations: Record<string, Migration> = MIGRATIONS): Promise<string[]> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // Migrations written in parallel may land in either order: a database that already ran a
    // later-named one still gets an earlier-named one that arrived after it (each migration only
    // adds its own tables and columns).
    allowUnorderedMigrations: true,
    // PostgreSQL: name the schema, or Kysely may find another schema's migration tables.
    ...(db.pgSchema ? { migrationTableSchema: db.pgSchema } : {}),
  });
  const r: MigrationResultSet = await migrator.migrateToLatest();
  if (r.error) {
    const failed = r.results?.find((x) => x.status === 'Error')?.migrationName;
    throw new MigrationError(`数据库迁移失败${failed ? `（${failed}）` : ''}：${(r.error as Error).message ?? String(r.error)}`);
  }
  return (r.results ?? []).filter((x) => x.status === 'Success').map((x) => x.migrationName);
}
