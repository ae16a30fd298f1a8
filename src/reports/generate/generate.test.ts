/**
 * Report generation from the records, on SQLite or PostgreSQL (TEST_DATABASE_URL): cases made
 * through the application desk's service (so that logs, reopenings and fees are what the system
 * really writes), catalogue documents, entered figures; both formats; roll-ups; and the SQL
 * checked against the counting rules' definition on random data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../accounts/policy.js';
import { createUser, grantRole, loadActor } from '../../accounts/user.repository.js';
import {
  addReviewCase,
  decideReviewCase,
  extend,
  issueFeeNotice,
  markCorrectionLapsed,
  markFeeLapsed,
  recordPayment,
  registerByStaff,
  reopenAfterReview,
  reply,
  requestCorrection,
  submitOnline,
  withdraw,
  type StepResult,
  type ServiceDeps,
} from '../../applications/application.service.js';
import { countReviewCases } from '../../applications/reconsideration.js';
import type { Db } from '../../db/database.js';
import type { AgencyKind, ApplicantType } from '../../db/schema.js';
import { NotFoundError } from '../../errors.js';
import { ValidationError } from '../../validation.js';
import { agency as makeAgency, fixedClock, inPerson, personInput, setupDesk, type Desk } from '../../../test/support/application-fixtures.js';
import { openTestDb, testDialect } from '../../../test/support/db.js';
import { checkReport } from '../checks/index.js';
import { APPLICANT_COLUMN_IDS, FORMATS, type FormatId } from '../format.js';
import type { Report } from '../report.js';
import { applicationRows, outcomeRowIn, yearBounds } from './counting.js';
import { generateReport, generateRollup } from './generate.js';
import { setReportEntry } from './entries.js';

type Op = (db: Db, deps: ServiceDeps, actor: Actor, input: unknown) => Promise<StepResult>;

/** A row of table 三 as [natural_person, commercial, research, public_interest, legal_services, other, total]. */
const rowOf = (r: Report, id: string) => [...APPLICANT_COLUMN_IDS, 'total'].map((c) => r.applications[id]![c]);
const cols = (cells: Partial<Record<ApplicantType, number>>) => {
  const out = (APPLICANT_COLUMN_IDS as readonly ApplicantType[]).map((c) => cells[c] ?? 0);
  return [...out, out.reduce((s, x) => s + x, 0)];
};
const ZERO = cols({});

/** The error-level table findings (T1–T4) of a report. */
const tableErrors = (r: Report) => checkReport(r).filter((f) => f.severity === 'error' && /^T/.test(f.rule));

