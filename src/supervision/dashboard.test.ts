/**
 * The supervision dashboard's figures, on SQLite or PostgreSQL (TEST_DATABASE_URL), from records
 * made through the services (test-helpers.ts buildWorld): every column of every row, the column
 * roll-up of a town and its village, the staleness threshold, the report states against their
 * deadlines, the monthly trends, the scope of a supervisor (403 / 404), filters and sorting, and
 * the query's validation in Chinese.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ForbiddenError } from '../accounts/policy.js';
import { createReport, review as reviewReport, submit as submitReport } from '../reports/store/annual-report.service.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { ValidationError } from '../validation.js';
import { calendar } from '../../test/support/application-fixtures.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { computeFigures, filterRows, lastTwelveMonths, sortRows, type AgencyFigures, type Figures } from './dashboard.js';
import { loadAgencies, scopeFor, subtreesOf } from './scope.js';
import { dashboardFor, readDashboardQuery } from './service.js';
import { at, buildWorld, TODAY, type World } from './test-helpers.js';

const row = (f: Figures, id: number): AgencyFigures => {
  const r = f.rows.find((x) => x.agencyId === id);
  assert.ok(r, `row of agency ${id}`);
  return r;
};

describe(`supervision dashboard figures (${testDialect})`, () => {
  let db: Db;
  let w: World;
  const deps = { calendar, now: at(TODAY) };
  const figures = async (actor = w.supervisor, staleDays = 30, d = deps) => computeFigures(db, d, scopeFor(actor, await loadAgencies(db.kysely)), { staleDays });

  before(async () => {
    db = await openTestDb();
    w = await buildWorld(db);
  });
  after(async () => {
    await db?.close();
  });

  test('the scope: the supervised subtree in tree order, with levels; organs and villages told apart', async () => {
    const f = await figures();
    assert.deepEqual(
      f.rows.map((r) => [r.agencyId, r.level, r.organ]),
      [
        [w.gov, 0, true],
        [w.deptA, 1, true],
        [w.deptB, 1, true],
        [w.town, 1, true],
        [w.village, 2, false],
        [w.town2, 1, true],
      ],
    );
    assert.equal(f.today, TODAY);
    assert.equal(f.dueBy, '2026-11-23', 'five working days after Monday 16 November');
    assert.equal(f.reportYear, 2025);
  });

  test('applications: overdue and due within five working days, per agency (the queue\'s definitions)', async () => {
    const f = await figures();
    assert.deepEqual([row(f, w.deptA).overdue, row(f, w.deptA).dueSoon], [1, 1]);
    for (const id of [w.gov, w.deptB, w.town, w.town2, w.village]) assert.deepEqual([row(f, id).overdue, row(f, id).dueSoon], [0, 0]);
    // A week later the due-soon case is overdue too, and the "later" one (due 30 November) is due soon.
    const later = await figures(w.supervisor, 30, { calendar, now: at('2026-11-24') });
    assert.deepEqual([row(later, w.deptA).overdue, row(later, w.deptA).dueSoon], [2, 1]);
  });

  test('catalogue: unpublished past the 20 working days; the last public update and the column of a town', async () => {
    const f = await figures();
    assert.equal(row(f, w.deptA).catalogueOverdue, 1);
    for (const id of [w.gov, w.deptB, w.town, w.town2, w.village]) assert.equal(row(f, id).catalogueOverdue, 0);

    const a = row(f, w.deptA);
    assert.deepEqual([a.lastPublishedOn, a.daysSinceUpdate, a.stale], [TODAY, 0, false]);
    const b = row(f, w.deptB);
    assert.deepEqual([b.lastPublishedOn, b.daysSinceUpdate, b.stale], [null, null, true], 'never published: stale');
    // The town's column holds its village's items: its last update is the village's (1 October),
    // later than the town's own (20 August).
    const t = row(f, w.town);
    assert.deepEqual([t.lastPublishedOn, t.daysSinceUpdate, t.stale], ['2026-10-01', 46, true]);
    const v = row(f, w.village);
    assert.deepEqual([v.lastPublishedOn, v.daysSinceUpdate, v.stale], ['2026-10-01', 46, false], 'a village has no column of its own to flag');
    // Before the twelve months of the trend: found all the same.
    const t2 = row(f, w.town2);
    assert.deepEqual([t2.lastPublishedOn, t2.daysSinceUpdate, t2.stale], ['2025-06-02', 532, true]);
    const g = row(f, w.gov);
    assert.deepEqual([g.lastPublishedOn, g.stale], [null, true], "a government's column does not include its departments' and towns' (organs of their own)");

    // The threshold: 46 days is not stale at 60, still stale at 45.
    assert.equal(row(await figures(w.supervisor, 60), w.town).stale, false);
    assert.equal(row(await figures(w.supervisor, 45), w.town).stale, true);
    assert.equal(row(await figures(w.supervisor, 46), w.town).stale, false, 'stale when more than N days have passed');
  });

  test('complaints: unanswered only (an answered one is not counted)', async () => {
    const f = await figures();
    assert.equal(row(f, w.town).complaints, 1);
    for (const id of [w.gov, w.deptA, w.deptB, w.town2, w.village]) assert.equal(row(f, id).complaints, 0);
  });

  test('problems per row, and the filters and sorts of the page', async () => {
    const f = await figures();
    assert.deepEqual(row(f, w.deptA).problems, ['overdue', 'due_soon', 'catalogue', 'report']);
    assert.deepEqual(row(f, w.town).problems, ['stale', 'report', 'complaints']);
    assert.deepEqual(row(f, w.village).problems, []);
    assert.deepEqual(
      filterRows(f.rows, 'any').map((r) => r.agencyId),
      [w.gov, w.deptA, w.deptB, w.town, w.town2],
    );
    assert.deepEqual(
      filterRows(f.rows, 'complaints').map((r) => r.agencyId),
      [w.town],
    );
    assert.deepEqual(
      filterRows(f.rows, 'overdue').map((r) => r.agencyId),
      [w.deptA],
    );
    assert.equal(filterRows(f.rows, undefined).length, 6);
    assert.equal(sortRows(f.rows, 'overdue')[0]!.agencyId, w.deptA);
    assert.equal(sortRows(f.rows, 'complaints')[0]!.agencyId, w.town);
    // Never updated first, then the longest since; the village (no column) last.
    assert.deepEqual(
      sortRows(f.rows, 'stale').map((r) => r.agencyId),
      [w.gov, w.deptB, w.town2, w.town, w.deptA, w.village],
    );
    assert.deepEqual(
      sortRows(f.rows, 'tree').map((r) => r.agencyId),
      f.rows.map((r) => r.agencyId),
    );
  });

  test('trends: the last twelve months of the scope — received, replied late, published, published late', async () => {
    const f = await figures();
    assert.deepEqual(lastTwelveMonths(TODAY).months, ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    const by = (values: number[]) => Object.fromEntries(f.trends.months.map((m, i) => [m, values[i]]).filter(([, v]) => v !== 0));
    assert.deepEqual(by(f.trends.received), { '2026-06': 1, '2026-08': 1, '2026-10': 1, '2026-11': 1 });
    assert.deepEqual(by(f.trends.repliedLate), { '2026-09': 1 });
    assert.deepEqual(by(f.trends.published), { '2026-08': 1, '2026-10': 1, '2026-11': 1 }, 'the 2025 publication is before the twelve months');
    assert.deepEqual(by(f.trends.publishedLate), { '2026-08': 1 });
    // A supervisor of the town sees the town and its village only.
    const t = await figures(w.townSupervisor);
    assert.deepEqual(
      t.rows.map((r) => r.agencyId),
      [w.town, w.village],
    );
    assert.equal(t.rows[0]!.level, 0);
    assert.deepEqual(
      t.trends.received.every((n) => n === 0),
      true,
    );
    assert.equal(
      t.trends.published.reduce((a, b) => a + b, 0),
      2,
    );
    assert.deepEqual(lastTwelveMonths('2026-01-31').months.slice(0, 2), ['2025-02', '2025-03']);
  });

  test('who may see it: 403 for one who supervises nothing, 404 for an agency outside the scope', async () => {
    const all = await loadAgencies(db.kysely);
    assert.throws(() => scopeFor(w.clerkA, all), ForbiddenError);
    assert.throws(() => scopeFor(w.headA, all), ForbiddenError, 'a head of an agency does not supervise it');
    assert.throws(() => scopeFor(w.townSupervisor, all, w.deptA), NotFoundError);
    assert.throws(() => scopeFor(w.townSupervisor, all, 2_000_000_000), NotFoundError);
    assert.deepEqual(
      scopeFor(w.supervisor, all, w.town).map((a) => a.id),
      [w.town, w.village],
    );
    await assert.rejects(dashboardFor(db, deps, w.clerkA, {}, { staleDays: 30 }), ForbiddenError);
    const view = await dashboardFor(db, deps, w.supervisor, { agency: w.town, problem: 'complaints' }, { staleDays: 30 });
    assert.deepEqual(
      view.shown.map((r) => r.agencyId),
      [w.town],
    );
    assert.equal(view.totals.agencies, 2);
    // Two tops under one root are listed once each, in id order, wherever they are.
    assert.deepEqual(
      subtreesOf(all, [w.village, w.town]).map((a) => a.id),
      [w.town, w.village],
    );
  });

  test('the query: checked field by field, in Chinese; unknown names ignored', () => {
    assert.deepEqual(readDashboardQuery({ agency: '12', problem: 'stale', sort: 'name', stale: '45', other: 'x' }), { agency: 12, problem: 'stale', sort: 'name', stale: 45 });
    assert.deepEqual(readDashboardQuery({ problem: '', sort: '' }), {});
    const bad = (q: Record<string, unknown>, field: string, message: RegExp) =>
      assert.throws(
        () => readDashboardQuery(q),
        (e: unknown) => e instanceof ValidationError && message.test(e.fields[field] ?? ''),
        JSON.stringify(q),
      );
    bad({ problem: 'everything' }, 'problem', /问题「everything」无效/);
    bad({ sort: 'random' }, 'sort', /排序「random」无效/);
    bad({ stale: '0' }, 'stale', /不能小于1/);
    bad({ stale: '366' }, 'stale', /不能大于365/);
    bad({ stale: 'abc' }, 'stale', /应为整数/);
    bad({ agency: '-3' }, 'agency', /机关/);
    bad({ agency: '99999999999' }, 'agency', /机关/);
    bad({ agency: ['1', '2'] }, 'agency', /参数重复/);
  });
});

describe(`supervision dashboard: the annual report's state against its deadline (${testDialect})`, () => {
  let db: Db;
  let w: World;
  const clock = { today: '2026-01-10' };
  const deps = { calendar, now: () => at(clock.today)() };
  const states = async () => {
    const f = await computeFigures(db, deps, scopeFor(w.supervisor, await loadAgencies(db.kysely)), { staleDays: 30 });
    return Object.fromEntries(f.rows.map((r) => [r.agencyId, r.report ? `${r.report.status}:${r.report.deadline}` : null]));
  };

  before(async () => {
    db = await openTestDb();
    w = await buildWorld(db);
    const d = { now: () => at(clock.today)() };
    // 甲局: a draft. 某镇: submitted (in review). 另一镇: returned. 乙局: published (on time).
    await createReport(db, d, w.clerkA, { agencyId: w.deptA, year: 2025 });
    const town = await createReport(db, d, w.townClerk, { agencyId: w.town, year: 2025 });
    await submitReport(db, d, w.townClerk, town.reportId, { version: town.version, overrideReason: '部分数据待核实，先行提交审核' });
    const town2 = await createReport(db, d, w.town2Clerk, { agencyId: w.town2, year: 2025 });
    const s2 = await submitReport(db, d, w.town2Clerk, town2.reportId, { version: town2.version, overrideReason: '部分数据待核实，先行提交审核' });
    await reviewReport(db, d, w.town2Reviewer, town2.reportId, { version: s2.version, conclusion: 'returned', basis: '条例第五十条', comment: '请补充平台建设情况' });
    const b = await createReport(db, d, w.deptBClerk, { agencyId: w.deptB, year: 2025 });
    const sb = await submitReport(db, d, w.deptBClerk, b.reportId, { version: b.version, overrideReason: '部分数据待核实，先行提交审核' });
    const l1 = await reviewReport(db, d, w.deptBReviewer, b.reportId, { version: sb.version, conclusion: 'approved', basis: '经审查，同意' });
    await reviewReport(db, d, w.deptBHead, b.reportId, { version: l1.version, conclusion: 'approved', basis: '同意公布' });
  });
  after(async () => {
    await db?.close();
  });

  test('before the deadline: not started, draft, submitted, returned, published; villages have none', async () => {
    clock.today = '2026-01-10';
    assert.deepEqual(await states(), {
      [w.gov]: 'not_started:2026-03-31',
      [w.deptA]: 'draft:2026-01-31',
      [w.deptB]: 'published:2026-01-31',
      [w.town]: 'in_review:2026-01-31',
      [w.village]: null,
      [w.town2]: 'returned:2026-01-31',
    });
  });

  test('after 31 January every report not published is late — a government\'s only after 31 March', async () => {
    clock.today = '2026-02-03';
    assert.deepEqual(await states(), {
      [w.gov]: 'not_started:2026-03-31',
      [w.deptA]: 'late:2026-01-31',
      [w.deptB]: 'published:2026-01-31',
      [w.town]: 'late:2026-01-31',
      [w.village]: null,
      [w.town2]: 'late:2026-01-31',
    });
    clock.today = '2026-04-01';
    assert.equal((await states())[w.gov], 'late:2026-03-31');
    const f = await computeFigures(db, deps, scopeFor(w.supervisor, await loadAgencies(db.kysely)), { staleDays: 30 });
    const b = row(f, w.deptB);
    assert.equal(b.report?.publishedOn, '2026-01-10');
    assert.equal(b.report?.publishedLate, false);
    assert.ok(!b.problems.includes('report'));
    assert.ok(row(f, w.deptA).problems.includes('report'));
  });
});
