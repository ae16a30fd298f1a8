/**
 * `gongkai keys generate | encrypt-existing | rotate`, run in-process on a real data folder
 * (SQLite) or a database of its own (PostgreSQL, with TEST_DATABASE_URL) holding plaintext rows.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { ENCRYPTED_COLUMNS, openColumns } from '../crypto/columns.js';
import { DataKeys, keyIdOf } from '../crypto/field-cipher.js';
import { DATA_KEY_FILE, parseDataKeys } from '../crypto/keys.js';
import { insertPlainApplication, insertPlainComplaint, legacyPerson } from '../crypto/test-helpers.js';
import { agency } from '../../test/support/application-fixtures.js';
import { cli } from '../../test/support/cli.js';
import { installation, type Installation } from '../../test/support/installation.js';

describe('gongkai keys generate', () => {
  test('prints one key item on stdout (usable as GONGKAI_DATA_KEYS), the how-to on stderr', async () => {
    const r = await cli(['keys', 'generate', '--id', 'k2027']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^k2027:[A-Za-z0-9+/]{43}=\n$/);
    assert.equal(parseDataKeys(r.out, 'stdout')[0]!.id, 'k2027');
    assert.match(r.err, /第一位.*gongkai keys rotate/s);
    const bad = await cli(['keys', 'generate', '--id', 'a:b']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /密钥编号只能由字母/);
  });
});

describe('gongkai keys encrypt-existing and rotate', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let inst: Installation;
  const open = (): Promise<Db> => inst.open();
  const rows = async () => {
    const db = await open();
    try {
      return await db.kysely.selectFrom('applications').selectAll().orderBy('id').execute();
    } finally {
      await db.close();
    }
  };

  before(async () => {
    inst = await installation({ prefix: 'gongkai-keys-cli-' });
    dir = inst.dataDir;
    env = { ...inst.env };
    const db = await open();
    try {
      await migrateToLatest(db);
      const a = await agency(db, '命令行测试局', 'department', null);
      for (let i = 1; i <= 12; i++) await insertPlainApplication(db, a, legacyPerson(i));
      await insertPlainComplaint(db, a, '孙投诉', '13522223333');
    } finally {
      await db.close();
    }
  });

  after(async () => {
    await inst?.close();
  });

  let first: string;

  test('encrypt-existing: the keys as the server takes them; every plaintext value encrypted; a second run does nothing', async () => {
    if (env.DATABASE_URL) {
      const refused = await cli(['keys', 'encrypt-existing'], env);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /使用 PostgreSQL 时必须配置数据加密密钥/);
      first = (await cli(['keys', 'generate', '--id', 'first'])).out.trim();
      env = { ...env, GONGKAI_DATA_KEYS: first };
    }
    const r = await cli(['keys', 'encrypt-existing', '--batch', '5'], env);
    assert.equal(r.code, 0, r.err);
    if (!env.DATABASE_URL) {
      // SQLite: the embedded default's key file, generated now, as at the server's first start.
      const file = join(dir, DATA_KEY_FILE);
      assert.match(r.err, new RegExp(`已生成数据加密密钥文件 ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      first = readFileSync(file, 'utf8').split('\n').find((l) => l && !l.startsWith('#'))!;
    }
    assert.match(r.out, /申请（applications）：加密 12 条记录/);
    assert.match(r.out, /投诉（feedback）：加密 1 条记录的 2 个字段/);
    assert.match(r.out, /明文 0/);
    assert.match(r.out, /VACUUM/);
    const keys = new DataKeys(parseDataKeys(first, 'key'));
    const stored = await rows();
    stored.forEach((row, i) => {
      assert.ok(!JSON.stringify(row).includes(legacyPerson(i + 1).idNumber));
      assert.equal(openColumns(keys, 'applications', row).id_number, legacyPerson(i + 1).idNumber);
    });
    const again = await cli(['keys', 'encrypt-existing'], env);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /申请（applications）：加密 0 条记录的 0 个字段/);
    assert.doesNotMatch(again.out, /VACUUM/);
    assert.deepEqual(await rows(), stored);
  });

  test('rotate: a new key put first re-encrypts everything; afterwards the new key alone reads the data', async () => {
    const next = (await cli(['keys', 'generate', '--id', 'next'])).out.trim();
    const withBoth = { ...env, GONGKAI_DATA_KEYS: `${next},${first}` };
    const r = await cli(['keys', 'rotate'], withBoth);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /用密钥「next」重新加密 12 条记录/);
    assert.match(r.out, /全部数据已使用密钥「next」加密/);
    for (const row of await rows()) for (const c of ENCRYPTED_COLUMNS.applications) if (row[c] !== null) assert.equal(keyIdOf(row[c]!), 'next');
    const alone = await cli(['keys', 'encrypt-existing'], { ...env, GONGKAI_DATA_KEYS: next });
    assert.equal(alone.code, 0, alone.err);
    // The old key alone no longer opens the data: the start check says so, exit 1.
    const old = await cli(['keys', 'encrypt-existing'], { ...env, GONGKAI_DATA_KEYS: first });
    assert.equal(old.code, 1);
    assert.match(old.err, /未配置密钥「next」/);
    const bad = await cli(['keys', 'rotate'], { ...env, GONGKAI_DATA_KEYS: 'x:abc' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /GONGKAI_DATA_KEYS 中密钥「x」长度不对/);
  });
});
