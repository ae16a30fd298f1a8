/**
 * Two gaps of the application desk (issue 3):
 *
 * - `issued_letters.event_id`: a letter is the letter of ONE event of the case's log (the reply,
 *   the extension, …), so that a case reopened and replied again gets a new number for its new
 *   reply while the first reply keeps its own. The unique key becomes (application_id, kind,
 *   event_id, ground). Rows issued before this migration get the last event of their kind that
 *   was recorded before the letter was issued (issued_at), which is the event the letter was
 *   built from; 0 where no such event exists.
 * - `online_submissions`: one row per application submitted through the public form, keyed by
 *   the SHA-256 of the form's one-time token (a replayed form creates nothing), with the
 *   short-lived receipt of the Post/Redirect/Get result page: the 查询码 encrypted under a key
 *   that only the applicant's browser holds (a cookie), cleared once shown or expired
 *   (src/applications/online-submissions.ts).
 */
import type { Kysely } from 'kysely';
import { notNull } from './util.js';

/** The event types each letter kind is built from (src/server/views/applications/letters.ts). */
const EVENT_TYPES: Record<string, readonly string[]> = {
  acceptance: ['registered', 'confirmed'],
  correction: ['correction_requested'],
  extension: ['extended'],
  third_party: ['consultation_started'],
  fee: ['fee_notified'],
  reply: ['replied'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('issued_letters').addColumn('event_id', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  // Backfill (existing rows only; the application writes event_id from now on).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const k = db as Kysely<any>;
  const rows: Array<{ id: number; application_id: number; kind: string; issued_at: string }> = await k
    .selectFrom('issued_letters')
    .select(['id', 'application_id', 'kind', 'issued_at'])
    .execute();
  for (const r of rows) {
    const types = EVENT_TYPES[r.kind];
    if (!types) continue;
    const events: Array<{ id: number; data: string | null }> = await k
      .selectFrom('application_events')
      .select(['id', 'data'])
      .where('application_id', '=', r.application_id)
      .where('type', 'in', [...types])
      .where('at', '<=', r.issued_at)
      .orderBy('id', 'desc')
      .execute();
    const event = events.find((e) => r.kind !== 'third_party' || (JSON.parse(e.data ?? '{}') as { kind?: string }).kind === 'third_party');
    if (event) await k.updateTable('issued_letters').set({ event_id: event.id }).where('id', '=', r.id).execute();
  }
  await db.schema.dropIndex('issued_letters_letter').execute();
  await db.schema.createIndex('issued_letters_letter').on('issued_letters').columns(['application_id', 'kind', 'event_id', 'ground']).unique().execute();

  await db.schema
    .createTable('online_submissions')
    /** SHA-256 (hex) of the one-time token embedded in the application form. */
    .addColumn('form_token_hash', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'integer', (c) => c.notNull().references('applications.id'))
    .addColumn('created_at', 'text', notNull)
    /** SHA-256 (hex) of the receipt key held by the applicant's browser (cookie); null once used up. */
    .addColumn('receipt_id', 'text')
    /** The 查询码, AES-256-GCM under a key derived from the receipt key; null once shown or expired. */
    .addColumn('receipt_box', 'text')
    .addColumn('receipt_expires_at', 'text')
    .execute();
  await db.schema.createIndex('online_submissions_receipt').on('online_submissions').column('receipt_id').unique().execute();
  await db.schema.createIndex('online_submissions_expiry').on('online_submissions').column('receipt_expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('online_submissions').execute();
  await db.schema.dropIndex('issued_letters_letter').execute();
  await db.schema.createIndex('issued_letters_letter').on('issued_letters').columns(['application_id', 'kind', 'ground']).unique().execute();
  await db.schema.alterTable('issued_letters').dropColumn('event_id').execute();
}
