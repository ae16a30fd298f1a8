/**
 * Scheduled jobs run by every app node (src/jobs/runner.ts), each slot by exactly one of them:
 *
 * - job_runs: one row per attempt at a job's slot (`2026-11-24` for a daily job, the slot's start
 *   `2026-11-24T08:00Z` for a job every N minutes). A node claims a slot by inserting attempt 1;
 *   (job, slot, attempt) is unique, so of several nodes exactly one insert goes through and the
 *   others skip. While it runs, the node renews its lease (heartbeat_at, lease_until); a node that
 *   dies leaves a lease that runs out, after which another node inserts attempt 2 (`retakes` names
 *   the abandoned attempt, which is marked 'expired') — the takeover is itself recorded. The row
 *   is completed with finished_at, status ('done', 'failed') and a short result or error.
 *   A row per attempt (rather than one per slot, overwritten on takeover) keeps the history of
 *   what happened: which node died, when, and who finished its work.
 *
 * Indexes:
 * - job_runs_slot (job, slot, attempt), unique: the claim, and the latest attempt of a slot;
 * - job_runs_started (started_at): `gongkai jobs` lists recent runs; the retention purge;
 * - job_runs_outcome (job, status, finished_at): the metrics' last success per job from the index.
 *
 * And the indexes the housekeeping jobs delete by (src/jobs/housekeeping.ts), so that the hourly
 * purges read a range instead of the whole table: login_attempts (at), rate_limit_hits (at).
 */
import type { Kysely } from 'kysely';
import { dialectOf, notNull, withId } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  await withId(db.schema.createTable('job_runs'), d)
    .addColumn('job', 'text', notNull)
    .addColumn('slot', 'text', notNull)
    .addColumn('attempt', 'integer', notNull)
    .addColumn('node', 'text', notNull)
    .addColumn('started_at', 'text', notNull)
    .addColumn('heartbeat_at', 'text', notNull)
    .addColumn('lease_until', 'text', notNull)
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', notNull)
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('retakes', 'integer')
    .execute();
  await db.schema.createIndex('job_runs_slot').on('job_runs').columns(['job', 'slot', 'attempt']).unique().execute();
  await db.schema.createIndex('job_runs_started').on('job_runs').column('started_at').execute();
  await db.schema.createIndex('job_runs_outcome').on('job_runs').columns(['job', 'status', 'finished_at']).execute();
  await db.schema.createIndex('login_attempts_at').on('login_attempts').column('at').execute();
  await db.schema.createIndex('rate_limit_hits_at').on('rate_limit_hits').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('rate_limit_hits_at').execute();
  await db.schema.dropIndex('login_attempts_at').execute();
  await db.schema.dropTable('job_runs').execute();
}
