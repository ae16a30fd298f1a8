/**
 * The demo's records of 永安镇 reproduce its real 2020 annual report (the seed): the report
 * generated from them equals the seed's parsed tables in every cell. SQLite or PostgreSQL
 * (TEST_DATABASE_URL).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../db/database.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { checkReport } from '../reports/checks/index.js';
import { FORMATS } from '../reports/format.js';
import { generateReport } from '../reports/generate/index.js';
import { isAmount, type Report } from '../reports/report.js';
import { parseReportText } from '../reports/text/parse.js';
import { DEMO_REPORT_AGENCY, seedDemoReport2020 } from './report-2020.js';
import { seedDemo } from './seed.js';

const SEED = new URL('../../test/fixtures/reports/seed-2020-yongan.txt', import.meta.url);

/** Every cell where two reports' tables differ, as "section row column: expected ≠ actual" lines. */
function tableDiff(expected: Report, actual: Report): string[] {
  const f = FORMATS[expected.format];
  const show = (v: unknown) => (isAmount(v) ? `${v.value}${v.unit ?? '（无单位）'}` : JSON.stringify(v));
  const out: string[] = [];
  if (expected.format !== actual.format) out.push(`format: ${expected.format} ≠ ${actual.format}`);
  const cmp = (where: string, a: unknown, b: unknown) => {
    if (show(a) !== show(b)) out.push(`${where}: 应为 ${show(a)}，生成 ${show(b)}`);
  };
  for (const block of f.proactive)
    for (const r of block.rows) for (const c of block.columns) cmp(`二 ${block.label} ${r.label}（${r.id}）「${c.label}」`, expected.proactive[r.id]?.[c.id], actual.proactive[r.id]?.[c.id]);
  for (const r of f.applicationRows)
    for (const c of f.applicationColumns) cmp(`三 ${r.id} ${r.label}「${c.label}」`, expected.applications[r.id]?.[c.id], actual.applications[r.id]?.[c.id]);
  for (const g of f.reviewGroups) for (const c of f.reviewColumns) cmp(`四 ${g.label}「${c.label}」`, expected.reviews[g.id]?.[c.id], actual.reviews[g.id]?.[c.id]);
  return out;
}

describe(`demo records of 永安镇 behind the 2020 report (${testDialect})`, () => {
  let db: Db;
  let town: number;
  before(async () => {
    db = await openTestDb();
    await seedDemo(db.kysely);
    town = (await db.kysely.selectFrom('agencies').select('id').where('name', '=', DEMO_REPORT_AGENCY).executeTakeFirstOrThrow()).id;
  });
  after(async () => {
    await db.close();
  });

  test('the 2020 report regenerated from the demo records equals the seed, cell by cell', async () => {
    const seed = parseReportText(readFileSync(SEED, 'utf8')).report;
    const { report, sources } = await generateReport(db, { agencyId: town, year: 2020 });
    assert.equal(report.format, seed.format);
    assert.equal(report.year, seed.year);
    const diff = tableDiff(seed, report);
    assert.deepEqual(diff, [], `生成的表格与种子报告不一致：\n${diff.join('\n')}`);
    // The blanks of 行政强制 are blanks for the same reason: nothing was entered.
    assert.equal(sources.proactive['enforcement']!['decisions']!.origin, 'none');
    assert.equal(sources.proactive['licensing']!['decisions']!.origin, 'entry');
    // The same table findings as the seed itself: C1 for 行政强制, no arithmetic error.
    const rules = (r: Report) =>
      checkReport(r)
        .filter((x) => /^[CT]/.test(x.rule))
        .map((x) => `${x.rule} ${x.row}.${x.column}`)
        .sort();
    assert.deepEqual(rules(report), rules(seed));
  });

  test('tableDiff names the cells that differ (so a failure says where)', () => {
    const seed = parseReportText(readFileSync(SEED, 'utf8')).report;
    const changed = structuredClone(seed);
    changed.applications['3.1']!['natural_person'] = 2;
    changed.proactive['procurement']!['amount'] = { value: 0, unit: '元' };
    assert.deepEqual(tableDiff(seed, changed), ['二 第二十条第（九）项 政府集中采购（procurement）「采购总金额」: 应为 0（无单位），生成 0元', '三 3.1 （一）予以公开「自然人」: 应为 0，生成 2']);
  });

  test('around 2020: the 2019 and 2021 reports of the demo have cases, and the December 2021 case is carried into 2022', async () => {
    const r19 = (await generateReport(db, { agencyId: town, year: 2019 })).report;
    assert.equal(r19.applications['1']!['total'], 6);
    assert.equal(r19.applications['4']!['total'], 0);
    assert.equal(r19.reviews['reconsideration']!['upheld'], 1);
    const r21 = (await generateReport(db, { agencyId: town, year: 2021 })).report;
    assert.equal(r21.format, '2021');
    assert.equal(r21.applications['1']!['total'], 7);
    assert.equal(r21.applications['3.6.1']!['total'], 1);
    assert.equal(r21.applications['4']!['total'], 1);
    assert.equal(r21.reviews['litigation_direct']!['pending'], 1);
    const r22 = (await generateReport(db, { agencyId: town, year: 2022 })).report;
    assert.equal(r22.applications['2']!['total'], 1);
    assert.equal(r22.applications['3.1']!['total'], 1);
    for (const r of [r19, r21, r22]) assert.deepEqual(checkReport(r).filter((x) => x.rule.startsWith('T') && x.severity === 'error'), []);
    // The demo cases read like real ones: events and stored clocks.
    const replied = await db.kysely.selectFrom('applications').select(['clock_status', 'reply_due_on']).where('agency_id', '=', town).where('state', '=', 'replied').execute();
    assert.ok(replied.length >= 10);
    assert.ok(replied.every((a) => a.clock_status === 'replied_on_time' && a.reply_due_on !== null), JSON.stringify(replied));
  });

  test('runs once: nothing added when the town already has cases', async () => {
    assert.equal(await seedDemoReport2020(db.kysely), false);
    const n = await db.kysely.selectFrom('applications').select('id').where('agency_id', '=', town).execute();
    assert.equal(n.length, 13);
  });
});
