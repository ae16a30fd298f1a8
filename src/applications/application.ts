/**
 * Applications for disclosure on request (依申请公开): the vocabulary, the state machine as data
 * (a list of states and a separate transitions table, in the manner of Alaveteli), the events of
 * the append-only log, the outcome-row rules and the mapping of the log onto the pure clock model
 * (clock.ts). No I/O: the service (application.service.ts) loads, checks and stores.
 *
 * The law: 《中华人民共和国政府信息公开条例》(2019) 第27–45条; receipt 第31条; correction 第30条;
 * consultation 第32、34条; limits and extension 第33条; outcomes 第36–39条; fee 第42条 with
 * 国办函〔2020〕109号; the annual report's rows: src/reports/format.ts (DOMAIN §3).
 */
import type { Action } from '../accounts/policy.js';
import { spanSentence, type WorkCalendar } from '../calendar/calendar.js';
import { formatChineseDate, formatIsoDate, parseIsoDate, WEEKDAY_NAMES, weekday } from '../calendar/date.js';
import type {
  ApplicantType,
  ApplicationChannel,
  ApplicationState,
  Delivery,
  IdType,
  ProvisionForm,
  StoredClockStatus,
} from '../db/schema.js';
import { StateError } from '../errors.js';
import { groundArticle, groundsForOutcome, isReplyGroundId, REPLY_GROUNDS, type ReplyGroundId } from '../letters/kinds.js';
import { FORMATS, formatForYear, type ApplicationRowDef, type FormatId } from '../reports/format.js';
import { ValidationError } from '../validation.js';
import {
  OTHER_AGENCY_WORKING_DAYS,
  REPLY_WORKING_DAYS,
  STATUS_LABELS,
  THIRD_PARTY_WORKING_DAYS,
  computeClocks,
  type Channel,
  type ClockEvent,
  type ClockReport,
  type ClockStatus,
} from './clock.js';

export type { ApplicantType, ApplicationChannel, ApplicationState, Delivery, IdType, ProvisionForm } from '../db/schema.js';

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const STATE_LABELS: Record<ApplicationState, string> = {
  submitted: '待确认收到',
  registered: '已登记',
  correction_requested: '待补正',
  in_process: '办理中',
  consulting: '征求意见中',
  fee_notified: '待缴费',
  reopened: '重新办理',
  replied: '已答复',
  correction_lapsed: '逾期未补正（终止）',
  fee_lapsed: '逾期未缴费（终止）',
  withdrawn: '已撤回',
};

export const STATES = Object.keys(STATE_LABELS) as ApplicationState[];

/** States in which the application is finished (each counts in exactly one outcome row). */
export const CLOSED_STATES: readonly ApplicationState[] = ['replied', 'correction_lapsed', 'fee_lapsed', 'withdrawn'];
export const OPEN_STATES: readonly ApplicationState[] = STATES.filter((s) => !CLOSED_STATES.includes(s));

export function isClosed(state: ApplicationState): boolean {
  return CLOSED_STATES.includes(state);
}

export const CHANNEL_LABELS: Record<ApplicationChannel, string> = {
  online: '网上提交',
  in_person: '当面提交',
  post_signed: '邮寄（签收）',
  post_ordinary: '平常信函',
  fax: '传真',
  email: '电子邮件',
};

/** The channels staff register (online applications come through submitOnline). */
export const STAFF_CHANNEL_LABELS: Record<Exclude<ApplicationChannel, 'online'>, string> = {
  in_person: CHANNEL_LABELS.in_person,
  post_signed: CHANNEL_LABELS.post_signed,
  post_ordinary: CHANNEL_LABELS.post_ordinary,
  fax: CHANNEL_LABELS.fax,
  email: CHANNEL_LABELS.email,
};

/** The receipt rule of 条例第31条 for a channel: e-mail is an Internet channel (第（三）项). */
export function receiptChannel(channel: ApplicationChannel): Channel {
  return channel === 'email' ? 'online' : channel;
}

/** Whether the receipt date is a confirmation day (条例第31条第（二）项后段, 第（三）项). */
export function needsConfirmation(channel: ApplicationChannel): boolean {
  return channel === 'post_ordinary' || channel === 'online' || channel === 'email' || channel === 'fax';
}

/** The annual report's applicant columns (src/reports/format.ts APPLICATION_COLUMNS). */
export const APPLICANT_TYPE_LABELS: Record<ApplicantType, string> = {
  natural_person: '自然人',
  commercial: '商业企业',
  research: '科研机构',
  public_interest: '社会公益组织',
  legal_services: '法律服务机构',
  other: '其他法人或其他组织',
};

export const ID_TYPE_LABELS: Record<IdType, string> = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_permit: '港澳居民来往内地通行证',
  taiwan_permit: '台湾居民来往大陆通行证',
  foreign_permanent_resident: '外国人永久居留身份证',
  uscc: '统一社会信用代码',
  other: '其他身份证明',
};

