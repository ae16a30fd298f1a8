/**
 * The operations of the application desk (依申请公开). Every surface (the public portal, the back
 * office, the JSON API, the CLI) calls these and nothing else; they only parse input and shape
 * output.
 *
 * Each staff operation, in ONE transaction:
 *   1. validates the input (application.schema.ts; Chinese messages per field),
 *   2. loads the application and checks the actor's permission at its agency (policy.ts),
 *   3. checks the version the user saw and claims the row by bumping it (stale → ConflictError,
 *      nothing written; on PostgreSQL the claim holds the row lock, so concurrent saves queue),
 *   4. checks the transition against the table (application.ts; refused → StateError naming the state),
 *   5. appends the event, recomputes every clock from the whole log (clock.ts computeClocks) and
 *      stores the due dates, status and provisional flag on the row,
 *   6. writes the audit log (no personal data in it).
 *
 * The applicant's ID number and contact data are stored encrypted (src/crypto/columns.ts): intake
 * seals them for the new row, the staff view and the applicant's letters open them; nothing else
 * here reads them.
 *
 * Signatures: `(db, deps, actor, input)`; deps carry the working-day calendar and the clock
 * (`now`, for tests). Inputs are `unknown` on purpose: a form's strings and an API's JSON both go
 * through the operation's schema (parsed types: application.schema.ts). Dates are ISO dates in
 * China (UTC+8). Results carry no personal data; outputs for people go through the presenter.
 */
import { presentAttachment, type AttachmentView } from '../attachments/attachment.service.js';
import type { Transaction } from 'kysely';
import { formatIsoDate } from '../calendar/date.js';
import { APPLICATION_AGENCY_KINDS } from '../agencies/agency.repository.js';
import { agenciesWhere, assertCan, can, ForbiddenError, type Actor } from '../accounts/policy.js';
import { audit } from '../audit/audit.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import type { Db } from '../db/database.js';
import type { ApplicationRow, ApplicationState, ApplicationUpdate, Database } from '../db/schema.js';
import { ConflictError, NotFoundError, StateError } from '../errors.js';
import { openColumns, sealColumns } from '../crypto/columns.js';
import { installedDataKeys, requireDataKeys } from '../crypto/keys.js';
import { parseInput, ValidationError } from '../validation.js';
import {
  actionFor,
  allowedEvents,
  assertTransition,
  CLOSED_STATES,
  CLOSING_EVENTS,
  closingOutcome,
  CONSULTATION_KIND_LABELS,
  deriveClocks,
  EVENT_LABELS,
  history,
  nextState,
  OPEN_STATES,
  replyGround,
  replyOutcome,
  type AppEvent,
  type DerivedClocks,
  type History,
  type NewAppEvent,
  type TransitionEvent,
} from './application.js';
import {
  presentPublic,
  presentQueueItem,
  presentStaff,
  type NextAction,
  type PublicApplicationView,
  type QueueItemView,
  type StaffApplicationView,
} from './application.presenter.js';
import * as repo from './application.repository.js';
import {
  addReviewCaseSchema,
  confirmReceiptSchema,
  decideReviewCaseSchema,
  extendSchema,
  issueFeeNoticeSchema,
  markCorrectionLapsedSchema,
  markFeeLapsedSchema,
  onlineApplicationSchema,
  recordCorrectionSchema,
  recordOpinionSchema,
  recordPaymentSchema,
  reopenSchema,
  replySchema,
  requestCorrectionSchema,
  staffApplicationSchema,
  startConsultationSchema,
  trackingLookupSchema,
  withdrawSchema,
  workQueueSchema,
  type OnlineApplication,
} from './application.schema.js';
import { ClockInputError } from './clock.js';
import { AlreadySubmittedError, formTokenUsed, isIdempotencyKey, recordSubmission } from './online-submissions.js';
import { FeeInputError, feeByPages, feeForNthItem } from './fee.js';
import { REVIEW_KIND_LABELS } from './reconsideration.js';
import { formatTrackingNumber, hashTrackingSecret, newTrackingSecret, normalizeSecret, normalizeTrackingNumber, verifyTrackingSecret } from './tracking.js';

export interface ServiceDeps {
  calendar: WorkCalendar;
  /** The current time (tests fix it). Default: the system clock. */
  now?: () => Date;
  /** Fee payment period in working days (clock.ts FEE_PAYMENT_WORKING_DAYS, marked "verify"). */
  feePaymentDays?: number;
}

/** The 2019 条例 (国务院令第711号) applies to applications received from this day; its clocks are the ones computed here. */
export const REGULATION_IN_FORCE = '2019-05-15';

type Trx = Transaction<Database>;

/**
 * The date in China of an instant, ISO. China has kept UTC+8 all year since 1992 (no daylight
 * saving), so a fixed offset is exact for every date this system handles — and far cheaper than
 * an Intl formatter per call.
 */
