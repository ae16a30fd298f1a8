/**
 * What leaves the application desk: every output is built here with an explicit field list,
 * never a raw row.
 *
 * - presentStaff: the case page for staff (personal data included: staff with 'read' only).
 * - presentQueueItem: one line of the work queue.
 * - presentPublic: the applicant's tracking page and public API. It contains NO personal data:
 *   no name, ID number, phone, e-mail, address, postcode, description or purpose (the
 *   description may itself contain personal data), no staff notes, no third-party names, no
 *   user ids. Only the tracking number, the agency, dates, state, clocks, due date, the outcome
 *   label and the letters addressed to the applicant.
 */
import type { WorkCalendar } from '../calendar/calendar.js';
import { formatChineseDate, parseIsoDate } from '../calendar/date.js';
import type { ApplicationRow, ReviewCaseRow } from '../db/schema.js';
import {
  APPLICANT_TYPE_LABELS,
  CHANNEL_LABELS,
  CONSULTATION_KIND_LABELS,
  DELIVERY_LABELS,
  EVENT_LABELS,
  FEE_METHOD_LABELS,
  ID_TYPE_LABELS,
  isClosed,
  liveStatus,
  OPINION_LABELS,
  outcomeRowLabel,
  PROVISION_FORM_LABELS,
  replyGroundLabel,
  STATE_LABELS,
  type AppEvent,
  type DerivedClocks,
  type EventType,
  type ReopenedClock,
  type TransitionEvent,
} from './application.js';
import type { EventWithUser, QueueRow } from './application.repository.js';
import type { ClockReport, ClockStatus, Violation } from './clock.js';
import type { ReplyGroundId } from '../letters/kinds.js';
import { REVIEW_KIND_LABELS, reviewStanding } from './reconsideration.js';

export interface NextAction {
  event: TransitionEvent;
  label: string;
  /** Whether this actor may do it (policy.ts). */
  permitted: boolean;
}

// ---------------------------------------------------------------------------------------------
// Staff

export interface StaffEventView {
  id: number;
  type: EventType;
  label: string;
  date: string;
  at: string;
  userName: string | null;
  /** One Chinese sentence of what was recorded. */
  summary: string;
  note: string | null;
}

export interface StaffApplicationView {
  id: number;
  trackingNumber: string;
  version: number;
  agency: { id: number; name: string };
  state: { id: ApplicationRow['state']; label: string; closed: boolean };
  channel: { id: ApplicationRow['channel']; label: string };
  applicant: {
    type: ApplicationRow['applicant_type'];
    typeLabel: string;
    name: string;
    idType: ApplicationRow['id_type'];
    idTypeLabel: string;
    idNumber: string;
    contactPerson: string | null;
    phone: string | null;
    email: string | null;
    address: string | null;
    postcode: string | null;
  };
  request: {
    description: string;
    purpose: string | null;
    provisionForm: ApplicationRow['provision_form'];
    provisionFormLabel: string;
    delivery: ApplicationRow['delivery'];
    deliveryLabel: string;
  };
  dates: {
    submittedOn: string;
    confirmedOn: string | null;
    receivedOn: string | null;
    replyDueOn: string | null;
    correctionDueOn: string | null;
    nextDueOn: string | null;
    closedOn: string | null;
    createdAt: string;
    updatedAt: string;
  };
  clocks: {
    today: string;
    status: ClockStatus | 'unconfirmed';
    statusText: string;
    /** Some date was computed beyond the holiday data (推算): show the warnings. */
    provisional: boolean;
    warnings: string[];
    violations: Violation[];
    extensionDays: number | null;
    /** The full computation with every explanation (clock.ts); null until received. */
    report: ClockReport | null;
    /** The new reply period after a reopening. */
    reopened: ReopenedClock | null;
  };
  outcome: {
    row: string;
    label: string;
    basis: string | null;
    format: string | null;
    /** The reply ground (答复依据) the reply recorded; null: closed without a reply, or replied before grounds were recorded. */
    ground: { id: ReplyGroundId; label: string } | null;
  } | null;
  timeline: StaffEventView[];
  reviewCases: Array<{
    id: number;
    kind: ReviewCaseRow['kind'];
    kindLabel: string;
    filedOn: string;
    body: string | null;
    caseNumber: string | null;
    result: ReviewCaseRow['result'];
    resultLabel: string;
    decidedOn: string | null;
    note: string | null;
  }>;
  actions: NextAction[];
}

