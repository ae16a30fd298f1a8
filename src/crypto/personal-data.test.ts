/**
 * Applicants' and complainants' personal data through the real services, on SQLite and PostgreSQL:
 * what the database holds (read raw, with SQL), what staff see, what fails loudly.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { findForApplicantLetters, getApplicationForStaff, registerByStaff, submitOnline, workQueue } from '../applications/application.service.js';
import type { Db } from '../db/database.js';
import { listFeedbackForStaff, submitComplaint } from '../portal/feedback.js';
import { fixedClock, inPerson, PERSON, personInput, setupDesk, type Desk } from '../../test/support/application-fixtures.js';
import { openTestDb } from '../../test/support/db.js';
import { seedDemo } from '../demo/seed.js';
import { DataDecryptionError, DataKeys } from './field-cipher.js';
import { DataKeyConfigError, installDataKeys, installedDataKeys } from './keys.js';
import { insertPlainApplication, legacyPerson } from './test-helpers.js';

/** Every personal value of PERSON that must not be stored in clear (the name is, by decision: columns.ts). */
const SECRET = [PERSON.idNumber, PERSON.contactPhone, PERSON.contactEmail, PERSON.contactAddress, '联系人赵某'];

describe('personal data at rest', () => {
  let db: Db;
  let desk: Desk;
  const { deps } = fixedClock('2026-03-02');
  before(async () => {
    db = await openTestDb();
    desk = await setupDesk(db);
  });
  after(() => db.close());

  const raw = (id: number) => db.kysely.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  test('intake (staff and online) stores the ID number and contact data encrypted; staff and the letters see them as typed', async () => {
    const staff = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-03-02', { applicantType: 'commercial', applicantName: '某某科技有限公司', idType: 'other', idNumber: PERSON.idNumber, contactPerson: '联系人赵某' }));
    const online = await submitOnline(db, deps, personInput(desk.agencyA));
    for (const id of [staff.applicationId, online.applicationId]) {
      const row = await raw(id);
      const text = JSON.stringify(row);
      for (const v of SECRET) assert.ok(!text.includes(v), `row ${id} holds ${v} in clear`);
      assert.ok(!text.includes(PERSON.postcode) || row.postcode === null, 'postcode encrypted');
      for (const col of ['id_number', 'contact_phone', 'contact_email', 'contact_address', 'postcode'] as const) assert.match(String(row[col]), /^gk1:test:/, col);
    }
    const view = await getApplicationForStaff(db, deps, desk.clerkA, staff.applicationId);
    assert.deepEqual(
      [view.applicant.name, view.applicant.idNumber, view.applicant.contactPerson, view.applicant.phone, view.applicant.email, view.applicant.address, view.applicant.postcode],
      ['某某科技有限公司', PERSON.idNumber, '联系人赵某', PERSON.contactPhone, PERSON.contactEmail, PERSON.contactAddress, PERSON.postcode],
    );
    const letters = await findForApplicantLetters(db, deps, online.trackingNumber, online.secret);
    assert.equal(letters?.view.applicant.address, PERSON.contactAddress);
    assert.equal(letters?.view.applicant.idNumber, PERSON.idNumber);
  });

  test('the queue still finds cases by part of the applicant name (kept in plaintext, columns.ts)', async () => {
    await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-03-02', { applicantName: '欧阳找得到' }));
    const page = await workQueue(db, deps, desk.clerkA, { q: '找得' });
    assert.deepEqual(
      page.items.map((i) => i.applicantName),
      ['欧阳找得到'],
    );
  });

  test('nothing personal in the audit log of intake and the staff view', async () => {
    const r = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-03-02'));
    await getApplicationForStaff(db, deps, desk.clerkA, r.applicationId);
    const rows = await db.kysely.selectFrom('audit_log').selectAll().execute();
    assert.ok(rows.length > 0);
    const text = JSON.stringify(rows);
    for (const v of [...SECRET, PERSON.applicantName]) assert.ok(!text.includes(v), v);
  });

  test('a value moved to another column or another row is refused with a clear error, not shown as the wrong data', async () => {
    const a = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-03-02'));
    const b = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-03-02', { contactPhone: '13012345678' }));
    const ra = await raw(a.applicationId);
    await db.kysely.updateTable('applications').set({ contact_phone: ra.id_number }).where('id', '=', a.applicationId).execute();
    await assert.rejects(getApplicationForStaff(db, deps, desk.clerkA, a.applicationId), (e: unknown) => e instanceof DataDecryptionError && e.message.includes(`applications.contact_phone（id ${a.applicationId}）`) && !e.message.includes(PERSON.idNumber));
    await db.kysely.updateTable('applications').set({ contact_phone: ra.contact_phone }).where('id', '=', a.applicationId).execute();
    assert.equal((await getApplicationForStaff(db, deps, desk.clerkA, a.applicationId)).applicant.phone, PERSON.contactPhone, 'restored, it reads again');
    await db.kysely.updateTable('applications').set({ contact_phone: ra.contact_phone }).where('id', '=', b.applicationId).execute();
    await assert.rejects(getApplicationForStaff(db, deps, desk.clerkA, b.applicationId), DataDecryptionError);
  });

  test('another key (a wrong GONGKAI_DATA_KEYS) cannot read what was written, and says so', async () => {
    const r = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-03-02'));
    const mine = installedDataKeys();
    installDataKeys(new DataKeys([{ id: 'test', key: randomBytes(32) }]));
    try {
      await assert.rejects(getApplicationForStaff(db, deps, desk.clerkA, r.applicationId), (e: unknown) => e instanceof DataDecryptionError && /校验失败：密钥「test」与数据不匹配/.test(e.message));
    } finally {
      installDataKeys(mine);
    }
  });

  test('without keys nothing personal is written (refused, nothing stored); rows from before encryption still read', async () => {
    const mine = installedDataKeys();
    const count = async () => (await db.kysely.selectFrom('applications').select('id').execute()).length;
    const before = await count();
    installDataKeys(undefined);
    try {
      await assert.rejects(registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-03-02')), DataKeyConfigError);
      await assert.rejects(submitComplaint(db, desk.agencyA, { body: '投诉', name: '某人', phone: '13800000000' }), DataKeyConfigError);
    } finally {
      installDataKeys(mine);
    }
    assert.equal(await count(), before);
    const legacy = await insertPlainApplication(db, desk.agencyA, legacyPerson(7));
    const view = await getApplicationForStaff(db, deps, desk.clerkA, legacy);
    assert.equal(view.applicant.idNumber, legacyPerson(7).idNumber);
    assert.equal(view.applicant.phone, legacyPerson(7).phone);
  });

  test("a complainant's name and phone are stored encrypted and shown to the agency's staff as typed", async () => {
    const { id } = await submitComplaint(db, desk.agencyA, { body: '指南里的电话打不通', name: '钱投诉', phone: '13611112222' });
    const { id: anonymous } = await submitComplaint(db, desk.agencyA, { body: '没有留联系方式' });
    const row = await db.kysely.selectFrom('feedback').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes('钱投诉') && !JSON.stringify(row).includes('13611112222'));
    assert.match(row.contact_name!, /^gk1:test:/);
    const list = await listFeedbackForStaff(db, desk.clerkA, {});
    const item = list.items.find((i) => i.id === id)!;
    assert.deepEqual([item.contactName, item.contactPhone], ['钱投诉', '13611112222']);
    const none = list.items.find((i) => i.id === anonymous)!;
    assert.deepEqual([none.contactName, none.contactPhone], [null, null]);
  });

  test('the demo records (written with SQL, not through the service) are sealed as well', async () => {
    const demo = await openTestDb();
    try {
      await seedDemo(demo.kysely);
      const rows = await demo.kysely.selectFrom('applications').select(['id', 'id_number', 'contact_phone', 'contact_address']).execute();
      assert.ok(rows.length > 10);
      for (const r of rows) for (const v of [r.id_number, r.contact_phone, r.contact_address]) assert.match(String(v), /^gk1:test:/, `application ${r.id}`);
    } finally {
      await demo.close();
    }
  });
});