export const PROVISION_FORM_LABELS: Record<ProvisionForm, string> = {
  paper: '纸质文本',
  electronic: '电子文件',
};

export const DELIVERY_LABELS: Record<Delivery, string> = {
  post: '邮寄',
  email: '电子邮件',
  pickup: '自行领取',
  online: '网上获取',
};

export type ConsultationKind = 'third_party' | 'other_agency';
export const CONSULTATION_KIND_LABELS: Record<ConsultationKind, string> = {
  third_party: '征求第三方意见（条例第32条）',
  other_agency: '征求其他机关意见（条例第34条）',
};

export type Opinion = 'consent' | 'object' | 'no_reply';
export const OPINION_LABELS: Record<Opinion, string> = {
  consent: '同意公开',
  object: '不同意公开',
  no_reply: '逾期未提出意见',
};

export type FeeMethodId = 'items' | 'pages';
export const FEE_METHOD_LABELS: Record<FeeMethodId, string> = {
  items: '按件计收',
  pages: '按量计收',
};

// ---------------------------------------------------------------------------------------------
// Events of the log (application_events.data holds EventData[type] as JSON)

export interface EventData {
  /** Online submission (not yet received: 条例第31条第（三）项 needs both sides' confirmation). */
  submitted: { channel: 'online'; submittedOn: string };
  /** The office confirmed an online submission: the receipt date (条例第31条第（三）项). */
  confirmed: { confirmedOn: string };
  /** Registered by staff; the event date is the receipt date. */
  registered: { channel: Exclude<ApplicationChannel, 'online'>; submittedOn: string; confirmedOn: string | null };
  /** The single correction notice (条例第30条), addressed to the applicant. */
  correction_requested: { deadline: string; items: string };
  /** The corrected application arrived: the reply clock restarts (条例第30条). */
  correction_received: { descriptionChanged: boolean };
  correction_lapsed: Record<string, never>;
  /** The clock stops (条例第33条第二款). `letterReceivedOn`: the consulted party received the letter. */
  consultation_started: { kind: ConsultationKind; party: string; letterReceivedOn: string | null };
  opinion_received: { kind: ConsultationKind; opinion: Opinion };
  /** 条例第33条: approved by the head of the disclosure office, told to the applicant. */
  extended: { days: number; reason: string; approvedBy: string; approvedById: number };
  /** 国办函〔2020〕109号: the clock stops; the applicant pays within the period after receiving the notice. */
  fee_notified: { method: FeeMethodId; quantity: number; amount: number; noticeReceivedOn: string };
  fee_paid: { amount: number };
  fee_lapsed: Record<string, never>;
  /**
   * `ground`: the reply ground (答复依据, src/letters/kinds.ts) the reply used — the letter's
   * decision paragraph and article. Absent in replies recorded before grounds were recorded.
   */
  replied: { outcomeRow: string; outcomeFormat: FormatId; basis: string; summary: string | null; ground?: ReplyGroundId | null };
  withdrawn: Record<string, never>;
  review_filed: { reviewCaseId: number; kind: string };
  review_decided: { reviewCaseId: number; result: string };
  /** After a reconsideration or a judgment corrected the handling: handle again. */
  reopened: { reviewCaseId: number; dueOn: string | null };
}

export type EventType = keyof EventData;

export const EVENT_LABELS: Record<EventType, string> = {
  submitted: '网上提交申请',
  confirmed: '确认收到申请',
  registered: '登记申请',
  correction_requested: '告知补正',
  correction_received: '收到补正',
  correction_lapsed: '逾期未补正',
  consultation_started: '征求意见',
  opinion_received: '收到意见',
  extended: '延长答复期限',
  fee_notified: '发出收费通知',
  fee_paid: '申请人缴费',
  fee_lapsed: '逾期未缴费',
  replied: '答复',
  withdrawn: '申请人撤回申请',
  review_filed: '申请人提起复议或诉讼',
  review_decided: '复议或诉讼结果',
  reopened: '重新办理',
};

/** One event of the log, parsed. */
export type AppEvent = {
  [K in EventType]: {
    id: number;
    type: K;
    /** The legal date of the event (ISO). */
    date: string;
    data: EventData[K];
    /** When it was recorded (ISO timestamp). */
    at: string;
    userId: number | null;
    note: string | null;
  };
}[EventType];

/** An event about to be appended. */
export type NewAppEvent = { [K in EventType]: { type: K; date: string; data: EventData[K]; note: string | null } }[EventType];

// ---------------------------------------------------------------------------------------------
// The state machine