export function presentStaff(x: {
  app: ApplicationRow;
  agencyName: string;
  events: readonly EventWithUser[];
  reviewCases: readonly ReviewCaseRow[];
  clocks: DerivedClocks;
  actions: NextAction[];
  today: string;
}): StaffApplicationView {
  const { app, clocks } = x;
  const lastReply = app.outcome_row ? x.events.findLast((e) => e.event.type === 'replied')?.event : undefined;
  const groundId = lastReply?.type === 'replied' ? (lastReply.data.ground ?? null) : null;
  const status: ClockStatus | 'unconfirmed' = clocks.reopened?.status ?? clocks.report?.status ?? 'unconfirmed';
  const statusText = clocks.reopened?.statusText ?? clocks.report?.statusText ?? '网上提交的申请尚待确认：以双方确认之日为收到申请之日（条例第31条第（三）项）';
  return {
    id: app.id,
    trackingNumber: app.tracking_number,
    version: app.version,
    agency: { id: app.agency_id, name: x.agencyName },
    state: { id: app.state, label: STATE_LABELS[app.state], closed: isClosed(app.state) },
    channel: { id: app.channel, label: CHANNEL_LABELS[app.channel] },
    applicant: {
      type: app.applicant_type,
      typeLabel: APPLICANT_TYPE_LABELS[app.applicant_type],
      name: app.applicant_name,
      idType: app.id_type,
      idTypeLabel: ID_TYPE_LABELS[app.id_type],
      idNumber: app.id_number,
      contactPerson: app.contact_person,
      phone: app.contact_phone,
      email: app.contact_email,
      address: app.contact_address,
      postcode: app.postcode,
    },
    request: {
      description: app.description,
      purpose: app.purpose,
      provisionForm: app.provision_form,
      provisionFormLabel: PROVISION_FORM_LABELS[app.provision_form],
      delivery: app.delivery,
      deliveryLabel: DELIVERY_LABELS[app.delivery],
    },
    dates: {
      submittedOn: app.submitted_on,
      confirmedOn: app.confirmed_on,
      receivedOn: app.received_on,
      replyDueOn: app.reply_due_on,
      correctionDueOn: app.correction_due_on,
      nextDueOn: app.next_due_on,
      closedOn: app.closed_on,
      createdAt: app.created_at,
      updatedAt: app.updated_at,
    },
    clocks: {
      today: x.today,
      status,
      statusText,
      provisional: clocks.provisional,
      warnings: clocks.warnings,
      violations: clocks.report?.violations ?? [],
      extensionDays: app.extension_days,
      report: clocks.report,
      reopened: clocks.reopened,
    },
    outcome: app.outcome_row
      ? {
          row: app.outcome_row,
          label: outcomeRowLabel(app.outcome_format, app.outcome_row) ?? app.outcome_row,
          basis: app.outcome_basis,
          format: app.outcome_format,
          ground: groundId ? { id: groundId, label: replyGroundLabel(groundId) } : null,
        }
      : null,
    timeline: x.events.map(({ event, userName }) => ({
      id: event.id,
      type: event.type,
      label: EVENT_LABELS[event.type],
      date: event.date,
      at: event.at,
      userName,
      summary: staffSummary(event),
      note: event.note,
    })),
    reviewCases: x.reviewCases.map((r) => ({
      id: r.id,
      kind: r.kind,
      kindLabel: REVIEW_KIND_LABELS[r.kind],
      filedOn: r.filed_on,
      body: r.body,
      caseNumber: r.case_number,
      result: r.result,
      resultLabel: reviewStanding(r),
      decidedOn: r.decided_on,
      note: r.note,
    })),
    actions: x.actions,
  };
}

