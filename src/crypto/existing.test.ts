/**
 * The start step and `gongkai keys encrypt-existing|rotate` on a database holding plaintext rows
 * (inserted with plain SQL, as before encryption), on SQLite and PostgreSQL (TEST_DATABASE_URL).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { agency } from '../../test/support/application-fixtures.js';
import { openTestDb } from '../../test/support/db.js';
import { ENCRYPTED_COLUMNS, openColumns } from './columns.js';
import { encryptExisting, keyUsage } from './existing.js';
import { DataDecryptionError, DataKeys, keyIdOf } from './field-cipher.js';
import { insertPlainApplication, insertPlainComplaint, legacyPerson } from './test-helpers.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('encrypting existing plaintext values', () => {
  let db: Db;
  let agencyId: number;
  before(async () => {
    db = await openTestDb();
    agencyId = await agency(db, '旧数据局', 'department', null);
  });
  after(() => db.close());

  /** Every application and complaint as stored, raw. */
  const rawApps = () => db.kysely.selectFrom('applications').selectAll().orderBy('id').execute();
  const rawComplaints = () => db.kysely.selectFrom('feedback').selectAll().orderBy('id').execute();
  const reset = async () => {
    await db.kysely.deleteFrom('feedback').execute();
    await db.kysely.deleteFrom('applications').execute();
  };

  test('plaintext rows: every personal value encrypted in batches, nothing else changed, none left readable in the raw rows; a second run does nothing', async () => {
    await reset();
    const people = Array.from({ length: 23 }, (_, i) => legacyPerson(i + 1));
    for (const p of people) await insertPlainApplication(db, agencyId, p);
    const c1 = await insertPlainComplaint(db, agencyId, '李投诉', '13700001111');
    const c2 = await insertPlainComplaint(db, agencyId, null, null);
    const before = await rawApps();
    const keys = new DataKeys([k1]);

    const r = await encryptExisting(db, keys, { batchSize: 5 });
    const apps = r.find((x) => x.table === 'applications')!;
    const expectedValues = before.reduce((n, row) => n + ENCRYPTED_COLUMNS.applications.filter((c) => row[c] !== null).length, 0);
    assert.equal(apps.rows, 23);
    assert.equal(apps.values, expectedValues);
    assert.deepEqual(r.find((x) => x.table === 'feedback'), { table: 'feedback', rows: 1, values: 2, retried: 0, skipped: 0 });

    const after = await rawApps();
    for (const [i, row] of after.entries()) {
      const p = people[i]!;
      const text = JSON.stringify(row);
      for (const v of [p.idNumber, p.phone, p.email, p.address, '100000']) if (v) assert.ok(!text.includes(v), `row ${row.id} still holds ${v}`);
      assert.match(row.id_number, /^gk1:k1:/);
      const opened = openColumns(keys, 'applications', row);
      assert.deepEqual(
        [opened.id_number, opened.contact_phone, opened.contact_email, opened.contact_address, opened.postcode],
        [p.idNumber, p.phone, p.email, p.address, '100000'],
      );
      // Only the personal columns changed: the version (optimistic concurrency) and the rest are as they were.
      const { id_number: _a, contact_phone: _b, contact_email: _c, contact_address: _d, postcode: _e, ...rest } = row;
      const { id_number: _f, contact_phone: _g, contact_email: _h, contact_address: _i, postcode: _j, ...restBefore } = before[i]!;
      assert.deepEqual(rest, restBefore);
    }
    const complaints = await rawComplaints();
    const one = complaints.find((x) => x.id === c1)!;
    assert.ok(!JSON.stringify(one).includes('李投诉') && !JSON.stringify(one).includes('13700001111'));
    assert.deepEqual(openColumns(keys, 'feedback', one), { ...one, contact_name: '李投诉', contact_phone: '13700001111' });
    assert.equal(complaints.find((x) => x.id === c2)!.contact_name, null, 'null stays null');

    const again = await encryptExisting(db, keys, { batchSize: 5 });
    assert.deepEqual(
      again.map((x) => [x.rows, x.values]),
      [
        [0, 0],
        [0, 0],
      ],
    );
    assert.deepEqual(await rawApps(), after, 'a second run leaves every value as it was');
    assert.deepEqual(await keyUsage(db), [
      { table: 'applications', plaintext: 0, byKey: { k1: expectedValues } },
      { table: 'feedback', plaintext: 0, byKey: { k1: 2 } },
    ]);
  });

  test('a value changed between the read and the write is never lost: the row is read again and the new value encrypted', async () => {
    await reset();
    const keys = new DataKeys([k1]);
    const a = await insertPlainApplication(db, agencyId, legacyPerson(101));
    const b = await insertPlainApplication(db, agencyId, legacyPerson(102));
    const c = await insertPlainApplication(db, agencyId, legacyPerson(103));
    let hooked = 0;
    const r = await encryptExisting(db, keys, {
      beforeWrite: async (table, ids) => {
        if (table !== 'applications' || hooked++ > 0) return;
        assert.deepEqual(ids, [a, b, c]);
        // Meanwhile an old node (rolling upgrade) writes a new phone in plaintext into a …
        await db.kysely.updateTable('applications').set({ contact_phone: '13911112222' }).where('id', '=', a).execute();
        // … another run encrypts b first …
        await db.kysely
          .updateTable('applications')
          .set({ contact_address: keys.encrypt(legacyPerson(102).address!, { table: 'applications', column: 'contact_address', rowId: b }) })
          .where('id', '=', b)
          .execute();
        // … and c is deleted.
        await db.kysely.deleteFrom('applications').where('id', '=', c).execute();
      },
    });
    const apps = r.find((x) => x.table === 'applications')!;
    assert.equal(apps.retried, 3, 'the three rows changed meanwhile were read again');
    assert.equal(apps.skipped, 0);
    const rows = await rawApps();
    assert.deepEqual(
      rows.map((x) => x.id),
      [a, b],
    );
    const [ra, rb] = rows.map((x) => openColumns(keys, 'applications', x));
    assert.equal(ra!.contact_phone, '13911112222', 'the concurrent update survived, now encrypted');
    assert.equal(ra!.id_number, legacyPerson(101).idNumber);
    assert.equal(rb!.contact_address, legacyPerson(102).address);
    assert.equal(rb!.id_number, legacyPerson(102).idNumber);
    for (const row of rows) for (const col of ENCRYPTED_COLUMNS.applications) if (row[col] !== null) assert.match(row[col]!, /^gk1:k1:/, `${row.id}.${col}`);
  });

  test('two runs at the same time (two nodes starting): every value encrypted exactly once, all readable', async () => {
    await reset();
    const keys = new DataKeys([k1]);
    const people = Array.from({ length: 40 }, (_, i) => legacyPerson(200 + i));
    for (const p of people) await insertPlainApplication(db, agencyId, p);
    const expected = (await rawApps()).reduce((n, row) => n + ENCRYPTED_COLUMNS.applications.filter((c) => row[c] !== null).length, 0);
    const [x, y] = await Promise.all([encryptExisting(db, keys, { batchSize: 7 }), encryptExisting(db, keys, { batchSize: 3 })]);
    const sum = (r: typeof x) => r.find((t) => t.table === 'applications')!.values;
    assert.equal(sum(x) + sum(y), expected, 'no value encrypted twice, none missed');
    const rows = await rawApps();
    rows.forEach((row, i) => assert.equal(openColumns(keys, 'applications', row).id_number, people[i]!.idNumber));
  });

  test('rotation: after a new key is put first, every value is re-encrypted under it (plaintext too); the old key is then no longer needed', async () => {
    await reset();
    const old = new DataKeys([k1]);
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await insertPlainApplication(db, agencyId, legacyPerson(300 + i)));
    await encryptExisting(db, old);
    const late = await insertPlainApplication(db, agencyId, legacyPerson(399)); // written in plaintext after the first run
    const complaint = await insertPlainComplaint(db, agencyId, '赵投诉', '13600002222');
    await encryptExisting(db, old);

    const rotated = new DataKeys([k2, k1]);
    const plainOnly = await encryptExisting(db, rotated, { mode: 'encrypt' });
    assert.equal(plainOnly.reduce((n, r) => n + r.values, 0), 0, 'encrypt-existing leaves values under an older key alone');
    const r = await encryptExisting(db, rotated, { mode: 'rotate', batchSize: 4 });
    assert.equal(r.find((t) => t.table === 'applications')!.rows, 7);
    assert.equal(r.find((t) => t.table === 'feedback')!.values, 2);
    const onlyNew = new DataKeys([k2]);
    for (const row of await rawApps()) {
      for (const col of ENCRYPTED_COLUMNS.applications) if (row[col] !== null) assert.equal(keyIdOf(row[col]!), 'k2', `${row.id}.${col}`);
      const n = row.id === late ? 399 : 300 + ids.indexOf(row.id);
      assert.equal(openColumns(onlyNew, 'applications', row).id_number, legacyPerson(n).idNumber);
    }
    assert.equal(openColumns(onlyNew, 'feedback', (await rawComplaints()).find((x) => x.id === complaint)!).contact_name, '赵投诉');
    assert.deepEqual(
      (await keyUsage(db)).map((u) => Object.keys(u.byKey)),
      [['k2'], ['k2']],
    );
    assert.equal((await encryptExisting(db, rotated, { mode: 'rotate' })).reduce((n, t) => n + t.values, 0), 0, 'rotating again does nothing');
  });

  test('rotation stops with a clear error on a value no configured key opens (nothing garbled is written)', async () => {
    await reset();
    const id = await insertPlainApplication(db, agencyId, legacyPerson(500));
    await encryptExisting(db, new DataKeys([k1]));
    const stored = (await rawApps())[0]!;
    await assert.rejects(encryptExisting(db, new DataKeys([k2]), { mode: 'rotate' }), (e: unknown) => e instanceof DataDecryptionError && /未配置密钥「k1」/.test(e.message));
    // A value moved into another column is refused as well.
    await db.kysely.updateTable('applications').set({ contact_phone: stored.id_number }).where('id', '=', id).execute();
    await assert.rejects(encryptExisting(db, new DataKeys([k2, k1]), { mode: 'rotate' }), (e: unknown) => e instanceof DataDecryptionError && e.message.includes('applications.contact_phone'));
    const now = (await rawApps())[0]!;
    assert.equal(now.id_number, stored.id_number, 'the failed batch wrote nothing');
  });

  test('the queries compare the prefix exactly (case matters, as in the stored format)', async () => {
    await reset();
    const id = await insertPlainApplication(db, agencyId, { idNumber: 'GK1:K1:LOOKS-LIKE-A-VALUE', phone: null, email: null, address: null });
    await encryptExisting(db, new DataKeys([k1]));
    const row = (await db.kysely.selectFrom('applications').select(['id', 'id_number']).where('id', '=', id).executeTakeFirstOrThrow()) as { id: number; id_number: string };
    assert.equal(new DataKeys([k1]).decrypt(row.id_number, { table: 'applications', column: 'id_number', rowId: id }), 'GK1:K1:LOOKS-LIKE-A-VALUE');
    const count = await sql<{ n: number }>`select count(*) as n from applications where id_number like 'gk1:k1:%'`.execute(db.kysely);
    assert.equal(Number(count.rows[0]!.n), 1);
  });
});
