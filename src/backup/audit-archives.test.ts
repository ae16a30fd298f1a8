/**
 * The audit log's archive files (src/audit/retention.ts, GONGKAI_AUDIT_ARCHIVE_DIR) in backups, on
 * SQLite or on PostgreSQL (TEST_DATABASE_URL), through the CLI as an operator runs it: every file
 * audit_retention records goes into the archive and comes back byte for byte; a recorded file
 * missing or changed refuses the backup (or is listed with --allow-missing-files); a recorded name
 * that is not a plain file name is refused; a restore never overwrites a different file of the
 * same name (refused before anything is touched); manifests are checked strictly; and archives
 * written before audit archives were in the manifest still verify and restore.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli } from '../../test/support/cli.js';
import { agency } from '../../test/support/application-fixtures.js';
import { submitOnline } from '../applications/application.service.js';
import { migrateToLatest } from '../db/migrate.js';
import { isAuditArchiveName } from './manifest.js';
import { restoreBackup, verifyArchive } from './restore.js';
import { readTarIndex } from './tar.js';
import { applicationInput, archiveOldAuditRows, calendar, dumpDatabase, folderHashes, makePlace, readManifestJson, rewriteArchive, type Place } from './test-helpers.js';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe('gongkai backup / restore: the archived audit log', () => {
  const places: Place[] = [];
  const place = async (label: string, migrate = true) => {
    const p = await makePlace(label);
    places.push(p);
    if (migrate) {
      const db = await p.open();
      try {
        await migrateToLatest(db);
      } finally {
        await db.close();
      }
    }
    return p;
  };
  after(async () => {
    for (const p of places) await p.cleanup();
  });

  /**
   * The source: a migrated installation with one application and its stored file (so that a
   * restore refused too late would show in the files folder), whose audit log was purged twice
   * (two archive files).
   */
  let source: Place;
  let archives: { name: string; sha256: string }[];
  let archive: string;
  before(async () => {
    source = await place('aa-src');
    const db = await source.open();
    try {
      const agencyId = await agency(db, '审计归档测试机关', 'government', null);
      const { applicationId } = await submitOnline(db, { calendar }, applicationInput(agencyId, 1));
      const sha = await source.files().put(Buffer.from('一个附件\n'));
      await db.kysely
        .insertInto('attachments')
        .values({ application_id: applicationId, kind: 'incoming', filename: '附件.txt', media_type: 'text/plain', size: 1, sha256: sha, for_applicant: 0, created_at: new Date().toISOString(), created_by: null })
        .execute();
    } finally {
      await db.close();
    }
    archives = [await archiveOldAuditRows(source, 'first'), await archiveOldAuditRows(source, 'second')];
    archive = join(source.dir, 'good.tar');
    const b = await cli(['backup', '-o', archive], source.env);
    assert.equal(b.code, 0, b.err);
  });

  /** Everything a restore could change: every table, the stored files, the audit archive files. */
  async function state(p: Place) {
    const db = await p.open();
    try {
      return { tables: await dumpDatabase(db), files: folderHashes(p.config.filesDir), audit: folderHashes(p.config.auditArchiveDir), auditDir: existsSync(p.config.auditArchiveDir) };
    } finally {
      await db.close();
    }
  }

  /** `restore ARGS` against `p`, expecting a refusal in one Chinese line; p must be unchanged. */
  async function refused(p: Place, args: string[], code: number, message: RegExp) {
    const before = await state(p);
    const r = await cli(['restore', ...args], p.env);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1, 'one line');
    assert.equal(r.out, '');
    assert.deepEqual(await state(p), before, 'nothing changed');
  }

  /** A backup through the CLI expected to be refused: exit 1, the message, no archive, no temporary file. */
  async function backupRefused(p: Place, name: string, message: RegExp, extra: string[] = []) {
    const out = join(p.dir, name);
    const r = await cli(['backup', '-o', out, ...extra], p.env);
    assert.equal(r.code, 1, `${r.out}${r.err}`);
    assert.match(r.err, message);
    assert.ok(!existsSync(out), 'no archive written');
    assert.deepEqual(readdirSync(p.dir).filter((n) => n.startsWith('.')), [], 'no temporary file left');
  }

  test('every recorded archive file is in the backup and comes back byte for byte; files already there are kept', async () => {
    const v = await verifyArchive(archive);
    const expected = archives.map((a) => ({ path: `audit-archive/${a.name}`, sha256: a.sha256 })).sort((a, b) => (a.path < b.path ? -1 : 1));
    assert.deepEqual(
      v.manifest.auditArchives.map((p) => ({ path: p.path, sha256: p.sha256 })),
      expected,
    );
    for (const p of v.manifest.auditArchives) assert.equal(p.size, statSync(join(source.config.auditArchiveDir, p.path.slice('audit-archive/'.length))).size);
    assert.deepEqual(v.manifest.missingAuditArchives, []);
    assert.ok((await readTarIndex(archive)).some((e) => e.name === expected[0]!.path), 'a plain tar entry');
    const check = await cli(['restore', '--check', archive], {});
    assert.equal(check.code, 0, check.err);

    const target = await place('aa-dst', false);
    const r = await restoreBackup(target.config, archive);
    assert.equal(r.auditArchivesWritten, 2);
    assert.equal(r.auditArchivesKept, 0);
    assert.deepEqual(folderHashes(target.config.auditArchiveDir), folderHashes(source.config.auditArchiveDir));
    for (const a of archives) assert.equal(readFileSync(join(target.config.auditArchiveDir, a.name)).equals(readFileSync(join(source.config.auditArchiveDir, a.name))), true);
    assert.equal(statSync(target.config.auditArchiveDir).mode & 0o777, 0o700);
    for (const a of archives) assert.equal(statSync(join(target.config.auditArchiveDir, a.name)).mode & 0o777, 0o600);
    // The restored database records the same archives; the restore's audit entry counts them.
    const db = await target.open();
    try {
      const rows = await db.kysely.selectFrom('audit_retention').select(['archive', 'archive_sha256']).execute();
      assert.deepEqual(rows.map((x) => [x.archive, x.archive_sha256]).sort(), archives.map((a) => [a.name, a.sha256]).sort());
      const rec = await db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'backup.restore.cli').executeTakeFirstOrThrow();
      const details = JSON.parse(rec.details!) as Record<string, unknown>;
      assert.deepEqual([details.auditArchivesWritten, details.auditArchivesKept], [2, 0]);
    } finally {
      await db.close();
    }

    // Again with --force: the files already there with the right content are kept, untouched.
    const again = await restoreBackup(target.config, archive, { force: true });
    assert.deepEqual([again.auditArchivesWritten, again.auditArchivesKept], [0, 2]);
    // One of them gone: written again, the other kept.
    renameSync(join(target.config.auditArchiveDir, archives[0]!.name), join(target.dir, 'moved-away.jsonl'));
    const third = await restoreBackup(target.config, archive, { force: true });
    assert.deepEqual([third.auditArchivesWritten, third.auditArchivesKept], [1, 1]);
    assert.deepEqual(folderHashes(target.config.auditArchiveDir), folderHashes(source.config.auditArchiveDir));
    assert.deepEqual(readdirSync(target.config.auditArchiveDir).filter((n) => n.includes('tmp')), [], 'no temporary file left');
  });

  test('a recorded archive file missing: the backup is refused naming it and GONGKAI_AUDIT_ARCHIVE_DIR; --allow-missing-files lists it', async () => {
    const gone = archives[0]!;
    const path = join(source.config.auditArchiveDir, gone.name);
    const aside = join(source.dir, 'aside.jsonl');
    renameSync(path, aside);
    try {
      await backupRefused(source, 'missing.tar', new RegExp(`审计日志归档文件.*${gone.name.replace(/\./g, '\\.')} 不存在.*GONGKAI_AUDIT_ARCHIVE_DIR.*--allow-missing-files`));
      const out = join(source.dir, 'missing-allowed.tar');
      const ok = await cli(['backup', '-o', out, '--allow-missing-files'], source.env);
      assert.equal(ok.code, 0, ok.err);
      const m = (await verifyArchive(out)).manifest;
      assert.deepEqual(m.missingAuditArchives, [gone.name]);
      assert.deepEqual(m.auditArchives.map((p) => p.path), [`audit-archive/${archives[1]!.name}`]);
      assert.ok(!(await readTarIndex(out)).some((e) => e.name === `audit-archive/${gone.name}`));
      // It restores: the archive file there is, and only that one.
      const target = await place('aa-miss', false);
      const r = await cli(['restore', out], target.env);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(Object.keys(folderHashes(target.config.auditArchiveDir)), [archives[1]!.name]);
    } finally {
      renameSync(aside, path);
    }
  });

  test('a recorded archive file whose bytes were changed: refused; with --allow-missing-files listed, not archived', async () => {
    const changed = archives[1]!;
    const path = join(source.config.auditArchiveDir, changed.name);
    const original = readFileSync(path);
    const tampered = Buffer.from(original);
    tampered[10] = tampered[10]! ^ 0x01; // one bit, same size
    writeFileSync(path, tampered);
    try {
      await backupRefused(source, 'changed.tar', new RegExp(`${changed.name.replace(/\./g, '\\.')} 的内容与记录的 SHA-256 不符.*GONGKAI_AUDIT_ARCHIVE_DIR`));
      // A file shortened or emptied is the same refusal.
      writeFileSync(path, '');
      await backupRefused(source, 'emptied.tar', /的内容与记录的 SHA-256 不符/);
      writeFileSync(path, tampered);
      const out = join(source.dir, 'changed-allowed.tar');
      const ok = await cli(['backup', '-o', out, '--allow-missing-files'], source.env);
      assert.equal(ok.code, 0, ok.err);
      const m = (await verifyArchive(out)).manifest;
      assert.deepEqual(m.missingAuditArchives, [changed.name]);
      assert.deepEqual(m.auditArchives.map((p) => p.sha256), [archives[0]!.sha256]);
    } finally {
      writeFileSync(path, original);
    }
    // Put back, the backup goes through again.
    const ok = await cli(['backup', '-o', join(source.dir, 'restored-source.tar')], source.env);
    assert.equal(ok.code, 0, ok.err);
  });

  test('a recorded name that is not a plain file name is refused, even with --allow-missing-files', async () => {
    for (const bad of ['../escaped.jsonl', 'sub/dir.jsonl', '/etc/passwd', '.hidden', 'a..b', '审计.jsonl', 'with space.jsonl', '', 'x'.repeat(87)]) {
      assert.equal(isAuditArchiveName(bad), false, JSON.stringify(bad));
    }
    for (const good of ['audit-2025-06-01-1-120.jsonl', 'a', 'A_b-c.d']) assert.equal(isAuditArchiveName(good), true, good);

    const evil = await place('aa-evil');
    // The file exists where the name points (outside the archive folder): still refused.
    mkdirSync(evil.config.auditArchiveDir, { recursive: true });
    writeFileSync(join(evil.config.auditArchiveDir, '..', 'escaped.jsonl'), 'not an audit archive\n');
    const db = await evil.open();
    try {
      await db.kysely
        .insertInto('audit_retention')
        .values({ at: daysAgo(0), cutoff: daysAgo(400), user_id: null, row_count: 0, archive: '../escaped.jsonl', archive_sha256: '0'.repeat(64) })
        .execute();
    } finally {
      await db.close();
    }
    await backupRefused(evil, 'evil.tar', /audit_retention 记录了无效的审计日志归档文件名「\.\.\/escaped\.jsonl」/);
    await backupRefused(evil, 'evil2.tar', /无效的审计日志归档文件名/, ['--allow-missing-files']);
  });

  test('restore into an installation holding another file of the same name: refused before anything is touched', async () => {
    const target = await place('aa-clash', false);
    // A different file under one of the backup's names (and the other name absent).
    mkdirSync(target.config.auditArchiveDir, { recursive: true });
    const clash = archives[1]!.name;
    writeFileSync(join(target.config.auditArchiveDir, clash), '{"action":"this installation\'s own archive"}\n');
    await refused(target, [archive], 2, new RegExp(`GONGKAI_AUDIT_ARCHIVE_DIR.*同名但内容不同.*${clash.replace(/\./g, '\\.')}.*不会覆盖`));
    await refused(target, [archive, '--force'], 2, /同名但内容不同/);
    assert.ok(!existsSync(join(target.config.auditArchiveDir, archives[0]!.name)), 'the other archive was not written either');
    assert.deepEqual(folderHashes(target.config.filesDir), {}, 'no stored file was written');
    // A folder of that name is no better.
    const other = await place('aa-clash-dir', false);
    mkdirSync(join(other.config.auditArchiveDir, clash), { recursive: true });
    await refused(other, [archive], 2, /同名但内容不同/);
    // The archive itself is sound: --check does not look at any installation.
    assert.equal((await cli(['restore', '--check', archive], {})).code, 0);
    // Moved away, the restore goes through and keeps nothing it should not.
    renameSync(join(target.config.auditArchiveDir, clash), join(target.dir, 'own-archive.jsonl'));
    const r = await cli(['restore', archive], target.env);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(folderHashes(target.config.auditArchiveDir), folderHashes(source.config.auditArchiveDir));
  });

  test('an archive part changed, missing or unlisted, and manifest paths that are not ours: refused', async () => {
    const empty = await place('aa-bad', false);
    const index = await readTarIndex(archive);
    const part = index.find((e) => e.name.startsWith('audit-archive/'))!;
    // One byte of an audit archive flipped: its checksum fails (restore and --check).
    const bytes = readFileSync(archive);
    bytes[part.offset + 3] = bytes[part.offset + 3]! ^ 0x01;
    const flipped = join(source.dir, 'flipped-audit.tar');
    writeFileSync(flipped, bytes);
    await refused(empty, [flipped], 2, /备份文件已损坏.*audit-archive\/.* 的 SHA-256 与清单不符/);
    const c = await cli(['restore', '--check', flipped], {});
    assert.equal(c.code, 2);
    assert.match(c.err, /audit-archive\/.* 的 SHA-256 与清单不符/);

    // A listed part left out of the tar; a part in the tar the manifest does not list.
    const lacking = join(source.dir, 'lacking.tar');
    await rewriteArchive(archive, lacking, () => {}, (name) => name !== part.name);
    await refused(empty, [lacking], 2, /备份文件不完整.*缺少 audit-archive\//);
    const unlisted = join(source.dir, 'unlisted.tar');
    await rewriteArchive(archive, unlisted, (m) => {
      m.auditArchives = (m.auditArchives as { path: string }[]).filter((p) => p.path !== part.name);
    });
    await refused(empty, [unlisted], 2, /归档含有清单之外的条目「audit-archive\//);

    // Paths a manifest might carry that are not audit-archive/<plain name>.
    const sha = (m: Record<string, unknown>) => (m.auditArchives as { sha256: string; size: number }[])[0]!;
    for (const path of ['audit-archive/../escaped.jsonl', 'audit-archive/sub/x.jsonl', '../audit-archive/x.jsonl', '/etc/passwd', 'audit-archive/', 'audit-archive/.hidden', 'files/x.jsonl', 'manifest.json']) {
      const p = join(source.dir, 'bad-path.tar');
      await rewriteArchive(archive, p, (m) => {
        (m.auditArchives as unknown[]).push({ path, size: sha(m).size, sha256: sha(m).sha256 });
      });
      await refused(empty, [p], 2, /清单含有无效的审计日志归档路径|清单.*不完整或已损坏/);
      assert.equal((await cli(['restore', '--check', p], {})).code, 2, path);
      rmSync(p);
    }
    // The same archive listed twice; a missing name that is not a plain name; the field of the wrong type.
    const twice = join(source.dir, 'twice.tar');
    await rewriteArchive(archive, twice, (m) => {
      (m.auditArchives as unknown[]).push({ ...(m.auditArchives as object[])[0]! });
    });
    await refused(empty, [twice], 2, /出现了两次|重复/);
    const badMissing = join(source.dir, 'bad-missing.tar');
    await rewriteArchive(archive, badMissing, (m) => {
      m.missingAuditArchives = ['../../etc/shadow'];
    });
    await refused(empty, [badMissing], 2, /无效的缺失审计日志归档名/);
    const wrongType = join(source.dir, 'wrong-type.tar');
    await rewriteArchive(archive, wrongType, (m) => {
      m.auditArchives = 'audit-archive/x';
    });
    await refused(empty, [wrongType], 2, /清单.*不完整或已损坏.*auditArchives/);
  });

  test('an archive written before audit archives were in the manifest still verifies and restores', async () => {
    // What an older gongkai wrote: no auditArchives / missingAuditArchives, no audit-archive/ entries,
    // while its database already recorded archive files.
    const old = join(source.dir, 'older-format.tar');
    await rewriteArchive(
      archive,
      old,
      (m) => {
        delete m.auditArchives;
        delete m.missingAuditArchives;
      },
      (name) => !name.startsWith('audit-archive/'),
    );
    const json = await readManifestJson(old);
    assert.ok(!('auditArchives' in json) && !('missingAuditArchives' in json));
    const v = await verifyArchive(old);
    assert.equal(v.manifest.files.length, 1);
    assert.deepEqual(v.manifest.auditArchives, []);
    assert.deepEqual(v.manifest.missingAuditArchives, []);
    const check = await cli(['restore', '--check', old], {});
    assert.equal(check.code, 0, check.err);

    const target = await place('aa-old', false);
    const r = await restoreBackup(target.config, old);
    assert.deepEqual([r.auditArchivesWritten, r.auditArchivesKept], [0, 0]);
    assert.ok(!existsSync(target.config.auditArchiveDir), 'no archive folder made for nothing');
    const db = await target.open();
    try {
      assert.equal((await db.kysely.selectFrom('audit_retention').selectAll().execute()).length, 2, 'the database came back whole');
    } finally {
      await db.close();
    }
  });
});
