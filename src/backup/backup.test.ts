/**
 * Restore-and-compare, through the CLI as an operator runs it, on SQLite (a data folder) or on
 * PostgreSQL (a database of its own per installation, TEST_DATABASE_URL): the demo data, stored
 * files and the audit log's archive files are backed up, restored into a fresh installation, and
 * every table's rows, every referenced file's bytes and every audit archive's bytes compared. Then a backup taken while applications and attachments are
 * being written: the restored copy is one consistent snapshot (the manifest's counts, foreign
 * keys, every referenced file present).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { agency } from '../../test/support/application-fixtures.js';
import { MIGRATIONS, migrateToLatest } from '../db/migrate.js';
import { submitOnline } from '../applications/application.service.js';
import { cli } from '../../test/support/cli.js';
import { storedPath } from './backup.js';
import { FILE_PART } from './manifest.js';
import { verifyArchive } from './restore.js';
import { applicationInput, archiveOldAuditRows, calendar, dumpDatabase, folderHashes, makePlace, seedPlace, type Place } from './test-helpers.js';

const isRestoreAudit = (table: string, row: Record<string, unknown>) => table === 'audit_log' && row.action === 'backup.restore.cli';

describe('gongkai backup / restore: restore-and-compare', () => {
  const places: Place[] = [];
  const place = async (label: string) => {
    const p = await makePlace(label);
    places.push(p);
    return p;
  };
  after(async () => {
    for (const p of places) await p.cleanup();
  });

  let source: Place;
  let seeded: { referenced: string[]; orphan: string };
  let auditArchive: { name: string; sha256: string };
  before(async () => {
    source = await place('bk-src');
    seeded = await seedPlace(source);
    auditArchive = await archiveOldAuditRows(source, 'src');
  });

  test('everything comes back: every table row for row, every referenced file byte for byte', async () => {
    const db = await source.open();
    const before = await dumpDatabase(db);
    await db.close();
    assert.ok(before.agencies!.length > 5 && before.catalogue_items!.length > 0 && before.attachments!.length === 2, 'the demo data is there');
    assert.equal(before.audit_retention!.length, 1, 'the audit log has been purged once');

    const archive = join(source.dir, 'backup.tar');
    const b = await cli(['backup', '-o', archive], source.env);
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /已写入备份：.*backup\.tar/);
    assert.match(b.out, /附件：2 个/);
    assert.equal(b.err, '');

    // The archive: the manifest describes the snapshot; only referenced files are in it.
    const v = await verifyArchive(archive);
    assert.equal(v.manifest.dialect, source.config.databaseUrl ? 'postgres' : 'sqlite');
    assert.deepEqual(v.manifest.files.map((f) => f.sha256).sort(), [...new Set(seeded.referenced)].sort());
    assert.ok(!v.manifest.files.some((f) => f.sha256 === seeded.orphan));
    for (const [t, rows] of Object.entries(before)) assert.equal(v.manifest.tables[t], rows.length, `manifest count of ${t}`);
    assert.ok(v.manifest.migrations.length > 10 && v.manifest.latestMigration === v.manifest.migrations.at(-1));
    // The audit log's archive file, as audit_retention records it.
    assert.deepEqual(
      v.manifest.auditArchives.map((a) => [a.path, a.sha256]),
      [[`audit-archive/${auditArchive.name}`, auditArchive.sha256]],
    );
    assert.deepEqual(v.manifest.missingAuditArchives, []);

    // The backup is recorded in the source's audit log (after the snapshot, so not in the archive).
    const sdb = await source.open();
    const rec = await sdb.kysely.selectFrom('audit_log').select(['action', 'subject_id', 'user_id']).where('action', '=', 'backup.create.cli').execute();
    await sdb.close();
    assert.deepEqual(rec, [{ action: 'backup.create.cli', subject_id: 'backup.tar', user_id: null }]);

    const target = await place('bk-dst');
    const r = await cli(['restore', archive], target.env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /附件：写入 2 个，已存在且内容一致 0 个/);

    const tdb = await target.open();
    try {
      const restored = await dumpDatabase(tdb, isRestoreAudit);
      assert.deepEqual(Object.keys(restored).sort(), Object.keys(before).sort());
      for (const t of Object.keys(before)) assert.deepEqual(restored[t], before[t], `table ${t}`);
      // The restore is recorded in the restored database's audit log.
      const restoreAudit = await tdb.kysely.selectFrom('audit_log').select(['subject_id', 'details']).where('action', '=', 'backup.restore.cli').execute();
      assert.equal(restoreAudit.length, 1);
      assert.equal(restoreAudit[0]!.subject_id, 'backup.tar');
      // Identities continue after the restored rows (PostgreSQL sequences restored with the data).
      const maxId = Math.max(...(await tdb.kysely.selectFrom('agencies').select('id').execute()).map((x) => x.id));
      const id = await agency(tdb, '恢复后新登记的机关', 'government', null);
      assert.ok(id > maxId);
    } finally {
      await tdb.close();
    }
    // Files: exactly the referenced ones, with the same bytes as the source's.
    const sourceFiles = folderHashes(source.config.filesDir);
    const targetFiles = folderHashes(target.config.filesDir);
    assert.deepEqual(Object.keys(targetFiles).sort(), [...new Set(seeded.referenced)].map((s) => storedPath('', s).replace(/^\//, '')).sort());
    for (const [p, sha] of Object.entries(targetFiles)) {
      assert.equal(sha, sourceFiles[p], p);
      assert.equal(sha, p.split('/').at(-1), 'content matches its name');
    }
    // The archived audit log: the same files, byte for byte; folder 0700, files 0600.
    const sourceArchives = folderHashes(source.config.auditArchiveDir);
    assert.deepEqual(Object.keys(sourceArchives), [auditArchive.name]);
    assert.deepEqual(folderHashes(target.config.auditArchiveDir), sourceArchives);
    assert.equal(statSync(target.config.auditArchiveDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(target.config.auditArchiveDir, auditArchive.name)).mode & 0o777, 0o600);
    // No temporary files left anywhere.
    assert.deepEqual(readdirSync(source.dir).filter((n) => n.startsWith('.')), []);
    if (!target.config.databaseUrl) assert.deepEqual(readdirSync(target.config.dataDir).filter((n) => n.includes('tmp')), []);

    // Restoring the same archive again over the restored (non-empty) database needs --force;
    // with it, the files already present are kept.
    const again = await cli(['restore', archive], target.env);
    assert.equal(again.code, 2);
    assert.match(again.err, /已有数据.*--force/);
    const forced = await cli(['restore', archive, '--force'], target.env);
    assert.equal(forced.code, 0, forced.err);
    assert.match(forced.out, /写入 0 个，已存在且内容一致 2 个/);
    const fdb = await target.open();
    try {
      const restored = await dumpDatabase(fdb, isRestoreAudit);
      for (const t of Object.keys(before)) assert.deepEqual(restored[t], before[t], `table ${t} after --force`);
      const rec = await fdb.kysely.selectFrom('audit_log').select('details').where('action', '=', 'backup.restore.cli').executeTakeFirstOrThrow();
      const details = JSON.parse(rec.details!) as Record<string, unknown>;
      assert.deepEqual([details.filesWritten, details.filesKept, details.auditArchivesWritten, details.auditArchivesKept], [0, 2, 0, 1]);
    } finally {
      await fdb.close();
    }
  });

  test('an older backup into a database a newer program already migrated: replaced whole, then brought up to date', async () => {
    const names = Object.keys(MIGRATIONS).sort();
    const last = names.at(-1)!;
    const old = await place('bk-old');
    const odb = await old.open();
    await migrateToLatest(odb, Object.fromEntries(names.slice(0, -1).map((n) => [n, MIGRATIONS[n]!])));
    await agency(odb, '旧版本时登记的机关', 'government', null);
    await odb.close();
    const archive = join(old.dir, 'old.tar');
    assert.equal((await cli(['backup', '-o', archive], old.env)).code, 0);
    assert.ok(!(await verifyArchive(archive)).manifest.migrations.includes(last));

    const target = await place('bk-newer');
    const tdb = await target.open();
    await migrateToLatest(tdb);
    await sql`CREATE TABLE from_a_later_migration (id integer PRIMARY KEY)`.execute(tdb.kysely);
    await tdb.close();
    const r = await cli(['restore', archive], target.env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`已升级数据库结构：${last}`));
    const after = await target.open();
    try {
      const d = await dumpDatabase(after);
      assert.equal(d.from_a_later_migration, undefined, 'what the backup does not have is gone');
      assert.deepEqual(
        (await after.kysely.selectFrom('agencies').select('name').execute()).map((a) => a.name),
        ['旧版本时登记的机关'],
      );
      assert.ok((await after.kysely.selectFrom('schema_migrations' as never).select('name' as never).execute()).some((m) => (m as { name: string }).name === last));
    } finally {
      await after.close();
    }
  });

  test('a backup taken while applications and attachments are written is one consistent snapshot', async () => {
    const writer = await source.open();
    const store = source.files();
    const agencyId = (await writer.kysely.selectFrom('agencies').select('id').where('name', '=', '永安镇人民政府').executeTakeFirstOrThrow()).id;
    let stop = false;
    let written = 0;
    let duringBackup = 0;
    let backupRunning = false;
    const loop = (async () => {
      while (!stop) {
        const n = written + 1000;
        const { applicationId } = await submitOnline(writer, { calendar }, applicationInput(agencyId, n));
        // An attachment of the new case: the file first, then the row (as addAttachment does).
        const sha = await store.put(Buffer.from(`并发写入的附件 ${n} ${Math.random()}`));
        await writer.kysely
          .insertInto('attachments')
          .values({ application_id: applicationId, kind: 'incoming', filename: `附件${n}.txt`, media_type: 'text/plain', size: 1, sha256: sha, for_applicant: 0, created_at: new Date().toISOString(), created_by: null })
          .execute();
        written++;
        if (backupRunning) duringBackup++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    try {
      while (written < 3) await new Promise((r) => setTimeout(r, 5));
      const archive = join(source.dir, 'concurrent.tar');
      backupRunning = true;
      const b = await cli(['backup', '-o', archive], source.env);
      backupRunning = false;
      assert.equal(b.code, 0, b.err);
      // Keep writing a little after the backup, then stop.
      const after = written;
      while (written < after + 2) await new Promise((r) => setTimeout(r, 5));
      stop = true;
      await loop;
      assert.ok(duringBackup > 0, 'writes happened while the backup ran');

      const v = await verifyArchive(archive);
      const liveApps = Number((await writer.kysely.selectFrom('applications').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      assert.ok(v.manifest.tables.applications! < liveApps, 'the snapshot predates the last writes');
      // Every attachment row of the snapshot has its file in the archive.
      assert.equal(v.manifest.missingFiles.length, 0);
      assert.ok(v.manifest.files.every((f) => FILE_PART.test(f.path)));

      const target = await place('bk-conc');
      const r = await cli(['restore', archive], target.env);
      assert.equal(r.code, 0, r.err);
      const tdb = await target.open();
      try {
        const restored = await dumpDatabase(tdb, isRestoreAudit);
        for (const [t, n] of Object.entries(v.manifest.tables)) assert.equal(restored[t]!.length, n, `rows of ${t}`);
        // Foreign keys hold, and each application has the events its intake wrote with it.
        if (tdb.dialect === 'sqlite') {
          assert.deepEqual((await sql`PRAGMA foreign_key_check`.execute(tdb.kysely)).rows, []);
        }
        const orphans = await sql<{ n: number }>`SELECT count(*) AS n FROM attachments a WHERE NOT EXISTS (SELECT 1 FROM applications p WHERE p.id = a.application_id)`.execute(tdb.kysely);
        assert.equal(Number(orphans.rows[0]!.n), 0);
        const eventless = await sql<{ n: number }>`SELECT count(*) AS n FROM applications p WHERE NOT EXISTS (SELECT 1 FROM application_events e WHERE e.application_id = p.id)`.execute(tdb.kysely);
        assert.equal(Number(eventless.rows[0]!.n), 0);
        const shas = (await tdb.kysely.selectFrom('attachments').select('sha256').execute()).map((x) => x.sha256);
        for (const sha of shas) {
          const p = storedPath(target.config.filesDir, sha);
          assert.ok(existsSync(p), `file ${sha}`);
          assert.equal(readFileSync(p).length > 0, true);
        }
        assert.equal(new Set(shas).size, v.manifest.files.length);
      } finally {
        await tdb.close();
      }
    } finally {
      stop = true;
      await loop.catch(() => {});
      await writer.close();
    }
  });
});
