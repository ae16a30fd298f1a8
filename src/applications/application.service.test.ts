/**
 * The application desk on a real database: SQLite by default, PostgreSQL when TEST_DATABASE_URL
 * is set (the same suite runs on both). Dates are worked out by hand in the comments: a working
 * day is Monday–Friday minus official holidays plus 调休 make-up days; counting starts the day
 * after the start event and the due date is the N-th working day (条例第30、33条, DOMAIN §3).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenError, type Actor } from '../accounts/policy.js';
import type { Db } from '../db/database.js';
import { ConflictError, NotFoundError, StateError } from '../errors.js';
import { ValidationError } from '../validation.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { fixedClock, inPerson, personInput, setupDesk, type Desk } from '../../test/support/application-fixtures.js';
import { isClosed, STATE_LABELS, TRANSITIONS, type TransitionEvent } from './application.js';
import {
  addReviewCase,
  confirmReceipt,
  decideReviewCase,
  extend,
  getApplicationForStaff,
  issueFeeNotice,
  markCorrectionLapsed,
  markFeeLapsed,
  recordCorrection,
  recordOpinion,
  recordPayment,
  registerByStaff,
  reopenAfterReview,
  reply,
  requestCorrection,
  startConsultation,
  submitOnline,
  withdraw,
  type ServiceDeps,
  type StepResult,
} from './application.service.js';
import type { ApplicationState } from '../db/schema.js';

type Op = (db: Db, deps: ServiceDeps, actor: Actor, input: unknown) => Promise<StepResult>;

describe(`application desk (${testDialect})`, () => {
  let db: Db;
  let desk: Desk;
  const { clock, deps } = fixedClock('2025-06-30');

  before(async () => {
    db = await openTestDb();
    desk = await setupDesk(db);
  });
  after(async () => {
    await db.close();
  });

  const row = (id: number) => db.kysely.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const eventCount = async (id: number) =>
    Number((await db.kysely.selectFrom('application_events').select((eb) => eb.fn.countAll<number>().as('n')).where('application_id', '=', id).executeTakeFirstOrThrow()).n);
  const auditCount = async () => Number((await db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  /** Runs an operation with the application's current version. */
  async function act(op: Op, actor: Actor, id: number, input: Record<string, unknown>): Promise<StepResult> {
    const { version } = await row(id);
    return op(db, deps, actor, { applicationId: id, version, ...input });
  }

  async function registered(date: string, overrides: Record<string, unknown> = {}, actor?: Actor): Promise<number> {
    const r = await registerByStaff(db, deps, actor ?? desk.clerkA, inPerson(desk.agencyA, date, overrides));
    return r.applicationId;
  }

  /** Asserts that `p` rejects with `type` and a message matching `re`. */
  async function rejects(p: Promise<unknown>, type: new (...a: never[]) => Error, re?: RegExp): Promise<Error> {
    let caught: unknown;
    await assert.rejects(p, (e: unknown) => {
      caught = e;
      return true;
    });
    assert.ok(caught instanceof type, `expected ${type.name}, got ${String(caught)}`);
    if (re) assert.match((caught as Error).message, re);
    return caught as Error;
  }

  // -------------------------------------------------------------------------------------------
  describe('intake and receipt (条例第31条)', () => {
    test('in person: received the day submitted; 20 working days across the 2025 Spring Festival', async () => {
      clock.today = '2025-01-21';
      const r = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2025-01-20'));
      assert.match(r.trackingNumber, new RegExp(`^${desk.agencyA}-2025-\\d{6}$`));
      assert.match(r.secret, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
      const a = await row(r.applicationId);
      assert.equal(a.state, 'registered');
      assert.equal(a.received_on, '2025-01-20');
      // Reply (第33条): 01-21..24 = 1–4, 01-26 (Sun, 调休上班) = 5, 01-27 = 6, 01-28..02-04 春节 off,
      // 02-05..07 = 7–9, 02-08 (Sat, 调休上班) = 10, 02-10..14 = 11–15, 02-17..21 = 16–20.
      // (Not 02-25: the two make-up days count, and 2025's holiday is 8 days including 除夕.)
      assert.equal(a.reply_due_on, '2025-02-21');
      // Correction notice (第30条): 7 working days → 02-05.
      assert.equal(a.correction_due_on, '2025-02-05');
      assert.equal(a.next_due_on, '2025-02-21');
      assert.equal(a.clock_status, 'on_time');
      assert.equal(a.clock_provisional, 0);
      assert.equal(a.version, 1);
      assert.equal(a.created_by, desk.clerkA.userId);
      assert.notEqual(a.tracking_secret_hash, r.secret);
      assert.equal(await eventCount(r.applicationId), 1);
      const log = await db.kysely.selectFrom('audit_log').selectAll().where('subject_id', '=', String(r.applicationId)).execute();
      assert.deepEqual(log.map((l) => l.action), ['application.register']);
      assert.doesNotMatch(log[0]!.details ?? '', /王小明|1101051949/);
    });

    test('2026 Spring Festival: received Friday 2026-02-06 → reply due Thursday 2026-03-12', async () => {
      clock.today = '2026-02-09';
      const id = await registered('2026-02-06');
      // 02-09..13 = 1–5, 02-14 (Sat, 调休) = 6, 02-15..23 春节 off (9 days), 02-24..27 = 7–10,
      // 02-28 (Sat, 调休) = 11, 03-02..06 = 12–16, 03-09..12 = 17–20.
      const a = await row(id);
      assert.equal(a.reply_due_on, '2026-03-12');
      assert.equal(a.clock_provisional, 0);
      const view = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.match(view.clocks.report!.reply.due!.text, /春节假期 2026年2月15日至23日（9天）/);
      assert.match(view.clocks.report!.reply.due!.text, /2026年2月28日（星期六，春节调休上班）/);
    });

    test('tracking numbers: a serial per agency and year', async () => {
      clock.today = '2025-07-01';
      const a = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2025-07-01'));
      const b = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2025-07-01'));
      const c = await registerByStaff(db, deps, desk.clerkB, inPerson(desk.agencyB, '2025-07-01'));
      const serial = (tn: string) => Number(tn.split('-')[2]);
      assert.equal(serial(b.trackingNumber), serial(a.trackingNumber) + 1);
      assert.equal(c.trackingNumber, `${desk.agencyB}-2025-000001`);
      clock.today = '2027-01-04';
      const d = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2027-01-04'));
      assert.equal(d.trackingNumber, `${desk.agencyA}-2027-000001`);
    });

    test('online: waits for confirmation; the confirmation day is the receipt date', async () => {
      clock.today = '2025-03-01'; // Saturday
      const r = await submitOnline(db, deps, personInput(desk.agencyA));
      let a = await row(r.applicationId);
      assert.equal(a.state, 'submitted');
      assert.equal(a.channel, 'online');
      assert.equal(a.submitted_on, '2025-03-01');
      assert.equal(a.received_on, null);
      assert.equal(a.reply_due_on, null);
      assert.equal(a.created_by, null);
      clock.today = '2025-03-03';
      await act(confirmReceipt, desk.clerkA, r.applicationId, { confirmedOn: '2025-03-03' });
      a = await row(r.applicationId);
      assert.equal(a.state, 'registered');
      assert.equal(a.received_on, '2025-03-03');
      // 03-04..07 = 1–4, 10–14 = 5–9, 17–21 = 10–14, 24–28 = 15–19, 03-31 = 20.
      assert.equal(a.reply_due_on, '2025-03-31');
      const view = await getApplicationForStaff(db, deps, desk.clerkA, r.applicationId);
      assert.match(view.clocks.report!.receipt.rule, /第31条第（三）项/);
    });

    test('e-mail follows the Internet rule: the day both sides confirm', async () => {
      clock.today = '2025-03-05';
      const r = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2025-03-01', { channel: 'email', confirmedOn: '2025-03-03' }));
      const a = await row(r.applicationId);
      assert.equal(a.channel, 'email');
      assert.equal(a.received_on, '2025-03-03');
      assert.equal(a.reply_due_on, '2025-03-31');
    });

    test('an ordinary letter confirmed days after it arrived: receipt on confirmation, flagged', async () => {
      clock.today = '2025-03-10';
      const r = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2025-03-03', { channel: 'post_ordinary', confirmedOn: '2025-03-05' }));
      const view = await getApplicationForStaff(db, deps, desk.clerkA, r.applicationId);
      assert.equal(view.dates.receivedOn, '2025-03-05');
      assert.deepEqual(view.clocks.violations.map((v) => v.code), ['late_confirmation']);
    });

    test('dates: not in the future, not before the 2019 条例, confirmation needed by channel', async () => {
      clock.today = '2025-03-10';
      const e1 = (await rejects(registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2025-03-11')), ValidationError)) as ValidationError;
      assert.match(e1.fields.submittedOn!, /晚于今天/);
      const e2 = (await rejects(registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2019-05-14')), ValidationError)) as ValidationError;
      assert.match(e2.fields.submittedOn!, /2019年5月15日/);
      const e3 = (await rejects(registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2025-03-03', { channel: 'fax' })), ValidationError)) as ValidationError;
      assert.match(e3.fields.confirmedOn!, /双方确认的日期/);
      await rejects(registerByStaff(db, deps, desk.clerkA, inPerson(999_999, '2025-03-03')), ForbiddenError);
      await rejects(submitOnline(db, deps, personInput(999_999)), ValidationError, /受理机关不存在/);
    });

    test('a date in a year missing from the holiday data: stored, flagged provisional, warned', async () => {
      clock.today = '2027-03-02';
      const id = await registered('2027-03-01');
      const a = await row(id);
      assert.equal(a.clock_provisional, 1);
      assert.equal(a.reply_due_on, '2027-03-29'); // Monday–Friday only: 20 weekdays after 03-01
      const view = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.equal(view.clocks.provisional, true);
      assert.ok(view.clocks.warnings.some((w) => /2027年节假日安排尚未录入/.test(w)), view.clocks.warnings.join('\n'));
      assert.match(view.clocks.report!.reply.due!.text, /推算/);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('correction (条例第30条)', () => {
    test('the reply clock waits, then restarts from the corrected application', async () => {
      clock.today = '2025-03-17';
      const id = await registered('2025-03-03');
      await act(requestCorrection, desk.clerkA, id, { date: '2025-03-07', deadline: '2025-03-21', items: '请写明所需信息的文号或形成时间' });
      let a = await row(id);
      assert.equal(a.state, 'correction_requested');
      assert.equal(a.reply_due_on, null);
      assert.equal(a.next_due_on, '2025-03-21');
      assert.equal(a.clock_status, 'paused');
      await act(recordCorrection, desk.clerkA, id, { date: '2025-03-14', description: '请公开2024年幸福路改造项目的征收补偿方案' });
      a = await row(id);
      assert.equal(a.state, 'in_process');
      // From 03-14 (Fri): 03-17..21 = 1–5, 24–28 = 6–10, 03-31..04-03 = 11–14, 04-04..06 清明 off,
      // 04-07..11 = 15–19, 04-14 = 20.
      assert.equal(a.reply_due_on, '2025-04-14');
      assert.equal(a.description, '请公开2024年幸福路改造项目的征收补偿方案');
      // One single notice: no second correction request.
      await rejects(act(requestCorrection, desk.clerkA, id, { date: '2025-03-17', deadline: '2025-03-24', items: '再补' }), StateError, /当前状态为「办理中」/);
    });

    test('lapse only after the deadline; closes in row 3.6.1 (2021 format)', async () => {
      clock.today = '2025-04-01';
      const id = await registered('2025-03-03');
      await act(requestCorrection, desk.clerkA, id, { date: '2025-03-05', deadline: '2025-03-21', items: '请说明所需信息的具体名称' });
      await rejects(act(markCorrectionLapsed, desk.clerkA, id, { date: '2025-03-21' }), StateError, /尚未届满/);
      await act(markCorrectionLapsed, desk.clerkA, id, { date: '2025-03-24' });
      const a = await row(id);
      assert.equal(a.state, 'correction_lapsed');
      assert.equal(a.outcome_row, '3.6.1');
      assert.equal(a.outcome_format, '2021');
      assert.equal(a.closed_on, '2025-03-24');
      assert.equal(a.clock_status, 'closed');
      assert.equal(a.next_due_on, null);
    });

    test('in a 2019-format year (2020) a lapse counts in row 3.6', async () => {
      clock.today = '2020-06-30';
      const id = await registered('2020-05-11');
      await act(requestCorrection, desk.clerkA, id, { date: '2020-05-12', deadline: '2020-05-19', items: '请补充' });
      await act(markCorrectionLapsed, desk.clerkA, id, { date: '2020-05-20' });
      const a = await row(id);
      assert.equal(a.outcome_row, '3.6');
      assert.equal(a.outcome_format, '2019');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('extension (条例第33条)', () => {
    test('only the head approves; across New Year 2026; once; before the original limit', async () => {
      clock.today = '2025-12-22';
      const id = await registered('2025-12-01');
      // 12-02..05 = 1–4, 08–12 = 5–9, 15–19 = 10–14, 22–26 = 15–19, 12-29 = 20.
      assert.equal((await row(id)).reply_due_on, '2025-12-29');
      const input = { date: '2025-12-22', days: 20, reason: '所需信息量大，需调档整理' };
      await rejects(act(extend, desk.clerkA, id, input), ForbiddenError);
      await rejects(act(extend, desk.reviewerA, id, input), ForbiddenError);
      await act(extend, desk.headA, id, input);
      const a = await row(id);
      // 12-30 = 21, 12-31 = 22, 2026-01-01..03 元旦 off, 01-04 (Sun, 调休上班) = 23,
      // 01-05..09 = 24–28, 12–16 = 29–33, 19–23 = 34–38, 01-26 = 39, 01-27 = 40.
      assert.equal(a.reply_due_on, '2026-01-27');
      assert.equal(a.extension_days, 20);
      assert.equal(a.state, 'in_process');
      const view = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.equal(view.timeline.at(-1)!.userName, '甲局负责人');
      assert.match(view.clocks.report!.reply.due!.text, /经甲局负责人同意延长20个工作日/);
      await rejects(act(extend, desk.headA, id, { ...input, days: 5 }), StateError, /只能延长一次/);
    });

    test('an extension decided after the original limit is refused; more than 20 days is invalid', async () => {
      clock.today = '2025-12-30';
      const id = await registered('2025-12-01');
      const v = await rejects(act(extend, desk.headA, id, { date: '2025-12-30', days: 21, reason: '复杂' }), ValidationError);
      assert.match((v as ValidationError).fields.days!, /不能大于20/);
      await rejects(act(extend, desk.headA, id, { date: '2025-12-30', days: 10, reason: '复杂' }), StateError, /原答复期限已于2025-12-29届满/);
      assert.equal(await eventCount(id), 1);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('suspensions (条例第32–34条, 国办函〔2020〕109号)', () => {
    test('third-party consultation stops the clock; the opinion restarts it', async () => {
      clock.today = '2025-03-24';
      const id = await registered('2025-03-03');
      await act(startConsultation, desk.clerkA, id, { kind: 'third_party', date: '2025-03-10', letterReceivedOn: '2025-03-12', party: '某建设公司' });
      let a = await row(id);
      assert.equal(a.state, 'consulting');
      assert.equal(a.reply_due_on, null);
      // The third party's 15 working days from 03-12: 03-13..14 = 2, 17–21 = 7, 24–28 = 12, 03-31..04-02 = 15.
      assert.equal(a.next_due_on, '2025-04-02');
      await act(recordOpinion, desk.clerkA, id, { kind: 'third_party', date: '2025-03-24', opinion: 'object' });
      a = await row(id);
      assert.equal(a.state, 'in_process');
      // Unpaused due 03-31 plus the 10 working days of (03-10, 03-24]: 04-01..03 = 3, 清明 off,
      // 04-07..11 = 8, 04-14..15 = 10.
      assert.equal(a.reply_due_on, '2025-04-15');
    });

    test('two consultations at once: the case stays suspended until both answered', async () => {
      clock.today = '2025-04-30';
      const id = await registered('2025-03-03');
      await act(startConsultation, desk.clerkA, id, { kind: 'third_party', date: '2025-03-10', letterReceivedOn: '2025-03-11', party: '某公司' });
      await act(startConsultation, desk.clerkA, id, { kind: 'other_agency', date: '2025-03-11', letterReceivedOn: '2025-03-12', party: '市乙局' });
      await rejects(act(startConsultation, desk.clerkA, id, { kind: 'third_party', date: '2025-03-12', party: '另一公司' }), StateError, /尚未收到意见/);
      // A letter received later than other events does not block recording them, but nothing may close before it.
      const late = await registered('2025-03-03');
      await act(startConsultation, desk.clerkA, late, { kind: 'third_party', date: '2025-03-05', letterReceivedOn: '2025-03-20', party: '外地某公司' });
      await act(startConsultation, desk.clerkA, late, { kind: 'other_agency', date: '2025-03-06', letterReceivedOn: '2025-03-07', party: '市乙局' });
      await act(recordOpinion, desk.clerkA, late, { kind: 'other_agency', date: '2025-03-10', opinion: 'consent' });
      const w = (await rejects(act(withdraw, desk.clerkA, late, { date: '2025-03-12' }), ValidationError)) as ValidationError;
      assert.match(w.fields.date!, /早于已登记的送达日期（2025-03-20）/);
      await rejects(act(recordOpinion, desk.clerkA, late, { kind: 'third_party', date: '2025-03-19', opinion: 'consent' }), ValidationError, /不能早于对方收到征求意见书的日期/);
      await act(recordOpinion, desk.clerkA, late, { kind: 'third_party', date: '2025-03-21', opinion: 'consent' });
      assert.equal((await row(late)).state, 'in_process');
      // Silence of an agency = consent (第34条), but not before its 15 working days (→ 04-02).
      await rejects(act(recordOpinion, desk.clerkA, id, { kind: 'other_agency', date: '2025-04-02', opinion: 'no_reply' }), StateError, /尚未届满/);
      await act(recordOpinion, desk.clerkA, id, { kind: 'other_agency', date: '2025-04-03', opinion: 'no_reply' });
      assert.equal((await row(id)).state, 'consulting');
      await act(recordOpinion, desk.clerkA, id, { kind: 'third_party', date: '2025-04-07', opinion: 'consent' });
      const a = await row(id);
      assert.equal(a.state, 'in_process');
      assert.ok(a.reply_due_on! > '2025-04-07');
    });

    test('fee notice stops the clock; payment restarts it; unpaid after the period lapses (3.6.2)', async () => {
      clock.today = '2025-06-30';
      await rejects(
        act(issueFeeNotice, desk.clerkA, await registered('2025-03-03'), { date: '2025-03-05', noticeReceivedOn: '2025-03-05', method: 'pages', quantity: 30 }),
        ValidationError,
        /30页以内免费/,
      );
      const paid = await registered('2025-03-03');
      await act(issueFeeNotice, desk.clerkA, paid, { date: '2025-03-05', noticeReceivedOn: '2025-03-06', method: 'pages', quantity: 50 });
      let a = await row(paid);
      assert.equal(a.state, 'fee_notified');
      assert.equal(a.reply_due_on, null);
      // Payment within 20 working days of 03-06: 03-07 = 1, 10–14 = 6, 17–21 = 11, 24–28 = 16, 03-31..04-03 = 20.
      assert.equal(a.next_due_on, '2025-04-03');
      const view = await getApplicationForStaff(db, deps, desk.clerkA, paid);
      assert.match(view.timeline.at(-1)!.summary, /200元/); // 20 pages × 10元 (31–50)
      await act(recordPayment, desk.clerkA, paid, { date: '2025-03-12' });
      a = await row(paid);
      assert.equal(a.state, 'in_process');
      // 03-31 plus the 5 working days of (03-05, 03-12]: 04-01..03 = 3, 清明 off, 04-07..08 = 5.
      assert.equal(a.reply_due_on, '2025-04-08');

      const lapsed = await registered('2025-03-03');
      await act(issueFeeNotice, desk.clerkA, lapsed, { date: '2025-03-05', noticeReceivedOn: '2025-03-06', method: 'items', quantity: 12 });
      await rejects(act(markFeeLapsed, desk.clerkA, lapsed, { date: '2025-04-03' }), StateError, /缴费期限（2025-04-03）尚未届满/);
      await act(markFeeLapsed, desk.clerkA, lapsed, { date: '2025-04-07' });
      a = await row(lapsed);
      assert.equal(a.state, 'fee_lapsed');
      assert.equal(a.outcome_row, '3.6.2');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('reply and outcome rows (条例第36–39条; DOMAIN §3)', () => {
    test('exactly one row of the reply year’s format, with its basis', async () => {
      clock.today = '2025-03-20';
      const id = await registered('2025-03-03');
      const bad = async (outcomeRow: string, re: RegExp) => {
        const e = (await rejects(act(reply, desk.clerkA, id, { date: '2025-03-20', outcomeRow, basis: '条例第三十六条' }), ValidationError)) as ValidationError;
        assert.match(e.fields.outcomeRow!, re);
      };
      await bad('3.6', /3\.6\.3「其他」/);
      await bad('3.6.1', /只能通过记录逾期未补正结案/);
      await bad('3.6.2', /只能通过记录逾期未缴费结案/);
      await bad('3.4.3', /只适用于申请人已经补正的申请/);
      await bad('3.7', /不是2025年度报告格式/);
      await bad('9.9', /不是2025年度报告格式/);
      const e = (await rejects(act(reply, desk.clerkA, id, { date: '2025-03-20', outcomeRow: '3.1', basis: '  ' }), ValidationError)) as ValidationError;
      assert.equal(e.fields.basis, '请填写法律依据');
      await act(reply, desk.clerkA, id, { date: '2025-03-20', outcomeRow: '3.3.4', basis: '条例第十五条', summary: '涉及第三方商业秘密，不予公开。' });
      const a = await row(id);
      assert.equal(a.state, 'replied');
      assert.equal(a.outcome_row, '3.3.4');
      assert.equal(a.outcome_basis, '条例第十五条');
      assert.equal(a.clock_status, 'replied_on_time');
      assert.equal(a.closed_on, '2025-03-20');
      const view = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.equal(view.outcome!.label, '（三）不予公开 4.保护第三方合法权益');
    });

    test('the reply records its ground: chosen for 3.1 and 3.4.1 (or named by the basis), implied elsewhere; a wrong one is refused and nothing is written', async () => {
      clock.today = '2025-03-20';
      const id = await registered('2025-03-03');
      const before = await row(id);
      const events = await eventCount(id);
      const audits = await auditCount();
      const refused = async (input: Record<string, unknown>, re: RegExp) => {
        const e = (await rejects(act(reply, desk.clerkA, id, { date: '2025-03-20', ...input }), ValidationError)) as ValidationError;
        assert.match(e.fields.ground!, re);
        assert.ok(/[\u4e00-\u9fff]/.test(e.fields.ground!), 'a Chinese message');
      };
      // 3.1 with a basis naming neither item: which of the two must be said.
      await refused({ outcomeRow: '3.1', basis: '条例第三十六条' }, /办理结果「3\.1 （一）予以公开」有2种答复依据，请选择：「予以公开（已主动公开）（条例第三十六条第（一）项）」（already_public）或「予以公开（条例第三十六条第（二）项）」（provided）/);
      await refused({ outcomeRow: '3.1', basis: '条例第三十六条第（一）项、第（二）项' }, /有2种答复依据，请选择/);
      // A ground of another row, and an unknown one.
      await refused({ outcomeRow: '3.1', ground: 'not_held', basis: '条例第三十六条' }, /答复依据「无法提供：本机关不掌握相关政府信息（条例第三十六条第（四）项）」不属于办理结果「3\.1 （一）予以公开」；该办理结果的答复依据为「予以公开（已主动公开）/);
      await refused({ outcomeRow: '3.3.1', ground: 'provided', basis: '条例第十四条' }, /不属于办理结果「3\.3\.1 （三）不予公开 1\.属于国家秘密」；该办理结果的答复依据为「不予公开：属于国家秘密（条例第十四条）」（state_secret）$/);
      await refused({ outcomeRow: '3.4.1', ground: 'bogus', basis: '条例第三十六条' }, /答复依据「bogus」无效；办理结果「3\.4\.1 （四）无法提供 1\.本机关不掌握相关政府信息」的答复依据为「无法提供：本机关不掌握相关政府信息（条例第三十六条第（四）项）」（not_held）或「无法提供：不属于本机关负责公开（条例第三十六条第（五）项）」（not_responsible）/);
      // Nothing was written by the refusals.
      assert.deepEqual(await row(id), before);
      assert.equal(await eventCount(id), events);
      assert.equal(await auditCount(), audits);

      await act(reply, desk.clerkA, id, { date: '2025-03-20', outcomeRow: '3.1', ground: 'already_public', basis: '条例第三十六条第（一）项', summary: '该信息已在本机关门户网站公开。' });
      const view = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.deepEqual(view.outcome!.ground, { id: 'already_public', label: '予以公开（已主动公开）（条例第三十六条第（一）项）' });
      const last = view.timeline.at(-1)!;
      assert.match(last.summary, /答复依据：予以公开（已主动公开）（条例第三十六条第（一）项）/);
      const stored = await db.kysely.selectFrom('application_events').select('data').where('id', '=', last.id).executeTakeFirstOrThrow();
      assert.equal(JSON.parse(stored.data!).ground, 'already_public');
      const logged = await db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'application.replied').where('subject_id', '=', String(id)).executeTakeFirstOrThrow();
      assert.equal(JSON.parse(logged.details!).ground, 'already_public');

      // 3.4.1 without a ground, the basis naming 第（五）项: not_responsible. One-ground rows: implied.
      const other = await registered('2025-03-03');
      await act(reply, desk.clerkA, other, { date: '2025-03-20', outcomeRow: '3.4.1', basis: '条例第三十六条第（五）项' });
      assert.equal((await getApplicationForStaff(db, deps, desk.clerkA, other)).outcome!.ground!.id, 'not_responsible');
      const third = await registered('2025-03-03');
      await act(reply, desk.clerkA, third, { date: '2025-03-20', outcomeRow: '3.3.1', basis: '条例第十四条' });
      assert.equal((await getApplicationForStaff(db, deps, desk.clerkA, third)).outcome!.ground!.id, 'state_secret');
    });

    test('2020 replies use the 2019 format (3.6 exists, 3.6.3 does not); a late reply is marked', async () => {
      clock.today = '2020-07-31';
      const id = await registered('2020-06-01');
      await rejects(act(reply, desk.clerkA, id, { date: '2020-07-30', outcomeRow: '3.6.3', basis: '其他' }), ValidationError, /只有一行3\.6/);
      await act(reply, desk.clerkA, id, { date: '2020-07-30', outcomeRow: '3.6', basis: '其他处理' });
      const a = await row(id);
      assert.equal(a.outcome_format, '2019');
      assert.equal((await getApplicationForStaff(db, deps, desk.clerkA, id)).outcome!.ground!.id, 'other', 'the 2019 format’s 3.6 has the ground 其他');
      assert.equal(a.clock_status, 'replied_late');
    });

    test('3.4.3 after a correction', async () => {
      clock.today = '2025-04-30';
      const id = await registered('2025-03-03');
      await act(requestCorrection, desk.clerkA, id, { date: '2025-03-04', deadline: '2025-03-14', items: '请明确所需信息' });
      await act(recordCorrection, desk.clerkA, id, { date: '2025-03-10' });
      await act(reply, desk.clerkA, id, { date: '2025-03-20', outcomeRow: '3.4.3', basis: '条例第三十条' });
      assert.equal((await row(id)).outcome_row, '3.4.3');
    });

    test('events must be recorded in order', async () => {
      clock.today = '2025-03-20';
      const id = await registered('2025-03-10');
      const e = (await rejects(act(reply, desk.clerkA, id, { date: '2025-03-07', outcomeRow: '3.1', ground: 'provided', basis: '条例第三十六条' }), ValidationError)) as ValidationError;
      assert.match(e.fields.date!, /早于本申请上一办理事项的日期（2025-03-10）/);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('reconsideration and litigation; reopening', () => {
    test('a corrected result reopens the case with a new reply period; upheld does not', async () => {
      clock.today = '2025-09-30';
      const id = await registered('2025-03-03');
      await act(reply, desk.clerkA, id, { date: '2025-03-20', outcomeRow: '3.4.1', basis: '条例第三十六条第（四）项' });
      const upheld = await addReviewCase(db, deps, desk.clerkA, { applicationId: id, version: (await row(id)).version, kind: 'reconsideration', filedOn: '2025-04-10', body: '市人民政府' });
      assert.equal((await row(id)).state, 'replied');
      await act(decideReviewCase, desk.clerkA, id, { reviewCaseId: upheld.reviewCaseId, result: 'upheld', decidedOn: '2025-06-01' });
      await rejects(act(reopenAfterReview, desk.clerkA, id, { reviewCaseId: upheld.reviewCaseId, date: '2025-06-03' }), StateError, /结果纠正/);
      await rejects(act(decideReviewCase, desk.clerkA, id, { reviewCaseId: upheld.reviewCaseId, result: 'other', decidedOn: '2025-06-02' }), StateError, /已于2025-06-01审结/);

      const sued = await addReviewCase(db, deps, desk.clerkA, { applicationId: id, version: (await row(id)).version, kind: 'litigation_after', filedOn: '2025-06-10', caseNumber: '（2025）某01行初1号' });
      await act(decideReviewCase, desk.clerkA, id, { reviewCaseId: sued.reviewCaseId, result: 'corrected', decidedOn: '2025-08-29' });
      await act(reopenAfterReview, desk.clerkA, id, { reviewCaseId: sued.reviewCaseId, date: '2025-09-01' });
      let a = await row(id);
      assert.equal(a.state, 'reopened');
      assert.equal(a.outcome_row, null);
      assert.equal(a.closed_on, null);
      // 20 working days from Monday 09-01: 09-02..05 = 4, 08–12 = 9, 15–19 = 14, 22–26 = 19,
      // 09-28 (Sun, 调休上班) = 20.
      assert.equal(a.reply_due_on, '2025-09-28');
      await rejects(act(reopenAfterReview, desk.clerkA, id, { reviewCaseId: sued.reviewCaseId, date: '2025-09-02' }), StateError, /「重新办理」/);
      await act(reply, desk.clerkA, id, { date: '2025-09-26', outcomeRow: '3.1', basis: '条例第三十六条第（二）项' });
      a = await row(id);
      assert.equal(a.state, 'replied');
      assert.equal(a.outcome_row, '3.1');
      assert.equal(a.clock_status, 'replied_on_time');
      const view = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.deepEqual(
        view.reviewCases.map((r) => [r.kindLabel, r.resultLabel]),
        [
          ['行政复议', '结果维持'],
          ['行政诉讼（复议后起诉）', '结果纠正'],
        ],
      );
      assert.deepEqual(
        view.timeline.map((t) => t.type),
        ['registered', 'replied', 'review_filed', 'review_decided', 'review_filed', 'review_decided', 'reopened', 'replied'],
      );
    });

    test('a decision may set the new due date itself', async () => {
      clock.today = '2025-09-30';
      const id = await registered('2025-03-03');
      await act(reply, desk.clerkA, id, { date: '2025-03-20', outcomeRow: '3.4.1', basis: '条例第三十六条第（四）项' });
      const rc = await addReviewCase(db, deps, desk.clerkA, { applicationId: id, version: (await row(id)).version, kind: 'reconsideration', filedOn: '2025-04-10' });
      await act(decideReviewCase, desk.clerkA, id, { reviewCaseId: rc.reviewCaseId, result: 'corrected', decidedOn: '2025-06-01' });
      await act(reopenAfterReview, desk.clerkA, id, { reviewCaseId: rc.reviewCaseId, date: '2025-06-03', dueOn: '2025-06-20' });
      const a = await row(id);
      assert.equal(a.reply_due_on, '2025-06-20');
      assert.equal(a.clock_status, 'overdue');
      const view = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.equal(view.clocks.reopened!.setByDecision, true);
      assert.match(view.clocks.statusText, /已逾期/);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the transitions table, walked on the database', () => {
    // Every case starts in person on Monday 2025-03-03; "today" is 2025-06-30.
    const R = '2025-03-03';
    const reach: Record<ApplicationState, (d: Desk) => Promise<number>> = {
      submitted: async (d) => (await submitOnline(db, deps, personInput(d.agencyA))).applicationId,
      registered: () => registered(R),
      correction_requested: async () => {
        const id = await registered(R);
        await act(requestCorrection, desk.clerkA, id, { date: '2025-03-04', deadline: '2025-03-11', items: '请明确' });
        return id;
      },
      in_process: async () => {
        const id = await reach.correction_requested(desk);
        await act(recordCorrection, desk.clerkA, id, { date: '2025-03-07' });
        return id;
      },
      consulting: async () => {
        const id = await registered(R);
        await act(startConsultation, desk.clerkA, id, { kind: 'third_party', date: '2025-03-05', letterReceivedOn: '2025-03-05', party: '某公司' });
        return id;
      },
      fee_notified: async () => {
        const id = await registered(R);
        await act(issueFeeNotice, desk.clerkA, id, { date: '2025-03-05', noticeReceivedOn: '2025-03-05', method: 'pages', quantity: 50 });
        return id;
      },
      replied: async () => {
        const id = await registered(R);
        await act(reply, desk.clerkA, id, { date: '2025-03-10', outcomeRow: '3.1', ground: 'provided', basis: '条例第三十六条' });
        return id;
      },
      correction_lapsed: async () => {
        const id = await reach.correction_requested(desk);
        await act(markCorrectionLapsed, desk.clerkA, id, { date: '2025-03-12' });
        return id;
      },
      fee_lapsed: async () => {
        const id = await reach.fee_notified(desk);
        await act(markFeeLapsed, desk.clerkA, id, { date: '2025-04-03' });
        return id;
      },
      withdrawn: async () => {
        const id = await registered(R);
        await act(withdraw, desk.clerkA, id, { date: '2025-03-10' });
        return id;
      },
      reopened: async () => {
        const id = await reach.replied(desk);
        const rc = await addReviewCase(db, deps, desk.clerkA, { applicationId: id, version: (await row(id)).version, kind: 'reconsideration', filedOn: '2025-03-20' });
        await act(decideReviewCase, desk.clerkA, id, { reviewCaseId: rc.reviewCaseId, result: 'corrected', decidedOn: '2025-04-10' });
        await act(reopenAfterReview, desk.clerkA, id, { reviewCaseId: rc.reviewCaseId, date: '2025-04-11' });
        return id;
      },
    };

    /** Performs `event` on the case with inputs fitting its state. */
    async function perform(event: TransitionEvent, id: number): Promise<StepResult> {
      const a = await row(id);
      const D = a.state === 'submitted' ? '2025-06-30' : '2025-04-20';
      switch (event) {
        case 'confirmed':
          return act(confirmReceipt, desk.clerkA, id, { confirmedOn: D });
        case 'correction_requested':
          return act(requestCorrection, desk.clerkA, id, { date: '2025-03-05', deadline: '2025-03-12', items: '请明确' });
        case 'correction_received':
          return act(recordCorrection, desk.clerkA, id, { date: D });
        case 'correction_lapsed':
          return act(markCorrectionLapsed, desk.clerkA, id, { date: D });
        case 'consultation_started':
          return act(startConsultation, desk.clerkA, id, { kind: a.state === 'consulting' ? 'other_agency' : 'third_party', date: '2025-03-12', party: '某机关' });
        case 'opinion_received':
          return act(recordOpinion, desk.clerkA, id, { kind: 'third_party', date: D, opinion: 'consent' });
        case 'extended':
          return act(extend, desk.headA, id, { date: '2025-03-12', days: 10, reason: '信息量大' });
        case 'fee_notified':
          return act(issueFeeNotice, desk.clerkA, id, { date: '2025-03-12', noticeReceivedOn: '2025-03-12', method: 'items', quantity: 11 });
        case 'fee_paid':
          return act(recordPayment, desk.clerkA, id, { date: D });
        case 'fee_lapsed':
          return act(markFeeLapsed, desk.clerkA, id, { date: D });
        case 'replied':
          return act(reply, desk.clerkA, id, { date: D, outcomeRow: '3.2', basis: '条例第三十七条' });
        case 'withdrawn':
          return act(withdraw, desk.clerkA, id, { date: D });
        case 'review_filed':
          return act(addReviewCase, desk.clerkA, id, { kind: 'litigation_direct', filedOn: D });
        case 'review_decided': {
          const rc = await addReviewCase(db, deps, desk.clerkA, { applicationId: id, version: a.version, kind: 'reconsideration', filedOn: D });
          return act(decideReviewCase, desk.clerkA, id, { reviewCaseId: rc.reviewCaseId, result: 'other', decidedOn: D });
        }
        case 'reopened': {
          const rc = await addReviewCase(db, deps, desk.clerkA, { applicationId: id, version: a.version, kind: 'reconsideration', filedOn: D });
          await act(decideReviewCase, desk.clerkA, id, { reviewCaseId: rc.reviewCaseId, result: 'corrected', decidedOn: D });
          return act(reopenAfterReview, desk.clerkA, id, { reviewCaseId: rc.reviewCaseId, date: D });
        }
      }
    }

    for (const t of TRANSITIONS) {
      for (const from of t.from) {
        test(`allowed: ${from} --${t.event}--> ${Array.isArray(t.to) ? t.to.join('|') : t.to}`, async () => {
          clock.today = '2025-06-30';
          const id = await reach[from](desk);
          assert.equal((await row(id)).state, from);
          const before = await eventCount(id);
          const r = await perform(t.event, id);
          const a = await row(id);
          const expected = t.to === 'unchanged' ? from : typeof t.to === 'string' ? t.to : 'in_process';
          assert.equal(a.state, expected);
          assert.equal(r.state, expected);
          assert.equal(a.version, r.version);
          // The queue's order relies on it: next_due_on is set exactly for open cases.
          assert.equal(a.next_due_on === null, isClosed(a.state), `next_due_on ${a.next_due_on} in ${a.state}`);
          assert.ok((await eventCount(id)) > before);
          const last = await db.kysely.selectFrom('application_events').select(['type', 'user_id']).where('application_id', '=', id).orderBy('id', 'desc').executeTakeFirstOrThrow();
          assert.equal(last.type, t.event);
          assert.ok(last.user_id !== null);
        });
      }
    }

    test('forbidden: every other (state, event) pair is refused, naming the state, and writes nothing', async () => {
      clock.today = '2025-06-30';
      const events = [...new Set(TRANSITIONS.map((t) => t.event))];
      let refused = 0;
      for (const state of Object.keys(reach) as ApplicationState[]) {
        const id = await reach[state](desk);
        for (const event of events) {
          if (TRANSITIONS.some((t) => t.event === event && t.from.includes(state))) continue;
          const before = await row(id);
          const n = await eventCount(id);
          await assert.rejects(perform(event, id), (e: unknown) => {
            assert.ok(e instanceof StateError, `${state} --${event}: ${String(e)}`);
            assert.ok(e.message.includes(`当前状态为「${STATE_LABELS[state]}」`), e.message);
            return true;
          });
          const afterRow = await row(id);
          assert.equal(afterRow.state, state);
          // perform() may have added a review case first (allowed in every state): only that.
          assert.ok(afterRow.version - before.version <= 2);
          assert.ok((await eventCount(id)) - n <= 2);
          refused++;
        }
      }
      assert.ok(refused >= 100, `refused ${refused}`);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('authorization (policy.ts)', () => {
    test('a clerk of agency B cannot act on agency A’s case; nothing is written', async () => {
      clock.today = '2025-03-20';
      const id = await registered('2025-03-03');
      const audits = await auditCount();
      await rejects(act(reply, desk.clerkB, id, { date: '2025-03-20', outcomeRow: '3.1', ground: 'provided', basis: '条例第三十六条' }), ForbiddenError, /没有权限/);
      await rejects(getApplicationForStaff(db, deps, desk.clerkB, id), ForbiddenError);
      await rejects(registerByStaff(db, deps, desk.clerkB, inPerson(desk.agencyA, '2025-03-20')), ForbiddenError);
      assert.equal(await eventCount(id), 1);
      assert.equal((await row(id)).version, 1);
      assert.equal(await auditCount(), audits);
    });

    test('a supervisor reads the subtree but handles nothing; an administrator does not handle cases', async () => {
      clock.today = '2025-03-20';
      const id = await registered('2025-03-03');
      const view = await getApplicationForStaff(db, deps, desk.supervisor, id);
      assert.equal(view.id, id);
      assert.ok(view.actions.length > 0);
      assert.ok(view.actions.every((a) => !a.permitted));
      await rejects(act(withdraw, desk.supervisor, id, { date: '2025-03-20' }), ForbiddenError);
      await rejects(act(withdraw, desk.admin, id, { date: '2025-03-20' }), ForbiddenError);
      await rejects(act(extend, desk.supervisor, id, { date: '2025-03-20', days: 5, reason: 'x' }), ForbiddenError);
      const clerkView = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.deepEqual(
        clerkView.actions.filter((a) => !a.permitted).map((a) => a.event),
        ['extended'],
      );
    });

    test('unknown application → NotFoundError', async () => {
      await rejects(withdraw(db, deps, desk.clerkA, { applicationId: 99_999_999, version: 1, date: '2025-03-20' }), NotFoundError, /未找到该申请/);
      await rejects(getApplicationForStaff(db, deps, desk.clerkA, 99_999_999), NotFoundError);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('concurrency (optimistic, version)', () => {
    test('two saves from the same version: the second is told, the first is intact', async () => {
      clock.today = '2025-03-20';
      const id = await registered('2025-03-03');
      const { version } = await row(id);
      await requestCorrection(db, deps, desk.clerkA, { applicationId: id, version, date: '2025-03-05', deadline: '2025-03-14', items: '第一位信息员的补正事项' });
      const audits = await auditCount();
      const e = await rejects(
        withdraw(db, deps, desk.clerkA, { applicationId: id, version, date: '2025-03-06' }),
        ConflictError,
        /^该申请已被他人修改，请刷新后重试$/,
      );
      assert.equal((e as ConflictError).status, 409);
      const a = await row(id);
      assert.equal(a.state, 'correction_requested');
      assert.equal(a.version, version + 1);
      assert.equal(await auditCount(), audits);
      const view = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.deepEqual(view.timeline.map((t) => t.type), ['registered', 'correction_requested']);
      assert.match(view.timeline[1]!.summary, /第一位信息员的补正事项/);
    });

    test('truly concurrent: exactly one of two simultaneous saves wins', async () => {
      clock.today = '2025-03-20';
      const id = await registered('2025-03-03');
      const { version } = await row(id);
      const results = await Promise.allSettled([
        reply(db, deps, desk.clerkA, { applicationId: id, version, date: '2025-03-20', outcomeRow: '3.1', ground: 'provided', basis: '条例第三十六条' }),
        withdraw(db, deps, desk.clerkA, { applicationId: id, version, date: '2025-03-20' }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(ok.length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))));
      assert.ok(failed[0]!.reason instanceof ConflictError, String(failed[0]!.reason));
      assert.equal(await eventCount(id), 2);
      assert.equal((await row(id)).version, version + 1);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the event log', () => {
    test('is append-only inside the database: UPDATE and DELETE fail', async () => {
      clock.today = '2025-03-20';
      const id = await registered('2025-03-03');
      await assert.rejects(db.kysely.updateTable('application_events').set({ note: 'forged' }).where('application_id', '=', id).execute(), /append-only/);
      await assert.rejects(db.kysely.deleteFrom('application_events').where('application_id', '=', id).execute(), /append-only/);
      assert.equal(await eventCount(id), 1);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('bad input through the service', () => {
    test('every problem of a form at once, in Chinese, per field', async () => {
      clock.today = '2025-03-20';
      const e = (await rejects(
        registerByStaff(db, deps, desk.clerkA, {
          ...inPerson(desk.agencyA, '2025-02-30'),
          applicantName: '张'.repeat(101),
          description: undefined,
          idNumber: '110105194912310021',
          contactEmail: 'not-an-email',
        }),
        ValidationError,
      )) as ValidationError;
      assert.equal(e.status, 422);
      assert.equal(e.fields.applicantName, '申请人姓名或名称不能超过100个字');
      assert.equal(e.fields.description, '请填写所需政府信息的名称、文号或特征性描述');
      assert.match(e.fields.submittedOn!, /该月没有第 30 日/);
      assert.match(e.fields.idNumber!, /居民身份证号码不正确/);
      assert.match(e.fields.contactEmail!, /电子邮箱格式不对/);
    });

    test('wrong types and malformed versions are validation errors, not crashes', async () => {
      clock.today = '2025-03-20';
      const id = await registered('2025-03-03');
      const e = (await rejects(extend(db, deps, desk.headA, { applicationId: String(id), version: 'x', date: 20250310, days: 'abc', reason: ['a'] }), ValidationError)) as ValidationError;
      assert.equal(e.fields.version, '版本号应为整数');
      assert.equal(e.fields.days, '延长工作日数应为整数');
      assert.match(e.fields.date!, /延期决定日期应为日期文字/);
      assert.equal(e.fields.reason, '延期理由应为文字');
      assert.equal(e.fields.applicationId, undefined); // '123' from a form is fine
    });
  });
});