export function chinaDate(d: Date): string {
  return formatIsoDate(Math.floor((d.getTime() + 8 * 3_600_000) / 86_400_000));
}

function clockOf(deps: ServiceDeps): { today: string; at: string } {
  const now = deps.now ? deps.now() : new Date();
  return { today: chinaDate(now), at: now.toISOString() };
}

function derive(deps: ServiceDeps, state: ApplicationState, events: readonly AppEvent[], today: string): DerivedClocks {
  try {
    return deriveClocks(state, events, {
      calendar: deps.calendar,
      today,
      ...(deps.feePaymentDays !== undefined ? { feePaymentDays: deps.feePaymentDays } : {}),
    });
  } catch (e) {
    if (e instanceof ClockInputError) throw new StateError(`办理记录与期限规则不符：${e.message}`);
    throw e;
  }
}

/** A date field must not lie in the future. */
function notAfterToday(field: string, date: string, today: string): void {
  if (date > today) throw new ValidationError({ [field]: `日期 ${date} 晚于今天（${today}），不能登记尚未发生的事项` });
}

// ---------------------------------------------------------------------------------------------
// Intake

export interface IntakeResult {
  /** Internal id (back office links); never shown to the public. */
  applicationId: number;
  trackingNumber: string;
  /** The 查询码, shown to the applicant ONCE: only its hash is stored. */
  secret: string;
}

interface CreateSpec {
  agencyId: number;
  fields: OnlineApplication;
  channel: ApplicationRow['channel'];
  submittedOn: string;
  confirmedOn: string | null;
  state: ApplicationState;
  event: NewAppEvent;
  userId: number | null;
  today: string;
  at: string;
}

async function create(trx: Trx, deps: ServiceDeps, s: CreateSpec): Promise<IntakeResult> {
  const agency = await repo.findAgency(trx, s.agencyId);
  if (!agency) throw new ValidationError({ agencyId: '所选受理机关不存在' });
  // Villages and communities are not administrative organs (条例第2条): applications go to the
  // town government or the street office, whatever the channel.
  if (!APPLICATION_AGENCY_KINDS.includes(agency.kind)) {
    throw new ValidationError({ agencyId: `「${agency.name}」不是行政机关，不能受理政府信息公开申请；请向所在乡镇人民政府或街道办事处提出` });
  }
  const year = Number(s.today.slice(0, 4));
  const serial = await repo.nextSerial(trx, s.agencyId, year);
  const trackingNumber = formatTrackingNumber(s.agencyId, year, serial);
  const secret = newTrackingSecret();
  const first = { ...s.event, id: 0, at: s.at, userId: s.userId } as AppEvent;
  const clocks = derive(deps, s.state, [first], s.today);
  const f = s.fields;
  const keys = requireDataKeys();
  // The encrypted columns are sealed for the row's id (their associated data), known after the
  // insert: the row is inserted without them and completed in the same transaction.
  const id = await repo.insertApplication(trx, {
    agency_id: s.agencyId,
    tracking_number: trackingNumber,
    tracking_secret_hash: hashTrackingSecret(trackingNumber, secret),
    channel: s.channel,
    applicant_type: f.applicantType,
    applicant_name: f.applicantName,
    id_type: f.idType,
    id_number: '',
    contact_person: null,
    contact_phone: null,
    contact_email: null,
    contact_address: null,
    postcode: null,
    description: f.description,
    purpose: f.purpose ?? null,
    provision_form: f.provisionForm,
    delivery: f.delivery,
    submitted_on: s.submittedOn,
    confirmed_on: s.confirmedOn,
    state: s.state,
    ...clocks.stored,
    outcome_row: null,
    outcome_basis: null,
    outcome_format: null,
    closed_on: null,
    version: 1,
    created_at: s.at,
    updated_at: s.at,
    created_by: s.userId,
  });
  await repo.updateApplication(
    trx,
    id,
    sealColumns(keys, 'applications', id, {
      id_number: f.idNumber,
      contact_person: f.contactPerson ?? null,
      contact_phone: f.contactPhone ?? null,
      contact_email: f.contactEmail ?? null,
      contact_address: f.contactAddress ?? null,
      postcode: f.postcode ?? null,
    }),
  );
  await repo.insertEvent(trx, id, s.event, s.userId, s.at);
  await audit(trx, {
    userId: s.userId,
    agencyId: s.agencyId,
    action: s.userId === null ? 'application.submit' : 'application.register',
    subjectType: 'application',
    subjectId: id,
    details: { trackingNumber, channel: s.channel, state: s.state },
  });
  return { applicationId: id, trackingNumber, secret };
}

/**
 * The public online form. The application waits in 'submitted' until the office confirms it:
 * 以双方确认之日为收到申请之日 (条例第31条第（三）项). No actor: the applicant is anonymous.
 */
