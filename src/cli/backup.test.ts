/**
 * `gongkai backup`, `gongkai restore` and `gongkai restore --check` refusing bad input, on SQLite or
 * on PostgreSQL (TEST_DATABASE_URL): truncated, damaged, foreign and future archives, the other
 * kind of database, a target holding records, a database in use, output paths that cannot be
 * written, stored files missing. Each refusal is a Chinese line on stderr and a non-zero exit
 * code, and the installation it was aimed at is exactly as before (every table, every stored file
 * and every audit archive file). The audit archives' own refusals: src/backup/audit-archives.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { storedPath } from '../backup/backup.js';
import { MANIFEST, type Manifest } from '../backup/manifest.js';
import { entryStream, readTarIndex, TarWriter } from '../backup/tar.js';
import { dumpDatabase, folderHashes, makePlace, rewriteArchive, seedPlace, type Place } from '../backup/test-helpers.js';
import { cli } from '../../test/support/cli.js';

describe('gongkai backup / restore: refusals leave everything as it was', () => {
  const places: Place[] = [];
  let source: Place;
  /** A target holding records (its own demo data): what must survive every refusal. */
  let occupied: Place;
  let empty: Place;
  let archive: string;
  let seeded: { referenced: string[] };

  before(async () => {
    source = await makePlace('bkcli-src');
    occupied = await makePlace('bkcli-occ');
    empty = await makePlace('bkcli-empty');
    places.push(source, occupied, empty);
    seeded = await seedPlace(source);
    await seedPlace(occupied);
    archive = join(source.dir, 'good.tar');
    const r = await cli(['backup', '-o', archive], source.env);
    assert.equal(r.code, 0, r.err);
  });
  after(async () => {
    for (const p of places) await p.cleanup();
  });

  async function state(p: Place) {
    const db = await p.open();
    try {
      return { tables: await dumpDatabase(db), files: folderHashes(p.config.filesDir), auditArchives: folderHashes(p.config.auditArchiveDir) };
    } finally {
      await db.close();
    }
  }

  /** Runs `restore` with these arguments against `p`, expecting a refusal; p must be unchanged. */
  async function refused(p: Place, args: string[], code: number, message: RegExp, env: NodeJS.ProcessEnv = p.env) {
    const before = await state(p);
    const r = await cli(['restore', ...args], env);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1, 'one line');
    assert.equal(r.out, '');
    assert.deepEqual(await state(p), before, 'nothing changed');
  }

  test('--check: a sound archive is described; nothing is needed but the file', async () => {
    const r = await cli(['restore', '--check', archive], {});
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /备份文件完好/);
    assert.match(r.out, /附件：2 个/);
  });

  test('a truncated archive (anywhere), a flipped byte, not a tar, a missing file', async () => {
    const bytes = readFileSync(archive);
    for (const cut of [bytes.length - 700, Math.floor(bytes.length / 2), 2000]) {
      const p = join(source.dir, `cut-${cut}.tar`);
      writeFileSync(p, bytes.subarray(0, cut));
      await refused(occupied, [p, '--force'], 2, /备份文件不完整.*截断/);
      const c = await cli(['restore', '--check', p], {});
      assert.equal(c.code, 2);
    }
    // A byte of the database part (just after the first header) flipped: its checksum fails.
    const flipped = Buffer.from(bytes);
    flipped[512 + 100] = flipped[512 + 100]! ^ 0xff;
    const fp = join(source.dir, 'flipped.tar');
    writeFileSync(fp, flipped);
    await refused(occupied, [fp, '--force'], 2, /备份文件已损坏.*database\.(sqlite|pgdump) 的 SHA-256 与清单不符/);
    assert.equal((await cli(['restore', '--check', fp], {})).code, 2);
    // An attachment's byte flipped: the last entries before the manifest are files.
    const entries = await readTarIndex(archive);
    const file = entries.find((e) => e.name.startsWith('files/'))!;
    const flipped2 = Buffer.from(bytes);
    flipped2[file.offset + 5] = flipped2[file.offset + 5]! ^ 0x01;
    writeFileSync(fp, flipped2);
    await refused(empty, [fp], 2, /files\/.* 的 SHA-256 与清单不符/);
    // The manifest's own bytes changed: its checksum fails.
    const m = entries.find((e) => e.name === MANIFEST)!;
    const flipped3 = Buffer.from(bytes);
    flipped3[m.offset + 20] = flipped3[m.offset + 20]! ^ 0x01;
    writeFileSync(fp, flipped3);
    await refused(empty, [fp], 2, /清单 manifest\.json 与其校验和不符/);

    const notTar = join(source.dir, 'notes.txt');
    writeFileSync(notTar, '这不是备份文件\n'.repeat(200));
    await refused(occupied, [notTar, '--force'], 2, /不是 gongkai 备份文件/);
    writeFileSync(notTar, randomBytes(3000));
    await refused(empty, [notTar], 2, /不是 gongkai 备份文件/);
    await refused(empty, [join(source.dir, 'nothing-here.tar')], 2, /找不到备份文件/);
  });

  test('a foreign tar, a future schema, a future format', async () => {
    // A tar with our layout but without a manifest.
    const foreign = join(source.dir, 'foreign.tar');
    const w = await TarWriter.create(foreign, new Date());
    await w.addBuffer('README', Buffer.from('hello'));
    await w.finish();
    await refused(empty, [foreign], 2, /不是 gongkai 备份文件.*没有 manifest\.json/);

    const future = join(source.dir, 'future.tar');
    await rewriteArchive(archive, future, (m) => {
      (m.migrations as string[]).push('2099010100_from_the_future');
      m.latestMigration = '2099010100_from_the_future';
    });
    await refused(empty, [future], 2, /更新版本的 gongkai.*2099010100_from_the_future/);
    await refused(occupied, [future, '--force'], 2, /更新版本/);
    const c = await cli(['restore', '--check', future], {});
    assert.equal(c.code, 2);
    assert.match(c.err, /请先升级 gongkai/);

    const format = join(source.dir, 'format2.tar');
    await rewriteArchive(archive, format, (m) => {
      m.version = 2;
    });
    await refused(empty, [format], 2, /格式版本为 2/);
    // A manifest naming a table that is not a plain name (it would reach SQL).
    const evil = join(source.dir, 'evil.tar');
    await rewriteArchive(archive, evil, (m) => {
      (m.tables as Record<string, number>)['x"; DROP TABLE agencies; --'] = 1;
    });
    await refused(empty, [evil], 2, /清单.*不完整或已损坏/);
  });

  test('a restore failing half-way (row counts unlike the manifest) is rolled back whole', async () => {
    const lying = join(source.dir, 'lying.tar');
    await rewriteArchive(archive, lying, (m) => {
      (m.tables as Record<string, number>).agencies! += 1;
    });
    assert.equal((await cli(['restore', '--check', lying], {})).code, 0, 'the archive itself is sound');
    await refused(occupied, [lying, '--force'], 1, /table agencies has \d+ rows|表 agencies 有 \d+ 行/);
  });

  test('the other kind of database', async () => {
    // On SQLite the target says PostgreSQL (refused before any connection), and the other way round.
    const env = source.config.databaseUrl ? { GONGKAI_DATA: empty.config.dataDir, GONGKAI_DEMO: '0' } : { ...empty.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    await refused(empty, [archive], 2, source.config.databaseUrl ? /备份来自 PostgreSQL.*当前配置的是 SQLite/ : /备份来自 SQLite.*当前配置的是 PostgreSQL/, env);
    if (source.config.databaseUrl) assert.ok(!existsSync(join(empty.config.dataDir, 'gongkai.sqlite')));
  });

  test('a target holding records needs --force; a database in use is refused even with it', async () => {
    await refused(occupied, [archive], 2, /已有数据.*--force/);
    // A server (any other connection) has the database open.
    const busy = await occupied.open();
    try {
      await busy.kysely.selectFrom('agencies').select('id').limit(1).execute();
      await refused(occupied, [archive, '--force'], 1, /正在被使用|其他连接在使用/);
    } finally {
      await busy.close();
    }
  });

  test('backup: an output folder that does not exist, an output that cannot be written, a file already there', async () => {
    const missing = await cli(['backup', '-o', join(source.dir, 'no-such-folder', 'x.tar')], source.env);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /无法写入 .*目录 .*no-such-folder 不存在/);

    let unwritable: string | null = null;
    if (process.getuid?.() !== 0) {
      unwritable = join(source.dir, 'readonly');
      (await import('node:fs')).mkdirSync(unwritable);
      chmodSync(unwritable, 0o500);
    } else if (existsSync('/sys/kernel')) {
      unwritable = '/sys/kernel'; // root: sysfs refuses new files
    }
    if (unwritable) {
      const r = await cli(['backup', '-o', join(unwritable, 'x.tar')], source.env);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /无法写入 .*没有写入权限/);
      assert.deepEqual(readdirSync(unwritable).filter((n) => n.includes('x.tar')), []);
    }

    const exists = await cli(['backup', '-o', archive], source.env);
    assert.equal(exists.code, 2);
    assert.match(exists.err, /已存在/);
    const empty = await cli(['backup', '-o', ' '], source.env);
    assert.equal(empty.code, 2);
  });

  test('backup: a referenced stored file missing is an error (no archive left), or a listed gap with --allow-missing-files', async () => {
    const sha = seeded.referenced[0]!;
    const path = storedPath(source.config.filesDir, sha);
    const aside = `${path}.aside`;
    renameSync(path, aside);
    try {
      const out = join(source.dir, 'missing.tar');
      const r = await cli(['backup', '-o', out], source.env);
      assert.equal(r.code, 1);
      assert.match(r.err, /引用的 1 个附件文件在 .* 中找不到.*--allow-missing-files/);
      assert.ok(!existsSync(out));
      assert.deepEqual(readdirSync(source.dir).filter((n) => n.startsWith('.')), [], 'no temporary file left');

      const ok = await cli(['backup', '-o', out, '--allow-missing-files'], source.env);
      assert.equal(ok.code, 0, ok.err);
      assert.match(ok.err, /警告：数据库引用的 1 个附件文件缺失/);
      const check = await cli(['restore', '--check', out], {});
      assert.equal(check.code, 0, check.err);
      assert.match(check.out, /附件：1 个.*备份时缺失 1 个/);
      const index = await readTarIndex(out);
      const m = index.find((e) => e.name === MANIFEST)!;
      const chunks: Buffer[] = [];
      for await (const c of entryStream(out, m)) chunks.push(c as Buffer);
      assert.deepEqual((JSON.parse(Buffer.concat(chunks).toString('utf8')) as Manifest).missingFiles, [sha]);
    } finally {
      renameSync(aside, path);
    }
  });

  test('usage: restore without a file, --check with --force', async () => {
    const r = await cli(['restore'], source.env);
    assert.equal(r.code, 2);
    const c = await cli(['restore', '--check', '--force', archive], source.env);
    assert.equal(c.code, 2);
    assert.match(c.err, /不能同时使用/);
  });
});
