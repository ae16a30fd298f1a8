/**
 * 社会评议: what the public tells an agency about its column, and the staff's replies.
 *
 * - A rating of a public catalogue item: 有用 / 没用, with an optional comment (≤ 500 characters).
 *   Only a public item can be rated (findPublicItem: anything else is "not found", as on its page).
 * - A complaint (投诉) about a column: the text (≤ 2,000), and optionally a name and a phone for
 *   the reply. Name and phone are personal data: staff of the agency see them, no public page or
 *   feed ever does, and the audit log holds only ids and lengths. They are stored encrypted
 *   (src/crypto/columns.ts): sealed for the new row, opened for the staff.
 *
 * Nothing about the visitor is stored with either (no address, no cookie); the per-address rate
 * limits (FEEDBACK_LIMITS) count in the rate-limit table, as for the other public forms.
 *
 * Staff: who may see an agency's catalogue items (catalogue.service canSee: the agency's staff,
 * supervisors and administrators above it, and the reviewers and heads of the agency above it —
 * a town for its villages) sees its feedback; whoever may handle its items (its clerks, reviewers
 * and heads, and the reviewers and heads above it) replies. A reply records the text, who and
 * when, and is audited; replying again replaces it (audited again), and a reply sent against a
 * stale page is refused rather than silently overwriting a colleague's.
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { agenciesWhere, can, ForbiddenError, holds, type Actor } from '../accounts/policy.js';
import { audit } from '../audit/audit.js';
import { canSee } from '../catalogue/catalogue.service.js';
import { findPublicItem } from '../catalogue/visibility.js';
import type { Db } from '../db/database.js';
import type { Database, FeedbackKind } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { openColumns, sealColumns } from '../crypto/columns.js';
import { installedDataKeys, requireDataKeys } from '../crypto/keys.js';
import type { Limit } from '../security/rate-limit.js';
import { choice, MAX_ID, optionalChoice, optionalText, parseInput, text, int } from '../validation.js';

type Q = Kysely<Database> | Transaction<Database>;

export const FEEDBACK_KIND_LABELS: Record<FeedbackKind, string> = { rating: '信息评价', complaint: '投诉' };
export const FEEDBACK_STATE_LABELS = { new: '待答复', replied: '已答复' } as const;
export const USEFUL_LABELS = { yes: '有用', no: '没用' } as const;

/** Per client address, counted in the database (security/rate-limit.ts), like the other public forms. */
export const FEEDBACK_LIMITS = {
  /** Ratings of items. */
  rating: { bucket: 'feedback', max: 20, windowMs: 3600_000 },
  /** Complaints about a column. */
  complaint: { bucket: 'complaint', max: 5, windowMs: 3600_000 },
} as const satisfies Record<string, Limit>;

export const MAX_COMMENT = 500;
export const MAX_COMPLAINT = 2000;
export const MAX_REPLY = 2000;

/**
 * Text as typed into a public form: line ends made \n, control characters (other than tab and
 * line feed) removed. Rendering escapes the rest.
 */
function cleanText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  return v.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

const clean = <S extends z.ZodType>(s: S) => z.preprocess(cleanText, s);

export const ratingSchema = z.object({
  useful: choice('评价', USEFUL_LABELS),
  comment: clean(optionalText('意见', MAX_COMMENT)),
});

const PHONE = /^[0-9+\-() ]{5,30}$/;

export const complaintSchema = z.object({
  body: clean(text('投诉内容', MAX_COMPLAINT)),
  name: clean(optionalText('姓名', 50)),
  phone: z.preprocess(
    (v) => (typeof v === 'string' ? v.normalize('NFKC').trim() : v),
    optionalText('联系电话', 30).refine((v) => v === undefined || PHONE.test(v), '联系电话只能包含数字、空格和 + - ( )，5到30个字符'),
  ),
});

export const replySchema = z.object({
  reply: clean(text('答复内容', MAX_REPLY)),
  /** The reply time the page showed ('' when unanswered): a reply in between makes this one stale. */
  previous: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().max(40)),
});