export async function submitOnline(db: Db, deps: ServiceDeps, input: unknown): Promise<IntakeResult> {
  const v = parseInput(onlineApplicationSchema, input);
  const { today, at } = clockOf(deps);
  return db.kysely.transaction().execute((trx) => create(trx, deps, onlineSpec(v, today, at)));
}

function onlineSpec(v: OnlineApplication, today: string, at: string): CreateSpec {
  return {
    agencyId: v.agencyId,
    fields: v,
    channel: 'online',
    submittedOn: today,
    confirmedOn: null,
    state: 'submitted',
    event: { type: 'submitted', date: today, data: { channel: 'online', submittedOn: today }, note: null },
    userId: null,
    today,
    at,
  };
}

/**
 * The public online form sent with its one-time form token (online-submissions.ts): submitOnline,
 * and in the same transaction the token is recorded (the same form sent again creates nothing:
 * AlreadySubmittedError, also when two copies race) and the 查询码 is kept, encrypted, for the
 * result page after the redirect. Returns the receipt key the applicant's browser keeps for it.
 */
export async function submitOnlineForm(db: Db, deps: ServiceDeps, input: unknown, formToken: string): Promise<IntakeResult & { receiptKey: string }> {
  const v = parseInput(onlineApplicationSchema, input);
  // The form's one-time token, or an API client's Idempotency-Key (the same rules: online-submissions.ts).
  if (!isIdempotencyKey(formToken)) throw new ValidationError({ _form: '申请表已失效，请重新提交。' });
  if (await formTokenUsed(db.kysely, formToken)) throw new AlreadySubmittedError();
  const { today, at } = clockOf(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const r = await create(trx, deps, onlineSpec(v, today, at));
    const receiptKey = await recordSubmission(trx, { formToken, applicationId: r.applicationId, secret: r.secret, now: new Date() });
    return { ...r, receiptKey };
  });
}

