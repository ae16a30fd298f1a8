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

describe(`intake refuses what no database row can be (${testDialect})`, () => {
  let db: Db;
  let desk: Desk;
  const { deps } = fixedClock('2026-03-02');
  before(async () => {
    db = await openTestDb();
    desk = await setupDesk(db);
  });
  after(async () => {
    await db?.close();
  });

  test('a village is not an administrative organ: online and staff intake both refuse it, naming the town', async () => {
    const { createAgency } = await import('../agencies/agency.repository.js');
    const { submitOnline } = await import('./application.service.js');
    const { personInput } = await import('../../test/support/application-fixtures.js');
    const { ValidationError } = await import('../validation.js');
    const village = await createAgency(db.kysely, {
      parent_id: desk.gov,
      name: `某村民委员会${Date.now()}`,
      short_name: null,
      kind: 'village',
      code: null,
      office_name: null,
      office_address: null,
      office_hours: null,
      office_phone: null,
      office_fax: null,
      office_email: null,
      postcode: null,
    });
    await assert.rejects(submitOnline(db, deps, personInput(village)), (e: unknown) => e instanceof ValidationError && /不是行政机关/.test(e.fields.agencyId!));
    const { createUser, grantRole, loadActor } = await import('../accounts/user.repository.js');
    const userId = await createUser(db.kysely, { username: `village${Date.now()}`, displayName: '村信息员', passwordHash: 'x' });
    await grantRole(db.kysely, userId, village, 'clerk');
    const villageClerk = (await loadActor(db.kysely, userId))!;
    await assert.rejects(registerByStaff(db, deps, villageClerk, inPerson(village, '2026-03-02')), (e: unknown) => e instanceof ValidationError && /不是行政机关/.test(e.fields.agencyId!));
    const n = await db.kysely.selectFrom('applications').select('id').where('agency_id', '=', village).execute();
    assert.equal(n.length, 0);
  });

  test('an agency id beyond a database integer is a validation error, not a database error', async () => {
    const { submitOnline } = await import('./application.service.js');
    const { personInput } = await import('../../test/support/application-fixtures.js');
    const { ValidationError } = await import('../validation.js');
    await assert.rejects(submitOnline(db, deps, personInput(2_147_483_648)), (e: unknown) => e instanceof ValidationError && 'agencyId' in e.fields);
  });
});
