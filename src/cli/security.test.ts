/**
 * `gongkai audit export|purge` and `gongkai security role|unlock` on a data folder (SQLite) or a
 * database of its own on the PostgreSQL test server (TEST_DATABASE_URL).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { seedDemo } from '../demo/seed.js';
import { cli } from '../../test/support/cli.js';
import { testDialect } from '../../test/support/db.js';
import { installation, type Installation } from '../../test/support/installation.js';

describe(`gongkai audit and gongkai security (${testDialect})`, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let inst: Installation;
  const open = (): Promise<Db> => inst.open();
  const withDb = async <T>(fn: (db: Db) => Promise<T>) => {
    const db = await open();
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };

  before(async () => {
    inst = await installation({ prefix: 'gongkai-security-cli-' });
    dir = inst.dataDir;
    env = { ...inst.env, GONGKAI_DEMO: '0' };
    await withDb(async (db) => {
      await migrateToLatest(db);
      await seedDemo(db.kysely);
      const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
      await db.kysely
        .insertInto('audit_log')
        .values([1, 2].map((i) => ({ at: old, user_id: null, agency_id: null, action: 'old.event', subject_type: null, subject_id: String(i), details: null, ip: null })))
        .execute();
    });
  });
  after(async () => {
    await inst?.close();
  });

  test('audit export: JSON lines to stdout, CSV with BOM to a file; the export is audited; bad options are exit 2', async () => {
    const j = await cli(['audit', 'export', '--action', 'old.event'], env);
    assert.equal(j.code, 0, j.err);
    assert.deepEqual(j.out.trimEnd().split('\n').map((l) => (JSON.parse(l) as { subjectId: string }).subjectId), ['1', '2']);
    const file = join(dir, 'audit.csv');
    const c = await cli(['audit', 'export', '--format', 'csv', '-o', file, '--action', 'old.'], env);
    assert.equal(c.code, 0, c.err);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith('\uFEFF编号,'));
    assert.equal(text.trimEnd().split('\r\n').length, 3);
    assert.match(c.err, /已导出 2 条/);
    const logged = await withDb((db) => db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'audit.export.cli').execute());
    assert.equal(logged.length, 2);
    for (const [args, reason] of [
      [['audit', 'export', '--format', 'xml'], /--format 只能是 csv 或 jsonl/],
      [['audit', 'export', '--from', '2026-02-30'], /起始日期格式不正确/],
      [['audit', 'export', '--actor', 'a b'], /用户名格式不正确/],
    ] as const) {
      const r = await cli([...args], env);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, reason);
    }
  });

  test('audit purge: a retention under 180 days is refused; a dry run counts; the purge archives and removes', async () => {
    const low = await cli(['audit', 'purge'], { ...env, GONGKAI_AUDIT_RETENTION_DAYS: '30' });
    assert.equal(low.code, 2);
    assert.match(low.err, /不得少于 180 天/);
    const dry = await cli(['audit', 'purge', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /审计记录 2 条/);
    const run = await cli(['audit', 'purge'], env);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /已归档并清理 2 条/);
    const archives = readdirSync(join(dir, 'audit-archive'));
    assert.equal(archives.length, 1);
    assert.equal(readFileSync(join(dir, 'audit-archive', archives[0]!), 'utf8').trimEnd().split('\n').length, 2);
    const left = await withDb((db) => db.kysely.selectFrom('audit_log').select('id').where('action', '=', 'old.event').execute());
    assert.equal(left.length, 0);
  });

  test('security role: appoints, refuses a second role and an auditor with agency roles, removes; unlock lifts a lock', async () => {
    await withDb((db) => db.kysely.deleteFrom('platform_roles').where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('username', '=', 'auditor')).execute());
    const ok = await cli(['security', 'role', '--username', 'auditor', '--role', 'auditor'], env);
    assert.equal(ok.code, 0, ok.err);
    const second = await cli(['security', 'role', '--username', 'auditor', '--role', 'secadmin'], env);
    assert.equal(second.code, 1);
    assert.match(second.err, /只能担任三员中的一个/);
    const business = await cli(['security', 'role', '--username', 'clerk', '--role', 'auditor'], env);
    assert.equal(business.code, 1);
    assert.match(business.err, /持有机关业务角色/);
    assert.equal((await cli(['security', 'role', '--username', 'auditor', '--role', 'root'], env)).code, 2);
    assert.equal((await cli(['security', 'role', '--username', 'nobody', '--role', 'auditor'], env)).code, 2);
    assert.equal((await cli(['security', 'role', '--username', 'auditor', '--role', 'none'], env)).code, 0);

    await withDb((db) => db.kysely.insertInto('account_lockouts').values({ username: 'clerk', failures: 0, locked_until: new Date(Date.now() + 600_000).toISOString(), updated_at: new Date().toISOString() }).execute());
    const unlock = await cli(['security', 'unlock', '--username', 'clerk'], env);
    assert.equal(unlock.code, 0, unlock.err);
    assert.equal((await cli(['security', 'unlock', '--username', 'clerk'], env)).code, 1);
    const actions = await withDb((db) => db.kysely.selectFrom('audit_log').select('action').where('action', 'in', ['platform_role.grant.cli', 'platform_role.revoke.cli', 'account.unlock.cli']).execute());
    assert.deepEqual(actions.map((a) => a.action).sort(), ['account.unlock.cli', 'platform_role.grant.cli', 'platform_role.revoke.cli']);
  });
});
