/**
 * THE list of encrypted columns, and why each personal field of a citizen is or is not in it.
 * Every writer seals these columns (sealColumns) and every reader opens them (openColumns); the
 * start step and `gongkai keys encrypt-existing|rotate` (existing.ts) walk the same list.
 *
 * Encrypted (AES-256-GCM, field-cipher.ts), bound to table, column and row:
 *
 * - applications.id_number — 证件号码: sensitive personal information (GB/T 35273-2020 附录B,
 *   个人身份信息); the one field that identifies a person beyond doubt.
 * - applications.contact_phone, contact_email, contact_address, postcode — how to reach and where
 *   to find the applicant (个人联系方式, 住址): with a name they locate a person.
 * - applications.contact_person — the contact of an organisation applying: a natural person's
 *   name that nothing searches.
 * - feedback.contact_name, feedback.contact_phone — what a complainant leaves for the reply.
 *
 * Kept in plaintext, by decision — applications.applicant_name (姓名或名称):
 *
 * 1. Staff find a case by part of the name: the work queue's 查找 box matches a fragment of the
 *    name, the request or the tracking number (application.repository.ts queryQueue: `like
 *    %q%`). An applicant who phones or comes to the window says "我是张某某，上周申请过"; about a
 *    third of applicants are organisations, found by a fragment of their 名称 (「某某科技」). A
 *    keyed blind index (HMAC of the normalised name) finds only the exact full name, so
 *    searching by surname, by a misspelt or partly remembered name, or by part of a company
 *    name would stop working — the queue would lose its main search for the one field that
 *    helps the least to protect.
 * 2. A name alone, without ID number, phone or address, identifies weakly (同名同姓 is common) and
 *    is not sensitive personal information (个人信息保护法第28条; GB/T 35273-2020 附录B); an
 *    organisation's name is not personal data at all. What turns a name into a located person —
 *    the ID number and the contact data — is encrypted.
 * 3. The name is protected by the other controls: staff only, per agency grants (policy.ts),
 *    never on a public page or API answer (presentPublic), never in the audit log, e-mail
 *    reminders or the annual report (which counts applicants by type only); the letters
 *    (告知书) print it because they are addressed to the applicant.
 * 4. At-rest protection of the whole database (encrypted disks or volumes, encrypted backups)
 *    covers it with everything else; that is the deployment's part (docs/security.md).
 *
 * The request's description is plaintext for the same reason (the queue searches it). Also
 * plaintext, as residual risk stated in docs/security.md: `purpose`, staff notes, and the
 * consulted third party's name in the append-only event log (the log's table refuses UPDATE, so
 * existing entries could not be encrypted later; a third party is usually an organisation).
 *
 * No exact lookup by ID number or phone exists (no duplicate-applicant detection), so no blind
 * index is kept: an index of ID numbers would itself be a dictionary-attackable copy of them.
 */
import type { ApplicationsTable, FeedbackTable } from '../db/schema.js';
import { openValue, type DataKeys } from './field-cipher.js';

/** The encrypted columns per table (each table has an integer `id`: the associated data's row id). */
export const ENCRYPTED_COLUMNS = {
  applications: ['id_number', 'contact_person', 'contact_phone', 'contact_email', 'contact_address', 'postcode'],
  feedback: ['contact_name', 'contact_phone'],
} as const satisfies { applications: readonly (keyof ApplicationsTable)[]; feedback: readonly (keyof FeedbackTable)[] };

export type EncryptedTable = keyof typeof ENCRYPTED_COLUMNS;
export type EncryptedColumn<T extends EncryptedTable> = (typeof ENCRYPTED_COLUMNS)[T][number];
type Values<T extends EncryptedTable> = { [C in EncryptedColumn<T>]?: string | null };

/**
 * The values of a row's encrypted columns, sealed for that row (null stays null). Rows are
 * inserted first and sealed by an UPDATE in the same transaction: the row id is part of the
 * associated data and is known only after the insert.
 */
export function sealColumns<T extends EncryptedTable, V extends Values<T>>(keys: DataKeys, table: T, rowId: number, values: V): V {
  const out: Record<string, string | null> = {};
  for (const column of ENCRYPTED_COLUMNS[table] as readonly string[]) {
    if (!(column in values)) continue;
    const v = (values as Record<string, string | null | undefined>)[column];
    out[column] = v === null || v === undefined ? null : keys.encrypt(v, { table, column, rowId });
  }
  return out as V;
}

/**
 * A row read from the database with its encrypted columns opened (plaintext values written
 * before encryption are returned as they are). DataDecryptionError on a value that cannot be
 * opened; without keys only plaintext rows can be read.
 */
export function openColumns<T extends EncryptedTable, R extends { id: number } & Values<T>>(keys: DataKeys | undefined, table: T, row: R): R {
  const out: Record<string, unknown> = { ...row };
  for (const column of ENCRYPTED_COLUMNS[table] as readonly string[]) {
    if (!(column in row)) continue;
    const v = (row as Record<string, string | null | undefined>)[column];
    if (typeof v === 'string') out[column] = openValue(keys, v, { table, column, rowId: row.id });
  }
  return out as R;
}
