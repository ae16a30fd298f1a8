/**
 * What the back-office pages (routes/applications-admin.tsx) and the staff JSON API
 * (routes/api-applications-staff.ts) share: the service deps of a request, the operations by
 * event name, "may this actor see this case at all" (404, never 403, for cases of agencies the
 * actor cannot read: their existence is not leaked), and the work-queue filters.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { agenciesWhere, can, ForbiddenError, type Actor } from '../../../accounts/policy.js';
import type { TransitionEvent } from '../../../applications/application.js';
import { OPEN_STATES, TRANSITION_EVENTS } from '../../../applications/application.js';
import {
  addReviewCaseSchema,
  confirmReceiptSchema,
  decideReviewCaseSchema,
  extendSchema,
  issueFeeNoticeSchema,
  markCorrectionLapsedSchema,
  markFeeLapsedSchema,
  recordCorrectionSchema,
  recordOpinionSchema,
  recordPaymentSchema,
  reopenSchema,
  replySchema,
  requestCorrectionSchema,
  startConsultationSchema,
  withdrawSchema,
} from '../../../applications/application.schema.js';
import * as service from '../../../applications/application.service.js';
import type { ServiceDeps, StepResult } from '../../../applications/application.service.js';
import type { StaffApplicationView } from '../../../applications/application.presenter.js';
import type { Db } from '../../../db/database.js';
import { NotFoundError } from '../../../errors.js';

declare module '../../app.js' {
  interface AppDeps {
    /** The application desk's clock (tests fix it); default: the system clock. */
    now?: () => Date;
  }
}

/** The deps of the application service for this app (calendar, and the clock when fixed). */
export function serviceDeps(app: FastifyInstance): ServiceDeps {
  const { calendar, now } = app.deps;
  return now ? { calendar, now } : { calendar };
}

/** An application id from a URL: anything but a positive whole number is "not found". */
export function parseId(raw: unknown): number {
  const s = typeof raw === 'string' ? raw : '';
  // Ids are 32-bit integers in the database (a larger one cannot exist, and PostgreSQL would refuse it).
  if (!/^[1-9]\d{0,9}$/.test(s) || Number(s) > 2_147_483_647) throw new NotFoundError('未找到该申请');
  return Number(s);
}

/**
 * Throws NotFoundError unless the application exists AND the actor may read its agency: a clerk
 * of another agency learns nothing, not even that the case exists. Returns the agency id.
 */
export async function assertReadable(db: Db, actor: Actor, applicationId: number): Promise<number> {
  const row = await db.kysely.selectFrom('applications').select('agency_id').where('id', '=', applicationId).executeTakeFirst();
  if (!row || !can(actor, 'read', row.agency_id)) throw new NotFoundError('未找到该申请');
  return row.agency_id;
}

