/**
 * The audit log's retention on SQLite or PostgreSQL (TEST_DATABASE_URL): nothing leaves the table
 * except through purgeAuditLog (archive first, then delete below a recorded cutoff), and not even
 * a direct DELETE reaches rows younger than the cutoff.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDb, testDialect } from '../../test/support/db.js';
import type { Db } from '../db/database.js';
import { purgeAuditLog, RetentionError } from './retention.js';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe(`audit log retention (${testDialect})`, () => {
  let db: Db;
  let dir: string;
  before(async () => {
    db = await openTestDb();
    dir = mkdtempSync(join(tmpdir(), 'gongkai-audit-archive-'));
    const row = (at: string, action: string) => ({ at, user_id: null, agency_id: null, action, subject_type: null, subject_id: null, details: JSON.stringify({ n: action }), ip: '10.9.0.1' });
    await db.kysely
      .insertInto('audit_log')
      .values([row(daysAgo(500), 'old.a'), row(daysAgo(420), 'old.b'), row(daysAgo(400), 'old.c'), row(daysAgo(200), 'young.a'), row(daysAgo(100), 'young.b'), row(daysAgo(0), 'young.c')])
      .execute();
  });
  after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const actions = async () => (await db.kysely.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);

  test('before any purge, no row can be deleted or changed, however old', async () => {
    await assert.rejects(db.kysely.deleteFrom('audit_log').where('action', '=', 'old.a').execute());
    await assert.rejects(db.kysely.deleteFrom('audit_log').execute());
    await assert.rejects(db.kysely.updateTable('audit_log').set({ action: 'x' }).where('action', '=', 'old.a').execute());
    assert.deepEqual(await actions(), ['old.a', 'old.b', 'old.c', 'young.a', 'young.b', 'young.c']);
  });

  test('a retention under 180 days is refused, by the routine and by the database', async () => {
    await assert.rejects(purgeAuditLog(db.kysely, { retentionDays: 179, archiveDir: dir }), (e) => e instanceof RetentionError && /不得少于 180 天/.test(e.message));
    await assert.rejects(db.kysely.insertInto('audit_retention').values({ at: daysAgo(0), cutoff: daysAgo(30), user_id: null, row_count: 0, archive: null, archive_sha256: null }).execute());
    assert.equal((await db.kysely.selectFrom('audit_retention').selectAll().execute()).length, 0);
  });

  test('a dry run counts and touches nothing', async () => {
    const r = await purgeAuditLog(db.kysely, { retentionDays: 365, archiveDir: dir, dryRun: true });
    assert.equal(r.rows, 3);
    assert.equal(r.archive, null);
    assert.equal(readdirSync(dir).length, 0);
    assert.equal((await actions()).length, 6);
  });

  test('the purge archives the old rows to a file with its SHA-256, records the cutoff, deletes them and audits itself', async () => {
    const r = await purgeAuditLog(db.kysely, { retentionDays: 365, archiveDir: dir });
    assert.equal(r.rows, 3);
    const bytes = readFileSync(r.archive!);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), r.sha256);
    const lines = bytes.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { action: string; details: unknown; ip: string });
    assert.deepEqual(lines.map((l) => l.action), ['old.a', 'old.b', 'old.c']);
    assert.deepEqual(lines[0]!.details, { n: 'old.a' });
    assert.deepEqual(await actions(), ['young.a', 'young.b', 'young.c', 'audit.purge']);
    const [ret] = await db.kysely.selectFrom('audit_retention').selectAll().execute();
    assert.equal(ret!.row_count, 3);
    assert.equal(ret!.archive_sha256, r.sha256);
    assert.equal(ret!.cutoff, r.cutoff);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')).length, 0);
  });

  test('after a purge, rows younger than the cutoff still cannot be deleted, even by a direct DELETE', async () => {
    await assert.rejects(db.kysely.deleteFrom('audit_log').where('action', '=', 'young.a').execute());
    await assert.rejects(db.kysely.deleteFrom('audit_log').execute());
    await assert.rejects(db.kysely.updateTable('audit_log').set({ action: 'x' }).execute());
    // The retention record itself is append-only.
    await assert.rejects(db.kysely.deleteFrom('audit_retention').execute());
    await assert.rejects(db.kysely.updateTable('audit_retention').set({ cutoff: daysAgo(0) }).execute());
    assert.deepEqual(await actions(), ['young.a', 'young.b', 'young.c', 'audit.purge']);
  });

  test('nothing old enough: nothing archived, nothing recorded', async () => {
    const r = await purgeAuditLog(db.kysely, { retentionDays: 365, archiveDir: dir });
    assert.equal(r.rows, 0);
    assert.equal(r.archive, null);
    assert.equal((await db.kysely.selectFrom('audit_retention').selectAll().execute()).length, 1);
  });
});
