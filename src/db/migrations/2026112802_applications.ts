/**
 * Applications (依申请公开): the cases, their append-only event log, tracking-number serials and
 * reconsideration / litigation records. Dates are ISO text; the stored due dates are indexed so
 * that the work queue and "overdue" are index queries (the clocks are recomputed and stored on
 * every change: src/applications/application.service.ts).
 */
import type { Kysely } from 'kysely';
import { appendOnly, dialectOf, notNull, withId } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);

  await withId(db.schema.createTable('applications'), d)
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('tracking_number', 'text', (c) => c.notNull().unique())
    .addColumn('tracking_secret_hash', 'text', notNull)
    .addColumn('channel', 'text', notNull)
    .addColumn('applicant_type', 'text', notNull)
    .addColumn('applicant_name', 'text', notNull)
    .addColumn('id_type', 'text', notNull)
    .addColumn('id_number', 'text', notNull)
    .addColumn('contact_person', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('contact_address', 'text')
    .addColumn('postcode', 'text')
    .addColumn('description', 'text', notNull)
    .addColumn('purpose', 'text')
    .addColumn('provision_form', 'text', notNull)
    .addColumn('delivery', 'text', notNull)
    .addColumn('submitted_on', 'text', notNull)
    .addColumn('confirmed_on', 'text')
    .addColumn('received_on', 'text')
    .addColumn('state', 'text', notNull)
    .addColumn('reply_due_on', 'text')
    .addColumn('correction_due_on', 'text')
    .addColumn('next_due_on', 'text')
    .addColumn('clock_status', 'text')
    .addColumn('clock_provisional', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extension_days', 'integer')
    .addColumn('outcome_row', 'text')
    .addColumn('outcome_basis', 'text')
    .addColumn('outcome_format', 'text')
    .addColumn('closed_on', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .execute();
  // The work queue: an agency's cases by state and reply due date ("overdue" = reply_due_on < today).
  await db.schema.createIndex('applications_queue').on('applications').columns(['agency_id', 'state', 'reply_due_on']).execute();
  // The queue's order (next_due_on is set exactly for open cases): one agency, and across agencies.
  await db.schema.createIndex('applications_next_due').on('applications').columns(['agency_id', 'next_due_on']).execute();
  await db.schema.createIndex('applications_next_due_all').on('applications').columns(['next_due_on']).execute();
  // Overdue across all agencies (supervision), and the report year's closed cases.
  await db.schema.createIndex('applications_reply_due').on('applications').columns(['reply_due_on']).execute();
  await db.schema.createIndex('applications_closed').on('applications').columns(['agency_id', 'closed_on']).execute();

  await withId(db.schema.createTable('application_events'), d)
    .addColumn('application_id', 'integer', (c) => c.notNull().references('applications.id'))
    .addColumn('type', 'text', notNull)
    .addColumn('date', 'text', notNull)
    .addColumn('at', 'text', notNull)
    .addColumn('user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('data', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('application_events_application').on('application_events').columns(['application_id', 'id']).execute();
  await appendOnly(db, d, 'application_events');

  await db.schema
    .createTable('application_serials')
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('year', 'integer', notNull)
    .addColumn('last_serial', 'integer', notNull)
    .addPrimaryKeyConstraint('application_serials_pk', ['agency_id', 'year'])
    .execute();

  await withId(db.schema.createTable('review_cases'), d)
    .addColumn('application_id', 'integer', (c) => c.notNull().references('applications.id'))
    .addColumn('kind', 'text', notNull)
    .addColumn('filed_on', 'text', notNull)
    .addColumn('body', 'text')
    .addColumn('case_number', 'text')
    .addColumn('result', 'text')
    .addColumn('decided_on', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('review_cases_application').on('review_cases').column('application_id').execute();
  await db.schema.createIndex('review_cases_filed').on('review_cases').column('filed_on').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['review_cases', 'application_serials', 'application_events', 'applications']) await db.schema.dropTable(t).execute();
}