/** Staff register an application received in person, by post, fax or e-mail; the receipt date follows 条例第31条. */
export async function registerByStaff(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<IntakeResult> {
  const v = parseInput(staffApplicationSchema, input);
  assertCan(actor, 'handle', v.agencyId);
  const { today, at } = clockOf(deps);
  notAfterToday('submittedOn', v.submittedOn, today);
  if (v.confirmedOn) notAfterToday('confirmedOn', v.confirmedOn, today);
  const receivedOn = v.confirmedOn ?? v.submittedOn;
  if (receivedOn < REGULATION_IN_FORCE) {
    throw new ValidationError({
      [v.confirmedOn ? 'confirmedOn' : 'submittedOn']: `收到申请之日 ${receivedOn} 早于现行《条例》施行之日（2019年5月15日），本系统不按旧条例计算期限`,
    });
  }
  return db.kysely.transaction().execute((trx) =>
    create(trx, deps, {
      agencyId: v.agencyId,
      fields: v,
      channel: v.channel,
      submittedOn: v.submittedOn,
      confirmedOn: v.confirmedOn ?? null,
      state: 'registered',
      event: {
        type: 'registered',
        date: receivedOn,
        data: { channel: v.channel, submittedOn: v.submittedOn, confirmedOn: v.confirmedOn ?? null },
        note: v.note ?? null,
      },
      userId: actor.userId,
      today,
      at,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// The transition runner

export interface StepResult {
  applicationId: number;
  /** The new version: the next change must send it. */
  version: number;
  state: ApplicationState;
  eventId: number;
}

interface StepContext {
  trx: Trx;
  app: ApplicationRow;
  events: AppEvent[];
  history: History;
  /** The clocks before the event. */
  current: DerivedClocks;
  today: string;
  at: string;
  actor: Actor;
}

interface StepPlan {
  event: NewAppEvent;
  /** The form field holding the event's date (for messages). */
  dateField?: string;
  /** Review events do not take part in the chronology of the handling. */
  outsideChronology?: boolean;
  patch?: ApplicationUpdate;
  stillConsulting?: boolean;
  /** Checks on the clocks after the event (e.g. a timely extension). */
  check?: (after: DerivedClocks) => void;
  /** Writes beside the event (same transaction). */
  after?: (trx: Trx) => Promise<void>;
  audit?: Record<string, unknown>;
}

async function step(
  db: Db,
  deps: ServiceDeps,
  actor: Actor,
  ref: { applicationId: number; version: number },
  event: TransitionEvent,
  plan: (ctx: StepContext) => StepPlan | Promise<StepPlan>,
): Promise<StepResult> {
  const { today, at } = clockOf(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const app = await repo.findApplication(trx, ref.applicationId);
    if (!app) throw new NotFoundError('未找到该申请');
    assertCan(actor, actionFor(event), app.agency_id);
    if (app.version !== ref.version) throw new ConflictError();
    if (!(await repo.claimApplication(trx, app.id, ref.version))) throw new ConflictError();
    assertTransition(event, app.state);
    const events = (await repo.listEvents(trx, app.id)).map((x) => x.event);
    const h = history(events);
    const current = derive(deps, app.state, events, today);
    const p = await plan({ trx, app, events, history: h, current, today, at, actor });

    const field = p.dateField ?? 'date';
    notAfterToday(field, p.event.date, today);
    if (!p.outsideChronology && h.lastDate !== null && p.event.date < h.lastDate) {
      throw new ValidationError({ [field]: `日期 ${p.event.date} 早于本申请上一办理事项的日期（${h.lastDate}），请按时间顺序登记` });
    }
    if (CLOSING_EVENTS.includes(event) && h.lastAnyDate !== null && p.event.date < h.lastAnyDate) {
      throw new ValidationError({ [field]: `日期 ${p.event.date} 早于已登记的送达日期（${h.lastAnyDate}），办理不能在此之前终结` });
    }

    const to = nextState(app.state, event, { stillConsulting: p.stillConsulting ?? false });
    const newEvent = { ...p.event, id: 0, at, userId: actor.userId } as AppEvent;
    const after = derive(deps, to, [...events, newEvent], today);
    p.check?.(after);

    await repo.updateApplication(trx, app.id, { ...p.patch, state: to, ...after.stored, updated_at: at });
    const eventId = await repo.insertEvent(trx, app.id, p.event, actor.userId, at);
    await p.after?.(trx);
    await audit(trx, {
      userId: actor.userId,
      agencyId: app.agency_id,
      action: `application.${event}`,
      subjectType: 'application',
      subjectId: app.id,
      details: { trackingNumber: app.tracking_number, from: app.state, to, version: ref.version + 1, ...p.audit },
    });
    return { applicationId: app.id, version: ref.version + 1, state: to, eventId };
  });
}

const noteOf = (v: { note?: string | undefined }) => v.note ?? null;

// ---------------------------------------------------------------------------------------------
// Operations

/** Confirms an online submission: the confirmation day is the receipt date (条例第31条第（三）项). */
export async function confirmReceipt(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(confirmReceiptSchema, input);
  return step(db, deps, actor, v, 'confirmed', () => ({
    event: { type: 'confirmed', date: v.confirmedOn, data: { confirmedOn: v.confirmedOn }, note: noteOf(v) },
    dateField: 'confirmedOn',
    patch: { confirmed_on: v.confirmedOn },
  }));
}

/** The single correction notice (条例第30条); the reply clock waits for the corrected application. */
export async function requestCorrection(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(requestCorrectionSchema, input);
  return step(db, deps, actor, v, 'correction_requested', () => ({
    event: { type: 'correction_requested', date: v.date, data: { deadline: v.deadline, items: v.items }, note: noteOf(v) },
  }));
}

/** The corrected application arrived: the reply clock restarts from this day (条例第30条). */
export async function recordCorrection(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(recordCorrectionSchema, input);
  return step(db, deps, actor, v, 'correction_received', () => ({
    event: { type: 'correction_received', date: v.date, data: { descriptionChanged: v.description !== undefined }, note: noteOf(v) },
    ...(v.description !== undefined ? { patch: { description: v.description } } : {}),
  }));
}

/** No correction by the deadline: deemed abandoned (条例第30条); counts in 3.6.1 (2021) or 3.6 (2019). */
export async function markCorrectionLapsed(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(markCorrectionLapsedSchema, input);
  return step(db, deps, actor, v, 'correction_lapsed', ({ current }) => {
    const deadline = current.report?.correction.deadline ?? null;
    if (deadline !== null && v.date <= deadline) {
      throw new StateError(`补正期限（${deadline}）尚未届满，不能认定申请人逾期未补正（条例第30条）`);
    }
    return closedWithoutReply('correction_lapsed', v);
  });
}

/**
 * An application that ends without a reply (lapsed correction or fee, withdrawal): the event and
 * the outcome row it counts in (application.ts closingOutcome).
 */
function closedWithoutReply(kind: 'correction_lapsed' | 'fee_lapsed' | 'withdrawn', v: { date: string; note?: string | undefined }) {
  const o = closingOutcome(kind, v.date);
  return {
    event: { type: kind, date: v.date, data: {}, note: noteOf(v) },
    patch: { outcome_row: o.row, outcome_basis: o.basis, outcome_format: o.format, closed_on: v.date },
    audit: { outcomeRow: o.row },
  };
}

/** Consults a third party (第32条) or another agency (第34条): the reply clock stops (第33条第二款). */
export async function startConsultation(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(startConsultationSchema, input);
  return step(db, deps, actor, v, 'consultation_started', ({ history: h, today }) => {
    if (h.openConsultations.has(v.kind)) {
      throw new StateError(`该申请正在${CONSULTATION_KIND_LABELS[v.kind]}，尚未收到意见，不能重复发起`);
    }
    if (v.letterReceivedOn) notAfterToday('letterReceivedOn', v.letterReceivedOn, today);
    return {
      event: {
        type: 'consultation_started',
        date: v.date,
        data: { kind: v.kind, party: v.party, letterReceivedOn: v.letterReceivedOn ?? null },
        note: noteOf(v),
      },
      audit: { kind: v.kind },
    };
  });
}

/** The opinion came back (or the period ran out): the clock restarts the next day. */
export async function recordOpinion(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(recordOpinionSchema, input);
  return step(db, deps, actor, v, 'opinion_received', ({ history: h, current }) => {
    const open = h.openConsultations.get(v.kind);
    if (!open) throw new StateError(`该申请没有正在进行的${CONSULTATION_KIND_LABELS[v.kind]}`);
    const sent = open.data.letterReceivedOn;
    if (sent !== null && v.date < sent) {
      throw new ValidationError({ date: `收到意见的日期不能早于对方收到征求意见书的日期（${sent}）` });
    }
    if (v.opinion === 'no_reply') {
      const kind = v.kind === 'third_party' ? 'third_party_opinion' : 'other_agency_opinion';
      const dl = current.report?.deadlines.find((d) => d.kind === kind && d.start === sent);
      if (!dl) throw new StateError('未登记对方收到征求意见书的日期，无法认定其逾期未提出意见');
      if (v.date <= dl.due.date) throw new StateError(`对方提出意见的期限（${dl.due.date}）尚未届满，不能认定逾期未提出意见（条例第32条、第34条）`);
    }
    const stillConsulting = [...h.openConsultations.keys()].some((k) => k !== v.kind);
    return {
      event: { type: 'opinion_received', date: v.date, data: { kind: v.kind, opinion: v.opinion }, note: noteOf(v) },
      stillConsulting,
      audit: { kind: v.kind, opinion: v.opinion },
    };
  });
}

/**
 * Extends the reply limit (条例第33条第一款): approved by the head of the disclosure office
 * (permission approve_extension), at most 20 working days, once, before the original limit runs out.
 */
export async function extend(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(extendSchema, input);
  return step(db, deps, actor, v, 'extended', ({ history: h }) => {
    if (h.extended) throw new StateError('答复期限只能延长一次（条例第33条），本申请已经延长过');
    return {
      event: {
        type: 'extended',
        date: v.date,
        data: { days: v.days, reason: v.reason, approvedBy: actor.displayName, approvedById: actor.userId },
        note: noteOf(v),
      },
      check: (after) => {
        const ext = after.report?.extension;
        if (ext && !ext.timely) {
          throw new StateError(`原答复期限已于${ext.mustDecideBy ?? '此前'}届满，不能再延长：延长答复期限须在答复期限内决定并告知申请人（条例第33条）`);
        }
      },
      audit: { days: v.days },
    };
  });
}

/** Sends the fee notice (条例第42条, 国办函〔2020〕109号): the clock stops until payment. */
export async function issueFeeNotice(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(issueFeeNoticeSchema, input);
  let amount: number;
  try {
    amount = v.method === 'items' ? feeForNthItem(v.quantity) : feeByPages(v.quantity).total;
  } catch (e) {
    if (e instanceof FeeInputError) throw new ValidationError({ quantity: e.message });
    throw e;
  }
  if (amount === 0) {
    throw new ValidationError({
      quantity:
        v.method === 'items'
          ? `一个自然月内第${v.quantity}件申请不收费（10件以内免费），不应发出收费通知（国办函〔2020〕109号）`
          : `${v.quantity}页不收费（30页以内免费），不应发出收费通知（国办函〔2020〕109号）`,
    });
  }
  return step(db, deps, actor, v, 'fee_notified', ({ today }) => {
    notAfterToday('noticeReceivedOn', v.noticeReceivedOn, today);
    return {
      event: {
        type: 'fee_notified',
        date: v.date,
        data: { method: v.method, quantity: v.quantity, amount, noticeReceivedOn: v.noticeReceivedOn },
        note: noteOf(v),
      },
      audit: { method: v.method, amount },
    };
  });
}

/** The applicant paid: the clock restarts the next day. */
export async function recordPayment(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(recordPaymentSchema, input);
  return step(db, deps, actor, v, 'fee_paid', ({ history: h }) => {
    const fee = h.openFee!;
    if (v.date < fee.data.noticeReceivedOn) {
      throw new ValidationError({ date: `缴费日期不能早于申请人收到收费通知的日期（${fee.data.noticeReceivedOn}）` });
    }
    return { event: { type: 'fee_paid', date: v.date, data: { amount: fee.data.amount }, note: noteOf(v) } };
  });
}

/** Not paid in time: deemed abandoned (国办函〔2020〕109号); counts in 3.6.2 (2021) or 3.6 (2019). */
export async function markFeeLapsed(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(markFeeLapsedSchema, input);
  return step(db, deps, actor, v, 'fee_lapsed', ({ current }) => {
    const due = current.report?.deadlines.filter((d) => d.kind === 'fee_payment').at(-1)?.due.date ?? null;
    if (due !== null && v.date <= due) throw new StateError(`缴费期限（${due}）尚未届满，不能认定申请人逾期未缴费（国办函〔2020〕109号）`);
    return closedWithoutReply('fee_lapsed', v);
  });
}

/**
 * The reply (条例第36–39条): exactly one outcome row of the reply year's report format, with its
 * legal basis and its reply ground (答复依据: chosen for 3.1 and 3.4.1 unless the basis names one of
 * their two items, implied for the other rows), which the reply letter then uses.
 */
export async function reply(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(replySchema, input);
  return step(db, deps, actor, v, 'replied', ({ history: h }) => {
    const { format, row } = replyOutcome(v.outcomeRow, v.date, h);
    const ground = replyGround(row.id, format, v.ground, v.basis);
    return {
      event: {
        type: 'replied',
        date: v.date,
        data: { outcomeRow: row.id, outcomeFormat: format, basis: v.basis, summary: v.summary ?? null, ground },
        note: noteOf(v),
      },
      patch: { outcome_row: row.id, outcome_basis: v.basis, outcome_format: format, closed_on: v.date },
      audit: { outcomeRow: row.id, format, ground },
    };
  });
}

/** The applicant withdrew: the case ends; counts in 3.6.3 其他 (2021) or 3.6 (2019). */
export async function withdraw(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(withdrawSchema, input);
  return step(db, deps, actor, v, 'withdrawn', ({ app }) => {
    if (app.state === 'submitted') {
      // Never received (条例第31条): it ends without counting in the report.
      return {
        event: { type: 'withdrawn', date: v.date, data: {}, note: noteOf(v) },
        patch: { closed_on: v.date },
      };
    }
    return closedWithoutReply('withdrawn', v);
  });
}

// ---------------------------------------------------------------------------------------------
// Reconsideration and litigation (report section 四), and reopening

/** Records a reconsideration or a lawsuit about the application. */
export async function addReviewCase(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult & { reviewCaseId: number }> {
  const v = parseInput(addReviewCaseSchema, input);
  let reviewCaseId = 0;
  const r = await step(db, deps, actor, v, 'review_filed', async ({ trx, app, at }) => {
    if (v.filedOn < app.submitted_on) throw new ValidationError({ filedOn: `提起日期不能早于申请提交日期（${app.submitted_on}）` });
    reviewCaseId = await repo.insertReviewCase(trx, {
      applicationId: app.id,
      kind: v.kind,
      filedOn: v.filedOn,
      body: v.body ?? null,
      caseNumber: v.caseNumber ?? null,
      note: v.note ?? null,
      userId: actor.userId,
      at,
    });
    return {
      event: { type: 'review_filed', date: v.filedOn, data: { reviewCaseId, kind: v.kind }, note: noteOf(v) },
      dateField: 'filedOn',
      outsideChronology: true,
      audit: { reviewCaseId, kind: v.kind },
    };
  });
  return { ...r, reviewCaseId };
}

/** Records the result of a reconsideration or lawsuit (结果维持 / 结果纠正 / 其他结果). */
export async function decideReviewCase(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(decideReviewCaseSchema, input);
  return step(db, deps, actor, v, 'review_decided', async ({ trx, app, at }) => {
    const rc = await repo.findReviewCase(trx, v.reviewCaseId);
    if (!rc || rc.application_id !== app.id) throw new NotFoundError('未找到该申请的这项复议或诉讼记录');
    if (rc.result !== null) throw new StateError(`该${REVIEW_KIND_LABELS[rc.kind]}已于${rc.decided_on}审结，不能再次登记结果`);
    if (v.decidedOn < rc.filed_on) throw new ValidationError({ decidedOn: `审结日期不能早于提起日期（${rc.filed_on}）` });
    return {
      event: { type: 'review_decided', date: v.decidedOn, data: { reviewCaseId: rc.id, result: v.result }, note: noteOf(v) },
      dateField: 'decidedOn',
      outsideChronology: true,
      after: (t) => repo.setReviewResult(t, rc.id, { result: v.result, decidedOn: v.decidedOn, note: v.note ?? rc.note, at }),
      audit: { reviewCaseId: rc.id, result: v.result },
    };
  });
}

/**
 * Reopens a closed application after a reconsideration or judgment corrected its handling
 * (结果纠正, e.g. 责令重新答复): the outcome is cleared and a new reply period runs, set by the
 * decision (dueOn) or 20 working days from receipt of the decision (条例第33条).
 */
export async function reopenAfterReview(db: Db, deps: ServiceDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(reopenSchema, input);
  return step(db, deps, actor, v, 'reopened', async ({ trx, app, history: h }) => {
    const rc = await repo.findReviewCase(trx, v.reviewCaseId);
    if (!rc || rc.application_id !== app.id) throw new NotFoundError('未找到该申请的这项复议或诉讼记录');
    if (rc.result !== 'corrected') {
      throw new StateError(`只有结果为「结果纠正」的复议或诉讼才能据以重新办理，该记录为「${rc.result === null ? '尚未审结' : rc.result === 'upheld' ? '结果维持' : '其他结果'}」`);
    }
    if (h.reopenedFor.has(rc.id)) throw new StateError('已依据该复议或诉讼结果重新办理过');
    if (rc.decided_on !== null && v.date < rc.decided_on) throw new ValidationError({ date: `收到决定或判决的日期不能早于审结日期（${rc.decided_on}）` });
    if (v.dueOn !== undefined && v.dueOn <= v.date) throw new ValidationError({ dueOn: '重新答复期限应晚于收到决定或判决的日期' });
    return {
      event: { type: 'reopened', date: v.date, data: { reviewCaseId: rc.id, dueOn: v.dueOn ?? null }, note: noteOf(v) },
      patch: { outcome_row: null, outcome_basis: null, outcome_format: null, closed_on: null },
      audit: { reviewCaseId: rc.id, previousOutcome: app.outcome_row },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Queries

export interface QueuePage {
  /** Matches, counted up to QUEUE_COUNT_CAP. */
  total: number;
  /** More than `total` match. */
  totalCapped: boolean;
  limit: number;
  offset: number;
  today: string;
  items: QueueItemView[];
}

/**
 * The back office's work queue over the agencies the actor may read (or the ones asked for: each
 * must be readable). Default: open cases; overdue first, then by the next due date.
 */
export async function workQueue(db: Db, deps: ServiceDeps, actor: Actor, input: unknown = {}): Promise<QueuePage> {
  const v = parseInput(workQueueSchema, input);
  const readable = agenciesWhere(actor, 'read');
  let agencyIds = readable;
  if (v.agencyIds) {
    const denied = v.agencyIds.filter((id) => !readable.includes(id));
    if (denied.length) throw new ForbiddenError('没有查看所选机关申请的权限');
    agencyIds = [...new Set(v.agencyIds)];
  }
  const { today } = clockOf(deps);
  const state = v.state ?? 'open';
  const states: readonly ApplicationState[] | null =
    state === 'all' ? null : state === 'open' ? OPEN_STATES : state === 'closed' ? CLOSED_STATES : [state];
  const q = v.q ?? null;
  const tracking = q === null ? null : normalizeTrackingNumber(q);
  const limit = v.limit ?? 50;
  const offset = v.offset ?? 0;
  const { total, totalCapped, rows } = await repo.queryQueue(db.kysely, {
    agencyIds,
    states,
    openStates: OPEN_STATES,
    trackingNumber: tracking,
    text: tracking === null ? q : null,
    overdueOnly: v.overdueOnly,
    today,
    limit,
    offset,
  });
  return { total, totalCapped, limit, offset, today, items: rows.map((r) => presentQueueItem(r, { calendar: deps.calendar, today })) };
}

/** The case page: everything about the application, its timeline and clocks with explanations. */
export async function getApplicationForStaff(db: Db, deps: ServiceDeps, actor: Actor, applicationId: number): Promise<StaffApplicationView> {
  if (!Number.isSafeInteger(applicationId) || applicationId < 1) throw new NotFoundError('未找到该申请');
  const stored = await repo.findApplication(db.kysely, applicationId);
  if (!stored) throw new NotFoundError('未找到该申请');
  assertCan(actor, 'read', stored.agency_id);
  const app = openColumns(installedDataKeys(), 'applications', stored);
  const [events, reviewCases, agency] = await Promise.all([
    repo.listEvents(db.kysely, app.id),
    repo.listReviewCases(db.kysely, app.id),
    repo.findAgency(db.kysely, app.agency_id),
  ]);
  const { today } = clockOf(deps);
  const parsed = events.map((e) => e.event);
  const clocks = derive(deps, app.state, parsed, today);
  const actions = nextActions(actor, app, { history: history(parsed), reviewCases });
  return presentStaff({ app, agencyName: agency?.name ?? '', events, reviewCases, clocks, actions, today });
}

/**
 * The next operations in the application's state and whether the actor may perform each. With
 * the log and the review cases, operations that have nothing to act on are left out (a result
 * without a pending review case, a reopening without a corrected one, a third consultation).
 */
export function nextActions(
  actor: Actor,
  app: Pick<ApplicationRow, 'state' | 'agency_id'>,
  context?: { history: History; reviewCases: ReadonlyArray<{ id: number; result: string | null }> },
): NextAction[] {
  return allowedEvents(app.state)
    .filter((e) => {
      if (!context) return true;
      const { history: h, reviewCases } = context;
      switch (e) {
        case 'review_decided':
          return reviewCases.some((r) => r.result === null);
        case 'reopened':
          return reviewCases.some((r) => r.result === 'corrected' && !h.reopenedFor.has(r.id));
        case 'consultation_started':
          return h.openConsultations.size < 2;
        case 'extended':
          return !h.extended;
        default:
          return true;
      }
    })
    .map((e) => ({ event: e, label: EVENT_LABELS[e], permitted: can(actor, actionFor(e), app.agency_id) }));
}

/** A fixed hash to compare against when the tracking number is unknown (same work either way). */
const DUMMY_HASH = hashTrackingSecret('0-0000-000000', 'XXXXXXXX');

/**
 * The application whose tracking number AND 查询码 match, or null (never saying which was wrong).
 * The same work is done whether or not the number exists (the hash is compared either way).
 */
async function matchTracking(db: Db, trackingNumber: unknown, secret: unknown): Promise<(ApplicationRow & { agency_name: string }) | null> {
  const r = trackingLookupSchema.safeParse({ trackingNumber, secret });
  const tn = r.success ? normalizeTrackingNumber(r.data.trackingNumber) : null;
  const code = r.success ? normalizeSecret(r.data.secret) : '';
  const app = tn ? await repo.findApplicationByTrackingNumber(db.kysely, tn) : undefined;
  const ok = verifyTrackingSecret(tn ?? '0-0000-000000', code, app?.tracking_secret_hash ?? DUMMY_HASH);
  return app && ok ? app : null;
}

/**
 * The id of the application when the tracking number AND the 查询码 match; null otherwise. For
 * the applicant's downloads (attachments marked for them): the id never leaves the server.
 */
export async function verifyTracking(db: Db, trackingNumber: unknown, secret: unknown): Promise<number | null> {
  return (await matchTracking(db, trackingNumber, secret))?.id ?? null;
}

/**
 * The applicant's view of the case, when the tracking number AND the 查询码 match; null otherwise
 * (never saying which was wrong). The only public door to an application: presentPublic decides
 * what leaves, and nothing personal does.
 */
export async function findByTracking(db: Db, deps: ServiceDeps, trackingNumber: unknown, secret: unknown): Promise<PublicApplicationView | null> {
  return (await lookUpTracking(db, deps, trackingNumber, secret))?.view ?? null;
}

/**
 * findByTracking with the application's id (for the tracking page's own server-side use; the id
 * is never shown) and the attachments marked for the applicant: one query in all
 * (repo.findTrackingBundle), the 查询码 checked before anything is used.
 */
export async function lookUpTracking(
  db: Db,
  deps: ServiceDeps,
  trackingNumber: unknown,
  secret: unknown,
): Promise<{ applicationId: number; view: PublicApplicationView; attachments: AttachmentView[] } | null> {
  const r = trackingLookupSchema.safeParse({ trackingNumber, secret });
  const tn = r.success ? normalizeTrackingNumber(r.data.trackingNumber) : null;
  const code = r.success ? normalizeSecret(r.data.secret) : '';
  const bundle = tn ? await repo.findTrackingBundle(db.kysely, db.dialect, tn) : undefined;
  // The same work whether or not the number exists (the hash is compared either way).
  const ok = verifyTrackingSecret(tn ?? '0-0000-000000', code, bundle?.app.tracking_secret_hash ?? DUMMY_HASH);
  if (!bundle || !ok) return null;
  const { app, events } = bundle;
  const { today } = clockOf(deps);
  const clocks = deriveClocks(app.state, events, { calendar: deps.calendar, today, forPublic: true, ...(deps.feePaymentDays !== undefined ? { feePaymentDays: deps.feePaymentDays } : {}) });
  return {
    applicationId: app.id,
    view: presentPublic({ app, agencyName: app.agency_name, events, clocks }),
    attachments: bundle.files.map(presentAttachment),
  };
}

/**
 * The case as the letters addressed to the applicant need it (their name, the request, the
 * clocks), when the tracking number AND the 查询码 match; null otherwise. For building those
 * letters only (the web layer offers the applicant's letter kinds, never the third party's):
 * the view itself is never rendered to the applicant, it holds staff-only data (no actions).
 */
export async function findForApplicantLetters(
  db: Db,
  deps: ServiceDeps,
  trackingNumber: unknown,
  secret: unknown,
): Promise<{ view: StaffApplicationView; events: AppEvent[] } | null> {
  const matched = await matchTracking(db, trackingNumber, secret);
  if (!matched) return null;
  const app = openColumns(installedDataKeys(), 'applications', matched);
  const [events, reviewCases] = await Promise.all([repo.listEvents(db.kysely, app.id), repo.listReviewCases(db.kysely, app.id)]);
  const { today } = clockOf(deps);
  const parsed = events.map((e) => e.event);
  const clocks = derive(deps, app.state, parsed, today);
  return { view: presentStaff({ app, agencyName: app.agency_name, events, reviewCases, clocks, actions: [], today }), events: parsed };
}
