/**
 * The demo's published annual report: 永安镇人民政府's real 2020 report (the seed,
 * test/fixtures/reports/seed-2020-yongan.txt) kept in the system as published, so that
 * `npm start` shows it in the portal's 政府信息公开年报 and in the back office, with its review
 * trail. Its tables are the seed's as published, which are also what the demo records generate
 * (src/demo/report-2020.ts; both are tested). The seed's 行政强制 row is blank (rule C1, an
 * error): the demo version records that it was published as is, with that reason.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kysely, Transaction } from 'kysely';
import { defaultChain } from '../catalogue/review-chain.js';
import type { Database } from '../db/schema.js';
import { checkReport } from '../reports/checks/index.js';
import { canonicalReport } from '../reports/report.js';
import { parseReportText } from '../reports/text/parse.js';
import { DEMO_REPORT_AGENCY } from './report-2020.js';

type Q = Kysely<Database> | Transaction<Database>;

/** The seed, relative to this module (the same path from src/demo and dist/demo). */
export const SEED_REPORT_URL = new URL('../../test/fixtures/reports/seed-2020-yongan.txt', import.meta.url);

/** When the demo says the seed was submitted, reviewed and published (before the 31 January deadline). */
const TIMELINE = {
  created: '2021-01-11T01:30:00.000Z',
  submitted: '2021-01-18T02:00:00.000Z',
  reviewed: '2021-01-19T03:00:00.000Z',
  approved: '2021-01-20T07:00:00.000Z',
  publishedOn: '2021-01-20',
};

export const DEMO_OVERRIDE_REASON = '按原报告收录：原报告第二部分“行政强制”一行空白（规则C1），为保持与已公开文本一致，未作改动。';

/**
 * Stores the seed as 永安镇's published 2020 report, with the review trail (审核人, then 负责人).
 * Does nothing (false) when the agency or the demo users are missing, a 2020 report exists, or the
 * seed file is not there (an installation without the test fixtures).
 */
export async function seedDemoPublishedReport2020(db: Q): Promise<boolean> {
  const agency = await db.selectFrom('agencies').select(['id', 'kind']).where('name', '=', DEMO_REPORT_AGENCY).executeTakeFirst();
  if (!agency) return false;
  const users = await db.selectFrom('users').select(['id', 'username']).where('username', 'in', ['clerk', 'reviewer', 'head']).execute();
  const byName = new Map(users.map((u) => [u.username, u.id]));
  const [clerk, reviewer, head] = [byName.get('clerk'), byName.get('reviewer'), byName.get('head')];
  if (clerk === undefined || reviewer === undefined || head === undefined) return false;
  if (await db.selectFrom('annual_reports').select('id').where('agency_id', '=', agency.id).where('year', '=', 2020).executeTakeFirst()) return false;
  let text: string;
  try {
    text = readFileSync(fileURLToPath(SEED_REPORT_URL), 'utf8');
  } catch {
    return false;
  }
  const content = canonicalReport(parseReportText(text).report);
  const findings = checkReport(content);
  const chain = defaultChain(agency.kind);
  const report = await db
    .insertInto('annual_reports')
    .values({ agency_id: agency.id, year: 2020, format: content.format, published_version_id: null, created_at: TIMELINE.created, updated_at: TIMELINE.approved })
    .returning('id')
    .executeTakeFirstOrThrow();
  const version = await db
    .insertInto('annual_report_versions')
    .values({
      report_id: report.id,
      number: 1,
      state: 'published',
      content: JSON.stringify(content),
      sources: null,
      generated_at: TIMELINE.created,
      change_note: null,
      findings: JSON.stringify(findings),
      override_reason: findings.some((f) => f.severity === 'error') ? DEMO_OVERRIDE_REASON : null,
      chain: JSON.stringify(chain),
      review_level: 0,
      review_round: 1,
      review_agency_id: null,
      review_role: null,
      author_id: clerk,
      created_at: TIMELINE.created,
      updated_at: TIMELINE.approved,
      submitted_at: TIMELINE.submitted,
      published_on: TIMELINE.publishedOn,
      published_at: TIMELINE.approved,
      published_late: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.updateTable('annual_reports').set({ published_version_id: version.id }).where('id', '=', report.id).execute();
  const steps = [
    { reviewer_id: reviewer, at: TIMELINE.reviewed, basis: '经核对，表格数据与台账一致' },
    { reviewer_id: head, at: TIMELINE.approved, basis: '同意公布' },
  ];
  for (const [i, s] of steps.entries()) {
    await db
      .insertInto('annual_report_reviews')
      .values({ version_id: version.id, round: 1, level: i + 1, level_label: chain[i]?.label ?? `第${i + 1}级`, reviewer_id: s.reviewer_id, at: s.at, conclusion: 'approved', basis: s.basis, comment: null })
      .execute();
  }
  return true;
}
