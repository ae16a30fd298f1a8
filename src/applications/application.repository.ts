/**
 * Storage of applications, their event log and review cases: plain functions taking the database
 * or a transaction first. No rules here (application.service.ts decides); every query runs the
 * same on SQLite and PostgreSQL.
 */
import { expressionBuilder, sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AttachmentRow } from '../attachments/attachment.service.js';
import { compiledOnce } from '../db/compiled.js';
import type { Dialect } from '../db/database.js';
import type { AgencyKind } from '../db/schema.js';
import type {
  ApplicationRow,
  ApplicationState,
  ApplicationUpdate,
  Database,
  NewApplication,
  ReviewCaseRow,
  ReviewKind,
  ReviewResult,
} from '../db/schema.js';
import type { AppEvent, EventData, EventType, NewAppEvent } from './application.js';

type Q = Kysely<Database> | Transaction<Database>;

// ---------------------------------------------------------------------------------------------
// Agencies and users (read only)

export function findAgency(db: Q, id: number): Promise<{ id: number; name: string; kind: AgencyKind } | undefined> {
  return db.selectFrom('agencies').select(['id', 'name', 'kind']).where('id', '=', id).executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// Applications

/** The next serial of the agency's tracking numbers in `year` (atomic: an upsert). */
export async function nextSerial(db: Q, agencyId: number, year: number): Promise<number> {
  const r = await db
    .insertInto('application_serials')
    .values({ agency_id: agencyId, year, last_serial: 1 })
    .onConflict((oc) => oc.columns(['agency_id', 'year']).doUpdateSet({ last_serial: sql<number>`application_serials.last_serial + 1` }))
    .returning('last_serial')
    .executeTakeFirstOrThrow();
  return r.last_serial;
}

export async function insertApplication(db: Q, values: NewApplication): Promise<number> {
  const r = await db.insertInto('applications').values(values).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export function findApplication(db: Q, id: number): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The application with this tracking number and its agency's name. (The name comes from a scalar
 * subquery: better-sqlite3 reads `applications.*` of a join several times slower than of one table.)
 */
export async function findApplicationByTrackingNumber(db: Q, trackingNumber: string): Promise<(ApplicationRow & { agency_name: string }) | undefined> {
  const r = await db
    .selectFrom('applications')
    .selectAll('applications')
    .select((eb) => eb.selectFrom('agencies').select('agencies.name').whereRef('agencies.id', '=', 'applications.agency_id').as('agency_name'))
    .where('applications.tracking_number', '=', trackingNumber)
    .executeTakeFirst();
  return r ? { ...r, agency_name: r.agency_name ?? '' } : undefined;
}

/** What the public tracking page shows, read in one query: the case, its agency's name, its log and the attachments marked for the applicant. */
export interface TrackingBundle {
  app: ApplicationRow & { agency_name: string };
  events: AppEvent[];
  files: AttachmentRow[];
}

/**
 * The tracking page's data. On PostgreSQL every statement is a network round trip, so it is ONE
 * statement there (the log and the applicant's files as JSON arrays in subqueries), compiled once
 * (compiledOnce); on SQLite a statement is a function call and three small indexed queries cost
 * less than building and parsing JSON (measured with bench/web.bench.ts). The caller verifies the
 * 查询码 before using any of it.
 */
const pgTrackingBundle = compiledOnce(
  (db: Kysely<Database>, trackingNumber: string) =>
    db
      .selectFrom('applications')
      .innerJoin('agencies', 'agencies.id', 'applications.agency_id')
      .selectAll('applications')
      .select('agencies.name as agency_name')
      .select((eb) => [
        jsonArrayFrom(
          eb
            .selectFrom('application_events as e')
            .select(['e.id', 'e.type', 'e.date', 'e.at', 'e.user_id', 'e.data', 'e.note'])
            .whereRef('e.application_id', '=', 'applications.id')
            .orderBy('e.id'),
        ).as('events_json'),
        jsonArrayFrom(
          eb
            .selectFrom('attachments as f')
            .select(['f.id', 'f.application_id', 'f.kind', 'f.filename', 'f.media_type', 'f.size', 'f.for_applicant', 'f.created_at'])
            .whereRef('f.application_id', '=', 'applications.id')
            .where('f.for_applicant', '=', 1)
            .orderBy('f.id'),
        ).as('files_json'),
      ])
      .where('applications.tracking_number', '=', trackingNumber),
  ['\u0000tracking-number'] as const,
);

/** An event row of the log as read by the tracking queries. */
interface EventRow {
  id: number;
  type: string;
  date: string;
  at: string;
  user_id: number | null;
  data: string | null;
  note: string | null;
}

const toEvent = (r: EventRow): AppEvent =>
  ({
    id: r.id,
    type: r.type as EventType,
    date: r.date,
    at: r.at,
    userId: r.user_id,
    note: r.note,
    data: (r.data ? JSON.parse(r.data) : {}) as EventData[EventType],
  }) as AppEvent;

/** A number no id ever is: marks where compiledOnce puts the id. */
const ID_SENTINEL = -987_654_321;

const sqliteTrackingApp = compiledOnce(
  (db: Kysely<Database>, trackingNumber: string) =>
    db
      .selectFrom('applications')
      .selectAll('applications')
      .select((eb) => eb.selectFrom('agencies').select('agencies.name').whereRef('agencies.id', '=', 'applications.agency_id').as('agency_name'))
      .where('applications.tracking_number', '=', trackingNumber),
  ['\u0000tracking-number'] as const,
);
const sqliteTrackingEvents = compiledOnce(
  (db: Kysely<Database>, applicationId: number) =>
    db.selectFrom('application_events').select(['id', 'type', 'date', 'at', 'user_id', 'data', 'note']).where('application_id', '=', applicationId).orderBy('id'),
  [ID_SENTINEL] as const,
);
const sqliteTrackingFiles = compiledOnce(
  (db: Kysely<Database>, applicationId: number) =>
    db
      .selectFrom('attachments')
      .select(['id', 'application_id', 'kind', 'filename', 'media_type', 'size', 'for_applicant', 'created_at'])
      .where('application_id', '=', applicationId)
      .where('for_applicant', '=', 1)
      .orderBy('id'),
  [ID_SENTINEL] as const,
);

export async function findTrackingBundle(db: Kysely<Database>, dialect: Dialect, trackingNumber: string): Promise<TrackingBundle | undefined> {
  if (dialect === 'sqlite') {
    const [app] = await sqliteTrackingApp(db, trackingNumber);
    if (!app) return undefined;
    const [events, files] = await Promise.all([sqliteTrackingEvents(db, app.id), sqliteTrackingFiles(db, app.id)]);
    return { app: { ...app, agency_name: app.agency_name ?? '' }, events: events.map(toEvent), files };
  }
  const [row] = await pgTrackingBundle(db, trackingNumber);
  if (!row) return undefined;
  const { events_json, files_json, ...app } = row;
  return { app, events: (events_json as EventRow[]).map(toEvent), files: files_json as AttachmentRow[] };
}

/**
 * Claims the row for a change computed from `version`: bumps the version when, and only when, the
 * row still has it. false: somebody else changed it first (nothing written). On PostgreSQL the
 * UPDATE also holds the row lock until the transaction ends, so a concurrent change waits, then
 * finds the new version and is told, instead of reading the other's events half-way.
 */
export async function claimApplication(db: Q, id: number, version: number): Promise<boolean> {
  const r = await db
    .updateTable('applications')
    .set({ version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Writes a change to a row claimed in the same transaction (see claimApplication). */
export async function updateApplication(db: Q, id: number, patch: ApplicationUpdate): Promise<void> {
  await db.updateTable('applications').set(patch).where('id', '=', id).execute();
}

// ---------------------------------------------------------------------------------------------
// The event log (append-only: the table refuses UPDATE and DELETE)

export async function insertEvent(db: Q, applicationId: number, e: NewAppEvent, userId: number | null, at: string): Promise<number> {
  const r = await db
    .insertInto('application_events')
    .values({
      application_id: applicationId,
      type: e.type,
      date: e.date,
      at,
      user_id: userId,
      data: JSON.stringify(e.data),
      note: e.note,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export interface EventWithUser {
  event: AppEvent;
  userName: string | null;
}

/** The log of an application in recording order, with the recording user's display name. */
export async function listEvents(db: Q, applicationId: number): Promise<EventWithUser[]> {
  const rows = await db
    .selectFrom('application_events')
    .leftJoin('users', 'users.id', 'application_events.user_id')
    .select([
      'application_events.id',
      'application_events.type',
      'application_events.date',
      'application_events.at',
      'application_events.user_id',
      'application_events.data',
      'application_events.note',
      'users.display_name',
    ])
    .where('application_events.application_id', '=', applicationId)
    .orderBy('application_events.id')
    .execute();
  return rows.map((r) => ({
    event: {
      id: r.id,
      type: r.type as EventType,
      date: r.date,
      at: r.at,
      userId: r.user_id,
      note: r.note,
      data: (r.data ? JSON.parse(r.data) : {}) as EventData[EventType],
    } as AppEvent,
    userName: r.display_name ?? null,
  }));
}

// ---------------------------------------------------------------------------------------------
// Review cases (复议、诉讼)

export async function insertReviewCase(
  db: Q,
  v: { applicationId: number; kind: ReviewKind; filedOn: string; body: string | null; caseNumber: string | null; note: string | null; userId: number; at: string },
): Promise<number> {
  const r = await db
    .insertInto('review_cases')
    .values({
      application_id: v.applicationId,
      kind: v.kind,
      filed_on: v.filedOn,
      body: v.body,
      case_number: v.caseNumber,
      result: null,
      decided_on: null,
      note: v.note,
      created_at: v.at,
      updated_at: v.at,
      created_by: v.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function findReviewCase(db: Q, id: number): Promise<ReviewCaseRow | undefined> {
  return db.selectFrom('review_cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setReviewResult(db: Q, id: number, v: { result: ReviewResult; decidedOn: string; note: string | null; at: string }): Promise<void> {
  await db
    .updateTable('review_cases')
    .set({ result: v.result, decided_on: v.decidedOn, note: v.note, updated_at: v.at })
    .where('id', '=', id)
    .where('result', 'is', null)
    .execute();
}

export function listReviewCases(db: Q, applicationId: number): Promise<ReviewCaseRow[]> {
  return db.selectFrom('review_cases').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
}

// ---------------------------------------------------------------------------------------------
// The work queue

export interface QueueFilter {
  agencyIds: readonly number[];
  /** One state, or the open / closed states; null: all. */
  states: readonly ApplicationState[] | null;
  openStates: readonly ApplicationState[];
  /** Exact tracking number, or a text to find in name, description and tracking number. */
  trackingNumber: string | null;
  text: string | null;
  overdueOnly: boolean;
  today: string;
  limit: number;
  offset: number;
}

export interface QueueRow {
  id: number;
  tracking_number: string;
  agency_id: number;
  agency_name: string;
  applicant_type: ApplicationRow['applicant_type'];
  applicant_name: string;
  /** The first characters of the description (the queue's 摘要). */
  description_excerpt: string;
  channel: ApplicationRow['channel'];
  state: ApplicationState;
  submitted_on: string;
  received_on: string | null;
  reply_due_on: string | null;
  next_due_on: string | null;
  clock_status: ApplicationRow['clock_status'];
  clock_provisional: number;
  extension_days: number | null;
  outcome_row: string | null;
  outcome_format: string | null;
  closed_on: string | null;
  version: number;
  /** 1 when open and the reply due date has passed. */
  overdue: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The queue counts its matches up to this number (and says "more than" beyond it). */
export const QUEUE_COUNT_CAP = 1_000;
/** Characters of the description the queue reads (its 摘要 column shows fewer). */
export const QUEUE_EXCERPT_CHARS = 60;

function queueWhere(f: QueueFilter): Expression<SqlBool> {
  const eb = expressionBuilder<Database, 'applications'>();
  const parts: Expression<SqlBool>[] = [eb('applications.agency_id', 'in', [...f.agencyIds])];
  if (f.states) parts.push(eb('applications.state', 'in', [...f.states]));
  if (f.overdueOnly) {
    parts.push(eb('applications.state', 'in', [...f.openStates]));
    parts.push(eb('applications.reply_due_on', '<', f.today));
  }
  if (f.trackingNumber) parts.push(eb('applications.tracking_number', '=', f.trackingNumber));
  if (f.text) {
    const pattern = `%${escapeLike(f.text.toLowerCase())}%`;
    const like = (col: 'applicant_name' | 'description' | 'tracking_number') =>
      sql<SqlBool>`lower(${sql.ref(`applications.${col}`)}) like ${pattern} escape '\\'`;
    parts.push(eb.or([like('applicant_name'), like('description'), like('tracking_number')]));
  }
  return eb.and(parts);
}

/**
 * An agency set's cases, one page, and how many there are (up to a cap).
 *
 * Open cases are ordered by next_due_on (set for every open case: the reply due date while the
 * clock runs, otherwise the end of the current wait), oldest first: whatever is past its date —
 * overdue replies above all, whose next_due_on is their reply due date — comes first. This order
 * is an index scan (agency_id, next_due_on) that stops at the page. Closed cases: most recently
 * closed first. `overdue` flags open cases whose reply due date is before today. The count stops
 * at QUEUE_COUNT_CAP (`totalCapped` says there are more).
 */
export async function queryQueue(db: Q, f: QueueFilter): Promise<{ total: number; totalCapped: boolean; rows: QueueRow[] }> {
  if (f.agencyIds.length === 0) return { total: 0, totalCapped: false, rows: [] };
  const where = queueWhere(f);
  const eb = expressionBuilder<Database, 'applications'>();
  const overdue = eb
    .case()
    .when(eb.and([eb('applications.state', 'in', [...f.openStates]), eb('applications.reply_due_on', '<', f.today)]))
    .then(1)
    .else(0)
    .end();
  const onlyOpen = f.states !== null && f.states.every((s) => f.openStates.includes(s));
  const onlyClosed = f.states !== null && f.states.every((s) => !f.openStates.includes(s));
  let page = db
    .selectFrom('applications')
    .innerJoin('agencies', 'agencies.id', 'applications.agency_id')
    .select([
      'applications.id',
      'applications.tracking_number',
      'applications.agency_id',
      'agencies.name as agency_name',
      'applications.applicant_type',
      'applications.applicant_name',
      sql<string>`substr(${sql.ref('applications.description')}, 1, ${sql.lit(QUEUE_EXCERPT_CHARS + 1)})`.as('description_excerpt'),
      'applications.channel',
      'applications.state',
      'applications.submitted_on',
      'applications.received_on',
      'applications.reply_due_on',
      'applications.next_due_on',
      'applications.clock_status',
      'applications.clock_provisional',
      'applications.extension_days',
      'applications.outcome_row',
      'applications.outcome_format',
      'applications.closed_on',
      'applications.version',
    ])
    .select(overdue.as('overdue'))
    .where(where);
  if (onlyOpen) {
    page = page.where('applications.next_due_on', 'is not', null).orderBy('applications.next_due_on').orderBy('applications.id');
  } else if (onlyClosed) {
    page = page.orderBy('applications.closed_on', 'desc').orderBy('applications.id', 'desc');
  } else {
    page = page
      .orderBy(sql`case when ${sql.ref('applications.next_due_on')} is null then 1 else 0 end`)
      .orderBy('applications.next_due_on')
      .orderBy('applications.closed_on', 'desc')
      .orderBy('applications.id');
  }
  // Counting every match of a large queue costs more than the page itself: count up to
  // QUEUE_COUNT_CAP + 1 and say "more than" beyond it.
  const matches = db.selectFrom('applications').select('applications.id').where(where).limit(QUEUE_COUNT_CAP + 1).as('m');
  const [count, rows] = await Promise.all([
    db.selectFrom(matches).select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    page.limit(f.limit).offset(f.offset).execute(),
  ]);
  const n = Number(count.n);
  return {
    total: Math.min(n, QUEUE_COUNT_CAP),
    totalCapped: n > QUEUE_COUNT_CAP,
    rows: rows.map((r) => ({ ...r, overdue: Number(r.overdue) })) as QueueRow[],
  };
}