/** Events that end the handling (the clock model accepts nothing after them). */
export const CLOSING_EVENTS: readonly EventType[] = ['replied', 'withdrawn', 'correction_lapsed', 'fee_lapsed'];

/** Events that move an existing application (submitted / registered create one). */
export type TransitionEvent = Exclude<EventType, 'submitted' | 'registered'>;

export interface Transition {
  event: TransitionEvent;
  from: readonly ApplicationState[];
  /**
   * The state after the event: one state, or several when the event decides (nextState), or
   * 'unchanged' for events that record without moving the case.
   */
  to: ApplicationState | readonly ApplicationState[] | 'unchanged';
  /** The permission the actor needs at the application's agency (src/accounts/policy.ts). */
  action: Action;
  /** Why, with the article. */
  rule: string;
}

const ALL = STATES;
const WORKING: readonly ApplicationState[] = ['registered', 'in_process'];

/**
 * Every allowed (event, state) pair. A pair not listed is refused with a Chinese message naming
 * the current state. The table is the single source of truth: the service checks it, the back
 * office lists the next actions from it, and the tests walk it.
 */
export const TRANSITIONS: readonly Transition[] = [
  { event: 'confirmed', from: ['submitted'], to: 'registered', action: 'handle', rule: '条例第31条第（三）项：通过互联网渠道提交的，以双方确认之日为收到申请之日' },
  { event: 'correction_requested', from: ['registered'], to: 'correction_requested', action: 'handle', rule: '条例第30条：申请内容不明确的，自收到申请之日起7个工作日内一次性告知补正' },
  { event: 'correction_received', from: ['correction_requested'], to: 'in_process', action: 'handle', rule: '条例第30条：答复期限自行政机关收到补正的申请之日起计算' },
  { event: 'correction_lapsed', from: ['correction_requested'], to: 'correction_lapsed', action: 'handle', rule: '条例第30条：申请人无正当理由逾期不补正的，视为放弃申请，行政机关不再处理该政府信息公开申请' },
  { event: 'consultation_started', from: ['registered', 'in_process', 'consulting'], to: 'consulting', action: 'handle', rule: '条例第32条、第34条；征求意见所需时间不计算在答复期限内（第33条第二款）' },
  { event: 'opinion_received', from: ['consulting'], to: ['in_process', 'consulting'], action: 'handle', rule: '条例第32条、第34条：收到意见（或期限届满）后恢复计时；另一项征求意见尚未结束的仍为征求意见中' },
  { event: 'extended', from: WORKING, to: 'in_process', action: 'approve_extension', rule: '条例第33条第一款：需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日' },
  { event: 'extended', from: ['consulting'], to: 'consulting', action: 'approve_extension', rule: '条例第33条第一款' },
  { event: 'fee_notified', from: WORKING, to: 'fee_notified', action: 'handle', rule: '条例第42条、国办函〔2020〕109号：收取信息处理费的，自发出收费通知至缴费的时间不计算在答复期限内' },
  { event: 'fee_paid', from: ['fee_notified'], to: 'in_process', action: 'handle', rule: '国办函〔2020〕109号：申请人缴费后恢复计时' },
  { event: 'fee_lapsed', from: ['fee_notified'], to: 'fee_lapsed', action: 'handle', rule: '国办函〔2020〕109号：申请人逾期未缴纳信息处理费的，视为放弃申请，行政机关不再处理' },
  { event: 'replied', from: [...WORKING, 'reopened'], to: 'replied', action: 'handle', rule: '条例第33条、第36–39条：在答复期限内作出答复；每件申请计入年度报告的一个办理结果' },
  { event: 'withdrawn', from: OPEN_STATES, to: 'withdrawn', action: 'handle', rule: '申请人撤回申请，办理终止' },
  { event: 'review_filed', from: ALL, to: 'unchanged', action: 'handle', rule: '行政复议、行政诉讼情况（年度报告第四部分）' },
  { event: 'review_decided', from: ALL, to: 'unchanged', action: 'handle', rule: '行政复议、行政诉讼结果（年度报告第四部分）' },
  { event: 'reopened', from: ['replied', 'correction_lapsed', 'fee_lapsed'], to: 'reopened', action: 'handle', rule: '复议决定或判决纠正（责令重新答复）的，依决定重新办理' },
];

export const TRANSITION_EVENTS: readonly TransitionEvent[] = [...new Set(TRANSITIONS.map((t) => t.event))];

export function transitionFor(event: TransitionEvent, state: ApplicationState): Transition | undefined {
  return TRANSITIONS.find((t) => t.event === event && t.from.includes(state));
}

/** The permission an event needs (the same in every state). */
export function actionFor(event: TransitionEvent): Action {
  return TRANSITIONS.find((t) => t.event === event)!.action;
}

/** The events allowed in a state, in table order. */
export function allowedEvents(state: ApplicationState): TransitionEvent[] {
  return TRANSITION_EVENTS.filter((e) => transitionFor(e, state) !== undefined);
}

