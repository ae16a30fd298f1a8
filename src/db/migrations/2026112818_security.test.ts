/**
 * Migration 2026112818_security on a database that already holds accounts: administrators of a
 * top-level agency become 系统管理员 (audited), an administrator of a lower agency and other roles
 * stay without a platform role; existing audit rows stay undeletable.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator } from 'kysely';
import { openTestDb, testDialect } from '../../../test/support/db.js';
import type { Db } from '../database.js';
import { MIGRATIONS, migrateToLatest } from '../migrate.js';

describe(`migration 2026112818_security (${testDialect})`, () => {
  let db: Db;
  before(async () => {
    db = await openTestDb({ migrate: false });
    const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '2026112818'));
    const r = await new Migrator({
      db: db.kysely,
      provider: { getMigrations: async () => before },
      migrationTableName: 'schema_migrations',
      migrationLockTableName: 'schema_migrations_lock',
      allowUnorderedMigrations: true,
      ...(db.pgSchema ? { migrationTableSchema: db.pgSchema } : {}),
    }).migrateToLatest();
    assert.equal(r.error, undefined);
  });
  after(async () => {
    await db.close();
  });

  test('top-level agency administrators become system administrators; nobody else gets a platform role', async () => {
    const k = db.kysely;
    const at = new Date().toISOString();
    const agency = (name: string, parent: number | null) =>
      k.insertInto('agencies').values({ parent_id: parent, name, short_name: null, kind: 'government', code: null, office_name: null, office_address: null, office_hours: null, office_phone: null, office_fax: null, office_email: null, postcode: null, created_at: at }).returning('id').executeTakeFirstOrThrow();
    const top = await agency('迁移测试县人民政府', null);
    const town = await agency('迁移测试镇人民政府', top.id);
    // The users table before the migration has no must_change_password column.
    const user = (username: string) => k.insertInto('users').values({ username, display_name: username, password_hash: 'x', password_changed_at: at, created_at: at } as never).returning('id').executeTakeFirstOrThrow();
    const [a, b, c] = [await user('top-admin'), await user('town-admin'), await user('top-clerk')];
    await k.insertInto('user_roles').values([
      { user_id: a.id, agency_id: top.id, role: 'admin' },
      { user_id: b.id, agency_id: town.id, role: 'admin' },
      { user_id: c.id, agency_id: top.id, role: 'clerk' },
    ]).execute();
    assert.ok((await migrateToLatest(db)).includes('2026112818_security'));
    const roles = await k.selectFrom('platform_roles').select(['user_id', 'role', 'granted_by']).execute();
    assert.deepEqual(roles, [{ user_id: a.id, role: 'sysadmin', granted_by: null }]);
    const logged = await k.selectFrom('audit_log').select(['action', 'subject_id']).where('action', '=', 'platform_role.grant').execute();
    assert.deepEqual(logged, [{ action: 'platform_role.grant', subject_id: String(a.id) }]);
    assert.equal((await k.selectFrom('users').select('must_change_password').where('id', '=', a.id).executeTakeFirstOrThrow()).must_change_password, 0);
    // Agency grants are untouched; the audit log is still append-only.
    assert.equal((await k.selectFrom('user_roles').select('role').execute()).length, 3);
    await assert.rejects(k.deleteFrom('audit_log').execute());
  });
});
