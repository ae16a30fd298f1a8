/**
 * The in-memory caches of the web process (actors, work-queue pages) must never show stale data:
 * every change below is made straight in the database, as another app node or the CLI would,
 * and the very next request must see it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../accounts/policy.js';
import { createUser, findUserByUsername, grantRole, loadActor } from '../accounts/user.repository.js';
import { registerByStaff } from '../applications/application.service.js';
import { fixedClock, inPerson } from '../../test/support/application-fixtures.js';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';

describe('caches follow changes made elsewhere', () => {
  let t: TestApp;
  let yonganId: number;
  let educationId: number;
  /** A clerk of the education bureau (no demo user is). */
  let eduClerk: Actor;
  const { deps } = fixedClock('2026-03-02');
  const agencyId = async (name: string) => (await t.db.kysely.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const actorOf = async (username: string) => (await loadActor(t.db.kysely, (await findUserByUsername(t.db.kysely, username))!.id))!;

  before(async () => {
    t = await openTestApp();
    yonganId = await agencyId('永安镇人民政府');
    educationId = await agencyId('市中区教育局');
    const id = await createUser(t.db.kysely, { username: 'edu-clerk', displayName: '教育局 信息员', passwordHash: 'x' });
    await grantRole(t.db.kysely, id, educationId, 'clerk');
    eduClerk = (await loadActor(t.db.kysely, id))!;
  });
  after(() => t.close());

  test('a case registered by another node appears in the next queue page', async () => {
    const c = new Client(t.app);
    await c.login('clerk');
    const first = await c.get('/admin/applications');
    assert.equal(first.status, 200);
    const again = await c.get('/admin/applications');
    assert.equal(again.body, first.body, 'nothing changed: the same page');
    const r = await registerByStaff(t.db, deps, await actorOf('clerk'), inPerson(yonganId, '2026-03-02'));
    const after = await c.get('/admin/applications');
    assert.ok(after.body.includes(r.trackingNumber), 'the new case is listed');
    assert.ok(!first.body.includes(r.trackingNumber));
  });

  test("a change in another agency's cases does not hide this agency's; renaming an agency shows at once", async () => {
    const admin = new Client(t.app);
    await admin.login('admin');
    const r = await registerByStaff(t.db, deps, eduClerk, inPerson(educationId, '2026-03-02'));
    const page = await admin.get('/admin/applications');
    assert.ok(page.body.includes(r.trackingNumber));
    assert.ok(page.body.includes('市中区教育局'));
    await t.db.kysely.updateTable('agencies').set({ name: '市中区教育和体育局' }).where('id', '=', educationId).execute();
    const renamed = await admin.get('/admin/applications');
    assert.ok(renamed.body.includes('市中区教育和体育局'));
    assert.ok(!renamed.body.includes('市中区教育局<'), 'the old name is gone from the table and the filter');
    await t.db.kysely.updateTable('agencies').set({ name: '市中区教育局' }).where('id', '=', educationId).execute();
  });

  test('a role granted elsewhere widens the queue on the next request; one withdrawn narrows it', async () => {
    const c = new Client(t.app);
    await c.login('clerk');
    const r = await registerByStaff(t.db, deps, eduClerk, inPerson(educationId, '2026-02-27'));
    assert.ok(!(await c.get('/admin/applications')).body.includes(r.trackingNumber));
    const clerkId = (await findUserByUsername(t.db.kysely, 'clerk'))!.id;
    await t.db.kysely.insertInto('user_roles').values({ user_id: clerkId, agency_id: educationId, role: 'clerk' }).execute();
    assert.ok((await c.get('/admin/applications')).body.includes(r.trackingNumber));
    await t.db.kysely.deleteFrom('user_roles').where('user_id', '=', clerkId).where('agency_id', '=', educationId).execute();
    assert.ok(!(await c.get('/admin/applications')).body.includes(r.trackingNumber));
    assert.equal((await c.get(`/admin/applications/${r.applicationId}`)).status, 404);
  });

  test('a user disabled elsewhere is out on the next request', async () => {
    const c = new Client(t.app);
    await c.login('reviewer');
    assert.equal((await c.get('/admin/applications')).status, 200);
    await t.db.kysely.updateTable('users').set({ disabled: 1 }).where('username', '=', 'reviewer').execute();
    const r = await c.get('/admin/applications');
    assert.equal(r.status, 303);
    assert.match(String(r.headers.location), /^\/login/);
    await t.db.kysely.updateTable('users').set({ disabled: 0 }).where('username', '=', 'reviewer').execute();
  });

  test('each user sees their own name and form token on a cached queue page', async () => {
    const a = new Client(t.app);
    const b = new Client(t.app);
    await a.login('clerk');
    await b.login('head');
    const pa = await a.get('/admin/applications');
    const pb = await b.get('/admin/applications');
    assert.ok(pa.body.includes('永安镇 信息员') && !pa.body.includes('永安镇党政办 负责人'));
    assert.ok(pb.body.includes('永安镇党政办 负责人') && !pb.body.includes('永安镇 信息员'));
    const token = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
    assert.ok(token(pa.body) && token(pb.body) && token(pa.body) !== token(pb.body));
  });
});