/** Throws StateError (Chinese, naming the state) when the event is not allowed in the state. */
export function assertTransition(event: TransitionEvent, state: ApplicationState): Transition {
  const t = transitionFor(event, state);
  if (!t) {
    const allowed = TRANSITIONS.filter((x) => x.event === event).flatMap((x) => x.from);
    const where = allowed.length ? `；「${EVENT_LABELS[event]}」只能在${[...new Set(allowed)].map((s) => `「${STATE_LABELS[s]}」`).join('、')}状态下进行` : '';
    throw new StateError(`该申请当前状态为「${STATE_LABELS[state]}」，不能${EVENT_LABELS[event]}${where}`);
  }
  return t;
}

/**
 * The state after an allowed event. `stillConsulting`: after an opinion, whether another
 * consultation (the other kind) is still open.
 */
export function nextState(state: ApplicationState, event: TransitionEvent, ctx: { stillConsulting?: boolean } = {}): ApplicationState {
  const t = assertTransition(event, state);
  if (t.to === 'unchanged') return state;
  if (typeof t.to === 'string') return t.to;
  if (event === 'opinion_received') return ctx.stillConsulting ? 'consulting' : 'in_process';
  throw new Error(`transition ${event} from ${state}: ambiguous target`);
}

// ---------------------------------------------------------------------------------------------
// Facts read off the log

export interface History {
  /** The consultations still open, by kind, with their event. */
  openConsultations: Map<ConsultationKind, Extract<AppEvent, { type: 'consultation_started' }>>;
  correctionRequested: boolean;
  correctionReceived: boolean;
  /** The current fee notice, while the fee is unpaid. */
  openFee: Extract<AppEvent, { type: 'fee_notified' }> | null;
  /** Extended in the current round. */
  extended: boolean;
  /** The last date of the handling's events (review records excluded). */
  lastDate: string | null;
  /**
   * The last date including derived ones (a consulted party or the applicant received a letter):
   * an event that closes the case must not come before it.
   */
  lastAnyDate: string | null;
  /** The last reopening, if any. */
  reopen: Extract<AppEvent, { type: 'reopened' }> | null;
  /** Review cases already used for a reopening. */
  reopenedFor: Set<number>;
}

