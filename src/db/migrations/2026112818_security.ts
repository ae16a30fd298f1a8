/**
 * Account security (等保 2.0, OWASP ASVS level 2; docs/security.md):
 *
 *   users.must_change_password   set for accounts created or reset by an administrator and when a
 *                                password has expired; the back office is closed until it changes
 *   password_history             hashes of earlier passwords (no reuse of the last N)
 *   account_lockouts             consecutive login failures per user name (existing or not, so the
 *                                answers never tell which names exist) and the lock's end
 *   platform_roles               三员分立: 系统管理员 / 安全保密管理员 / 安全审计员. The primary key
 *                                on user_id means no account holds two of them; a CHECK refuses a
 *                                grant by the account itself (granted_by is null only from the CLI
 *                                and from this migration)
 *   security_settings            the security officer's policy values, append-only (the history of
 *                                the policy is its own record); none: the configuration's values
 *   audit_retention              append-only record of each purge of the audit log: its cutoff,
 *                                how many rows, the archive file and its SHA-256
 *
 * The audit log keeps refusing UPDATE (and TRUNCATE); DELETE is refused for every row that is not
 * older than the latest recorded cutoff, and a cutoff can be recorded only if it lies at least 180
 * days in the past (网络安全法第二十一条: logs kept no less than six months). So nothing but the
 * purge routine's two steps (record the cutoff, then delete below it) removes rows, and not even
 * that can reach into the last six months.
 *
 * Existing agency administrators of a top-level agency (no parent) become 系统管理员: until now
 * the 'admin' grant stood for "the agency's accounts and settings", and account management is the
 * system administrator's part now. Their agency grants stay as they are. Security officer and
 * auditor are appointed after the upgrade (`gongkai security role`), by design never implicitly.
 */
import { sql, type Kysely } from 'kysely';
import { appendOnly, dialectOf, notNull, withId } from './util.js';