export const staffFeedbackListSchema = z.object({
  kind: optionalChoice('类型', FEEDBACK_KIND_LABELS),
  state: optionalChoice('状态', FEEDBACK_STATE_LABELS),
  limit: int('每页条数', { min: 1, max: 200 }).optional(),
  offset: int('起始位置', { min: 0, max: 1_000_000 }).optional(),
});

const nowIso = (now?: () => Date) => (now ? now() : new Date()).toISOString();

/** Records a rating of a public item; NotFoundError when the item is not public. */
export async function submitRating(db: Db, itemId: number, input: unknown, now?: () => Date): Promise<{ id: number }> {
  const v = parseInput(ratingSchema, input);
  const item = await findPublicItem(db.kysely, itemId);
  if (!item) throw new NotFoundError('未找到该信息');
  const row = await db.kysely
    .insertInto('feedback')
    .values({
      kind: 'rating',
      agency_id: item.agencyId,
      item_id: item.id,
      item_version: item.versionNumber,
      useful: v.useful === 'yes' ? 1 : 0,
      body: v.comment ?? '',
      contact_name: null,
      contact_phone: null,
      created_at: nowIso(now),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id };
}

/** Records a complaint about a column (the caller has checked the column exists). */
export async function submitComplaint(db: Db, agencyId: number, input: unknown, now?: () => Date): Promise<{ id: number }> {
  const v = parseInput(complaintSchema, input);
  const keys = requireDataKeys();
  return db.kysely.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('feedback')
      .values({
        kind: 'complaint',
        agency_id: agencyId,
        item_id: null,
        item_version: null,
        useful: null,
        body: v.body,
        contact_name: null,
        contact_phone: null,
        created_at: nowIso(now),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Sealed for the row's id (the ciphertext's associated data), known after the insert.
    if (v.name !== undefined || v.phone !== undefined) {
      const sealed = sealColumns(keys, 'feedback', row.id, { contact_name: v.name ?? null, contact_phone: v.phone ?? null });
      await trx.updateTable('feedback').set(sealed).where('id', '=', row.id).execute();
    }
    return { id: row.id };
  });
}

// ---------------------------------------------------------------------------------------------
// Staff

/** Whether the actor may reply for this agency: whoever handles its catalogue items. */
export function mayReply(actor: Actor, agency: { agency_id: number; parent_id: number | null }): boolean {
  if (can(actor, 'handle', agency.agency_id)) return true;
  return agency.parent_id !== null && (holds(actor, 'reviewer', agency.parent_id) || holds(actor, 'head', agency.parent_id));
}

export interface StaffFeedback {
  id: number;
  kind: FeedbackKind;
  agencyId: number;
  agencyName: string;
  item: { id: number; title: string | null; version: number | null } | null;
  useful: boolean | null;
  body: string;
  /** Complaints: what the complainant left for a reply (personal data, staff only). */
  contactName: string | null;
  contactPhone: string | null;
  createdAt: string;
  state: 'new' | 'replied';
  reply: string | null;
  repliedBy: string | null;
  repliedAt: string | null;
  /** Whether this actor may reply. */
  canReply: boolean;
}

function staffQuery(db: Q) {
  return db
    .selectFrom('feedback as f')
    .innerJoin('agencies as a', 'a.id', 'f.agency_id')
    .leftJoin('catalogue_items as i', 'i.id', 'f.item_id')
    .leftJoin('catalogue_versions as v', 'v.id', 'i.published_version_id')
    .leftJoin('users as u', 'u.id', 'f.replied_by')
    .select([
      'f.id',
      'f.kind',
      'f.agency_id',
      'a.parent_id',
      'a.name as agency_name',
      'f.item_id',
      'f.item_version',
      'v.title as item_title',
      'f.useful',
      'f.body',
      'f.contact_name',
      'f.contact_phone',
      'f.created_at',
      'f.state',
      'f.reply',
      'u.display_name as replied_by_name',
      'f.replied_at',
    ]);
}

