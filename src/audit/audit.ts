/**
 * The audit log: one append-only row per staff action and security event (logins, failures,
 * changes of any record). The table refuses UPDATE and DELETE inside the database itself
 * (triggers), so the application cannot alter it. Details never hold applicants' personal data.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

export interface AuditInput {
  userId: number | null;
  agencyId?: number | null;
  /** dotted verb, e.g. 'login.success', 'application.extend'. */
  action: string;
  subjectType?: string | null;
  subjectId?: string | number | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
}

export async function audit(db: Kysely<Database> | Transaction<Database>, e: AuditInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: new Date().toISOString(),
      user_id: e.userId,
      agency_id: e.agencyId ?? null,
      action: e.action,
      subject_type: e.subjectType ?? null,
      subject_id: e.subjectId === undefined || e.subjectId === null ? null : String(e.subjectId),
      details: e.details ? JSON.stringify(e.details) : null,
      ip: e.ip ?? null,
    })
    .execute();
}