export const PLATFORM_ROLES = ['sysadmin', 'secadmin', 'auditor'] as const;
/** Days below which no cutoff may be recorded (网络安全法第二十一条). */
export const MIN_RETENTION_DAYS = 180;

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  const run = (text: string) => sql.raw(text).execute(db);

  await db.schema.alterTable('users').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await withId(db.schema.createTable('password_history'), d)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', notNull)
    .addColumn('changed_at', 'text', notNull)
    .execute();
  await db.schema.createIndex('password_history_user').on('password_history').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('account_lockouts')
    .addColumn('username', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', notNull)
    .addColumn('locked_until', 'text')
    .addColumn('updated_at', 'text', notNull)
    .execute();

  await db.schema
    .createTable('platform_roles')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('sysadmin', 'secadmin', 'auditor')`))
    .addColumn('granted_by', 'integer', (c) => c.references('users.id'))
    .addColumn('granted_at', 'text', notNull)
    .addCheckConstraint('platform_roles_not_self', sql`granted_by IS NULL OR granted_by <> user_id`)
    .execute();
  // A change of platform roles changes actors: bump the accounts data version like users/user_roles.
  if (d === 'sqlite') {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      await run(
        `CREATE TRIGGER platform_roles_version_${op.toLowerCase()} AFTER ${op} ON platform_roles BEGIN ` +
          `INSERT OR IGNORE INTO data_versions(scope, key, version) VALUES ('accounts', 0, 0); ` +
          `UPDATE data_versions SET version = version + 1 WHERE scope = 'accounts' AND key = 0; END`,
      );
    }
  } else {
    await run(`CREATE TRIGGER platform_roles_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON platform_roles FOR EACH STATEMENT EXECUTE FUNCTION gongkai_version_trigger('accounts')`);
  }

  await withId(db.schema.createTable('security_settings'), d)
    .addColumn('at', 'text', notNull)
    .addColumn('user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('settings', 'text', notNull)
    .execute();
  await appendOnly(db, d, 'security_settings');

  await withId(db.schema.createTable('audit_retention'), d)
    .addColumn('at', 'text', notNull)
    .addColumn('cutoff', 'text', notNull)
    .addColumn('user_id', 'integer')
    .addColumn('row_count', 'integer', notNull)
    .addColumn('archive', 'text')
    .addColumn('archive_sha256', 'text')
    .execute();
  await appendOnly(db, d, 'audit_retention');

  // The audit log: DELETE only below the latest recorded cutoff; a cutoff at least 180 days old.
  if (d === 'sqlite') {
    await run(
      `CREATE TRIGGER audit_retention_floor BEFORE INSERT ON audit_retention ` +
        `WHEN NEW.cutoff > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-${MIN_RETENTION_DAYS} days') ` +
        `BEGIN SELECT RAISE(ABORT, 'audit_retention: cutoff within ${MIN_RETENTION_DAYS} days'); END`,
    );
    await run('DROP TRIGGER audit_log_no_delete');
    await run(
      `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log ` +
        `WHEN OLD.at >= COALESCE((SELECT MAX(cutoff) FROM audit_retention), '') ` +
        `BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (rows newer than the retention cutoff)'); END`,
    );
  } else {
    await run(`CREATE OR REPLACE FUNCTION gongkai_audit_retention_floor() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.cutoff > to_char((now() AT TIME ZONE 'UTC') - interval '${MIN_RETENTION_DAYS} days', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') THEN
        RAISE EXCEPTION 'audit_retention: cutoff within ${MIN_RETENTION_DAYS} days';
      END IF; RETURN NEW; END $$`);
    await run(`CREATE TRIGGER audit_retention_floor BEFORE INSERT ON audit_retention FOR EACH ROW EXECUTE FUNCTION gongkai_audit_retention_floor()`);
    await run('DROP TRIGGER audit_log_append_only ON audit_log');
    await run(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION gongkai_append_only()`);
    await run(`CREATE OR REPLACE FUNCTION gongkai_audit_log_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF OLD.at >= COALESCE((SELECT MAX(cutoff) FROM audit_retention), '') THEN
        RAISE EXCEPTION 'audit_log is append-only (rows newer than the retention cutoff)';
      END IF; RETURN OLD; END $$`);
    await run(`CREATE TRIGGER audit_log_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION gongkai_audit_log_delete()`);
  }

  // Existing administrators of a top-level agency become system administrators (see above).
  const now = new Date().toISOString();
  const admins = await sql<{ user_id: number }>`
    SELECT DISTINCT r.user_id FROM user_roles r JOIN agencies a ON a.id = r.agency_id
    WHERE r.role = 'admin' AND a.parent_id IS NULL ORDER BY r.user_id`.execute(db);
  for (const { user_id } of admins.rows) {
    await sql`INSERT INTO platform_roles (user_id, role, granted_by, granted_at) VALUES (${user_id}, 'sysadmin', NULL, ${now})`.execute(db);
    await sql`INSERT INTO audit_log (at, user_id, agency_id, action, subject_type, subject_id, details, ip)
      VALUES (${now}, NULL, NULL, 'platform_role.grant', 'user', ${String(user_id)}, ${JSON.stringify({ role: 'sysadmin', by: 'migration 2026112818_security' })}, NULL)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  const run = (text: string) => sql.raw(text).execute(db);
  if (d === 'sqlite') {
    await run('DROP TRIGGER audit_log_no_delete');
    await run(`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
  } else {
    await run('DROP TRIGGER audit_log_delete ON audit_log');
    await run('DROP TRIGGER audit_log_append_only ON audit_log');
    await run(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION gongkai_append_only()`);
    await run('DROP FUNCTION IF EXISTS gongkai_audit_log_delete()');
  }
  for (const t of ['audit_retention', 'security_settings', 'platform_roles', 'account_lockouts', 'password_history']) await db.schema.dropTable(t).execute();
  if (d === 'postgres') await run('DROP FUNCTION IF EXISTS gongkai_audit_retention_floor()');
  await db.schema.alterTable('users').dropColumn('must_change_password').execute();
}