export function history(events: readonly AppEvent[]): History {
  const h: History = {
    openConsultations: new Map(),
    correctionRequested: false,
    correctionReceived: false,
    openFee: null,
    extended: false,
    lastDate: null,
    lastAnyDate: null,
    reopen: null,
    reopenedFor: new Set(),
  };
  const seen = (d: string | null) => {
    if (d !== null && (h.lastAnyDate === null || d > h.lastAnyDate)) h.lastAnyDate = d;
  };
  for (const e of events) {
    if (e.type === 'review_filed' || e.type === 'review_decided') continue;
    if (h.lastDate === null || e.date > h.lastDate) h.lastDate = e.date;
    seen(e.date);
    switch (e.type) {
      case 'correction_requested':
        h.correctionRequested = true;
        break;
      case 'correction_received':
        h.correctionReceived = true;
        break;
      case 'consultation_started':
        h.openConsultations.set(e.data.kind, e);
        seen(e.data.letterReceivedOn);
        break;
      case 'opinion_received':
        h.openConsultations.delete(e.data.kind);
        break;
      case 'fee_notified':
        h.openFee = e;
        seen(e.data.noticeReceivedOn);
        break;
      case 'fee_paid':
      case 'fee_lapsed':
        h.openFee = null;
        break;
      case 'extended':
        h.extended = true;
        break;
      case 'replied':
      case 'withdrawn':
        h.openConsultations.clear();
        h.openFee = null;
        break;
      case 'reopened':
        h.reopen = e;
        h.reopenedFor.add(e.data.reviewCaseId);
        h.extended = false;
        break;
      default:
        break;
    }
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Outcome rows (DOMAIN §3; the rows of the report format of the closing year)

/** The typical legal basis of each outcome row (DOMAIN §3), a default for the reply form. */
export const OUTCOME_BASIS_HINTS: Readonly<Record<string, string>> = {
  '3.1': '条例第三十六条第（一）项、第（二）项',
  '3.2': '条例第三十七条',
  '3.3.1': '条例第十四条',
  '3.3.2': '条例第十四条',
  '3.3.3': '条例第十四条',
  '3.3.4': '条例第十五条',
  '3.3.5': '条例第十六条第一款',
  '3.3.6': '条例第十六条第二款',
  '3.3.7': '条例第十六条第二款',
  '3.3.8': '条例第三十六条第（七）项',
  '3.4.1': '条例第三十六条第（四）项、第（五）项',
  '3.4.2': '条例第三十八条',
  '3.4.3': '条例第三十条',
  '3.5.1': '条例第三十九条第一款',
  '3.5.2': '条例第三十六条第（六）项',
  '3.5.3': '条例第三十九条第二款',
  '3.5.4': '条例第三十五条',
  '3.5.5': '条例第三十九条第二款',
  '3.6': '',
  '3.6.1': '条例第三十条',
  '3.6.2': '国办函〔2020〕109号',
  '3.6.3': '',
};

/** The outcome rows a case closed on `date` can count in: the report format of that year. */
export function outcomeRowsFor(date: string): { format: FormatId; rows: ApplicationRowDef[] } {
  const year = Number(date.slice(0, 4));
  const format = formatForYear(year);
  if (format === null) {
    throw new ValidationError({ date: `${year}年早于2019年，没有对应的年度报告格式，无法确定办理结果所计入的行` });
  }
  return { format, rows: FORMATS[format].applicationRows.filter((r) => r.outcome) };
}

export function outcomeRowLabel(format: string | null, rowId: string | null): string | null {
  if (!rowId) return null;
  const f = format === '2019' || format === '2021' ? FORMATS[format] : null;
  const row = (f ?? FORMATS['2021']).applicationRows.find((r) => r.id === rowId) ?? FORMATS['2019'].applicationRows.find((r) => r.id === rowId);
  if (!row) return rowId;
  // Sub-rows carry their group: （三）不予公开 · 1.属于国家秘密.
  const group = row.group && row.group !== '三、本年度办理结果' ? `${row.group} ` : '';
  return `${group}${row.label}`;
}

/** The row a case ends in when it ends without a reply (lapse or withdrawal), by format. */
export function closingOutcome(kind: 'correction_lapsed' | 'fee_lapsed' | 'withdrawn', date: string): { format: FormatId; row: string; basis: string } {
  const { format } = outcomeRowsFor(date);
  const other = format === '2019' ? '3.6' : '3.6.3';
  switch (kind) {
    case 'correction_lapsed':
      return { format, row: format === '2019' ? '3.6' : '3.6.1', basis: '条例第三十条：申请人无正当理由逾期不补正，视为放弃申请' };
    case 'fee_lapsed':
      return { format, row: format === '2019' ? '3.6' : '3.6.2', basis: '国办函〔2020〕109号：申请人逾期未按收费通知要求缴纳费用，视为放弃申请' };
    case 'withdrawn':
      return { format, row: other, basis: '申请人撤回申请' };
  }
}

/**
 * Checks the outcome row chosen for a reply: exactly one row of the report format of the reply
 * year, and only rows a reply can produce. Throws ValidationError on the field `outcomeRow`.
 */
export function replyOutcome(rowId: string, date: string, h: Pick<History, 'correctionReceived'>): { format: FormatId; row: ApplicationRowDef } {
  const { format, rows } = outcomeRowsFor(date);
  const row = rows.find((r) => r.id === rowId);
  const fail = (msg: string): never => {
    throw new ValidationError({ outcomeRow: msg });
  };
  if (!row) {
    const hint =
      format === '2021' && rowId === '3.6'
        ? '：2021年起的格式把（六）其他处理分为3.6.1–3.6.3，答复时请选择3.6.3「其他」'
        : format === '2019' && rowId.startsWith('3.6.')
          ? '：2019年格式（用于2019、2020年度）的（六）其他处理只有一行3.6'
          : '';
    fail(`办理结果「${rowId}」不是${date.slice(0, 4)}年度报告格式（${FORMATS[format].source}）中的办理结果行${hint}`);
  }
  if (rowId === '3.6.1') fail('「申请人无正当理由逾期不补正」只能通过记录逾期未补正结案（条例第30条），不能在答复时选择');
  if (rowId === '3.6.2') fail('「申请人逾期未按收费通知要求缴纳费用」只能通过记录逾期未缴费结案（国办函〔2020〕109号），不能在答复时选择');
  if (rowId === '3.4.3' && !h.correctionReceived) fail('「补正后申请内容仍不明确」只适用于申请人已经补正的申请（条例第30条）');
  return { format, row: row! };
}

/** A ground as people read it: its label and the article it cites. */
export function replyGroundLabel(id: ReplyGroundId): string {
  const g = REPLY_GROUNDS[id];
  const article = groundArticle(g);
  return article ? `${g.label}（${article}）` : g.label;
}

/**
 * The reply ground (答复依据) of a reply counted in `rowId`. Rows 3.1 and 3.4.1 have two grounds
 * each (条例第36条第（一）（二）项; 第（四）（五）项), which lead to different letters. Every other
 * row has one ground, taken when none is given. When none is given for 3.1 or 3.4.1, the legal
 * basis decides if it names exactly one of the two items (e.g. 条例第三十六条第（二）项 → provided);
 * otherwise one must be chosen. A ground of another row, or an unknown one, is refused with a
 * Chinese message on the field `ground` listing the row's grounds.
 */
export function replyGround(rowId: string, format: FormatId, ground: string | undefined, basis = ''): ReplyGroundId {
  const options = groundsForOutcome(rowId);
  const row = `「${rowId} ${outcomeRowLabel(format, rowId) ?? rowId}」`;
  const list = options.map((g) => `「${replyGroundLabel(g.id)}」（${g.id}）`).join('或');
  if (ground === undefined || ground === '') {
    if (options.length === 1) return options[0]!.id;
    const named = options.filter((g) => {
      const item = /第（[一二三四五六七八九十]+）项$/.exec(groundArticle(g) ?? '')?.[0];
      return item !== undefined && basis.includes(item);
    });
    if (named.length === 1) return named[0]!.id;
    throw new ValidationError({ ground: `办理结果${row}有${options.length}种答复依据，请选择：${list}` });
  }
  if (!isReplyGroundId(ground)) throw new ValidationError({ ground: `答复依据「${ground}」无效；办理结果${row}的答复依据为${list}` });
  if (!options.some((g) => g.id === ground)) {
    throw new ValidationError({ ground: `答复依据「${replyGroundLabel(ground)}」不属于办理结果${row}；该办理结果的答复依据为${list}` });
  }
  return ground;
}

// ---------------------------------------------------------------------------------------------
// Clocks: the log mapped onto the pure clock model (clock.ts)

/** A due date that explains itself (as clock.ts's ExplainedDate, for the reopened round). */
export interface ReopenedClock {
  reviewCaseId: number;
  /** The day the decision was received: the new period starts the next day. */
  start: string;
  due: string;
  /** true: the date was set by the decision; false: 20 working days (条例第33条). */
  setByDecision: boolean;
  rule: string;
  text: string;
  provisional: boolean;
  repliedOn: string | null;
  status: ClockStatus;
  statusText: string;
  remainingWorkingDays: number | null;
}

export interface DerivedClocks {
  /** The clocks of the first handling (null until received). */
  report: ClockReport | null;
  /** The clock of the handling after the last reopening. */
  reopened: ReopenedClock | null;
  /** The values stored on the application row. */
  stored: {
    received_on: string | null;
    reply_due_on: string | null;
    correction_due_on: string | null;
    next_due_on: string | null;
    clock_status: StoredClockStatus | null;
    clock_provisional: number;
    extension_days: number | null;
  };
  provisional: boolean;
  warnings: string[];
}

/** Working days left before the due date at which a case shows as 即将到期 (clock.ts default). */
export const DUE_SOON_WORKING_DAYS = 5;

/**
 * The log as clock events (clock.ts), in chronological order. Each application event gives one
 * or two clock events; derived dates (the consulted party or the applicant received a letter)
 * may fall after later events, so the list is sorted by date (stable). `forPublic`: leaves the
 * approving official's name out.
 */
export function toClockEvents(events: readonly AppEvent[], opts: { forPublic?: boolean } = {}): ClockEvent[] {
  const out: Array<{ ev: ClockEvent; key: number }> = [];
  let submittedOn: string | null = null;
  events.forEach((e, i) => {
    const add = (ev: ClockEvent, sub = 0) => out.push({ ev, key: i * 2 + sub });
    switch (e.type) {
      case 'submitted':
        submittedOn = e.data.submittedOn;
        break;
      case 'confirmed':
        add({ type: 'received', channel: 'online', date: submittedOn ?? e.data.confirmedOn, confirmed: e.data.confirmedOn });
        break;
      case 'registered': {
        const channel = receiptChannel(e.data.channel);
        const ev: ClockEvent = { type: 'received', channel, date: e.data.submittedOn };
        if (e.data.confirmedOn) ev.confirmed = e.data.confirmedOn;
        add(ev);
        break;
      }
      case 'correction_requested':
        add({ type: 'correction_requested', date: e.date, deadline: e.data.deadline });
        break;
      case 'correction_received':
        add({ type: 'correction_received', date: e.date });
        break;
      case 'correction_lapsed':
        add({ type: 'correction_lapsed', date: e.date });
        break;
      case 'consultation_started':
        add({ type: 'suspended', date: e.date, reason: e.data.kind });
        if (e.data.letterReceivedOn) {
          add({ type: e.data.kind === 'third_party' ? 'third_party_letter_received' : 'other_agency_consulted', date: e.data.letterReceivedOn }, 1);
        }
        break;
      case 'opinion_received':
        add({ type: 'resumed', date: e.date, reason: e.data.kind });
        break;
      case 'extended': {
        const ev: ClockEvent = { type: 'extended', date: e.date, days: e.data.days };
        if (!opts.forPublic) ev.approvedBy = e.data.approvedBy;
        add(ev);
        break;
      }
      case 'fee_notified':
        add({ type: 'suspended', date: e.date, reason: 'fee' });
        add({ type: 'fee_notice_received', date: e.data.noticeReceivedOn }, 1);
        break;
      case 'fee_paid':
        add({ type: 'resumed', date: e.date, reason: 'fee' });
        break;
      case 'fee_lapsed':
        add({ type: 'fee_lapsed', date: e.date });
        break;
      case 'replied':
        add({ type: 'replied', date: e.date });
        break;
      case 'withdrawn':
        add({ type: 'withdrawn', date: e.date });
        break;
      default:
        break;
    }
  });
  out.sort((a, b) => (a.ev.date < b.ev.date ? -1 : a.ev.date > b.ev.date ? 1 : a.key - b.key));
  return out.map((x) => x.ev);
}

export interface ClockDeps {
  calendar: WorkCalendar;
  /** The day the status is computed for (ISO). */
  today: string;
  feePaymentDays?: number;
  forPublic?: boolean;
}

/**
 * Every clock of an application from its log: computeClocks over the first handling, and the
 * reopened round's due date when the case was reopened. Throws clock.ts's ClockInputError for an
 * impossible sequence (the service turns it into a StateError).
 */
export function deriveClocks(state: ApplicationState, events: readonly AppEvent[], deps: ClockDeps): DerivedClocks {
  const reopenAt = events.findIndex((e) => e.type === 'reopened');
  const first = reopenAt < 0 ? events : events.slice(0, reopenAt);
  const clockEvents = toClockEvents(first, { forPublic: deps.forPublic ?? false });
  const received = clockEvents.length > 0 && clockEvents[0]!.type === 'received';
  const report = received
    ? computeClocks(clockEvents, {
        calendar: deps.calendar,
        today: deps.today,
        ...(deps.feePaymentDays !== undefined ? { feePaymentDays: deps.feePaymentDays } : {}),
      })
    : null;
  const h = history(events);
  const reopened = h.reopen ? reopenedClock(h.reopen, events.slice(events.lastIndexOf(h.reopen) + 1), deps) : null;

  const warnings = [...(report?.warnings ?? [])];
  if (reopened?.provisional && !warnings.some((w) => w.startsWith('警告'))) {
    warnings.unshift(`警告：重新答复期限${reopened.due}所在年度的节假日安排尚未录入，结果按周一至周五推算，可能不准确`);
  }
  const provisional = (report?.provisional ?? false) || (reopened?.provisional ?? false);

  const replyDue = reopened ? reopened.due : (report?.reply.due?.date ?? null);
  // next_due_on: the date the work queue sorts by; set for every open case, null once closed.
  let next: string | null = null;
  switch (state) {
    case 'submitted': {
      const s = events.find((e) => e.type === 'submitted');
      next = s ? s.data.submittedOn : null;
      break;
    }
    case 'registered':
    case 'in_process':
    case 'reopened':
      next = replyDue;
      break;
    case 'correction_requested':
      next = report?.correction.deadline ?? null;
      break;
    case 'consulting': {
      // The earliest opinion deadline (第32、34条: 15 working days from the party's receipt of the
      // letter). Receipt not yet recorded: counted from the day the letter went out, the earliest
      // the deadline can be, so that the case is looked at in time.
      const dues: string[] = [];
      for (const [kind, e] of h.openConsultations) {
        const want = kind === 'third_party' ? 'third_party_opinion' : 'other_agency_opinion';
        const dl = report?.deadlines.find((d) => d.kind === want && d.start === e.data.letterReceivedOn);
        if (dl) dues.push(dl.due.date);
        else {
          const n = kind === 'third_party' ? THIRD_PARTY_WORKING_DAYS : OTHER_AGENCY_WORKING_DAYS;
          dues.push(formatIsoDate(deps.calendar.addWorkingDays(parseIsoDate(e.date), n, { beyond: 'weekdays' })));
        }
      }
      next = dues.length ? dues.sort()[0]! : null;
      break;
    }
    case 'fee_notified': {
      const dl = report?.deadlines.filter((d) => d.kind === 'fee_payment').at(-1);
      next = dl?.due.date ?? null;
      break;
    }
    default:
      next = null;
  }

  return {
    report,
    reopened,
    stored: {
      received_on: report?.receipt.date ?? null,
      reply_due_on: replyDue,
      correction_due_on: report?.correction.noticeDue.date ?? null,
      next_due_on: next,
      clock_status: reopened?.status ?? report?.status ?? null,
      clock_provisional: provisional ? 1 : 0,
      extension_days: report?.extension?.days ?? null,
    },
    provisional,
    warnings,
  };
}

/** The new reply period after a reopening: set by the decision, or 20 working days (条例第33条). */
function reopenedClock(reopen: Extract<AppEvent, { type: 'reopened' }>, after: readonly AppEvent[], deps: ClockDeps): ReopenedClock {
  const cal = deps.calendar;
  const start = parseIsoDate(reopen.date);
  const today = parseIsoDate(deps.today);
  const cd = formatChineseDate;
  let due: number;
  let rule: string;
  let text: string;
  if (reopen.data.dueOn) {
    due = parseIsoDate(reopen.data.dueOn);
    rule = '复议决定书或判决书确定的重新答复期限';
    text = `依复议决定或判决重新办理，应于${cd(due)}（${WEEKDAY_NAMES[weekday(due)]}）前重新答复。`;
  } else {
    due = cal.addWorkingDays(start, REPLY_WORKING_DAYS, { beyond: 'weekdays' });
    rule = '依复议决定或判决重新办理：自收到决定之日起按条例第33条第一款重新计算20个工作日';
    text =
      `自${cd(start)}（收到复议决定或判决）次日起算${REPLY_WORKING_DAYS}个工作日，第${REPLY_WORKING_DAYS}个工作日为${cd(due)}（${WEEKDAY_NAMES[weekday(due)]}），即重新答复期限届满之日。` +
      spanSentence(cal.explainSpan(start, due));
  }
  const lo = Math.min(start, today, due) + 1;
  const hi = Math.max(start, today, due);
  const provisional = !cal.coversRange(lo, hi);
  const end = after.find((e) => e.type === 'replied' || e.type === 'withdrawn');
  let status: ClockStatus;
  let statusText: string;
  let remaining: number | null = null;
  if (end?.type === 'replied') {
    const late = end.date > formatIsoDate(due);
    status = late ? 'replied_late' : 'replied_on_time';
    statusText = STATUS_LABELS[status];
  } else if (end) {
    status = 'closed';
    statusText = `${STATUS_LABELS.closed}（${EVENT_LABELS.withdrawn}）`;
  } else {
    remaining = cal.workingDaysBetween(today, due, { beyond: 'weekdays' });
    if (remaining < 0) {
      status = 'overdue';
      statusText = `${STATUS_LABELS.overdue}（已逾期${-remaining}个工作日，重新答复期限${cd(due)}届满）`;
    } else {
      status = remaining <= DUE_SOON_WORKING_DAYS ? 'due_soon' : 'on_time';
      statusText = remaining === 0 ? `${STATUS_LABELS.due_soon}（今天是重新答复期限的最后一天）` : `${STATUS_LABELS[status]}（剩余${remaining}个工作日，${cd(due)}届满）`;
    }
  }
  return {
    reviewCaseId: reopen.data.reviewCaseId,
    start: reopen.date,
    due: formatIsoDate(due),
    setByDecision: reopen.data.dueOn !== null,
    rule,
    text: provisional ? `${text}（推算：部分年度节假日安排尚未录入，按周一至周五计算）` : text,
    provisional,
    repliedOn: end?.type === 'replied' ? end.date : null,
    status,
    statusText,
    remainingWorkingDays: remaining,
  };
}

/**
 * The status of a stored row today without its log (for lists): closed cases keep the stored
 * status; open cases are recomputed from the stored reply due date.
 */
export function liveStatus(
  row: { state: ApplicationState; reply_due_on: string | null; clock_status: StoredClockStatus | null },
  calendar: WorkCalendar,
  today: string,
): { status: ClockStatus | 'unconfirmed'; label: string; remainingWorkingDays: number | null } {
  if (row.state === 'submitted') return { status: 'unconfirmed', label: STATE_LABELS.submitted, remainingWorkingDays: null };
  if (isClosed(row.state)) {
    const s = row.clock_status ?? 'closed';
    return { status: s, label: STATUS_LABELS[s], remainingWorkingDays: null };
  }
  if (row.reply_due_on === null || row.state === 'consulting' || row.state === 'fee_notified' || row.state === 'correction_requested') {
    return { status: 'paused', label: row.state === 'correction_requested' ? `${STATUS_LABELS.paused}（等待申请人补正）` : STATUS_LABELS.paused, remainingWorkingDays: null };
  }
  const remaining = calendar.workingDaysBetween(parseIsoDate(today), parseIsoDate(row.reply_due_on), { beyond: 'weekdays' });
  if (remaining < 0) return { status: 'overdue', label: `${STATUS_LABELS.overdue}（${-remaining}个工作日）`, remainingWorkingDays: remaining };
  const status = remaining <= DUE_SOON_WORKING_DAYS ? 'due_soon' : 'on_time';
  return { status, label: `${STATUS_LABELS[status]}（剩余${remaining}个工作日）`, remainingWorkingDays: remaining };
}