/** A small seeded generator (mulberry32): rnd(n) is an integer in [0, n). */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe(`report generation (${testDialect})`, () => {
  let db: Db;
  let desk: Desk;
  const { deps } = fixedClock('2026-06-30');
  let agencyC: number;
  let village: number;

  const row = (id: number) => db.kysely.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  async function act(op: Op, id: number, input: Record<string, unknown>, actor?: Actor): Promise<StepResult> {
    const { version } = await row(id);
    return op(db, deps, actor ?? desk.headA, { applicationId: id, version, ...input });
  }
  async function received(agencyId: number, date: string, type: ApplicantType = 'natural_person'): Promise<number> {
    const org = type !== 'natural_person';
    const r = await registerByStaff(
      db,
      deps,
      desk.headA.access.has(agencyId) ? desk.headA : headB,
      inPerson(agencyId, date, { applicantType: type, ...(org ? { idType: 'other', idNumber: '事业单位法人证书 某001', contactPerson: '某联系人', applicantName: '某单位' } : {}) }),
    );
    return r.applicationId;
  }
  const replyTo = (id: number, date: string, outcomeRow: string, actor?: Actor) =>
    act(reply, id, { date, outcomeRow, basis: '条例第三十六条第（二）项', ...(outcomeRow === '3.4.1' ? { ground: 'not_held' } : {}) }, actor);
  async function reviewCase(id: number, kind: string, filedOn: string, actor?: Actor): Promise<number> {
    const r = await addReviewCase(db, deps, actor ?? desk.headA, { applicationId: id, version: (await row(id)).version, kind, filedOn });
    return r.reviewCaseId;
  }
  let headB: Actor;

  const agency = (name: string, kind: AgencyKind, parentId: number): Promise<number> => makeAgency(db, name, kind, parentId);

  /** A catalogue item published (one version), as the catalogue service leaves it. */
  async function document(agencyId: number, d: { written: string | null; published: string; docNumber?: string; category?: string; disclosure?: string; validity?: string; validityOn?: string; withdrawnAt?: string }) {
    const at = `${d.published}T02:00:00.000Z`;
    const item = await db.kysely
      .insertInto('catalogue_items')
      .values({ agency_id: agencyId, index_number: null, published_version_id: null, first_published_on: d.published, withdrawn_at: d.withdrawnAt ?? null, withdrawn_reason: d.withdrawnAt ? '误发' : null, created_at: at, created_by: desk.clerkA.userId, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    const v = await db.kysely
      .insertInto('catalogue_versions')
      .values({
        item_id: item.id,
        number: 1,
        state: 'published',
        title: `文件${item.id}`,
        summary: '摘要',
        publisher: '某机关',
        doc_number: d.docNumber ?? `某政发〔2022〕${item.id}号`,
        written_on: d.written,
        category: d.category ?? 'art20.1',
        subject: '综合政务',
        disclosure: d.disclosure ?? 'active',
        validity: d.validity ?? 'valid',
        validity_on: d.validityOn ?? null,
        repealed_by: d.validity === 'repealed' ? '某政发〔2022〕99号' : null,
        body: '正文',
        change_note: null,
        formed_on: d.written ?? d.published,
        due_on: d.published,
        chain: null,
        review_agency_id: null,
        review_role: null,
        author_id: desk.clerkA.userId,
        created_at: at,
        updated_at: at,
        submitted_at: at,
        published_on: d.published,
        published_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.kysely.updateTable('catalogue_items').set({ published_version_id: v.id }).where('id', '=', item.id).execute();
  }

  before(async () => {
    db = await openTestDb();
    desk = await setupDesk(db);
    const { createUser, grantRole, loadActor } = await import('../../accounts/user.repository.js');
    const uid = await createUser(db.kysely, { username: `headB_${Math.random().toString(36).slice(2, 8)}`, displayName: '乙局负责人', passwordHash: 'x' });
    await grantRole(db.kysely, uid, desk.agencyB, 'head');
    headB = (await loadActor(db.kysely, uid))!;
    agencyC = await agency('市丙局（无记录）', 'department', desk.gov);
    village = await agency('某村民委员会', 'village', desk.gov);
  });
  after(async () => {
    await db.close();
  });

  describe('2020 in the 2019 format (agency A)', () => {
    before(async () => {
      const A = desk.agencyA;
      // Received in 2019, extended across New Year, answered in January 2020: carried over.
      const a1 = await received(A, '2019-12-16');
      await act(extend, a1, { date: '2020-01-08', days: 10, reason: '需要调取档案' });
      await replyTo(a1, '2020-01-22', '3.1');
      const a2 = await received(A, '2020-03-02', 'commercial');
      await replyTo(a2, '2020-03-16', '3.2');
      const a3 = await received(A, '2020-04-01');
      await act(withdraw, a3, { date: '2020-04-03' });
      const a4 = await received(A, '2020-05-06', 'legal_services');
      await act(requestCorrection, a4, { date: '2020-05-08', deadline: '2020-05-22', items: '请写明文件名称' });
      await act(markCorrectionLapsed, a4, { date: '2020-05-26' });
      await received(A, '2020-12-21'); // still open
      const a6 = await received(A, '2020-06-01', 'research');
      await replyTo(a6, '2020-06-15', '3.3.6');
      const rc = await reviewCase(a6, 'reconsideration', '2020-07-01');
      await act(decideReviewCase, a6, { reviewCaseId: rc, result: 'upheld', decidedOn: '2020-08-01' });
      await reviewCase(a6, 'litigation_after', '2020-08-20'); // pending at year end
      // Submitted online and never confirmed: not received, not counted.
      await submitOnline(db, fixedClock('2020-11-30').deps, personInput(A));
      const a8 = await received(A, '2019-06-03');
      await replyTo(a8, '2019-06-17', '3.1');
      // Catalogue: made in 2020; made in 2019 and published in 2020; published in 2019.
      await document(A, { written: '2020-02-01', published: '2020-02-10' });
      await document(A, { written: '2019-12-20', published: '2020-01-05' });
      await document(A, { written: '2019-05-01', published: '2019-05-02' });
      await document(A, { written: '2020-03-01', published: '2020-03-02', category: 'art20.7' });
      // Entered figures (2019 format): all but 行政强制 and 采购.
      for (const cell of ['licensing', 'other_services', 'penalty'].flatMap((r) => ['items_last_year', 'change', 'decisions'].map((c) => `${r}.${c}`))) {
        await setReportEntry(db, desk.clerkA, { agencyId: A, year: 2020, cell, value: cell === 'licensing.change' ? '-2' : '5', note: '区行政审批服务局台账' }, { now: deps.now! });
      }
      await setReportEntry(db, desk.clerkA, { agencyId: A, year: 2020, cell: 'fees.items_last_year', value: 3, note: '收费目录' }, { now: deps.now! });
      await setReportEntry(db, desk.clerkA, { agencyId: A, year: 2020, cell: 'fees.change', value: 0, note: '收费目录' }, { now: deps.now! });
    });

    test('section 三: received, carried over (extension across New Year), closed by row, open at year end', async () => {
      const { report, sources, warnings } = await generateReport(db, { agencyId: desk.agencyA, year: 2020 });
      assert.equal(report.format, '2019');
      assert.equal(report.year, 2020);
      assert.deepEqual(rowOf(report, '1'), cols({ natural_person: 2, commercial: 1, research: 1, legal_services: 1 }));
      assert.deepEqual(rowOf(report, '2'), cols({ natural_person: 1 }));
      assert.deepEqual(rowOf(report, '3.1'), cols({ natural_person: 1 }));
      assert.deepEqual(rowOf(report, '3.2'), cols({ commercial: 1 }));
      assert.deepEqual(rowOf(report, '3.3.6'), cols({ research: 1 }));
      assert.deepEqual(rowOf(report, '3.6'), cols({ natural_person: 1, legal_services: 1 }), 'withdrawal and lapsed correction in （六） (2019 format)');
      assert.deepEqual(rowOf(report, '3.7'), cols({ natural_person: 2, commercial: 1, research: 1, legal_services: 1 }));
      assert.deepEqual(rowOf(report, '4'), cols({ natural_person: 1 }));
      assert.deepEqual(rowOf(report, '3.4.1'), ZERO);
      assert.deepEqual(warnings, []);
      assert.deepEqual(tableErrors(report), []);
      assert.equal(sources.applications['1']!['natural_person']!.origin, 'records');
      assert.match(sources.applications['1']!['natural_person']!.rule, /2020年1月1日至12月31日/);
      assert.equal(sources.applications['3.7']!['research']!.origin, 'sum');
      assert.equal(sources.applications['2']!['total']!.origin, 'sum');
    });

    test('the year before: the same case received (一) and carried into 2020 (四)', async () => {
      const { report } = await generateReport(db, { agencyId: desk.agencyA, year: 2019 });
      assert.deepEqual(rowOf(report, '1'), cols({ natural_person: 2 }));
      assert.deepEqual(rowOf(report, '3.1'), cols({ natural_person: 1 }));
      assert.deepEqual(rowOf(report, '4'), cols({ natural_person: 1 }));
      const next = await generateReport(db, { agencyId: desk.agencyA, year: 2020 });
      // T5: no warning between the two generated years.
      assert.deepEqual(checkReport(next.report, { previous: report }).filter((f) => f.rule === 'T5'), []);
    });

    test('section 四: decided in the year by result, pending at year end', async () => {
      const { report, sources } = await generateReport(db, { agencyId: desk.agencyA, year: 2020 });
      assert.deepEqual(report.reviews['reconsideration'], { upheld: 1, corrected: 0, other: 0, pending: 0, total: 1 });
      assert.deepEqual(report.reviews['litigation_after'], { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 });
      assert.deepEqual(report.reviews['litigation_direct'], { upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 });
      assert.equal(sources.reviews['litigation_after']!['pending']!.records, 'review_cases');
      const later = await generateReport(db, { agencyId: desk.agencyA, year: 2021 });
      assert.deepEqual(later.report.reviews['litigation_after'], { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 }, 'still pending');
      assert.deepEqual(later.report.reviews['reconsideration'], { upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 }, 'decided in 2020');
    });

    test('section 二: 第二十条第（一）项 from the catalogue, the rest entered, blanks where nothing was entered', async () => {
      const { report, sources } = await generateReport(db, { agencyId: desk.agencyA, year: 2020 });
      assert.deepEqual(report.proactive['normative_documents'], { made: 1, published: 2, total_published: 3 });
      assert.deepEqual(report.proactive['rules'], { made: 0, published: 0, total_published: 0 });
      assert.deepEqual(report.proactive['licensing'], { items_last_year: 5, change: -2, decisions: 5 });
      assert.deepEqual(report.proactive['fees'], { items_last_year: 3, change: 0 });
      assert.deepEqual(report.proactive['enforcement'], { items_last_year: null, change: null, decisions: null });
      assert.deepEqual(report.proactive['procurement'], { projects: null, amount: null });
      assert.equal(sources.proactive['normative_documents']!['made']!.origin, 'records');
      assert.equal(sources.proactive['normative_documents']!['made']!.records, 'catalogue');
      const lic = sources.proactive['licensing']!['decisions']!;
      assert.equal(lic.origin, 'entry');
      assert.equal(lic.entries![0]!.note, '区行政审批服务局台账');
      assert.equal(lic.entries![0]!.enteredBy.id, desk.clerkA.userId);
      assert.equal(sources.proactive['enforcement']!['decisions']!.origin, 'none');
      // Blank cells are reported by C1, never silently 0.
      const c1 = checkReport(report).filter((f) => f.rule === 'C1').map((f) => `${f.row}.${f.column}`);
      assert.deepEqual(c1.sort(), ['enforcement.change', 'enforcement.decisions', 'enforcement.items_last_year', 'procurement.amount', 'procurement.projects']);
    });

    test('a figure entered over the catalogue replaces it and says what the catalogue gave', async () => {
      await setReportEntry(db, desk.clerkA, { agencyId: desk.agencyA, year: 2020, cell: 'normative_documents.total_published', value: 40, note: '含系统启用前发布的文件' }, { now: deps.now! });
      const { report, sources } = await generateReport(db, { agencyId: desk.agencyA, year: 2020 });
      assert.equal(report.proactive['normative_documents']!['total_published'], 40);
      const s = sources.proactive['normative_documents']!['total_published']!;
      assert.equal(s.origin, 'entry');
      assert.equal(s.recordsValue, 3);
    });
  });

  describe('2022 in the 2021 format (agency B): spanning years, lapses, fees, reopenings', () => {
    const ids: Record<string, number> = {};
    before(async () => {
      const B = desk.agencyB;
      const by = headB;
      const ans = (id: number, date: string, r: string) => replyTo(id, date, r, by);
      const step = (op: Op, id: number, input: Record<string, unknown>) => act(op, id, input, by);
      // Received 2021-12, closed 2022-01: carried over.
      ids.b1 = await received(B, '2021-12-20');
      await ans(ids.b1, '2022-01-10', '3.1');
      ids.b2 = await received(B, '2022-02-07', 'public_interest');
      await step(requestCorrection, ids.b2, { date: '2022-02-09', deadline: '2022-02-23', items: '请写明文件名称' });
      await step(markCorrectionLapsed, ids.b2, { date: '2022-02-28' });
      ids.b3 = await received(B, '2022-03-01', 'commercial');
      await step(issueFeeNotice, ids.b3, { date: '2022-03-03', noticeReceivedOn: '2022-03-04', method: 'items', quantity: 12 });
      await step(markFeeLapsed, ids.b3, { date: '2022-04-08' });
      ids.b4 = await received(B, '2022-03-07');
      await step(issueFeeNotice, ids.b4, { date: '2022-03-09', noticeReceivedOn: '2022-03-10', method: 'items', quantity: 11 });
      await step(recordPayment, ids.b4, { date: '2022-03-15' });
      await ans(ids.b4, '2022-03-25', '3.1');
      ids.b5 = await received(B, '2022-04-06', 'other');
      await step(withdraw, ids.b5, { date: '2022-04-08' });
      // Reopened and answered again in the same year: the final answer counts, once.
      ids.b6 = await received(B, '2022-05-05');
      await ans(ids.b6, '2022-05-19', '3.3.5');
      let rc = await reviewCase(ids.b6, 'reconsideration', '2022-06-01', by);
      await step(decideReviewCase, ids.b6, { reviewCaseId: rc, result: 'corrected', decidedOn: '2022-07-01' });
      await step(reopenAfterReview, ids.b6, { reviewCaseId: rc, date: '2022-07-04' });
      await ans(ids.b6, '2022-07-20', '3.1');
      // Answered in 2021, reopened and answered again in 2022: counted in 2021 only.
      ids.b7 = await received(B, '2021-10-11');
      await ans(ids.b7, '2021-10-25', '3.4.1');
      rc = await reviewCase(ids.b7, 'reconsideration', '2021-11-15', by);
      await step(decideReviewCase, ids.b7, { reviewCaseId: rc, result: 'corrected', decidedOn: '2022-01-14' });
      await step(reopenAfterReview, ids.b7, { reviewCaseId: rc, date: '2022-01-17' });
      await ans(ids.b7, '2022-02-14', '3.1');
      // Reopened in 2022, answered again in 2023: open at the end of 2022.
      ids.b8 = await received(B, '2022-09-01');
      await ans(ids.b8, '2022-09-15', '3.3.4');
      rc = await reviewCase(ids.b8, 'reconsideration', '2022-10-08', by);
      await step(decideReviewCase, ids.b8, { reviewCaseId: rc, result: 'corrected', decidedOn: '2022-11-20' });
      await step(reopenAfterReview, ids.b8, { reviewCaseId: rc, date: '2022-11-23' });
      await ans(ids.b8, '2023-01-05', '3.2');
      // Catalogue.
      await document(B, { written: '2021-06-01', published: '2021-06-10' }); // d1 in force
      await document(B, { written: '2022-03-01', published: '2022-03-05' }); // d2 issued 2022
      await document(B, { written: '2020-05-01', published: '2020-05-10', validity: 'repealed', validityOn: '2022-08-01' }); // d3 repealed 2022
      await document(B, { written: '2022-04-01', published: '2022-04-02', docNumber: '某市人民政府令第3号' }); // d4 a 规章
      await document(B, { written: '2022-01-10', published: '2022-01-12', withdrawnAt: '2022-05-01T03:00:00.000Z' }); // d6 withdrawn in 2022
      await document(B, { written: '2022-06-01', published: '2022-06-02', disclosure: 'on_request' }); // d7 not public
      await document(B, { written: '2019-03-01', published: '2019-03-05', validity: 'expired', validityOn: '2022-09-01' }); // d8 expired 2022
      await setReportEntry(db, headB, { agencyId: B, year: 2022, cell: 'fees.amount_wan_yuan', value: '0.35', note: '财政非税收入台账' }, { now: deps.now! });
    });

    test('section 三 of 2022: carried over from 2021-12, （六） split in three, reopened cases counted once', async () => {
      const { report, warnings } = await generateReport(db, { agencyId: desk.agencyB, year: 2022 });
      assert.equal(report.format, '2021');
      assert.deepEqual(rowOf(report, '1'), cols({ natural_person: 3, commercial: 1, public_interest: 1, other: 1 }));
      assert.deepEqual(rowOf(report, '2'), cols({ natural_person: 1 }), 'only the case received 2021-12-20; the one reopened in 2022 after a 2021 answer is not carried over');
      assert.deepEqual(rowOf(report, '3.1'), cols({ natural_person: 3 }), 'b1, b4 and the final answer of b6');
      assert.deepEqual(rowOf(report, '3.3.5'), ZERO, 'b6 answered again in the same year: its first answer no longer counts');
      assert.deepEqual(rowOf(report, '3.3.4'), ZERO, 'b8 reopened before year end');
      assert.deepEqual(rowOf(report, '3.6.1'), cols({ public_interest: 1 }));
      assert.deepEqual(rowOf(report, '3.6.2'), cols({ commercial: 1 }));
      assert.deepEqual(rowOf(report, '3.6.3'), cols({ other: 1 }));
      assert.deepEqual(rowOf(report, '3.7'), cols({ natural_person: 3, commercial: 1, public_interest: 1, other: 1 }));
      assert.deepEqual(rowOf(report, '4'), cols({ natural_person: 1 }), 'b8, reopened and not answered again by 31 December');
      assert.deepEqual(tableErrors(report), []);
      assert.ok(warnings.some((w) => /失效/.test(w)), 'the expired document is explained');
    });

    test('2021 and 2023: each case counted once across the years', async () => {
      const r21 = (await generateReport(db, { agencyId: desk.agencyB, year: 2021 })).report;
      assert.deepEqual(rowOf(r21, '1'), cols({ natural_person: 2 }));
      assert.deepEqual(rowOf(r21, '3.4.1'), cols({ natural_person: 1 }), 'b7 stays in 2021 with its first answer');
      assert.deepEqual(rowOf(r21, '3.1'), ZERO);
      assert.deepEqual(rowOf(r21, '4'), cols({ natural_person: 1 }));
      assert.deepEqual(r21.reviews['reconsideration'], { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 });
      const r22 = (await generateReport(db, { agencyId: desk.agencyB, year: 2022 })).report;
      const r23 = (await generateReport(db, { agencyId: desk.agencyB, year: 2023 })).report;
      assert.deepEqual(rowOf(r23, '1'), ZERO);
      assert.deepEqual(rowOf(r23, '2'), cols({ natural_person: 1 }));
      assert.deepEqual(rowOf(r23, '3.2'), cols({ natural_person: 1 }));
      assert.deepEqual(rowOf(r23, '4'), ZERO);
      for (const [prev, cur] of [
        [r21, r22],
        [r22, r23],
      ] as const) {
        assert.deepEqual(checkReport(cur, { previous: prev }).filter((f) => f.rule === 'T5'), []);
      }
      // Outcomes over all years: 8 cases received, 8 closings counted (b8 in 2023).
      const closed = [r21, r22, r23].reduce((s, r) => s + (r.applications['3.7']!['total'] as number), 0);
      assert.equal(closed, 8);
      assert.deepEqual(tableErrors(r21), []);
      assert.deepEqual(tableErrors(r23), []);
    });

    test('section 四 of 2022: the three corrections, by the year they were decided', async () => {
      const { report } = await generateReport(db, { agencyId: desk.agencyB, year: 2022 });
      assert.deepEqual(report.reviews['reconsideration'], { upheld: 0, corrected: 3, other: 0, pending: 0, total: 3 });
    });

    test('section 二 (2021): issued, repealed, in force from the catalogue; 万元 entered', async () => {
      const r22 = (await generateReport(db, { agencyId: desk.agencyB, year: 2022 })).report;
      assert.deepEqual(r22.proactive['normative_documents'], { issued: 1, repealed: 1, in_force: 2 });
      assert.deepEqual(r22.proactive['rules'], { issued: 1, repealed: 0, in_force: 1 });
      assert.deepEqual(r22.proactive['fees'], { amount_wan_yuan: 0.35 });
      assert.deepEqual(r22.proactive['licensing'], { decisions: null });
      const r21 = (await generateReport(db, { agencyId: desk.agencyB, year: 2021 })).report;
      assert.deepEqual(r21.proactive['normative_documents'], { issued: 1, repealed: 0, in_force: 3 });
      // T6 warns for the expired document (not a repeal), as the warning explains.
      assert.deepEqual(
        checkReport(r22, { previous: r21 })
          .filter((f) => f.rule === 'T6')
          .map((f) => f.row),
        ['normative_documents'],
      );
    });

    test('fees paid in the year: facts and a reminder for section 六', async () => {
      const g = await generateReport(db, { agencyId: desk.agencyB, year: 2022 });
      assert.deepEqual(g.facts.informationFees, { payments: 1, amountYuan: 100 });
      assert.ok(g.reminders.some((r) => /第六部分/.test(r) && /1笔/.test(r) && /100元/.test(r)), g.reminders.join('\n'));
      const g21 = await generateReport(db, { agencyId: desk.agencyB, year: 2021 });
      assert.deepEqual(g21.facts.informationFees, { payments: 0, amountYuan: 0 });
      assert.ok(g21.reminders.some((r) => /没有收取信息处理费的记录/.test(r)));
    });
  });

  describe('roll-up', () => {
    test('sums the subtree, lists the agencies included and the missing ones (never villages)', async () => {
      const r = await generateRollup(db, { agencyId: desk.gov, year: 2022 });
      const a = (await generateReport(db, { agencyId: desk.agencyA, year: 2022 })).report;
      const b = (await generateReport(db, { agencyId: desk.agencyB, year: 2022 })).report;
      // A's case received on 2020-12-21 is still open: carried over (二) and carried on (四).
      assert.deepEqual(rowOf(a, '2'), cols({ natural_person: 1 }));
      for (const id of Object.keys(r.report.applications)) {
        assert.deepEqual(rowOf(r.report, id), rowOf(a, id).map((x, i) => (x as number) + (rowOf(b, id)[i] as number)), `row ${id}: A + B`);
      }
      for (const g of Object.keys(r.report.reviews)) {
        for (const c of Object.keys(r.report.reviews[g]!)) assert.equal(r.report.reviews[g]![c], (a.reviews[g]![c] as number) + (b.reviews[g]![c] as number));
      }
      assert.equal(r.report.reviews['litigation_after']!['pending'], 1, "A's lawsuit pending since 2020");
      assert.deepEqual(
        r.included.map((x) => x.id),
        [desk.agencyA, desk.agencyB],
      );
      assert.deepEqual(r.missing.map((x) => x.id).sort((x, y) => x - y), [desk.gov, agencyC].sort((x, y) => x - y));
      assert.ok(!r.missing.some((a) => a.id === village));
      assert.ok(r.scope.some((a) => a.id === village));
      assert.ok(r.warnings.some((w) => w.includes('市丙局（无记录）')));
      // An entered cell with reporting agencies missing is blank, and says who is missing.
      assert.equal(r.report.proactive['fees']!['amount_wan_yuan'], null);
      const src = r.sources.proactive['fees']!['amount_wan_yuan']!;
      assert.equal(src.origin, 'entry');
      assert.deepEqual(src.entries!.map((e) => e.value), [0.35]);
      assert.deepEqual(src.missing!.map((a) => a.id).sort((x, y) => x - y), [desk.gov, desk.agencyA, agencyC].sort((x, y) => x - y));
      assert.deepEqual(tableErrors(r.report), []);
    });

    test('entered figures sum once every reporting agency has entered them', async () => {
      const now = { now: deps.now! };
      // Each agency's own clerk enters its figure (an administrator manages accounts, not figures).
      const clerkOf = async (agencyId: number): Promise<Actor> => {
        const id = await createUser(db.kysely, { username: `fig${agencyId}_${Math.random().toString(36).slice(2, 7)}`, displayName: '信息员', passwordHash: 'x' });
        await grantRole(db.kysely, id, agencyId, 'clerk');
        return (await loadActor(db.kysely, id))!;
      };
      for (const [agencyId, value] of [
        [desk.gov, '1.2'],
        [desk.agencyA, '0'],
        [agencyC, '0.0001'],
      ] as const) {
        await setReportEntry(db, await clerkOf(agencyId), { agencyId, year: 2022, cell: 'fees.amount_wan_yuan', value, note: '台账' }, now);
      }
      const r = await generateRollup(db, { agencyId: desk.gov, year: 2022 });
      assert.equal(r.report.proactive['fees']!['amount_wan_yuan'], 1.5501);
      assert.deepEqual(r.missing, [], 'an agency that entered figures is not missing');
      // includeSubordinates gives the same tables.
      const sub = await generateReport(db, { agencyId: desk.gov, year: 2022, includeSubordinates: true });
      assert.deepEqual(sub.report, r.report);
      // 2020: A's own records, A's entries; the documents of 2019–2020 summed.
      const r20 = await generateRollup(db, { agencyId: desk.gov, year: 2020 });
      const a20 = (await generateReport(db, { agencyId: desk.agencyA, year: 2020 })).report;
      assert.deepEqual(r20.report.applications, a20.applications, 'only A has cases in 2020');
      assert.deepEqual(
        r20.included.map((a) => a.id),
        [desk.agencyA, desk.agencyB],
        'B published a document in 2020',
      );
      assert.equal(r20.report.proactive['licensing']!['decisions'], null, 'B, C and the government entered nothing for 2020');
    });
  });

  test('bad requests: year before 2019, unknown agency', async () => {
    await assert.rejects(generateReport(db, { agencyId: desk.agencyA, year: 2018 }), (e: unknown) => e instanceof ValidationError && /2019/.test(e.message));
    await assert.rejects(generateReport(db, { agencyId: desk.agencyA, year: 2020.5 }), ValidationError);
    await assert.rejects(generateReport(db, { agencyId: 999_999, year: 2022 }), NotFoundError);
    await assert.rejects(generateRollup(db, { agencyId: 999_999, year: 2022 }), NotFoundError);
  });

  test('the SQL counts what the rules define, on random cases of every kind (and stays out of other agencies)', async () => {
    const R = await agency('随机局', 'department', desk.gov);
    const rnd = random(42);
    // One date in four on a year boundary (31 December or 1 January), where off-by-one errors live.
    const day = (n: number) => {
      const d = new Date(Date.UTC(2019, 5, 1) + n * 86_400_000).toISOString().slice(0, 10);
      const y = Number(d.slice(0, 4));
      return rnd(4) > 0 ? d : rnd(2) ? `${y}-12-31` : `${y + (d.slice(5) > '06' ? 1 : 0)}-01-01`;
    };
    const types = [...APPLICANT_COLUMN_IDS] as ApplicantType[];
    const facts: { received_on: string | null; closed_on: string | null; outcome_row: string | null; applicant_type: string }[] = [];
    const values = [];
    for (let i = 0; i < 400; i++) {
      const r = rnd(1700);
      const receivedOn = rnd(20) === 0 ? null : day(r);
      // Most cases close within 90 days; one in eight takes up to three years (spanning New Years).
      const closing = receivedOn === null || rnd(6) === 0 ? null : day(r + (rnd(8) === 0 ? rnd(1100) : rnd(90)));
      const closedOn = closing !== null && closing < receivedOn! ? receivedOn : closing;
      const format: FormatId = closedOn && closedOn < '2021' ? '2019' : '2021';
      const outcomes = FORMATS[format].applicationRows.filter((x) => x.outcome);
      const outcome = closedOn === null ? null : rnd(30) === 0 ? null : outcomes[rnd(outcomes.length)]!.id;
      const type = types[rnd(types.length)]!;
      facts.push({ received_on: receivedOn, closed_on: closedOn, outcome_row: outcome, applicant_type: type });
      values.push({
        agency_id: R,
        tracking_number: `${R}-R-${i}`,
        tracking_secret_hash: '0'.repeat(64),
        channel: 'in_person' as const,
        applicant_type: type,
        applicant_name: '某',
        id_type: 'other' as const,
        id_number: 'X',
        contact_person: null,
        contact_phone: null,
        contact_email: null,
        contact_address: null,
        postcode: null,
        description: '某信息',
        purpose: null,
        provision_form: 'paper' as const,
        delivery: 'pickup' as const,
        submitted_on: receivedOn ?? day(r),
        confirmed_on: null,
        received_on: receivedOn,
        state: closedOn ? ('replied' as const) : ('in_process' as const),
        reply_due_on: null,
        correction_due_on: null,
        next_due_on: null,
        clock_status: null,
        extension_days: null,
        outcome_row: outcome,
        outcome_basis: null,
        outcome_format: outcome ? format : null,
        closed_on: closedOn,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
        created_by: null,
      });
    }
    const inserted = await db.kysely.insertInto('applications').values(values).returning('id').execute();
    const reviewFacts = [];
    for (let i = 0; i < 120; i++) {
      const filed = rnd(1700);
      const result = (['upheld', 'corrected', 'other', null] as const)[rnd(4)]!;
      const kind = (['reconsideration', 'litigation_direct', 'litigation_after'] as const)[rnd(3)]!;
      const filedOn = day(filed);
      const later = result === null ? null : day(filed + rnd(500));
      const decided = later === null ? null : later < filedOn ? filedOn : later;
      reviewFacts.push({ kind, filed_on: filedOn, result, decided_on: decided });
      await db.kysely
        .insertInto('review_cases')
        .values({ application_id: inserted[rnd(inserted.length)]!.id, kind, filed_on: filedOn, body: null, case_number: null, result, decided_on: decided, note: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', created_by: null })
        .execute();
    }
    for (const year of [2019, 2020, 2021, 2022, 2023, 2024]) {
      const format = year <= 2020 ? '2019' : '2021';
      const expected: Record<string, Record<string, number>> = {};
      for (const r of FORMATS[format].applicationRows) expected[r.id] = Object.fromEntries([...types, 'total'].map((c) => [c, 0]));
      let flagged = 0;
      for (const a of facts) {
        const x = applicationRows(a, yearBounds(year));
        if (!x) continue;
        const end = x.end === '4' ? '4' : outcomeRowIn(format, x.end === '?' ? '' : x.end);
        const endRow = typeof end === 'string' ? end : end.row;
        if (typeof end !== 'string' && end.flagged) flagged++;
        for (const rowId of [x.start, endRow, ...(endRow !== '4' ? ['3.7'] : [])]) {
          expected[rowId]![a.applicant_type]!++;
          expected[rowId]!['total']!++;
        }
      }
      const g = await generateReport(db, { agencyId: R, year });
      assert.deepEqual(g.report.applications, expected, `section 三 of ${year}`);
      assert.equal(g.warnings.some((w) => /没有记录有效的办理结果行/.test(w)), flagged > 0, `warning about missing outcome rows in ${year}`);
      assert.deepEqual(g.report.reviews, countReviewCases(reviewFacts, year), `section 四 of ${year}`);
      assert.deepEqual(tableErrors(g.report), []);
    }
  });
});
