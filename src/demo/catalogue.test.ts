/** The demo catalogue (npm start on an empty database): one item per state, made through the service; safe to run twice. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../db/database.js';
import { calendar } from '../../test/support/application-fixtures.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { seedDemoCatalogue } from './catalogue.js';
import { seedDemo } from './seed.js';

describe(`demo catalogue (${testDialect})`, () => {
  let db: Db;
  before(async () => {
    db = await openTestDb();
  });
  after(async () => {
    await db.close();
  });

  test('nothing without the demo users; then one item per state, published ones with their 索引号; once only', async () => {
    const now = () => new Date('2026-11-16T10:00:00+08:00');
    assert.equal(await seedDemoCatalogue(db, calendar, now), false);
    await seedDemo(db.kysely);
    assert.equal(await seedDemoCatalogue(db, calendar, now), true);
    const rows = await db.kysely
      .selectFrom('catalogue_versions as v')
      .innerJoin('catalogue_items as i', 'i.id', 'v.item_id')
      .select(['v.title', 'v.state', 'v.review_level', 'v.due_on', 'i.index_number'])
      .orderBy('i.id')
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.state, r.review_level, r.index_number]),
      [
        ['published', 0, '113704020040000201-07-2026-0001'],
        ['published', 0, '543704020040000301-07-2026-0001'],
        ['in_review', 2, null],
        ['returned', 0, null],
        ['draft', 0, null],
        ['draft', 0, null],
      ],
    );
    assert.ok(rows[5]!.due_on < '2026-11-16', 'the last draft is past its 20 working days');
    assert.equal((await db.kysely.selectFrom('catalogue_reviews').select('id').execute()).length, 6);
    assert.equal((await db.kysely.selectFrom('sensitive_words').select('id').execute()).length, 4);
    assert.equal(await seedDemoCatalogue(db, calendar, now), false);
    assert.equal((await db.kysely.selectFrom('catalogue_items').select('id').execute()).length, 6);
  });
});