/** The staff view of a case; a case the actor may not read is "not found" (not 403). */
export async function staffView(app: FastifyInstance, actor: Actor, applicationId: number): Promise<StaffApplicationView> {
  try {
    return await service.getApplicationForStaff(app.deps.db, serviceDeps(app), actor, applicationId);
  } catch (e) {
    if (e instanceof ForbiddenError) throw new NotFoundError('未找到该申请');
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// The operations by event name

type Operation = (db: Db, deps: ServiceDeps, actor: Actor, input: unknown) => Promise<StepResult>;

export interface ActionDef {
  run: Operation;
  /** The operation's input schema (application.schema.ts): the API documents its body from it. */
  schema: z.ZodObject;
}

export const ACTIONS: Record<TransitionEvent, ActionDef> = {
  confirmed: { run: service.confirmReceipt, schema: confirmReceiptSchema },
  correction_requested: { run: service.requestCorrection, schema: requestCorrectionSchema },
  correction_received: { run: service.recordCorrection, schema: recordCorrectionSchema },
  correction_lapsed: { run: service.markCorrectionLapsed, schema: markCorrectionLapsedSchema },
  consultation_started: { run: service.startConsultation, schema: startConsultationSchema },
  opinion_received: { run: service.recordOpinion, schema: recordOpinionSchema },
  extended: { run: service.extend, schema: extendSchema },
  fee_notified: { run: service.issueFeeNotice, schema: issueFeeNoticeSchema },
  fee_paid: { run: service.recordPayment, schema: recordPaymentSchema },
  fee_lapsed: { run: service.markFeeLapsed, schema: markFeeLapsedSchema },
  replied: { run: service.reply, schema: replySchema },
  withdrawn: { run: service.withdraw, schema: withdrawSchema },
  review_filed: { run: service.addReviewCase, schema: addReviewCaseSchema },
  review_decided: { run: service.decideReviewCase, schema: decideReviewCaseSchema },
  reopened: { run: service.reopenAfterReview, schema: reopenSchema },
};

export function isActionName(s: unknown): s is TransitionEvent {
  return typeof s === 'string' && (TRANSITION_EVENTS as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------------------------
// The work queue

export const PAGE_SIZE = 50;

/** The queue filters as the GET form sends them (all strings; absent = not filtering). */
export interface QueueFilters {
  state: string;
  agency: string;
  overdue: boolean;
  q: string;
  page: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

export function readFilters(query: unknown): QueueFilters {
  const q = (query ?? {}) as Record<string, unknown>;
  const page = Number(str(q.page));
  return {
    state: str(q.state),
    agency: str(q.agency),
    overdue: ['on', '1', 'true'].includes(str(q.overdue)),
    q: str(q.q),
    page: Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The filters as workQueue's input (application.schema.ts workQueueSchema). */
export function queueInput(f: QueueFilters, paging: { limit: number; offset: number }): Record<string, unknown> {
  return {
    ...(f.agency ? { agencyIds: [f.agency] } : {}),
    ...(f.state ? { state: f.state } : {}),
    ...(f.q.trim() ? { q: f.q } : {}),
    overdueOnly: f.overdue,
    limit: paging.limit,
    offset: paging.offset,
  };
}

/** The query string of the filters (for pagination links and the export), without the page. */
export function filterQuery(f: QueueFilters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (f.state) p.set('state', f.state);
  if (f.agency) p.set('agency', f.agency);
  if (f.overdue) p.set('overdue', '1');
  if (f.q) p.set('q', f.q);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * The descriptions (摘要) of the queue's rows. The queue query (application.repository.ts
 * queryQueue) does not select the description; the ids come from a queue the actor may read.
 */
export async function descriptionsOf(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.kysely.selectFrom('applications').select(['id', 'description']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.description]));
}

/**
 * How many open cases the actor may read, and how many of them are overdue (the back-office
 * home). One pass over the (agency_id, state, reply_due_on) index, with the definitions of the
 * queue (application.repository.ts queryQueue: open states; overdue = reply due date before
 * today) — workQueue(overdueOnly) would also sort the overdue cases, which is slow when there
 * are tens of thousands of them.
 */
export async function queueCounts(db: Db, actor: Actor, today: string): Promise<{ open: number; overdue: number }> {
  const agencyIds = agenciesWhere(actor, 'read');
  if (agencyIds.length === 0) return { open: 0, overdue: 0 };
  const r = await db.kysely
    .selectFrom('applications')
    .select((e) => [e.fn.countAll<number>().as('open'), e.fn.sum<number>(e.case().when('reply_due_on', '<', today).then(1).else(0).end()).as('overdue')])
    .where('agency_id', 'in', agencyIds)
    .where('state', 'in', [...OPEN_STATES])
    .executeTakeFirst();
  return { open: Number(r?.open ?? 0), overdue: Number(r?.overdue ?? 0) };
}

/** The first `n` characters of a text on one line, with … when cut. */
export function excerpt(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  const chars = [...one];
  return chars.length <= n ? one : `${chars.slice(0, n).join('')}…`;
}
