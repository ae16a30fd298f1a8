import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { DataDecryptionError, DataKeys, DataKeysMissingError, isEncrypted, keyIdOf, openValue, type FieldPlace } from './field-cipher.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const place: FieldPlace = { table: 'applications', column: 'id_number', rowId: 7 };
const ID = '11010519491231002X';

describe('field encryption (AES-256-GCM, gk1 format)', () => {
  test('round trip of ASCII, Chinese and empty text; the stored form names the format and key, never the value', () => {
    const keys = new DataKeys([k1]);
    for (const v of [ID, '某市某区幸福路88号3单元501室', '', 'wangxm@example.com', '𠀀 emoji 🙂']) {
      const stored = keys.encrypt(v, place);
      assert.match(stored, /^gk1:k1:[A-Za-z0-9_-]+$/);
      assert.ok(!stored.includes(v) || v === '', stored);
      assert.equal(keys.decrypt(stored, place), v);
      assert.ok(isEncrypted(stored));
      assert.equal(keyIdOf(stored), 'k1');
    }
  });

  test('a fresh IV per value: the same text twice gives two different stored values', () => {
    const keys = new DataKeys([k1]);
    const a = keys.encrypt(ID, place);
    const b = keys.encrypt(ID, place);
    assert.notEqual(a, b);
    assert.notEqual(a.split(':')[2]!.slice(0, 16), b.split(':')[2]!.slice(0, 16), 'the IVs differ');
  });

  test('tampering with any byte is detected, never decrypted to garbage', () => {
    const keys = new DataKeys([k1]);
    const stored = keys.encrypt(ID, place);
    const raw = Buffer.from(stored.split(':')[2]!, 'base64url');
    for (const i of [0, 11, 12, raw.length - 17, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[i] = bad[i]! ^ 0x01;
      assert.throws(() => keys.decrypt(`gk1:k1:${bad.toString('base64url')}`, place), (e: unknown) => e instanceof DataDecryptionError && /校验失败/.test(e.message), `byte ${i}`);
    }
    assert.throws(() => keys.decrypt(`gk1:k1:${raw.subarray(0, 20).toString('base64url')}`, place), /数据长度不足/);
    assert.throws(() => keys.decrypt('gk1:k1:not base64!', place), /不是有效的加密数据格式/);
  });

  test('a wrong key under the same id, and an unknown key id, are clear errors naming the place and key, not the value', () => {
    const stored = new DataKeys([k1]).encrypt(ID, place);
    const impostor = new DataKeys([{ id: 'k1', key: randomBytes(32) }]);
    assert.throws(
      () => impostor.decrypt(stored, place),
      (e: unknown) => e instanceof DataDecryptionError && e.message.includes('applications.id_number（id 7）') && e.message.includes('「k1」') && !e.message.includes(ID),
    );
    assert.throws(() => new DataKeys([k2]).decrypt(stored, place), (e: unknown) => e instanceof DataDecryptionError && /未配置密钥「k1」/.test(e.message));
  });

  test('a value moved to another column, another row or another table does not decrypt (associated data)', () => {
    const keys = new DataKeys([k1]);
    const stored = keys.encrypt(ID, place);
    for (const elsewhere of [
      { ...place, column: 'contact_phone' },
      { ...place, rowId: 8 },
      { ...place, table: 'feedback' },
    ]) {
      assert.throws(() => keys.decrypt(stored, elsewhere), DataDecryptionError, JSON.stringify(elsewhere));
    }
    // The key id is bound too: the same bytes relabelled with another configured key id fail.
    const both = new DataKeys([k1, { id: 'k9', key: k1.key }]);
    assert.throws(() => both.decrypt(stored.replace('gk1:k1:', 'gk1:k9:'), place), DataDecryptionError);
  });

  test('rotation: the first key encrypts, every configured key decrypts', () => {
    const old = new DataKeys([k1]).encrypt(ID, place);
    const rotated = new DataKeys([k2, k1]);
    assert.equal(rotated.currentId, 'k2');
    assert.deepEqual(rotated.ids, ['k2', 'k1']);
    assert.equal(rotated.decrypt(old, place), ID);
    const fresh = rotated.encrypt(ID, place);
    assert.equal(keyIdOf(fresh), 'k2');
    assert.throws(() => new DataKeys([k1]).decrypt(fresh, place), /未配置密钥「k2」/);
  });

  test('readers during the transition: plaintext and null pass through, encrypted needs keys', () => {
    const keys = new DataKeys([k1]);
    assert.equal(openValue(keys, ID, place), ID);
    assert.equal(openValue(keys, null, place), null);
    assert.equal(openValue(undefined, ID, place), ID);
    const stored = keys.encrypt(ID, place);
    assert.equal(openValue(keys, stored, place), ID);
    assert.throws(() => openValue(undefined, stored, place), DataKeysMissingError);
  });

  test('a key ring refuses bad keys: none, wrong length, duplicate id, bad id', () => {
    assert.throws(() => new DataKeys([]), DataKeysMissingError);
    assert.throws(() => new DataKeys([{ id: 'k1', key: randomBytes(16) }]), /长度应为 32 字节/);
    assert.throws(() => new DataKeys([k1, { id: 'k1', key: randomBytes(32) }]), /重复/);
    assert.throws(() => new DataKeys([{ id: 'k:1', key: randomBytes(32) }]), /只能由字母/);
  });
});
