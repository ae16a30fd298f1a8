/**
 * Online applications through the public form, Post/Redirect/Get without resubmission:
 *
 * - The form carries a one-time token (random, 256 bits) made when the form is shown. Submitting
 *   records the SHA-256 of the token with the new application, in the same transaction, under a
 *   unique key: the same form sent again (a reload, a double click, a replay) creates nothing and
 *   is told it was already submitted — even when two copies race (the second waits for the first
 *   on the key, then finds it and rolls back, taking nothing).
 * - The 查询码 exists in clear only when the application is created (only its hash is kept with
 *   the case). To show it once on the GET page after the redirect, it is kept here briefly,
 *   encrypted (AES-256-GCM) under a key derived from a receipt key that only the applicant's
 *   browser holds (derived in turn from the form token), in an HttpOnly cookie; the row is found by the receipt key's
 *   SHA-256. The database alone cannot read it, the cookie alone is nothing, neither is ever in a
 *   URL or a log line. Taking the receipt clears it (one winner when two requests race); unused
 *   receipts are cleared after RECEIPT_TTL_MS.
 *
 * - An answer that never arrived (the connection cut, a 503 while the database died in the
 *   COMMIT) leaves the applicant not knowing whether the application exists. The receipt key is
 *   therefore derived from the form token (receiptKeyOf): the same form sent again finds its
 *   submission and, while the receipt is neither taken nor expired, gets it — the same tracking
 *   number and 查询码, nothing created twice. The JSON API does the same for a client's
 *   Idempotency-Key (a random key of its own, isIdempotencyKey), answering every retry until the
 *   receipt expires (peekReceipt). Holding the token or the key is holding the receipt for
 *   RECEIPT_TTL_MS: both are random, never in a URL or a log line,
 *   and only their hashes are stored.
 *
 * Nodes keep no state: everything is in the database, so any node serves the redirect's GET.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/** How long the result page can still show the 查询码 after submitting. */
export const RECEIPT_TTL_MS = 10 * 60_000;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A new one-time form token (32 random bytes, base64url: 43 characters). */
export function newFormToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a value looks like a form token (anything else is not one of ours). */
export function isFormToken(v: unknown): v is string {
  return typeof v === 'string' && TOKEN.test(v);
}

/**
 * Whether a value may name an API submission (the Idempotency-Key header): 32 to 128 letters,
 * digits, '-' or '_' — a UUID, or random bytes in base64url — enough to be unguessable, since
 * the key retrieves the receipt.
 */
export function isIdempotencyKey(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{32,128}$/.test(v);
}

/** The receipt key of a submission, derived from its form token or idempotency key (one-way). */
export function receiptKeyOf(token: string): string {
  return createHash('sha256').update(`gongkai receipt key:${token}`, 'utf8').digest('base64url');
}

