/**
 * Attachments of an application (the information provided, incoming documents). Staff of the
 * case's agency add and read them; the applicant downloads those marked for them through the
 * tracking door only. Every file is checked by its bytes (sniff.ts) before it is stored. Every
 * download is audited (attachment.download: who — a staff member, or the applicant with user id
 * null — the file's id, the address; never the file name, which may name people).
 */
import { can, type Actor } from '../accounts/policy.js';
import { audit } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import type { AttachmentKind } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { ValidationError } from '../validation.js';
import { sniff } from './sniff.js';
import type { FileStore } from './store.js';

export const ATTACHMENT_KIND_LABELS: Record<AttachmentKind, string> = {
  provided: '提供给申请人的信息',
  incoming: '收到的材料',
  other: '其他',
};

/** Default upper bound of one attachment. */
export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export interface AttachmentView {
  id: number;
  applicationId: number;
  kind: AttachmentKind;
  kindLabel: string;
  filename: string;
  mediaType: string;
  size: number;
  forApplicant: boolean;
  createdAt: string;
}

/** A safe display/download name: no path, no control or reserved characters, at most 100 characters, the sniffed extension. */
export function safeFilename(name: string, ext: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .trim()
    .slice(0, 90);
  return `${base || '附件'}.${ext}`;
}

async function caseAgency(db: Db, applicationId: number): Promise<number | null> {
  const r = await db.kysely.selectFrom('applications').select('agency_id').where('id', '=', applicationId).executeTakeFirst();
  return r?.agency_id ?? null;
}

export async function addAttachment(
  db: Db,
  store: FileStore,
  actor: Actor,
  input: { applicationId: number; filename: string; bytes: Uint8Array; kind?: string; forApplicant?: boolean },
): Promise<AttachmentView> {
  const agencyId = await caseAgency(db, input.applicationId);
  // A case the actor may not read does not exist for them.
  if (agencyId === null || !can(actor, 'read', agencyId)) throw new NotFoundError('未找到该申请');
  if (!can(actor, 'handle', agencyId)) throw new NotFoundError('未找到该申请');
  const kind: AttachmentKind = input.kind === 'incoming' || input.kind === 'other' ? input.kind : 'provided';
  const verdict = sniff(input.bytes, input.filename);
  if (!verdict.ok) throw new ValidationError({ file: verdict.reason });
  const filename = safeFilename(input.filename, verdict.kind.ext);
  const sha = await store.put(input.bytes);
  const now = new Date().toISOString();
  const row = await db.kysely.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto('attachments')
      .values({
        application_id: input.applicationId,
        kind,
        filename,
        media_type: verdict.kind.mediaType,
        size: input.bytes.length,
        sha256: sha,
        for_applicant: input.forApplicant ? 1 : 0,
        created_at: now,
        created_by: actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(trx, {
      userId: actor.userId,
      agencyId,
      action: 'attachment.add',
      subjectType: 'application',
      subjectId: input.applicationId,
      details: { attachmentId: r.id, size: r.size, mediaType: r.media_type },
    });
    return r;
  });
  return presentAttachment(row);
}

type Row = Awaited<ReturnType<typeof rowsOf>>[number];

/** The columns presentAttachment needs (a row of attachments, or the same fields read elsewhere). */
export type AttachmentRow = Pick<Row, 'id' | 'application_id' | 'kind' | 'filename' | 'media_type' | 'size' | 'for_applicant' | 'created_at'>;

function rowsOf(db: Db, applicationId: number) {
  return db.kysely.selectFrom('attachments').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
}

export function presentAttachment(r: AttachmentRow): AttachmentView {
  return {
    id: r.id,
    applicationId: r.application_id,
    kind: r.kind,
    kindLabel: ATTACHMENT_KIND_LABELS[r.kind],
    filename: r.filename,
    mediaType: r.media_type,
    size: r.size,
    forApplicant: r.for_applicant === 1,
    createdAt: r.created_at,
  };
}

export async function listAttachments(db: Db, actor: Actor, applicationId: number): Promise<AttachmentView[]> {
  const agencyId = await caseAgency(db, applicationId);
  if (agencyId === null || !can(actor, 'read', agencyId)) throw new NotFoundError('未找到该申请');
  return (await rowsOf(db, applicationId)).map(presentAttachment);
}

/** Where a download comes from, for the audit log. */
export interface DownloadContext {
  ip: string | null;
  /** A page of the site, or the JSON API. */
  via: 'page' | 'api';
}

async function auditDownload(db: Db, r: Row, agencyId: number | null, userId: number | null, ctx: DownloadContext): Promise<void> {
  await audit(db.kysely, {
    userId,
    agencyId,
    action: 'attachment.download',
    subjectType: 'application',
    subjectId: r.application_id,
    details: { attachmentId: r.id, size: r.size, mediaType: r.media_type, by: userId === null ? 'applicant' : 'staff', via: ctx.via },
    ip: ctx.ip,
  });
}

export async function openAttachmentForStaff(db: Db, store: FileStore, actor: Actor, attachmentId: number, ctx: DownloadContext) {
  const r = await db.kysely.selectFrom('attachments').selectAll().where('id', '=', attachmentId).executeTakeFirst();
  const agencyId = r ? await caseAgency(db, r.application_id) : null;
  if (!r || agencyId === null || !can(actor, 'read', agencyId)) throw new NotFoundError('未找到该附件');
  const stream = await store.open(r.sha256);
  await auditDownload(db, r, agencyId, actor.userId, ctx);
  return { view: presentAttachment(r), stream };
}

/** An attachment of the case marked for the applicant (call only after the tracking number and 查询码 matched). */
export async function openAttachmentForApplicant(db: Db, store: FileStore, applicationId: number, attachmentId: number, ctx: DownloadContext) {
  const r = await db.kysely
    .selectFrom('attachments')
    .selectAll()
    .where('id', '=', attachmentId)
    .where('application_id', '=', applicationId)
    .where('for_applicant', '=', 1)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('未找到该附件');
  const stream = await store.open(r.sha256);
  await auditDownload(db, r, await caseAgency(db, applicationId), null, ctx);
  return { view: presentAttachment(r), stream };
}
