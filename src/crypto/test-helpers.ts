/**
 * Rows as an older version of the platform stored them — personal data in plaintext, written
 * with plain SQL — for the tests of the start step, the CLI and the readers' transition (not built
 * into anything else).
 */
import type { Db } from '../db/database.js';
import { randomBytes } from 'node:crypto';

export interface PlainPerson {
  idNumber: string;
  phone: string | null;
  email: string | null;
  address: string | null;
}

/** The n-th legacy applicant: distinct values per n, easy to look for in raw rows. */
export function legacyPerson(n: number): PlainPerson {
  const serial = String(n).padStart(4, '0');
  return {
    idNumber: `1101051990010${serial}X`,
    phone: n % 5 === 0 ? null : `1390000${serial}`,
    email: n % 3 === 0 ? null : `legacy${serial}@example.com`,
    address: `旧城区幸福路${n}号`,
  };
}

/** Inserts an application with plaintext personal data directly (as before encryption); returns its id. */
export async function insertPlainApplication(db: Db, agencyId: number, p: PlainPerson): Promise<number> {
  const tn = `${agencyId}-2025-${randomBytes(4).toString('hex')}`;
  const r = await db.kysely
    .insertInto('applications')
    .values({
      agency_id: agencyId,
      tracking_number: tn,
      tracking_secret_hash: 'x',
      channel: 'in_person',
      applicant_type: 'natural_person',
      applicant_name: '旧数据申请人',
      id_type: 'resident_id',
      id_number: p.idNumber,
      contact_person: null,
      contact_phone: p.phone,
      contact_email: p.email,
      contact_address: p.address,
      postcode: '100000',
      description: '旧数据：某项目的批复文件',
      purpose: null,
      provision_form: 'paper',
      delivery: 'pickup',
      submitted_on: '2025-03-03',
      confirmed_on: null,
      received_on: '2025-03-03',
      state: 'registered',
      reply_due_on: '2025-03-31',
      correction_due_on: null,
      next_due_on: '2025-03-31',
      clock_status: 'overdue',
      clock_provisional: 0,
      extension_days: null,
      outcome_row: null,
      outcome_basis: null,
      outcome_format: null,
      closed_on: null,
      version: 1,
      created_at: '2025-03-03T02:00:00.000Z',
      updated_at: '2025-03-03T02:00:00.000Z',
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Inserts a complaint with the complainant's name and phone in plaintext; returns its id. */
export async function insertPlainComplaint(db: Db, agencyId: number, name: string | null, phone: string | null): Promise<number> {
  const r = await db.kysely
    .insertInto('feedback')
    .values({ kind: 'complaint', agency_id: agencyId, item_id: null, item_version: null, useful: null, body: '旧投诉', contact_name: name, contact_phone: phone, created_at: '2025-03-03T02:00:00.000Z' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}