/** One sentence per event for the staff timeline. */
export function staffSummary(e: AppEvent): string {
  switch (e.type) {
    case 'submitted':
      return `申请人于${e.data.submittedOn}通过网上提交申请，待确认收到`;
    case 'confirmed':
      return `确认收到网上申请，收到申请之日为${e.data.confirmedOn}（条例第31条第（三）项）`;
    case 'registered':
      return `登记${CHANNEL_LABELS[e.data.channel]}的申请：提交或收到日期${e.data.submittedOn}${e.data.confirmedOn ? `，确认日期${e.data.confirmedOn}` : ''}，收到申请之日为${e.date}`;
    case 'correction_requested':
      return `告知补正，补正期限至${e.data.deadline}；补正事项：${e.data.items}`;
    case 'correction_received':
      return `收到补正${e.data.descriptionChanged ? '，信息描述已更新' : ''}；答复期限自本日起重新计算（条例第30条）`;
    case 'correction_lapsed':
      return '申请人逾期未补正，视为放弃申请（条例第30条）';
    case 'consultation_started':
      return `${CONSULTATION_KIND_LABELS[e.data.kind]}：${e.data.party}${e.data.letterReceivedOn ? `，对方于${e.data.letterReceivedOn}收到征求意见书` : ''}；暂停计时`;
    case 'opinion_received':
      return `${CONSULTATION_KIND_LABELS[e.data.kind]}结束：${opinionLabel(e.data.kind, e.data.opinion)}；恢复计时`;
    case 'extended':
      return `经${e.data.approvedBy}批准延长答复期限${e.data.days}个工作日；理由：${e.data.reason}`;
    case 'fee_notified':
      return `发出收费通知：${FEE_METHOD_LABELS[e.data.method]}，${e.data.method === 'items' ? `本月第${e.data.quantity}件` : `${e.data.quantity}页`}，${e.data.amount}元；申请人于${e.data.noticeReceivedOn}收到；暂停计时`;
    case 'fee_paid':
      return `申请人缴纳信息处理费${e.data.amount}元；恢复计时`;
    case 'fee_lapsed':
      return '申请人逾期未缴纳信息处理费，视为放弃申请（国办函〔2020〕109号）';
    case 'replied':
      return `答复：${outcomeRowLabel(e.data.outcomeFormat, e.data.outcomeRow)}（${e.data.outcomeRow}）${e.data.ground ? `；答复依据：${replyGroundLabel(e.data.ground)}` : ''}；依据：${e.data.basis}`;
    case 'withdrawn':
      return '申请人撤回申请，办理终止';
    case 'review_filed':
      return `申请人提起${REVIEW_KIND_LABELS[e.data.kind as keyof typeof REVIEW_KIND_LABELS] ?? e.data.kind}（记录 #${e.data.reviewCaseId}）`;
    case 'review_decided':
      return `复议或诉讼（记录 #${e.data.reviewCaseId}）审结：${reviewStanding({ result: e.data.result as 'upheld' | 'corrected' | 'other' })}`;
    case 'reopened':
      return `依复议或诉讼结果（记录 #${e.data.reviewCaseId}）重新办理${e.data.dueOn ? `，重新答复期限至${e.data.dueOn}` : '，重新答复期限为20个工作日（条例第33条）'}`;
  }
}

function opinionLabel(kind: 'third_party' | 'other_agency', opinion: 'consent' | 'object' | 'no_reply'): string {
  if (opinion === 'no_reply') return kind === 'other_agency' ? '被征求意见机关逾期未提出意见，视为同意公开（条例第34条）' : '第三方逾期未提出意见，由本机关依照条例决定是否公开（条例第32条）';
  return OPINION_LABELS[opinion];
}

