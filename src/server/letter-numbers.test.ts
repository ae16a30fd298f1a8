/**
 * Letters' document numbers (文号) and the agency's letter settings, over HTTP (app.inject), on
 * SQLite or PostgreSQL (TEST_DATABASE_URL):
 *
 * - an administrator sets 文号前缀 / 行政复议机关 / 人民法院 (GET/POST /admin/agencies/:id/letters);
 *   a clerk gets 404; a bad prefix 422 with a Chinese message;
 * - the first download of a letter allocates the agency's next serial of the year and records it;
 *   downloading it again (staff or applicant) gives the same number; another letter the next;
 * - concurrent allocations never give the same serial, and a letter never gets two numbers;
 * - a case reopened after a reconsideration and replied again: the new reply letter gets a new
 *   number, the first reply keeps its own (staff: ?event=, applicant: seq), both stay recorded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mammoth from 'mammoth';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { calendar, personInput } from '../../test/support/application-fixtures.js';
import { testDialect } from '../../test/support/db.js';
import type { Actor } from '../accounts/policy.js';
import { findUserByUsername, loadActor } from '../accounts/user.repository.js';
import { issueLetterNumber } from '../applications/letter-numbers.js';
import { addReviewCase, chinaDate, decideReviewCase, registerByStaff, reopenAfterReview, reply } from '../applications/application.service.js';

const PREFIX = '永政公开';
const REVIEW_BODY = '市中区人民政府（行政复议局）';
const COURT = '市中区人民法院';

describe(`letter numbers and agency letter settings (${testDialect})`, () => {
  let t: TestApp;
  let clerk: Actor;
  let yongan: number;
  const today = chinaDate(new Date());
  const year = Number(today.slice(0, 4));
  /** A replied case (acceptance + reply letters) and an only registered one. */
  const replied = { id: 0, trackingNumber: '', secret: '' };
  const registered = { id: 0, trackingNumber: '', secret: '' };
  let ip = 0;
  const client = async (user?: string) => {
    const c = new Client(t.app, `10.66.${Math.floor(ip / 200)}.${(ip++ % 200) + 1}`);
    if (user) assert.equal((await c.login(user)).status, 303);
    return c;
  };

  before(async () => {
    t = await openTestApp();
    clerk = (await loadActor(t.db.kysely, (await findUserByUsername(t.db.kysely, 'clerk'))!.id))!;
    yongan = (await t.db.kysely.selectFrom('agencies').select('id').where('name', '=', '永安镇人民政府').executeTakeFirstOrThrow()).id;
    const deps = { calendar };
    const a = await registerByStaff(t.db, deps, clerk, { ...personInput(yongan), channel: 'in_person', submittedOn: today });
    Object.assign(replied, { id: a.applicationId, trackingNumber: a.trackingNumber, secret: a.secret });
    const version = (await t.db.kysely.selectFrom('applications').select('version').where('id', '=', a.applicationId).executeTakeFirstOrThrow()).version;
    await reply(t.db, deps, clerk, { applicationId: a.applicationId, version, date: today, outcomeRow: '3.1', ground: 'provided', basis: '条例第三十六条第（二）项', summary: '所申请信息予以公开' });
    const b = await registerByStaff(t.db, deps, clerk, { ...personInput(yongan, { applicantName: '赵六', idType: 'other', idNumber: 'P7654321' }), channel: 'in_person', submittedOn: today });
    Object.assign(registered, { id: b.applicationId, trackingNumber: b.trackingNumber, secret: b.secret });
  });
  after(async () => {
    await t.close();
  });

  /** A staff letter download: its text (mammoth). */
  async function staffLetter(c: Client, id: number, kind: string): Promise<string> {
    // kind may carry a query: 'reply?event=12'.
    const [name, query] = kind.split('?');
    const r = await t.app.inject({ method: 'GET', url: `/admin/applications/${id}/letters/${name}.docx${query ? `?${query}` : ''}`, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    assert.equal(r.statusCode, 200, r.body.slice(0, 500));
    return (await mammoth.extractRawText({ buffer: r.rawPayload })).value;
  }

  /** The applicant's download through the tracking page: its text. */
  async function applicantLetter(c: Client, the: { trackingNumber: string; secret: string }, kind: string, seq?: string): Promise<string> {
    const body = { trackingNumber: the.trackingNumber, secret: the.secret, kind, ...(seq ? { seq } : {}), _csrf: await c.csrf() };
    const r = await t.app.inject({
      method: 'POST',
      url: '/track/letter',
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(body).toString(),
      remoteAddress: c.ip,
    });
    assert.equal(r.statusCode, 200, r.body.slice(0, 500));
    return (await mammoth.extractRawText({ buffer: r.rawPayload })).value;
  }

  test('the administrator finds the settings page from the back-office home and saves the three fields', async () => {
    const admin = await client('admin');
    const home = await admin.get('/admin');
    assert.ok(home.body.includes(`href="/admin/agencies/${yongan}/letters"`), 'linked from the home page');
    const form = await admin.get(`/admin/agencies/${yongan}/letters`);
    assert.equal(form.status, 200);
    assert.match(form.body, /文号前缀（机关代字）/);
    assert.match(form.body, /name="_csrf"/);
    const saved = await admin.post(`/admin/agencies/${yongan}/letters`, { docPrefix: PREFIX, reviewBody: REVIEW_BODY, court: COURT });
    assert.equal(saved.status, 303, saved.body.slice(0, 500));
    const again = await admin.get(`/admin/agencies/${yongan}/letters?saved=1`);
    assert.match(again.body, /已保存/);
    for (const v of [PREFIX, REVIEW_BODY, COURT]) assert.ok(again.body.includes(`value="${v}"`), v);
    const row = await t.db.kysely.selectFrom('agencies').select(['doc_prefix', 'review_body', 'court']).where('id', '=', yongan).executeTakeFirstOrThrow();
    assert.deepEqual(row, { doc_prefix: PREFIX, review_body: REVIEW_BODY, court: COURT });
    const logged = await t.db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'agency.letter_settings').execute();
    assert.equal(logged.length, 1);
  });

  test('a bad prefix or an over-long name is refused (422) with Chinese messages, nothing saved', async () => {
    const admin = await client('admin');
    const r = await admin.post(`/admin/agencies/${yongan}/letters`, { docPrefix: '永政〔公开〕', reviewBody: '复'.repeat(101), court: COURT });
    assert.equal(r.status, 422);
    assert.match(r.body, /文号前缀（机关代字）不能含括号/);
    assert.match(r.body, /行政复议机关最多100个字/);
    assert.ok(r.body.includes('value="永政〔公开〕"'), 'the value typed is shown again');
    const spaced = await admin.post(`/admin/agencies/${yongan}/letters`, { docPrefix: '永政 公开', reviewBody: '', court: '' });
    assert.equal(spaced.status, 422);
    assert.match(spaced.body, /不能含空格/);
    const row = await t.db.kysely.selectFrom('agencies').select('doc_prefix').where('id', '=', yongan).executeTakeFirstOrThrow();
    assert.equal(row.doc_prefix, PREFIX);
  });

  test('a clerk cannot open or post the settings page (404); without CSRF the post is refused (403)', async () => {
    const c = await client('clerk');
    assert.equal((await c.get(`/admin/agencies/${yongan}/letters`)).status, 404);
    assert.equal((await c.post(`/admin/agencies/${yongan}/letters`, { docPrefix: 'X' })).status, 404);
    assert.equal((await c.get('/admin/agencies/999999/letters')).status, 404);
    assert.ok(!(await c.get('/admin')).body.includes('/letters"'), 'no link for a clerk');
    const admin = await client('admin');
    assert.equal((await admin.post(`/admin/agencies/${yongan}/letters`, { docPrefix: 'X' }, { csrf: false })).status, 403);
    assert.equal((await admin.get('/admin/agencies/999999/letters')).status, 404);
  });

  test('letters get serials 1, 2 in the order first issued, keep them, and the applicant sees the same numbers', async () => {
    const c = await client('clerk');
    const replyText = await staffLetter(c, replied.id, 'reply');
    assert.ok(replyText.includes(`${PREFIX}〔${year}〕第1号`), replyText);
    assert.ok(replyText.includes(REVIEW_BODY), 'the configured 行政复议机关');
    assert.ok(replyText.includes(COURT), 'the configured court');
    assert.ok(!replyText.includes('有管辖权的人民法院'));

    const acceptance = await staffLetter(c, replied.id, 'acceptance');
    assert.ok(acceptance.includes(`${PREFIX}〔${year}〕第2号`), acceptance);
    assert.ok((await staffLetter(c, replied.id, 'reply')).includes(`${PREFIX}〔${year}〕第1号`), 'downloaded again: the same number');

    const applicant = await client();
    const copy = await applicantLetter(applicant, replied, 'reply');
    assert.ok(copy.includes(`${PREFIX}〔${year}〕第1号`), copy);
    assert.ok(copy.includes(REVIEW_BODY) && copy.includes(COURT));
    assert.ok((await applicantLetter(applicant, replied, 'acceptance')).includes(`${PREFIX}〔${year}〕第2号`));

    const issued = await t.db.kysely.selectFrom('issued_letters').select(['kind', 'serial', 'issued_by']).where('application_id', '=', replied.id).orderBy('serial').execute();
    assert.deepEqual(issued.map((r) => [r.kind, r.serial, r.issued_by]), [
      ['reply', 1, clerk.userId],
      ['acceptance', 2, clerk.userId],
    ]);
    const audits = await t.db.kysely.selectFrom('audit_log').select(['user_id', 'subject_id']).where('action', '=', 'letter.number_issued').execute();
    assert.equal(audits.length, 2, 'one audit row per allocation, none for the re-downloads');
  });

  test('a letter the applicant fetches first is numbered then, and staff get the same number afterwards', async () => {
    const applicant = await client();
    const first = await applicantLetter(applicant, registered, 'acceptance');
    assert.ok(first.includes(`${PREFIX}〔${year}〕第3号`), first);
    const c = await client('clerk');
    assert.ok((await staffLetter(c, registered.id, 'acceptance')).includes(`${PREFIX}〔${year}〕第3号`));
    const row = await t.db.kysely.selectFrom('issued_letters').select('issued_by').where('application_id', '=', registered.id).executeTakeFirstOrThrow();
    assert.equal(row.issued_by, null, 'issued through the tracking page');
  });

  test('concurrent allocations never give the same serial; concurrent first downloads of one letter give one number', async () => {
    const base = { agencyId: yongan, prefix: PREFIX, year: 2031, userId: clerk.userId, eventId: 0 };
    const [a, b] = await Promise.all([
      issueLetterNumber(t.db.kysely, { ...base, applicationId: replied.id, kind: 'correction' }),
      issueLetterNumber(t.db.kysely, { ...base, applicationId: replied.id, kind: 'extension' }),
    ]);
    assert.notEqual(a.serial, b.serial);
    assert.deepEqual([a.serial, b.serial].sort(), [1, 2]);

    const many = await Promise.all(
      ['fee', 'third_party', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6'].map((kind) => issueLetterNumber(t.db.kysely, { ...base, applicationId: registered.id, kind })),
    );
    assert.deepEqual(many.map((x) => x.serial).sort((x, y) => x - y), [3, 4, 5, 6, 7, 8, 9, 10]);

    const same = await Promise.all([1, 2, 3, 4].map(() => issueLetterNumber(t.db.kysely, { ...base, applicationId: registered.id, kind: 'reply', ground: 'provided' })));
    assert.equal(new Set(same.map((x) => x.docNumber)).size, 1, 'one number for one letter');
    assert.equal(same.filter((x) => x.allocated).length, 1);
    assert.equal(same[0]!.serial, 11, 'the losers of the race gave their serial back: no gap');
    const counter = await t.db.kysely.selectFrom('letter_numbers').select('last_serial').where('agency_id', '=', yongan).where('year', '=', 2031).executeTakeFirstOrThrow();
    assert.equal(counter.last_serial, 11);
  });

  test('a reopened case replied again: the new reply letter gets a new number, the first reply keeps its own, for staff and applicant', async () => {
    const deps = { calendar };
    const a = await registerByStaff(t.db, deps, clerk, { ...personInput(yongan, { applicantName: '钱七', idType: 'other', idNumber: 'R1234567' }), channel: 'in_person', submittedOn: today });
    const id = a.applicationId;
    const version = async () => (await t.db.kysely.selectFrom('applications').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
    await reply(t.db, deps, clerk, { applicationId: id, version: await version(), date: today, outcomeRow: '3.4.1', ground: 'not_held', basis: '条例第三十六条第（四）项' });
    const c = await client('clerk');
    const number = (text: string) => new RegExp(`${PREFIX}〔${year}〕第(\\d+)号`).exec(text)?.[0];
    const first = await staffLetter(c, id, 'reply');
    const firstNumber = number(first);
    assert.ok(firstNumber, first);
    assert.match(first, /本机关没有您申请公开的政府信息/, 'the decision paragraph of not_held');

    // Reconsideration: corrected → reopened → replied again, with the same ground (the letter's
    // kind and ground alone would not tell the two replies apart).
    const rc = await addReviewCase(t.db, deps, clerk, { applicationId: id, version: await version(), kind: 'reconsideration', filedOn: today });
    await decideReviewCase(t.db, deps, clerk, { applicationId: id, version: await version(), reviewCaseId: rc.reviewCaseId, result: 'corrected', decidedOn: today });
    await reopenAfterReview(t.db, deps, clerk, { applicationId: id, version: await version(), reviewCaseId: rc.reviewCaseId, date: today });
    await reply(t.db, deps, clerk, { applicationId: id, version: await version(), date: today, outcomeRow: '3.4.1', ground: 'not_held', basis: '条例第三十六条第（四）项', summary: '经重新检索全部档案，仍未找到该信息。' });

    const second = await staffLetter(c, id, 'reply');
    const secondNumber = number(second);
    assert.ok(secondNumber && secondNumber !== firstNumber, `a new number for the new reply: ${secondNumber} vs ${firstNumber}`);
    assert.match(second, /经重新检索全部档案/, 'the second reply');
    assert.doesNotMatch(first, /经重新检索全部档案/);

    // The case page lists both replies; the first one, named by its event, keeps its number.
    const replies = await t.db.kysely.selectFrom('application_events').select('id').where('application_id', '=', id).where('type', '=', 'replied').orderBy('id').execute();
    assert.equal(replies.length, 2);
    const page = await c.get(`/admin/applications/${id}`);
    assert.ok(page.body.includes(`/admin/applications/${id}/letters/reply.docx?event=${replies[0]!.id}`), 'the first reply is still listed');
    assert.ok(page.body.includes(`/admin/applications/${id}/letters/reply.docx"`), 'the current reply');
    const again = await staffLetter(c, id, `reply?event=${replies[0]!.id}`);
    assert.equal(number(again), firstNumber);
    assert.doesNotMatch(again, /经重新检索全部档案/, 'the first reply as it was');
    assert.equal(number(await staffLetter(c, id, 'reply')), secondNumber, 'the current reply keeps its number too');

    // The applicant: both replies downloadable, by their place among the replies.
    const applicant = await client();
    const tracked = await applicant.post('/track', { trackingNumber: a.trackingNumber, secret: a.secret });
    assert.equal(tracked.status, 200);
    const seqs = [...tracked.body.matchAll(/name="kind" value="reply"\/><input type="hidden" name="seq" value="(\d+)"/g)].map((m) => m[1]);
    assert.deepEqual(seqs, ['1', '2']);
    assert.equal(number(await applicantLetter(applicant, a, 'reply', '1')), firstNumber);
    assert.equal(number(await applicantLetter(applicant, a, 'reply', '2')), secondNumber);
    assert.equal(number(await applicantLetter(applicant, a, 'reply')), secondNumber, 'without seq: the latest');

    const issued = await t.db.kysely.selectFrom('issued_letters').select(['kind', 'event_id', 'doc_number']).where('application_id', '=', id).orderBy('id').execute();
    assert.deepEqual(issued, [
      { kind: 'reply', event_id: replies[0]!.id, doc_number: firstNumber },
      { kind: 'reply', event_id: replies[1]!.id, doc_number: secondNumber },
    ]);
  });
});
