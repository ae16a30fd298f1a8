/**
 * Migration 2026112806 (letters per event, one-time form tokens) on a database that already holds
 * data, on SQLite or PostgreSQL (TEST_DATABASE_URL): letters issued before it get the event they
 * were built from (the last event of their kind recorded before they were issued), the unique key
 * of a letter includes its event, and the online-submission table exists.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator } from 'kysely';
import { openTestDb, testDialect } from '../../test/support/db.js';
import type { Db } from './database.js';
import { MIGRATIONS, migrateToLatest } from './migrate.js';

describe(`migration 2026112806_letter_events_form_tokens (${testDialect})`, () => {
  let db: Db;
  const migrator = () =>
    new Migrator({
      db: db.kysely,
      provider: { getMigrations: async () => MIGRATIONS },
      migrationTableName: 'schema_migrations',
      migrationLockTableName: 'schema_migrations_lock',
      ...(db.pgSchema ? { migrationTableSchema: db.pgSchema } : {}),
    });

  before(async () => {
    db = await openTestDb({ migrate: false });
    const r = await migrator().migrateTo('2026112805_letter_settings');
    assert.equal(r.error, undefined);
  });
  after(async () => {
    await db.close();
  });

  test('existing letters get the event they belong to; the key then tells two replies apart', async () => {
    const k = db.kysely;
    const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 1, minute)).toISOString();
    const agency = await k
      .insertInto('agencies')
      .values({ parent_id: null, name: '迁移测试镇人民政府', short_name: null, kind: 'town', code: null, office_name: null, office_address: null, office_hours: null, office_phone: null, office_fax: null, office_email: null, postcode: null, created_at: at(0) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const app = await k
      .insertInto('applications')
      .values({
        agency_id: agency.id,
        tracking_number: `${agency.id}-2026-000001`,
        tracking_secret_hash: '0'.repeat(64),
        channel: 'in_person',
        applicant_type: 'natural_person',
        applicant_name: '某某',
        id_type: 'other',
        id_number: 'X1',
        contact_person: null,
        contact_phone: '13800000000',
        contact_email: null,
        contact_address: null,
        postcode: null,
        description: '某信息',
        purpose: null,
        provision_form: 'electronic',
        delivery: 'email',
        submitted_on: '2026-03-02',
        confirmed_on: null,
        received_on: '2026-03-02',
        state: 'replied',
        reply_due_on: null,
        correction_due_on: null,
        next_due_on: null,
        clock_status: null,
        clock_provisional: 0,
        extension_days: null,
        outcome_row: '3.4.1',
        outcome_basis: '条例第三十六条第（四）项',
        outcome_format: '2021',
        closed_on: '2026-03-20',
        version: 1,
        created_at: at(0),
        updated_at: at(0),
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const event = async (type: string, minute: number, data: object = {}) =>
      (
        await k
          .insertInto('application_events')
          .values({ application_id: app.id, type, date: '2026-03-02', at: at(minute), user_id: null, data: JSON.stringify(data), note: null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const registered = await event('registered', 1);
    const consulted = await event('consultation_started', 2, { kind: 'third_party', party: '某公司', letterReceivedOn: null });
    await event('consultation_started', 3, { kind: 'other_agency', party: '某局', letterReceivedOn: null });
    const firstReply = await event('replied', 10, { outcomeRow: '3.4.1', outcomeFormat: '2021', basis: 'b', summary: null });
    await event('reopened', 30, { reviewCaseId: 1, dueOn: null });
    const secondReply = await event('replied', 50, { outcomeRow: '3.4.1', outcomeFormat: '2021', basis: 'b', summary: null });
    const issue = async (kind: string, ground: string, serial: number, minute: number) =>
      (
        await k
          .insertInto('issued_letters')
          .values({ application_id: app.id, kind, ground, agency_id: agency.id, doc_number: `X〔2026〕第${serial}号`, serial, year: 2026, issued_at: at(minute), issued_by: null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    // The first reply letter was issued before the reopening; the acceptance receipt and the
    // third party's letter after the other agency was consulted; a letter of an unknown kind.
    const replyLetter = await issue('reply', 'not_held', 1, 20);
    const acceptance = await issue('acceptance', '', 2, 40);
    const thirdParty = await issue('third_party', '', 3, 40);
    const unknown = await issue('x1', '', 4, 40);

    assert.deepEqual(
      (await migrator().migrateTo('2026112806_letter_events_form_tokens')).results?.map((r) => [r.migrationName, r.status]),
      [['2026112806_letter_events_form_tokens', 'Success']],
    );
    const eventOf = new Map((await k.selectFrom('issued_letters').select(['id', 'event_id']).execute()).map((r) => [r.id, r.event_id]));
    assert.equal(eventOf.get(replyLetter), firstReply, 'the reply issued before the reopening belongs to the first reply, not the second');
    assert.equal(eventOf.get(acceptance), registered);
    assert.equal(eventOf.get(thirdParty), consulted, 'the third party consultation, not the other agency one');
    assert.equal(eventOf.get(unknown), 0);

    // The second reply's letter is another letter (same kind and ground, another event) …
    await k
      .insertInto('issued_letters')
      .values({ application_id: app.id, kind: 'reply', ground: 'not_held', event_id: secondReply, agency_id: agency.id, doc_number: 'X〔2026〕第5号', serial: 5, year: 2026, issued_at: at(55), issued_by: null })
      .execute();
    // … and one letter still never gets two numbers.
    await assert.rejects(
      k
        .insertInto('issued_letters')
        .values({ application_id: app.id, kind: 'reply', ground: 'not_held', event_id: secondReply, agency_id: agency.id, doc_number: 'X〔2026〕第6号', serial: 6, year: 2026, issued_at: at(56), issued_by: null })
        .execute(),
      /unique|UNIQUE/,
    );
    assert.equal((await k.selectFrom('online_submissions').select('form_token_hash').execute()).length, 0);
    assert.ok(!(await migrateToLatest(db)).includes('2026112806_letter_events_form_tokens'), 'applied once');
  });
});

describe(`migrations that land out of order (${testDialect})`, () => {
  test('a database that ran a later-named migration still gets an earlier-named one added after it', async () => {
    const db = await openTestDb({ migrate: false });
    try {
      // The search index (2026112808, and 2026112810 and 2026112819 which build on it) landed
      // after the catalogue (2026112809) had run somewhere.
      const late = ['2026112808_search', '2026112810_search_sequences', '2026112819_search_forward'];
      const without = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => !late.includes(name)));
      const first = await migrateToLatest(db, without);
      assert.ok(first.includes('2026112809_catalogue') && !late.some((name) => first.includes(name)));
      assert.deepEqual(await migrateToLatest(db), late);
      assert.deepEqual(await migrateToLatest(db), []);
    } finally {
      await db.close();
    }
  });
});
