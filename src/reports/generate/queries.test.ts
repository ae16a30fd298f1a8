/**
 * The generation queries read index ranges, never whole tables (migration 2026112813): EXPLAIN on
 * SQLite (whose plans do not depend on statistics here) and on PostgreSQL — section 三 on 30,000
 * analysed cases, the other queries with sequential scans disabled (an index can serve them; on
 * real data the planner picks by statistics).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type CompiledQuery, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import { openTestDb, testDialect } from '../../../test/support/db.js';
import { yearBounds } from './counting.js';
import { applicationCountsQuery, catalogueCountsQuery, feePaymentsQuery, reopenedLogsQuery, reviewCountsQuery } from './queries.js';

describe(`generation queries use their indexes (${testDialect})`, () => {
  let db: Db;
  let agencies: number[] = [7, 8, 9];
  before(async () => {
    db = await openTestDb();
    if (db.dialect === 'postgres') {
      // PostgreSQL plans by statistics: 30,000 cases of three agencies over 2019–2026, vacuumed and analysed.
      const ids: number[] = [];
      for (const name of ['甲', '乙', '丙']) {
        const r = await db.kysely
          .insertInto('agencies')
          .values({ parent_id: null, name: `统计${name}局`, short_name: null, kind: 'department', code: null, office_name: null, office_address: null, office_hours: null, office_phone: null, office_fax: null, office_email: null, postcode: null, created_at: '2026-01-01T00:00:00.000Z' })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(r.id);
      }
      agencies = ids;
      // Without the data-version trigger: one counter row bumped 30,000 times is slow on PostgreSQL.
      await db.kysely.transaction().execute(async (trx) => {
        await sql`ALTER TABLE applications DISABLE TRIGGER applications_version`.execute(trx);
        await sql`
        INSERT INTO applications (agency_id, tracking_number, tracking_secret_hash, channel, applicant_type, applicant_name, id_type, id_number,
          description, provision_form, delivery, submitted_on, received_on, state, outcome_row, outcome_format, closed_on, created_at, updated_at)
        SELECT ${sql.val(ids[0])} + (i % 3), 'T-' || i, 'x', 'in_person', 'natural_person', '某', 'other', 'X', '某信息', 'paper', 'pickup',
               d, d, CASE WHEN i % 20 = 0 THEN 'in_process' ELSE 'replied' END, CASE WHEN i % 20 = 0 THEN NULL ELSE '3.1' END,
               '2021', CASE WHEN i % 20 = 0 THEN NULL ELSE to_char(to_date(d, 'YYYY-MM-DD') + (i % 40), 'YYYY-MM-DD') END, 'x', 'x'
          FROM (SELECT i, to_char(date '2019-06-01' + (i % 2700), 'YYYY-MM-DD') AS d FROM generate_series(1, 30000) AS s(i)) g`.execute(trx);
        await sql`ALTER TABLE applications ENABLE TRIGGER applications_version`.execute(trx);
      });
      await sql`VACUUM ANALYZE applications`.execute(db.kysely);
    }
  });
  after(async () => {
    await db.close();
  });

  async function plan(q: RawBuilder<unknown>, analysed = false): Promise<string> {
    const c = q.compile(db.kysely);
    if (db.dialect === 'sqlite') {
      const r = await db.kysely.executeQuery<{ detail: string }>({ ...c, sql: `EXPLAIN QUERY PLAN ${c.sql}` } as CompiledQuery<{ detail: string }>);
      return r.rows.map((x) => x.detail).join('\n');
    }
    return db.kysely.transaction().execute(async (trx) => {
      if (!analysed) await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const r = await trx.executeQuery<{ 'QUERY PLAN': string }>({ ...c, sql: `EXPLAIN ${c.sql}` } as CompiledQuery<{ 'QUERY PLAN': string }>);
      return r.rows.map((x) => x['QUERY PLAN']).join('\n');
    });
  }

  const b = yearBounds(2022);

  test('section 三: four covered index ranges, for one agency and for a subtree', async () => {
    for (const ids of [agencies.slice(0, 1), agencies]) {
      const p = await plan(applicationCountsQuery(db.dialect, ids, b), true);
      assert.doesNotMatch(p, /SCAN applications\b|Seq Scan on applications/, p);
      if (db.dialect === 'sqlite') {
        assert.match(p, /SEARCH applications USING COVERING INDEX applications_report_received \(agency_id=\? AND received_on>\? AND received_on<\?\)/, p);
        assert.match(p, /SEARCH applications USING COVERING INDEX applications_report_closed \(agency_id=\? AND closed_on>\? AND closed_on<\?\)/, p);
        assert.match(p, /SEARCH applications USING COVERING INDEX applications_report_long \(agency_id=\? AND closed_on>\?\)/, p);
        assert.match(p, /SEARCH applications USING COVERING INDEX applications_report_closed \(agency_id=\? AND closed_on=\? AND received_on<\?\)/, p);
      } else {
        assert.equal(p.match(/Index Only Scan using applications_report_(received|closed|long) on applications/g)?.length, 4, p);
        assert.doesNotMatch(p, /Heap/, p);
      }
    }
  });

  test('reopenings, fees, review cases, catalogue: driven by the narrow side', async () => {
    const reopened = await plan(reopenedLogsQuery([7]));
    assert.match(reopened, /application_events_reopened/, reopened);
    const fees = await plan(feePaymentsQuery([7], b));
    assert.match(fees, /application_events_fee_paid/, fees);
    const reviews = await plan(reviewCountsQuery([7], b));
    const catalogue = await plan(catalogueCountsQuery([7], b));
    if (db.dialect === 'sqlite') {
      assert.match(reopened, /^SCAN application_events USING COVERING INDEX application_events_reopened/m, reopened);
      assert.match(fees, /^SEARCH e USING INDEX application_events_fee_paid \(date>\? AND date<\?\)\nSEARCH a USING INTEGER PRIMARY KEY/, fees);
      assert.match(reviews, /^SEARCH r USING INDEX review_cases_filed \(filed_on<\?\)\nSEARCH a USING INTEGER PRIMARY KEY/, reviews);
      assert.match(catalogue, /^SEARCH v USING INDEX catalogue_versions_(art20_1|public_category)\b.*\nSEARCH i USING INTEGER PRIMARY KEY/, catalogue);
    } else {
      for (const p of [reopened, fees, reviews, catalogue]) assert.doesNotMatch(p, /Seq Scan/, p);
    }
  });
});