// ---------------------------------------------------------------------------------------------
// The work queue

export interface QueueItemView {
  id: number;
  trackingNumber: string;
  version: number;
  agency: { id: number; name: string };
  applicantName: string;
  /** The beginning of the description (for the queue's 摘要 column). */
  descriptionExcerpt: string;
  applicantTypeLabel: string;
  channelLabel: string;
  state: { id: QueueRow['state']; label: string; closed: boolean };
  submittedOn: string;
  receivedOn: string | null;
  replyDueOn: string | null;
  nextDueOn: string | null;
  /** Recomputed for today from the stored due date. */
  status: ClockStatus | 'unconfirmed';
  statusText: string;
  remainingWorkingDays: number | null;
  overdue: boolean;
  provisional: boolean;
  extensionDays: number | null;
  outcomeLabel: string | null;
  closedOn: string | null;
}

export function presentQueueItem(r: QueueRow, opts: { calendar: WorkCalendar; today: string }): QueueItemView {
  const live = liveStatus(r, opts.calendar, opts.today);
  return {
    id: r.id,
    trackingNumber: r.tracking_number,
    version: r.version,
    agency: { id: r.agency_id, name: r.agency_name },
    applicantName: r.applicant_name,
    descriptionExcerpt: r.description_excerpt,
    applicantTypeLabel: APPLICANT_TYPE_LABELS[r.applicant_type],
    channelLabel: CHANNEL_LABELS[r.channel],
    state: { id: r.state, label: STATE_LABELS[r.state], closed: isClosed(r.state) },
    submittedOn: r.submitted_on,
    receivedOn: r.received_on,
    replyDueOn: r.reply_due_on,
    nextDueOn: r.next_due_on,
    status: live.status,
    statusText: live.label,
    remainingWorkingDays: live.remainingWorkingDays,
    overdue: r.overdue === 1,
    provisional: r.clock_provisional === 1,
    extensionDays: r.extension_days,
    outcomeLabel: outcomeRowLabel(r.outcome_format, r.outcome_row),
    closedOn: r.closed_on,
  };
}

// ---------------------------------------------------------------------------------------------
// Public

/** A letter the office sent to the applicant, as the applicant may read it on the tracking page. */
export interface PublicLetter {
  type: EventType;
  title: string;
  date: string;
  text: string;
}

export interface PublicApplicationView {
  trackingNumber: string;
  agencyName: string;
  state: { label: string; closed: boolean };
  submittedOn: string;
  receivedOn: string | null;
  replyDueOn: string | null;
  /** 办理中（剩余8个工作日…） / 暂停计时 … */
  statusText: string;
  /** How the due date was computed (rule and skipped days), without any name. */
  dueExplanation: string | null;
  provisional: boolean;
  closedOn: string | null;
  outcome: { label: string } | null;
  letters: PublicLetter[];
}

/** The fields of PublicApplicationView, for tests and API docs: nothing else may appear. */
export const PUBLIC_FIELDS = [
  'trackingNumber',
  'agencyName',
  'state',
  'submittedOn',
  'receivedOn',
  'replyDueOn',
  'statusText',
  'dueExplanation',
  'provisional',
  'closedOn',
  'outcome',
  'letters',
] as const;

