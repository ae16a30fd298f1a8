import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../db/database.js';
import { agency } from '../../test/support/application-fixtures.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { encryptExisting } from './existing.js';
import { DataKeys } from './field-cipher.js';
import { DATA_KEY_FILE, DataKeyConfigError, generateKeyItem, parseDataKeys, setUpDataKeys, type DataKeySource } from './keys.js';
import { insertPlainApplication, legacyPerson } from './test-helpers.js';

const b64 = (n: number) => randomBytes(n).toString('base64');

describe('configured data keys', () => {
  test('items separated by commas, spaces or lines; comments; base64 with or without padding, or base64url', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const keys = parseDataKeys(`# comment line\nk2:${a.toString('base64')}\n\n k1:${b.toString('base64url')} ,k0:${randomBytes(32).toString('base64').replace(/=+$/, '')}`, 'X');
    assert.deepEqual(
      keys.map((k) => k.id),
      ['k2', 'k1', 'k0'],
    );
    assert.deepEqual(Buffer.from(keys[0]!.key), a);
    assert.deepEqual(Buffer.from(keys[1]!.key), b);
    assert.equal(new DataKeys(keys).currentId, 'k2', 'the first listed key encrypts');
  });

  const bad: Array<[string, RegExp]> = [
    ['', /X 中没有密钥/],
    ['# only a comment', /没有密钥/],
    [b64(32), /第 1 项缺少编号/],
    [`k1:${b64(16)}`, /密钥「k1」长度不对：应为 32 字节.*实际为 16 字节/],
    [`k1:${b64(48)}`, /长度不对.*实际为 48 字节/],
    ['k1:这不是base64', /密钥「k1」不是有效的 base64 编码/],
    [`k1:${b64(32).slice(0, 20)}!${b64(32).slice(21)}`, /不是有效的 base64/],
    [`k1:${b64(32)},k2:${b64(32)},k1:${b64(32)}`, /密钥编号「k1」重复/],
    [`k 1:${b64(32)}`, /缺少编号|编号只能/],
    [`k/1:${b64(32)}`, /第 1 项：密钥编号只能由字母/],
    [`k1:${Buffer.alloc(32).toString('base64')}`, /不是随机数/],
  ];
  for (const [text, message] of bad) {
    test(`refused: ${JSON.stringify(text).slice(0, 40)}`, () => {
      assert.throws(
        () => parseDataKeys(text, 'X'),
        (e: unknown) => e instanceof DataKeyConfigError && message.test(e.message) && !/[A-Za-z0-9+/]{40,}/.test(e.message),
      );
    });
  }

  test('generated items parse back; ids are checked', () => {
    const item = generateKeyItem({ now: new Date('2026-11-28T00:00:00Z') });
    assert.match(item, /^k20261128[0-9a-f]{4}:[A-Za-z0-9+/]{43}=$/);
    assert.equal(parseDataKeys(item, 'X')[0]!.key.length, 32);
    assert.match(generateKeyItem({ id: 'prod-2027' }), /^prod-2027:/);
    assert.throws(() => generateKeyItem({ id: 'bad id' }), DataKeyConfigError);
    assert.notEqual(generateKeyItem().split(':')[1], generateKeyItem().split(':')[1]);
  });
});

describe('the data keys at start', () => {
  let db: Db;
  let dir: string;
  let agencyId: number;
  const logs: string[] = [];
  const log = (s: string) => void logs.push(s);
  before(async () => {
    db = await openTestDb();
    agencyId = await agency(db, '密钥测试局', 'department', null);
  });
  after(async () => {
    await db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const freshDir = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'gongkai-keys-'));
    logs.length = 0;
    return dir;
  };
  const source = (text: string): DataKeySource => ({ source: 'GONGKAI_DATA_KEYS', keys: parseDataKeys(text, 'GONGKAI_DATA_KEYS') });

  if (testDialect === 'postgres') {
    test('PostgreSQL without configured keys refuses to start, saying what to set', async () => {
      await assert.rejects(setUpDataKeys(db, { configured: undefined, dataDir: freshDir(), log }), (e: unknown) => e instanceof DataKeyConfigError && /使用 PostgreSQL 时必须配置数据加密密钥.*GONGKAI_DATA_KEYS.*GONGKAI_DATA_KEY_FILE/.test(e.message));
    });
  } else {
    test('SQLite without configured keys: a key file is generated once (mode 0600), its place logged, and used from then on', async () => {
      const d = freshDir();
      const keys = await setUpDataKeys(db, { configured: undefined, dataDir: d, log });
      const path = join(d, DATA_KEY_FILE);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.ok(logs.some((l) => l.includes(path) && l.includes('0600')), logs.join('\n'));
      assert.ok(logs.some((l) => /分开备份/.test(l)), logs.join('\n'));
      const text = readFileSync(path, 'utf8');
      assert.equal(parseDataKeys(text, path)[0]!.id, keys.currentId);
      logs.length = 0;
      const again = await setUpDataKeys(db, { configured: undefined, dataDir: d, log });
      assert.equal(again.currentId, keys.currentId);
      assert.equal(readFileSync(path, 'utf8'), text, 'the file is not rewritten');
      assert.deepEqual(logs, [], 'nothing to say the second time');
      chmodSync(path, 0o644);
      await setUpDataKeys(db, { configured: undefined, dataDir: d, log });
      assert.ok(logs.some((l) => /可被其他用户读取.*chmod 600/.test(l)), logs.join('\n'));
    });

    test('SQLite: a database already holding encrypted values gets no new key file when the old one is missing', async () => {
      const d = freshDir();
      const id = await insertPlainApplication(db, agencyId, legacyPerson(1));
      await encryptExisting(db, new DataKeys([{ id: 'lost', key: randomBytes(32) }]));
      try {
        await assert.rejects(setUpDataKeys(db, { configured: undefined, dataDir: d, log }), (e: unknown) => e instanceof DataKeyConfigError && /已有加密的个人信息.*请从备份恢复该文件/.test(e.message));
        assert.throws(() => statSync(join(d, DATA_KEY_FILE)), /ENOENT/);
      } finally {
        await db.kysely.deleteFrom('applications').where('id', '=', id).execute();
      }
    });
  }

  test('configured keys are checked against the newest encrypted value: a missing or wrong key stops the start', async () => {
    const item = generateKeyItem({ id: 'k1' });
    const keys = new DataKeys(source(item).keys);
    const id = await insertPlainApplication(db, agencyId, legacyPerson(2));
    try {
      await encryptExisting(db, keys);
      assert.equal((await setUpDataKeys(db, { configured: source(item), dataDir: freshDir(), log })).currentId, 'k1');
      const newer = generateKeyItem({ id: 'k2' });
      assert.deepEqual((await setUpDataKeys(db, { configured: source(`${newer},${item}`), dataDir: dir, log })).ids, ['k2', 'k1']);
      await assert.rejects(setUpDataKeys(db, { configured: source(newer), dataDir: dir, log }), (e: unknown) => e instanceof DataKeyConfigError && /未配置密钥「k1」.*切勿生成新密钥/.test(e.message));
      await assert.rejects(setUpDataKeys(db, { configured: source(generateKeyItem({ id: 'k1' })), dataDir: dir, log }), (e: unknown) => e instanceof DataKeyConfigError && /校验失败/.test(e.message));
    } finally {
      await db.kysely.deleteFrom('applications').where('id', '=', id).execute();
    }
  });
});
