/**
 * Document numbers (文号) of the letters of a case: allocated per agency and year, and fixed to the
 * letter the first time it is issued (downloaded by staff or by the applicant), so that every later
 * download of the same letter carries the same number. A letter is the letter of one event of the
 * case's log (application + kind + event + reply ground): a case reopened after a reconsideration
 * and replied again has a second reply letter with a number of its own, while the first reply
 * keeps the number it was issued with.
 *
 * The allocation is one transaction: look the letter up; else take the next serial of the agency's
 * year (one upsert, atomic on SQLite and PostgreSQL: `INSERT … ON CONFLICT DO UPDATE … RETURNING`,
 * which on PostgreSQL also locks the counter row until the transaction ends), record the letter
 * (`INSERT … ON CONFLICT DO NOTHING` on its unique key) and audit it. When two first downloads of
 * the same letter race, the second finds the letter recorded, rolls back (its serial with it: no
 * gap) and answers the number the first recorded.
 *
 * Every download, whoever makes it, is audited too (auditLetterDownload), not only the first.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { audit } from '../audit/audit.js';
import type { Database } from '../db/schema.js';
import { formatDocNumber } from '../letters/index.js';

type Q = Kysely<Database> | Transaction<Database>;

/** The letter a number belongs to. */
export interface LetterKey {
  applicationId: number;
  kind: string;
  /** The event of the case's log the letter belongs to (application_events.id). */
  eventId: number;
  /** The reply ground (reply letters); absent or '' for the other kinds. */
  ground?: string | undefined;
}

export interface IssuedNumber {
  docNumber: string;
  serial: number;
  year: number;
  /** true: allocated by this call; false: the letter already had it. */
  allocated: boolean;
}

export interface IssueInput extends LetterKey {
  agencyId: number;
  /** 机关代字 (validated by formatDocNumber). */
  prefix: string;
  year: number;
  /** The staff member issuing it; null: the applicant through the tracking page. */
  userId: number | null;
  ip?: string | null;
}

/** The next serial of the agency's letters in `year` (atomic: an upsert). */
export async function nextLetterSerial(db: Q, agencyId: number, year: number): Promise<number> {
  const r = await db
    .insertInto('letter_numbers')
    .values({ agency_id: agencyId, year, last_serial: 1 })
    .onConflict((oc) => oc.columns(['agency_id', 'year']).doUpdateSet({ last_serial: sql<number>`letter_numbers.last_serial + 1` }))
    .returning('last_serial')
    .executeTakeFirstOrThrow();
  return r.last_serial;
}

/** The number the letter was issued with, if it was. */
export async function findIssuedLetter(db: Q, key: LetterKey): Promise<IssuedNumber | undefined> {
  const r = await db
    .selectFrom('issued_letters')
    .select(['doc_number', 'serial', 'year'])
    .where('application_id', '=', key.applicationId)
    .where('kind', '=', key.kind)
    .where('event_id', '=', key.eventId)
    .where('ground', '=', key.ground ?? '')
    .executeTakeFirst();
  return r ? { docNumber: r.doc_number, serial: r.serial, year: r.year, allocated: false } : undefined;
}

/** Lost the race to record the letter: the transaction is rolled back and the winner's number read. */
class AlreadyIssued extends Error {}

/** The letter's number: the recorded one, else a new serial recorded (and audited) now. */
export async function issueLetterNumber(db: Kysely<Database>, input: IssueInput): Promise<IssuedNumber> {
  const key: LetterKey = { applicationId: input.applicationId, kind: input.kind, eventId: input.eventId, ground: input.ground ?? '' };
  const known = await findIssuedLetter(db, key);
  if (known) return known;
  try {
    return await db.transaction().execute(async (tx) => {
      const again = await findIssuedLetter(tx, key);
      if (again) return again;
      const serial = await nextLetterSerial(tx, input.agencyId, input.year);
      const docNumber = formatDocNumber({ prefix: input.prefix, year: input.year, serial });
      const row = await tx
        .insertInto('issued_letters')
        .values({
          application_id: input.applicationId,
          kind: input.kind,
          event_id: input.eventId,
          ground: key.ground ?? '',
          agency_id: input.agencyId,
          doc_number: docNumber,
          serial,
          year: input.year,
          issued_at: new Date().toISOString(),
          issued_by: input.userId,
        })
        .onConflict((oc) => oc.columns(['application_id', 'kind', 'event_id', 'ground']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) throw new AlreadyIssued();
      await audit(tx, {
        userId: input.userId,
        agencyId: input.agencyId,
        action: 'letter.number_issued',
        subjectType: 'application',
        subjectId: input.applicationId,
        details: {
          kind: input.kind,
          ...(key.ground ? { ground: key.ground } : {}),
          eventId: input.eventId,
          docNumber,
          year: input.year,
          serial,
          by: input.userId === null ? 'applicant' : 'staff',
        },
        ip: input.ip ?? null,
      });
      return { docNumber, serial, year: input.year, allocated: true };
    });
  } catch (e) {
    if (!(e instanceof AlreadyIssued)) throw e;
    const winner = await findIssuedLetter(db, key);
    if (!winner) throw new Error('letter number vanished after a conflict');
    return winner;
  }
}

/** Where a download was asked for: a page of the site, or the JSON API. */
export type DownloadChannel = 'page' | 'api';

export interface LetterDownload extends LetterKey {
  agencyId: number;
  docNumber: string;
  /** The staff member; null: the applicant (tracking number + 查询码). */
  userId: number | null;
  ip: string | null;
  via: DownloadChannel;
}

/**
 * Audits one download of a letter (every download, the first and the later ones). The details
 * name the letter and who asked (applicant or staff), never anything personal.
 */
export async function auditLetterDownload(db: Q, d: LetterDownload): Promise<void> {
  await audit(db, {
    userId: d.userId,
    agencyId: d.agencyId,
    action: 'letter.download',
    subjectType: 'application',
    subjectId: d.applicationId,
    details: {
      kind: d.kind,
      ...(d.ground ? { ground: d.ground } : {}),
      eventId: d.eventId,
      docNumber: d.docNumber,
      by: d.userId === null ? 'applicant' : 'staff',
      via: d.via,
    },
    ip: d.ip,
  });
}
