import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../db/database.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { fixedClock, inPerson, setupDesk, type Desk } from '../../test/support/application-fixtures.js';
import { QUEUE_COUNT_CAP } from './application.repository.js';
import { registerByStaff, workQueue } from './application.service.js';

describe(`the work queue of a large agency (${testDialect})`, () => {
  let db: Db;
  let desk: Desk;
  const { deps } = fixedClock('2026-03-02');
  before(async () => {
    db = await openTestDb();
    desk = await setupDesk(db);
    const r = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-02-24'));
    const t = await db.kysely.selectFrom('applications').selectAll().where('id', '=', r.applicationId).executeTakeFirstOrThrow();
    const { id: _id, ...row } = t;
    for (let done = 1; done < QUEUE_COUNT_CAP + 5; ) {
      const n = Math.min(500, QUEUE_COUNT_CAP + 5 - done);
      await db.kysely
        .insertInto('applications')
        .values(Array.from({ length: n }, (_, i) => ({ ...row, tracking_number: `${t.tracking_number}-${done + i}` })))
        .execute();
      done += n;
    }
  });
  after(async () => {
    await db?.close();
  });

  test('counts up to the cap and says there are more; pages still work past it', async () => {
    const first = await workQueue(db, deps, desk.clerkA, { limit: 50 });
    assert.equal(first.total, QUEUE_COUNT_CAP);
    assert.equal(first.totalCapped, true);
    assert.equal(first.items.length, 50);
    const late = await workQueue(db, deps, desk.clerkA, { limit: 50, offset: QUEUE_COUNT_CAP });
    assert.equal(late.items.length, 5, 'rows beyond the count cap are still reachable');
    const other = await workQueue(db, deps, desk.clerkB, {});
    assert.deepEqual([other.total, other.totalCapped], [0, false]);
  });
});