export function presentPublic(x: { app: ApplicationRow; agencyName: string; events: readonly AppEvent[]; clocks: DerivedClocks }): PublicApplicationView {
  const { app, clocks } = x;
  const report = clocks.report;
  const statusText =
    app.state === 'submitted'
      ? '已提交，等待受理机关确认收到（以双方确认之日为收到申请之日，条例第31条第（三）项）'
      : (clocks.reopened?.statusText ?? report?.statusText ?? STATE_LABELS[app.state]);
  const dueExplanation = clocks.reopened?.text ?? report?.reply.due?.text ?? report?.reply.pending ?? null;
  const feeDue = (start: string) => report?.deadlines.find((d) => d.kind === 'fee_payment' && d.start === start)?.due.date ?? null;
  const letters: PublicLetter[] = [];
  for (const e of x.events) {
    const l = publicLetter(e, x.agencyName, feeDue);
    if (l) letters.push(l);
  }
  return {
    trackingNumber: app.tracking_number,
    agencyName: x.agencyName,
    state: { label: STATE_LABELS[app.state], closed: isClosed(app.state) },
    submittedOn: app.submitted_on,
    receivedOn: app.received_on,
    replyDueOn: app.reply_due_on,
    statusText,
    dueExplanation,
    provisional: clocks.provisional,
    closedOn: app.closed_on,
    outcome: app.outcome_row ? { label: outcomeRowLabel(app.outcome_format, app.outcome_row) ?? app.outcome_row } : null,
    letters,
  };
}

/** The letter an event sends to the applicant, or null (internal events, third parties' names). */
function publicLetter(e: AppEvent, agency: string, feeDue: (start: string) => string | null): PublicLetter | null {
  const cd = (iso: string) => formatChineseDate(parseIsoDate(iso));
  const letter = (title: string, text: string): PublicLetter => ({ type: e.type, title, date: e.date, text });
  switch (e.type) {
    case 'confirmed':
    case 'registered':
      return letter('收到申请回执', `${agency}已于${cd(e.date)}收到您的政府信息公开申请（条例第31条），将自收到申请之日起20个工作日内予以答复（条例第33条）。`);
    case 'correction_requested':
      return letter('补正申请告知书', `您的申请内容不明确，请于${cd(e.data.deadline)}前补正以下事项（条例第30条）：${e.data.items}。答复期限自收到补正的申请之日起计算；无正当理由逾期不补正的，视为放弃申请。`);
    case 'correction_received':
      return letter('收到补正回执', `已于${cd(e.date)}收到您补正的申请，答复期限自本日起重新计算（条例第30条）。`);
    case 'correction_lapsed':
      return letter('逾期未补正告知书', '您未在补正期限内补正申请，视为放弃申请，本机关不再处理该政府信息公开申请（条例第30条）。');
    case 'consultation_started':
      return letter(
        '征求意见告知书',
        `您申请的信息需要${e.data.kind === 'third_party' ? '征求第三方意见' : '征求其他机关意见'}，征求意见所需时间不计算在答复期限内（条例第33条第二款）。`,
      );
    case 'extended':
      return letter('延长答复期限告知书', `因${e.data.reason}，经政府信息公开工作机构负责人同意，答复期限延长${e.data.days}个工作日（条例第33条）。`);
    case 'fee_notified': {
      const due = feeDue(e.data.noticeReceivedOn);
      return letter(
        '收费通知书',
        `依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），您的申请需缴纳信息处理费${e.data.amount}元（${FEE_METHOD_LABELS[e.data.method]}）${due ? `，请于${cd(due)}前缴纳` : ''}。自发出收费通知至缴费的时间不计算在答复期限内；逾期未缴纳的，视为放弃申请。`,
      );
    }
    case 'fee_lapsed':
      return letter('逾期未缴费告知书', '您未在期限内缴纳信息处理费，视为放弃申请，本机关不再处理该政府信息公开申请（国办函〔2020〕109号）。');
    case 'replied':
      return letter(
        '政府信息公开申请答复书',
        `办理结果：${outcomeRowLabel(e.data.outcomeFormat, e.data.outcomeRow)}。依据：${e.data.basis}。${e.data.summary ? e.data.summary : ''}`,
      );
    case 'reopened':
      return letter('重新办理告知书', `依复议决定或判决，本机关重新办理您的申请${e.data.dueOn ? `，将于${cd(e.data.dueOn)}前重新答复` : '，将自收到决定之日起20个工作日内重新答复'}。`);
    default:
      return null;
  }
}