/** The form was submitted already: nothing new was created. */
export class AlreadySubmittedError extends Error {
  readonly status = 409;
  constructor() {
    super('这份申请表已经提交过，本次没有重复提交。');
    this.name = 'AlreadySubmittedError';
  }
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Whether the form with this token was already submitted. */
export async function formTokenUsed(db: Q, token: string): Promise<boolean> {
  const r = await db.selectFrom('online_submissions').select('application_id').where('form_token_hash', '=', sha256(token)).executeTakeFirst();
  return r !== undefined;
}

function boxKey(receiptKey: string): Buffer {
  return createHash('sha256').update(`gongkai receipt box:${receiptKey}`, 'utf8').digest();
}

function seal(receiptKey: string, receiptId: string, secret: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', boxKey(receiptKey), iv);
  c.setAAD(Buffer.from(receiptId, 'utf8'));
  const body = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
}

function open(receiptKey: string, receiptId: string, box: string): string | null {
  try {
    const raw = Buffer.from(box, 'base64');
    const d = createDecipheriv('aes-256-gcm', boxKey(receiptKey), raw.subarray(0, 12));
    d.setAAD(Buffer.from(receiptId, 'utf8'));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * Records the submission of the form `formToken` as the application `applicationId` (call in the
 * transaction that created it) and keeps its 查询码 for the result page. Returns the receipt key
 * for the applicant's browser. Throws AlreadySubmittedError when the token was used meanwhile
 * (the caller's transaction must roll back).
 */
export async function recordSubmission(trx: Q, s: { formToken: string; applicationId: number; secret: string; now: Date }): Promise<string> {
  const receiptKey = receiptKeyOf(s.formToken);
  const receiptId = sha256(receiptKey);
  const at = s.now.toISOString();
  const row = await trx
    .insertInto('online_submissions')
    .values({
      form_token_hash: sha256(s.formToken),
      application_id: s.applicationId,
      created_at: at,
      receipt_id: receiptId,
      receipt_box: seal(receiptKey, receiptId, s.secret),
      receipt_expires_at: new Date(s.now.getTime() + RECEIPT_TTL_MS).toISOString(),
    })
    .onConflict((oc) => oc.column('form_token_hash').doNothing())
    .returning('form_token_hash')
    .executeTakeFirst();
  if (!row) throw new AlreadySubmittedError();
  // Forget the receipts nobody came back for.
  await trx
    .updateTable('online_submissions')
    .set({ receipt_id: null, receipt_box: null, receipt_expires_at: null })
    .where('receipt_expires_at', '<', at)
    .execute();
  return receiptKey;
}

export interface Receipt {
  applicationId: number;
  trackingNumber: string;
  agencyName: string;
  secret: string;
}

/** Whether the receipt of `receiptKey` is still there to be taken (neither taken nor expired). */
export async function receiptWaiting(db: Q, receiptKey: string, now = new Date()): Promise<boolean> {
  const r = await db
    .selectFrom('online_submissions')
    .select('receipt_expires_at')
    .where('receipt_id', '=', sha256(receiptKey))
    .where('receipt_box', 'is not', null)
    .executeTakeFirst();
  return r?.receipt_expires_at != null && r.receipt_expires_at >= now.toISOString();
}

/**
 * The receipt of `receiptKey`, once: it is cleared as it is taken (of two requests racing, one
 * gets it). null when unknown, already taken, expired or not readable.
 */
export async function takeReceipt(db: Kysely<Database>, receiptKey: string, now = new Date()): Promise<Receipt | null> {
  return readReceipt(db, receiptKey, now, true);
}

/**
 * The receipt of `receiptKey`, left in place (the API's answer to every retry of one
 * Idempotency-Key until the receipt expires). null when unknown, taken, expired or not readable.
 */
export async function peekReceipt(db: Kysely<Database>, receiptKey: string, now = new Date()): Promise<Receipt | null> {
  return readReceipt(db, receiptKey, now, false);
}

async function readReceipt(db: Kysely<Database>, receiptKey: string, now: Date, take: boolean): Promise<Receipt | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(receiptKey)) return null;
  const receiptId = sha256(receiptKey);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('online_submissions')
      .innerJoin('applications', 'applications.id', 'online_submissions.application_id')
      .innerJoin('agencies', 'agencies.id', 'applications.agency_id')
      .select([
        'online_submissions.application_id',
        'online_submissions.receipt_box',
        'online_submissions.receipt_expires_at',
        'applications.tracking_number',
        'agencies.name as agency_name',
      ])
      .where('online_submissions.receipt_id', '=', receiptId)
      .executeTakeFirst();
    if (!row || row.receipt_box === null) return null;
    if (take) {
      const taken = await trx
        .updateTable('online_submissions')
        .set({ receipt_id: null, receipt_box: null, receipt_expires_at: null })
        .where('receipt_id', '=', receiptId)
        .where('receipt_box', 'is not', null)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) return null;
    }
    if (row.receipt_expires_at === null || row.receipt_expires_at < now.toISOString()) return null;
    const secret = open(receiptKey, receiptId, row.receipt_box);
    return secret === null ? null : { applicationId: row.application_id, trackingNumber: row.tracking_number, agencyName: row.agency_name, secret };
  });
}