type StaffRow = Awaited<ReturnType<ReturnType<typeof staffQuery>['executeTakeFirstOrThrow']>>;

function present(actor: Actor, stored: StaffRow): StaffFeedback {
  const r = openColumns(installedDataKeys(), 'feedback', stored);
  return {
    id: r.id,
    kind: r.kind,
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    item: r.item_id === null ? null : { id: r.item_id, title: r.item_title, version: r.item_version },
    useful: r.useful === null ? null : r.useful === 1,
    body: r.body,
    contactName: r.contact_name,
    contactPhone: r.contact_phone,
    createdAt: r.created_at,
    state: r.state,
    reply: r.reply,
    repliedBy: r.replied_by_name,
    repliedAt: r.replied_at,
    canReply: mayReply(actor, r),
  };
}

/** The feedback the actor may see, newest first (unanswered first when not filtered by state). */
export async function listFeedbackForStaff(db: Db, actor: Actor, input: unknown): Promise<{ items: StaffFeedback[]; total: number; limit: number; offset: number }> {
  const v = parseInput(staffFeedbackListSchema, input);
  const limit = v.limit ?? 50;
  const offset = v.offset ?? 0;
  const readable = agenciesWhere(actor, 'read');
  const reviewing = [...actor.access.entries()].filter(([, roles]) => roles.has('reviewer') || roles.has('head')).map(([id]) => id);
  let q = staffQuery(db.kysely).where((eb) => {
    const visible = [];
    if (readable.length) visible.push(eb('f.agency_id', 'in', readable));
    if (reviewing.length) visible.push(eb('a.parent_id', 'in', reviewing));
    return visible.length ? eb.or(visible) : eb.val(false);
  });
  if (v.kind) q = q.where('f.kind', '=', v.kind);
  if (v.state) q = q.where('f.state', '=', v.state);
  const count = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await q.orderBy('f.state').orderBy('f.id', 'desc').limit(limit).offset(offset).execute();
  return { items: rows.map((r) => present(actor, r)), total: Number(count.n), limit, offset };
}

async function loadVisible(db: Q, actor: Actor, id: number): Promise<StaffRow> {
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ID) throw new NotFoundError('未找到该评议');
  const row = await staffQuery(db).where('f.id', '=', id).executeTakeFirst();
  // Someone who may not see it learns nothing, not even that it exists.
  if (!row || !canSee(actor, row)) throw new NotFoundError('未找到该评议');
  return row;
}

export async function getFeedbackForStaff(db: Db, actor: Actor, id: number): Promise<StaffFeedback> {
  return present(actor, await loadVisible(db.kysely, actor, id));
}

/** Records (or replaces) the reply; audited. */
export async function replyToFeedback(db: Db, actor: Actor, id: number, input: unknown, now?: () => Date): Promise<StaffFeedback> {
  const v = parseInput(replySchema, input);
  return db.kysely.transaction().execute(async (trx) => {
    const row = await loadVisible(trx, actor, id);
    if (!mayReply(actor, row)) throw new ForbiddenError('只有本机关的信息员、审核人或负责人可以答复');
    const at = nowIso(now);
    const r = await trx
      .updateTable('feedback')
      .set({ state: 'replied', reply: v.reply, replied_by: actor.userId, replied_at: at })
      .where('id', '=', id)
      .where((eb) => (v.previous ? eb('replied_at', '=', v.previous) : eb('replied_at', 'is', null)))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new ConflictError('该评议已被他人答复，请刷新后查看（您的答复未保存）');
    await audit(trx, {
      userId: actor.userId,
      agencyId: row.agency_id,
      action: 'feedback.replied',
      subjectType: 'feedback',
      subjectId: id,
      details: { kind: row.kind, itemId: row.item_id, length: v.reply.length, again: row.replied_at !== null },
    });
    return present(actor, await staffQuery(trx).where('f.id', '=', id).executeTakeFirstOrThrow());
  });
}
