/**
 * The supervision dashboard and its e-mail reminders (src/supervision, src/mail):
 *
 * - users.email: a staff member's address for reminders (optional; set by the user at
 *   /admin/reminders/email or with `gongkai user add --email`).
 * - reminder_runs: one row per reminder run, claimed before anything is sent: run_key is unique
 *   (`daily:<date>` for the day's run), so of several app processes (or a cron job) on one
 *   database exactly one inserts it and sends; the others find it taken and skip. The row is
 *   completed with the counts and the outcome when the run ends.
 * - reminder_messages: every message of a run — to whom (user and address), which kind (staff
 *   reminder or supervisor's digest), about which agencies, sent or failed (and why); append-only.
 *
 * Indexes the dashboard reads (src/supervision/queries.ts), so that no figure scans the history:
 * - applications_replied_late (clock_status, closed_on, agency_id): the late replies of the
 *   last twelve months (the trend), a range of the few late replies, agency filtered in the index;
 * - catalogue_versions_published (published_on, item_id, published_late, disclosure), partial
 *   (versions that were published): publications and late publications per month, and the last
 *   public one, read from the index alone;
 * - feedback_complaints (kind, state, agency_id): unanswered complaints per agency without
 *   reading the ratings (feedback_agency_state has no kind).
 * The other figures use existing indexes: applications_queue (agency_id, state, reply_due_on) for
 * overdue and due cases, applications_report_received for applications received,
 * catalogue_versions_state (state, due_on) for unpublished items past their limit, the partial
 * public indexes of 2026112812 for the catalogue's last update.
 */
import { sql, type Kysely } from 'kysely';
import { appendOnly, dialectOf, notNull, withId } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  await db.schema.alterTable('users').addColumn('email', 'text').execute();

  await withId(db.schema.createTable('reminder_runs'), d)
    .addColumn('run_key', 'text', (c) => c.notNull().unique())
    .addColumn('run_on', 'text', notNull)
    .addColumn('trigger', 'text', notNull)
    .addColumn('node', 'text', notNull)
    .addColumn('started_at', 'text', notNull)
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', notNull)
    .addColumn('recipients', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('reminder_runs_started').on('reminder_runs').column('started_at').execute();

  await withId(db.schema.createTable('reminder_messages'), d)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('reminder_runs.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('address', 'text', notNull)
    .addColumn('kind', 'text', notNull)
    .addColumn('agency_ids', 'text', notNull)
    .addColumn('subject', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('error', 'text')
    .addColumn('at', 'text', notNull)
    .execute();
  await db.schema.createIndex('reminder_messages_run').on('reminder_messages').columns(['run_id', 'id']).execute();
  await appendOnly(db, d, 'reminder_messages');

  await db.schema.createIndex('applications_replied_late').on('applications').columns(['clock_status', 'closed_on', 'agency_id']).execute();
  await sql.raw('CREATE INDEX catalogue_versions_published ON catalogue_versions (published_on, item_id, published_late, disclosure) WHERE published_on IS NOT NULL').execute(db);
  await db.schema.createIndex('feedback_complaints').on('feedback').columns(['kind', 'state', 'agency_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('feedback_complaints').execute();
  await db.schema.dropIndex('catalogue_versions_published').execute();
  await db.schema.dropIndex('applications_replied_late').execute();
  await db.schema.dropTable('reminder_messages').execute();
  await db.schema.dropTable('reminder_runs').execute();
  await db.schema.alterTable('users').dropColumn('email').execute();
}
