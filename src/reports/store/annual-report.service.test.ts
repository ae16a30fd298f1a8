/**
 * The annual report kept in the system, on SQLite or PostgreSQL (TEST_DATABASE_URL): created from
 * the records, prose edited, checked (D1, D2, R1 on top of the report checks), reviewed through
 * the agency's chain, published, revised with a change note; who may do what; stale versions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../accounts/policy.js';
import { ForbiddenError } from '../../accounts/policy.js';
import { registerByStaff } from '../../applications/application.service.js';
import type { Db } from '../../db/database.js';
import { ConflictError, NotFoundError, StateError } from '../../errors.js';
import { ValidationError } from '../../validation.js';
import { agency, calendar, inPerson, user } from '../../../test/support/application-fixtures.js';
import { openTestDb } from '../../../test/support/db.js';
import { generateReport } from '../generate/index.js';
import {
  createReport,
  getReportForStaff,
  listReports,
  publicReport,
  publishedReports,
  regenerate,
  reportDeadline,
  review,
  revise,
  saveProse,
  submit,
  type AnnualReportDeps,
} from './annual-report.service.js';

/** A clock the test moves: `at.today` at 10:00 in China. */
function clock(today: string): { at: { today: string }; deps: AnnualReportDeps } {
  const at = { today };
  return { at, deps: { now: () => new Date(`${at.today}T10:00:00+08:00`) } };
}

const PROSE = {
  section1: '2025年，本镇认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息，依法办理政府信息公开申请。',
  section5: '存在的主要问题是信息更新不够及时。下一步将建立信息发布台账，每月检查栏目更新情况。',
  section6: '本年度未收取信息处理费。无其他需要报告的事项。',
};

