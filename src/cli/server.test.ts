/**
 * The database verbs of the CLI on a fresh SQLite data folder (and the PostgreSQL test server when
 * TEST_DATABASE_URL is set, in a schema of its own): what a production installation runs first.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { cli } from '../../test/support/cli.js';
import { TEST_DATABASE_URL } from '../../test/support/db.js';
import { openDatabase, type Db } from '../db/database.js';
import { SQLITE_FILE } from '../server/main.js';

describe('gongkai db / agency / user / search / files (CLI)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  /** PostgreSQL: the database made for this file. */
  let schema: string | null = null;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gongkai-cli-'));
    env = { GONGKAI_DATA: dir, GONGKAI_DEMO: '0' };
    if (TEST_DATABASE_URL) {
      // A database of its own on the test server (the CLI takes a URL, which names no schema).
      schema = `gongkai_cli_${Math.random().toString(36).slice(2, 10)}`;
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`CREATE DATABASE ${schema}`);
      await c.end();
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = `/${schema}`;
      env = { ...env, DATABASE_URL: url.toString() };
    }
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (schema) {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${schema} WITH (FORCE)`);
      await c.end();
    }
  });

  /** Reads the CLI's database directly (what the command stored). */
  async function cliDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = await openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, poolSize: 1 } : { sqlitePath: join(dir, SQLITE_FILE) });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  test('an unknown GONGKAI_ variable (a typo) is named in a warning; the command still runs', async () => {
    const r = await cli(['db', 'migrate'], { ...env, GONGKAI_DEMOO: '1' });
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /警告：未知的环境变量 GONGKAI_DEMOO（拼写错误？）已忽略/);
    assert.doesNotMatch((await cli(['db', 'migrate'], env)).err, /未知的环境变量/);
  });

  test('db migrate on an empty database, then again (nothing to do)', async () => {
    const r = await cli(['db', 'migrate'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /数据库已是最新结构/);
    assert.equal((await cli(['db', 'migrate'], env)).code, 0);
  });

  test('agency add: a tree, and bad input refused with exit 2 and one line on stderr', async () => {
    const gov = await cli(['agency', 'add', '--name', '某区人民政府', '--kind', 'government', '--code', '11370400GOV'], env);
    assert.equal(gov.code, 0, gov.err);
    assert.match(gov.out, /已登记：某区人民政府/);
    const town = await cli(['agency', 'add', '--name', '某镇人民政府', '--kind', 'town', '--parent', '某区人民政府'], env);
    assert.equal(town.code, 0, town.err);
    assert.match(town.out, /上级 某区人民政府/);
    for (const [args, message] of [
      [['--name', '某区人民政府', '--kind', 'government'], /已存在/],
      [['--name', '某局', '--kind', 'ministry'], /--kind 必须是/],
      [['--name', '  ', '--kind', 'department'], /--name 不能为空/],
      [['--name', '某局', '--kind', 'department', '--parent', '不存在的政府'], /找不到机关「不存在的政府」/],
      [['--kind', 'department'], /--name/],
    ] as const) {
      const r = await cli(['agency', 'add', ...args], env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      assert.match(r.err, message);
    }
  });

  test('user add: the first administrator with a one-time password; bad input refused', async () => {
    const r = await cli(['user', 'add', '--username', 'root-admin', '--name', '管理员', '--agency', '某区人民政府', '--role', 'admin'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /已创建账号 root-admin/);
    assert.match(r.out, /初始密码（只显示这一次，首次登录后须修改）：\S{16}/);
    const created = await cliDb(async (db) => db.kysely.selectFrom('users').select('must_change_password').where('username', '=', 'root-admin').executeTakeFirstOrThrow());
    assert.equal(created.must_change_password, 1, 'a generated password must be changed at first login');
    for (const [args, message] of [
      [['--username', 'root-admin', '--name', '又一个', '--agency', '某区人民政府', '--role', 'clerk'], /已存在/],
      [['--username', 'a b', '--name', '某人', '--agency', '某区人民政府', '--role', 'clerk'], /--username 只能包含/],
      [['--username', 'someone', '--name', '某人', '--agency', '某区人民政府', '--role', 'king'], /--role 必须是/],
      [['--username', 'someone', '--name', '某人', '--agency', '火星政府', '--role', 'clerk'], /找不到机关/],
    ] as const) {
      const x = await cli(['user', 'add', ...args], env);
      assert.equal(x.code, 2, args.join(' '));
      assert.match(x.err, message);
    }
  });

  test('search reindex on a catalogue without public items', async () => {
    const r = await cli(['search', 'reindex'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /已重建检索索引：0 条/);
  });

  test('files gc: an orphan crash leftover older than the limit goes; bad --min-age-hours is a usage error', async () => {
    const sub = join(dir, 'files', 'ab', 'cd');
    mkdirSync(sub, { recursive: true });
    const leftover = join(sub, `abcd${'0'.repeat(60)}.0123456789ab.tmp`);
    writeFileSync(leftover, 'half-written');
    let r = await cli(['files', 'gc', '--dry-run', '--min-age-hours', '0'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /将删除 1 个文件/);
    assert.ok(existsSync(leftover));
    r = await cli(['files', 'gc'], env);
    assert.match(r.out, /已删除 0 个文件.*未满 24 小时暂不删除的 1 个/);
    r = await cli(['files', 'gc', '--min-age-hours', '0'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /已删除 1 个文件/);
    assert.ok(!existsSync(leftover));
    for (const bad of ['-1', 'abc', '']) {
      const b = await cli(['files', 'gc', '--min-age-hours', bad], env);
      assert.equal(b.code, 2, `--min-age-hours ${bad}`);
      assert.match(b.err, /--min-age-hours/);
    }
  });

  test('a database that cannot be opened: exit 1 and the reason, nothing else', async () => {
    const r = await cli(['db', 'migrate'], { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.equal(r.code, 1);
    assert.match(r.err, /无法连接 PostgreSQL/);
    const bad = await cli(['db', 'migrate'], { ...env, DATABASE_URL: 'mysql://root@localhost/x' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /只支持 PostgreSQL/);
  });
});
