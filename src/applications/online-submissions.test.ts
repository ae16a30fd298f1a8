/**
 * The public form's one-time token and the receipt of its result page (online-submissions.ts,
 * submitOnlineForm), on SQLite or PostgreSQL (TEST_DATABASE_URL): the same token creates one
 * application however often and however concurrently it is sent; the 查询码 is kept only
 * encrypted, is given out once, and not after its time (checked with a later `now`, not by waiting).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../db/database.js';
import { ValidationError } from '../validation.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { fixedClock, personInput, setupDesk, type Desk } from '../../test/support/application-fixtures.js';
import { findByTracking, submitOnlineForm } from './application.service.js';
import { AlreadySubmittedError, formTokenUsed, isFormToken, isIdempotencyKey, newFormToken, peekReceipt, RECEIPT_TTL_MS, receiptKeyOf, receiptWaiting, takeReceipt } from './online-submissions.js';
import { randomUUID } from 'node:crypto';

describe(`one-time form tokens and receipts (${testDialect})`, () => {
  let db: Db;
  let desk: Desk;
  const { deps } = fixedClock('2026-03-02');
  const count = async () => (await db.kysely.selectFrom('applications').select('id').where('agency_id', '=', desk.agencyA).execute()).length;

  before(async () => {
    db = await openTestDb();
    desk = await setupDesk(db);
  });
  after(async () => {
    await db.close();
  });

  test('tokens: 43 base64url characters, random; anything else is not a token', () => {
    const a = newFormToken();
    assert.ok(isFormToken(a));
    assert.notEqual(a, newFormToken());
    for (const bad of [undefined, null, 42, '', 'abc', `${a}x`, `${a.slice(0, 42)}+`, `${a.slice(0, 42)}/`]) assert.equal(isFormToken(bad), false, String(bad));
  });

  test('idempotency keys and receipt keys: a UUID or a form token is a key; the receipt key is derived one-way, the same for the same token', () => {
    for (const good of [randomUUID(), newFormToken(), 'a'.repeat(32), 'Z'.repeat(128)]) assert.ok(isIdempotencyKey(good), good);
    for (const bad of [undefined, 7, '', 'a'.repeat(31), 'a'.repeat(129), `${'a'.repeat(40)}+`, `${'a'.repeat(40)}=`, `${'a'.repeat(40)}\n`, '密'.repeat(40)]) assert.equal(isIdempotencyKey(bad), false, String(bad));
    const t = newFormToken();
    assert.equal(receiptKeyOf(t), receiptKeyOf(t));
    assert.notEqual(receiptKeyOf(t), receiptKeyOf(newFormToken()));
    assert.notEqual(receiptKeyOf(t), t);
    assert.match(receiptKeyOf(t), /^[A-Za-z0-9_-]{43}$/, 'a receipt key as takeReceipt expects it');
  });

  test('receiptWaiting: there until taken or expired; the form token leads to it', async () => {
    const token = newFormToken();
    const r = await submitOnlineForm(db, deps, personInput(desk.agencyA), token);
    assert.equal(r.receiptKey, receiptKeyOf(token));
    assert.equal(await receiptWaiting(db.kysely, r.receiptKey), true);
    assert.equal(await receiptWaiting(db.kysely, receiptKeyOf(newFormToken())), false);
    assert.equal(await receiptWaiting(db.kysely, r.receiptKey, new Date(Date.now() + RECEIPT_TTL_MS + 1000)), false, 'expired');
    // Peeking (the API's replies to retries) leaves it there; taking clears it.
    assert.equal((await peekReceipt(db.kysely, r.receiptKey))?.secret, r.secret);
    assert.equal((await peekReceipt(db.kysely, r.receiptKey))?.trackingNumber, r.trackingNumber);
    assert.equal(await peekReceipt(db.kysely, r.receiptKey, new Date(Date.now() + RECEIPT_TTL_MS + 1000)), null, 'expired');
    assert.ok(await takeReceipt(db.kysely, r.receiptKey));
    assert.equal(await receiptWaiting(db.kysely, r.receiptKey), false, 'taken');
    assert.equal(await peekReceipt(db.kysely, r.receiptKey), null);
  });

  test('one token, one application: sent again, or twice at once, it is AlreadySubmittedError and nothing more is stored', async () => {
    const token = newFormToken();
    assert.equal(await formTokenUsed(db.kysely, token), false);
    const before = await count();
    const r = await submitOnlineForm(db, deps, personInput(desk.agencyA), token);
    assert.equal(await formTokenUsed(db.kysely, token), true);
    assert.equal(await count(), before + 1);
    await assert.rejects(submitOnlineForm(db, deps, personInput(desk.agencyA, { applicantName: '另一个人' }), token), AlreadySubmittedError);
    assert.equal(await count(), before + 1);

    const race = newFormToken();
    const results = await Promise.allSettled([1, 2, 3].map(() => submitOnlineForm(db, deps, personInput(desk.agencyA), race)));
    assert.equal(results.filter((x) => x.status === 'fulfilled').length, 1);
    for (const x of results) if (x.status === 'rejected') assert.ok(x.reason instanceof AlreadySubmittedError, String(x.reason));
    assert.equal(await count(), before + 2);
    // The tracking serials have no gap: the losers rolled back.
    const winner = results.find((x) => x.status === 'fulfilled')!;
    const serial = (tn: string) => Number(tn.split('-')[2]);
    assert.equal(serial((winner as PromiseFulfilledResult<{ trackingNumber: string }>).value.trackingNumber), serial(r.trackingNumber) + 1);

    await assert.rejects(submitOnlineForm(db, deps, personInput(desk.agencyA), 'not-a-token'), ValidationError);
    await assert.rejects(submitOnlineForm(db, deps, personInput(desk.agencyA, { applicantName: '' }), newFormToken()), ValidationError);
    assert.equal(await count(), before + 2);
  });

  test('the receipt: the 查询码 stored only encrypted, given out once, with the right key, in time', async () => {
    const r = await submitOnlineForm(db, deps, personInput(desk.agencyA), newFormToken());
    const row = await db.kysely.selectFrom('online_submissions').selectAll().where('application_id', '=', r.applicationId).executeTakeFirstOrThrow();
    assert.ok(row.receipt_box);
    for (const v of Object.values(row)) {
      const text = String(v);
      assert.ok(!text.includes(r.secret) && !text.includes(Buffer.from(r.secret).toString('base64')) && !text.includes(r.receiptKey), 'neither the 查询码 nor the key in clear');
    }
    // A wrong key, a malformed one: nothing (and the receipt is still there).
    assert.equal(await takeReceipt(db.kysely, newFormToken()), null);
    assert.equal(await takeReceipt(db.kysely, 'x'), null);
    const got = await takeReceipt(db.kysely, r.receiptKey);
    assert.deepEqual(got && { ...got, agencyName: got.agencyName.startsWith('市甲局') }, { applicationId: r.applicationId, trackingNumber: r.trackingNumber, agencyName: true, secret: r.secret });
    assert.ok(await findByTracking(db, deps, r.trackingNumber, got!.secret), 'the 查询码 given out opens the case');
    assert.equal(await takeReceipt(db.kysely, r.receiptKey), null, 'once');

    // Two requests for one receipt at once: one gets it.
    const s = await submitOnlineForm(db, deps, personInput(desk.agencyA), newFormToken());
    const both = await Promise.all([takeReceipt(db.kysely, s.receiptKey), takeReceipt(db.kysely, s.receiptKey)]);
    assert.equal(both.filter((x) => x !== null).length, 1);

    // Past its time: nothing, and the encrypted 查询码 is cleared all the same.
    const late = await submitOnlineForm(db, deps, personInput(desk.agencyA), newFormToken());
    assert.equal(await takeReceipt(db.kysely, late.receiptKey, new Date(Date.now() + RECEIPT_TTL_MS + 60_000)), null);
    const cleared = await db.kysely.selectFrom('online_submissions').select('receipt_box').where('application_id', '=', late.applicationId).executeTakeFirstOrThrow();
    assert.equal(cleared.receipt_box, null);
  });
});