describe('the annual report kept in the system', () => {
  let db: Db;
  let gov: number;
  let town: number;
  let village: number;
  let other: number;
  let clerk: Actor;
  let clerkReviewer: Actor;
  let reviewer: Actor;
  let head: Actor;
  let villageClerk: Actor;
  let otherClerk: Actor;
  let supervisor: Actor;

  before(async () => {
    db = await openTestDb();
    const tag = Math.random().toString(36).slice(2, 8);
    gov = await agency(db, `某区人民政府${tag}`, 'government', null);
    town = await agency(db, `某镇人民政府${tag}`, 'town', gov);
    village = await agency(db, `某村民委员会${tag}`, 'village', town);
    other = await agency(db, `某区教育局${tag}`, 'department', gov);
    clerk = await user(db, '镇信息员', [[town, 'clerk']]);
    clerkReviewer = await user(db, '镇信息员兼审核人', [
      [town, 'clerk'],
      [town, 'reviewer'],
    ]);
    reviewer = await user(db, '镇审核人', [
      [town, 'reviewer'],
      [town, 'head'],
    ]);
    head = await user(db, '镇负责人', [[town, 'head']]);
    villageClerk = await user(db, '村信息员', [[village, 'clerk']]);
    otherClerk = await user(db, '局信息员', [[other, 'clerk']]);
    supervisor = await user(db, '督查', [[gov, 'supervisor']]);
  });
  after(async () => {
    await db?.close();
  });

  test('deadlines (D1): a government by 31 March, every other agency by 31 January', () => {
    assert.equal(reportDeadline('government', 2025), '2026-03-31');
    for (const kind of ['department', 'town', 'street', 'village', 'community'] as const) assert.equal(reportDeadline(kind, 2025), '2026-01-31');
  });

  test('create: tables from the records, empty prose; bad input and other agencies refused', async () => {
    const { deps } = clock('2026-01-05');
    await assert.rejects(createReport(db, deps, clerk, { agencyId: town, year: 2027 }), (e) => e instanceof ValidationError && /尚未开始/.test(e.fields.year ?? ''));
    await assert.rejects(createReport(db, deps, clerk, { agencyId: town, year: 2018 }), ValidationError);
    await assert.rejects(createReport(db, deps, clerk, { agencyId: town, year: 'x' }), ValidationError);
    await assert.rejects(createReport(db, deps, otherClerk, { agencyId: town, year: 2025 }), ForbiddenError);
    await assert.rejects(createReport(db, deps, supervisor, { agencyId: town, year: 2025 }), ForbiddenError, 'a supervisor only reads');

    const r = await createReport(db, deps, clerk, { agencyId: town, year: 2024 });
    const view = await getReportForStaff(db, deps, clerk, r.reportId);
    const generated = (await generateReport(db, { agencyId: town, year: 2024 })).report;
    assert.equal(view.current.content.format, '2021');
    assert.deepEqual(view.current.content.applications, generated.applications);
    assert.deepEqual(view.current.content.reviews, generated.reviews);
    assert.deepEqual(view.current.content.proactive, generated.proactive);
    assert.deepEqual(view.current.content.sections, { '1': '', '5': '', '6': '' });
    assert.equal(view.report.status, 'late', 'a draft of 2024 in January 2026 is past its deadline');
    await assert.rejects(createReport(db, deps, clerk, { agencyId: town, year: 2024 }), ConflictError, 'one report per agency and year');
    await assert.rejects(getReportForStaff(db, deps, otherClerk, r.reportId), NotFoundError, 'another agency learns nothing');
    assert.equal((await getReportForStaff(db, deps, supervisor, r.reportId)).may.edit, false);
  });

  test('edit, submit with an error only with a reason, review through the chain, publish late, revise with a change note', async () => {
    const { at, deps } = clock('2026-01-10');
    const created = await createReport(db, deps, clerkReviewer, { agencyId: town, year: 2025 });
    let version = created.version;

    // A stale version changes nothing.
    await assert.rejects(saveProse(db, deps, clerkReviewer, created.reportId, { version: version + 5, ...PROSE }), ConflictError);
    assert.deepEqual((await getReportForStaff(db, deps, clerkReviewer, created.reportId)).current.content.sections, { '1': '', '5': '', '6': '' });
    await assert.rejects(saveProse(db, deps, clerkReviewer, created.reportId, { version, ...PROSE, section5: 'x'.repeat(50_001) }), ValidationError);
    await assert.rejects(saveProse(db, deps, otherClerk, created.reportId, { version, ...PROSE }), NotFoundError);
    version = (await saveProse(db, deps, clerkReviewer, created.reportId, { version, ...PROSE })).version;
    const view = await getReportForStaff(db, deps, clerkReviewer, created.reportId);
    assert.equal(view.current.content.sections['5'], PROSE.section5);
    assert.ok(!view.findings.some((f) => f.rule === 'D1'), 'not late on 10 January');

    // Past the deadline: D1 is an error; submitting needs a written reason, kept with the version.
    at.today = '2026-02-03';
    const late = await getReportForStaff(db, deps, clerkReviewer, created.reportId);
    assert.ok(late.findings.some((f) => f.rule === 'D1' && f.severity === 'error'));
    assert.equal(late.report.status, 'late');
    await assert.rejects(submit(db, deps, clerkReviewer, created.reportId, { version }), (e) => e instanceof ValidationError && /D1/.test(e.fields.overrideReason ?? ''));
    const sent = await submit(db, deps, clerkReviewer, created.reportId, { version, overrideReason: '因系统切换，报告晚于期限公布，已向主管部门说明' });
    version = sent.version;
    assert.equal(sent.state, 'in_review');
    assert.ok(sent.findings.some((f) => f.rule === 'D1'));
    await assert.rejects(saveProse(db, deps, clerkReviewer, created.reportId, { version, ...PROSE }), StateError, 'no edits in review');

    // Nobody reviews their own report; a clerk cannot review; the chain decides who.
    await assert.rejects(review(db, deps, clerkReviewer, created.reportId, { version, conclusion: 'approved', basis: '同意' }), ForbiddenError);
    await assert.rejects(review(db, deps, clerk, created.reportId, { version, conclusion: 'approved', basis: '同意' }), ForbiddenError);
    await assert.rejects(review(db, deps, reviewer, created.reportId, { version, conclusion: 'returned', basis: '需修改' }), ValidationError, 'a return says what to change');
    version = (await review(db, deps, reviewer, created.reportId, { version, conclusion: 'returned', basis: '条例第五十条', comment: '请补充平台建设情况' })).version;
    let v = await getReportForStaff(db, deps, clerkReviewer, created.reportId);
    assert.equal(v.current.state, 'returned');
    assert.match(v.reviews.at(-1)!.comment ?? '', /平台建设/);
    version = (await saveProse(db, deps, clerkReviewer, created.reportId, { version, ...PROSE, section1: `${PROSE.section1}政府网站政府信息公开专栏运行正常。` })).version;
    version = (await submit(db, deps, clerkReviewer, created.reportId, { version, overrideReason: '逾期原因已说明' })).version;
    version = (await review(db, deps, reviewer, created.reportId, { version, conclusion: 'approved', basis: '经审查，数据与台账一致' })).version;
    await assert.rejects(review(db, deps, reviewer, created.reportId, { version, conclusion: 'approved', basis: '同意' }), ForbiddenError, 'not two levels of one submission');
    assert.equal(await publicReport(db.kysely, town, 2025), undefined, 'nothing public before the last level');
    const published = await review(db, deps, head, created.reportId, { version, conclusion: 'approved', basis: '同意公布' });
    version = published.version;
    assert.equal(published.state, 'published');

    const pub = await publicReport(db.kysely, town, 2025);
    assert.ok(pub);
    assert.equal(pub.publishedOn, '2026-02-03');
    assert.match(pub.content.sections['1'] ?? '', /专栏运行正常/);
    assert.deepEqual(
      pub.history.map((h) => [h.number, h.current]),
      [[1, true]],
    );
    assert.ok((await publishedReports(db.kysely, [town, village])).some((r) => r.agencyId === town && r.year === 2025));
    v = await getReportForStaff(db, deps, clerkReviewer, created.reportId);
    assert.equal(v.report.status, 'published');
    assert.ok(v.versions[0]!.late);
    assert.equal(v.may.revise, true);

    // A change after publication is a new version with a public change note (D2).
    at.today = '2026-03-02';
    version = (await revise(db, deps, clerkReviewer, created.reportId, { version })).version;
    await assert.rejects(revise(db, deps, clerkReviewer, created.reportId, { version }), StateError, 'one open version at a time');
    version = (await saveProse(db, deps, clerkReviewer, created.reportId, { version, ...PROSE, section6: '本年度收取信息处理费0元。无其他需要报告的事项。' })).version;
    assert.ok((await getReportForStaff(db, deps, clerkReviewer, created.reportId)).findings.some((f) => f.rule === 'D2'));
    await assert.rejects(submit(db, deps, clerkReviewer, created.reportId, { version, overrideReason: '逾期' }), (e) => e instanceof ValidationError && !!e.fields.changeNote);
    version = (await submit(db, deps, clerkReviewer, created.reportId, { version, overrideReason: '逾期原因已说明', changeNote: '更正第六部分信息处理费表述' })).version;
    assert.equal((await publicReport(db.kysely, town, 2025))!.history.length, 1, 'the published version stays public meanwhile');
    version = (await review(db, deps, reviewer, created.reportId, { version, conclusion: 'approved', basis: '同意' })).version;
    await review(db, deps, head, created.reportId, { version, conclusion: 'approved', basis: '同意' });
    const again = (await publicReport(db.kysely, town, 2025))!;
    assert.match(again.content.sections['6'] ?? '', /0元/);
    assert.deepEqual(
      again.history.map((h) => [h.number, h.current, h.changeNote]),
      [
        [2, true, '更正第六部分信息处理费表述'],
        [1, false, null],
      ],
    );
  });

  test('R1: a case recorded after generation makes table 三 differ from the records until regenerated', async () => {
    const { deps } = clock('2026-01-12');
    const created = await createReport(db, deps, clerk, { agencyId: town, year: 2023 });
    let version = created.version;
    assert.ok(!(await getReportForStaff(db, deps, clerk, created.reportId)).findings.some((f) => f.rule === 'R1'));
    await registerByStaff(db, { calendar, now: () => new Date('2023-06-01T10:00:00+08:00') }, clerk, inPerson(town, '2023-06-01'));
    const stale = await getReportForStaff(db, deps, clerk, created.reportId);
    const r1 = stale.findings.find((f) => f.rule === 'R1');
    assert.ok(r1, 'R1 reported');
    assert.equal(r1.severity, 'error');
    version = (await regenerate(db, deps, clerk, created.reportId, { version })).version;
    const fresh = await getReportForStaff(db, deps, clerk, created.reportId);
    assert.ok(!fresh.findings.some((f) => f.rule === 'R1'));
    assert.equal(fresh.current.content.applications['1']!.natural_person, 1);
    assert.ok(version > created.version);
  });

  test("a government's report covers its region: its tables are the roll-up of its subordinate agencies", async () => {
    const { deps } = clock('2026-01-12');
    const govClerk = await user(db, '区政府信息员', [[gov, 'clerk']]);
    const deptClerk = await user(db, '局信息员2', [[other, 'clerk']]);
    await registerByStaff(db, { calendar, now: () => new Date('2024-03-01T10:00:00+08:00') }, deptClerk, inPerson(other, '2024-03-01'));
    await registerByStaff(db, { calendar, now: () => new Date('2024-04-01T10:00:00+08:00') }, clerk, inPerson(town, '2024-04-01'));
    const created = await createReport(db, deps, govClerk, { agencyId: gov, year: 2024 });
    const view = await getReportForStaff(db, deps, govClerk, created.reportId);
    const own = async (agencyId: number) => (await generateReport(db, { agencyId, year: 2024 })).report.applications['1']!.total!;
    assert.equal(view.current.content.applications['1']!.total, (await own(gov)) + (await own(town)) + (await own(other)));
    assert.ok((view.current.content.applications['1']!.total ?? 0) >= 2);
    assert.deepEqual(
      view.records.rollup?.included.map((a) => a.id).sort((a, b) => a - b),
      [town, other].sort((a, b) => a - b),
      'the agencies with records',
    );
    assert.ok(!view.findings.some((f) => f.rule === 'R1'), 'R1 compares with the roll-up, not the government’s own records');
    const townView = await getReportForStaff(db, deps, clerk, (await createReport(db, deps, clerk, { agencyId: town, year: 2021 })).reportId);
    assert.equal(townView.records.rollup, null, 'a town reports its own records');
  });

  test("villages do not report; the list shows each agency's status against its deadline and what awaits the actor", async () => {
    const { deps } = clock('2026-01-20');
    await assert.rejects(createReport(db, deps, villageClerk, { agencyId: village, year: 2025 }), (e) => e instanceof ValidationError && /不是行政机关/.test(Object.values(e.fields).join('')));
    const created = await createReport(db, deps, clerk, { agencyId: town, year: 2022 });
    let version = (await saveProse(db, deps, clerk, created.reportId, { version: created.version, ...PROSE })).version;
    version = (await submit(db, deps, clerk, created.reportId, { version, overrideReason: '补报2022年度报告' })).version;
    const rows = await listReports(db, deps, reviewer, 2022);
    const row = rows.find((r) => r.agencyId === town);
    assert.ok(row);
    assert.deepEqual([row.status, row.awaitingMe], ['late', true]);
    assert.equal((await listReports(db, deps, clerk, 2022)).find((r) => r.agencyId === town)?.awaitingMe, false, 'not for its author');
    await review(db, deps, reviewer, created.reportId, { version, conclusion: 'approved', basis: '同意' });

    const gov2025 = (await listReports(db, deps, supervisor, 2025)).find((r) => r.agencyId === gov)!;
    assert.deepEqual([gov2025.status, gov2025.deadline], ['not_started', '2026-03-31']);
    const late = (await listReports(db, clock('2026-02-01').deps, supervisor, 2025)).find((r) => r.agencyId === other)!;
    assert.equal(late.status, 'late', 'a department without a report on 1 February');
    assert.equal((await listReports(db, deps, otherClerk, 2025)).some((r) => r.agencyId === town), false);
    await assert.rejects(listReports(db, deps, clerk, 1990), ValidationError);
  });
});
