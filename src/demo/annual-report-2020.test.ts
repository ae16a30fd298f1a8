/**
 * The demo's published 2020 report of 永安镇 (the real seed report) as `npm start` shows it, on
 * SQLite or PostgreSQL (TEST_DATABASE_URL): in the portal's 年报 list, on its canonical page with
 * the seed's own prose, as JSON through the API; its tables are also what the demo records
 * generate; seeding twice adds nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openTestApp, type TestApp } from '../../test/support/app.js';
import { generateReport } from '../reports/generate/index.js';
import { validateReportJson } from '../reports/report.js';
import { parseReportText } from '../reports/text/parse.js';
import { DEMO_OVERRIDE_REASON, SEED_REPORT_URL, seedDemoPublishedReport2020 } from './annual-report-2020.js';
import { DEMO_REPORT_AGENCY } from './report-2020.js';

describe('the demo: 永安镇’s 2020 report published', () => {
  let t: TestApp;
  let town: number;
  before(async () => {
    t = await openTestApp();
    town = (await t.db.kysely.selectFrom('agencies').select('id').where('name', '=', DEMO_REPORT_AGENCY).executeTakeFirstOrThrow()).id;
  });
  after(async () => {
    await t?.close();
  });

  test('listed, on its page with the seed’s prose, as JSON; tables equal to what the records generate', async () => {
    const seed = parseReportText(readFileSync(fileURLToPath(SEED_REPORT_URL), 'utf8')).report;
    const list = await t.app.inject({ method: 'GET', url: '/xxgk/reports' });
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(`/xxgk/reports/${town}/2020`), 'the list links the 2020 report');

    const page = await t.app.inject({ method: 'GET', url: `/xxgk/reports/${town}/2020` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /健全组织网络，形成齐抓共管合力/);
    assert.match(page.body, /2021-01-20/);

    const api = await t.app.inject({ method: 'GET', url: `/api/v1/reports/${town}/2020` });
    assert.equal(api.statusCode, 200);
    const body = JSON.parse(api.body) as Record<string, unknown>;
    const published = validateReportJson(body.report ?? body);
    assert.deepEqual(published.applications, seed.applications);
    assert.deepEqual(published.proactive, seed.proactive);
    assert.deepEqual(published.reviews, seed.reviews);
    assert.equal(published.sections['6'], seed.sections['6']);

    const generated = (await generateReport(t.db, { agencyId: town, year: 2020 })).report;
    assert.deepEqual([generated.applications, generated.proactive, generated.reviews], [published.applications, published.proactive, published.reviews]);

    const version = await t.db.kysely
      .selectFrom('annual_report_versions as v')
      .innerJoin('annual_reports as r', 'r.published_version_id', 'v.id')
      .select(['v.override_reason', 'v.findings'])
      .where('r.agency_id', '=', town)
      .executeTakeFirstOrThrow();
    assert.equal(version.override_reason, DEMO_OVERRIDE_REASON, 'published with its blank 行政强制 row, and the reason recorded');
    assert.ok((JSON.parse(version.findings!) as { rule: string }[]).some((f) => f.rule === 'C1'));
    assert.equal(await seedDemoPublishedReport2020(t.db.kysely), false, 'seeding again adds nothing');
    assert.equal(Number((await t.db.kysely.selectFrom('annual_reports').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 1);
  });
});
