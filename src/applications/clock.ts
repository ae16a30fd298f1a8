/**
 * The clocks of one disclosure-on-request application (依申请公开), as a pure function of its
 * recorded events: 《政府信息公开条例》第30–34条 and 国办函〔2020〕109号.
 *
 * Counting rules (DOMAIN §3, docs/calendar.md):
 * - All limits are in working days (工作日) of the official calendar (src/calendar). Counting starts
 *   the day AFTER the start event (the start day itself never counts, even when it is a working
 *   day or a holiday), and the due date is the N-th working day.
 * - Reply: 20 working days from receipt (第33条第一款), restarted from the receipt of the corrected
 *   application when a correction was asked for (第30条). An extension adds at most 20 working
 *   days, once (第33条第一款).
 * - Time spent consulting a third party or another agency (第33条第二款) or waiting for the fee
 *   (109号) is not counted. Choice made here: the clock stops at the END of the day the suspension
 *   starts and restarts the day AFTER it ends, i.e. the working days in (start, end] are not
 *   counted. So the day the letter goes out still counts, the day the answer comes back does not.
 * - Beyond the calendar's years the computation goes on with Monday–Friday and the result is
 *   marked provisional, with a warning: never silently.
 *
 * Purity: no I/O. The only ambient input is the default `today` (the current date in China
 * Standard Time) when the caller does not pass one.
 */
import {
  WorkCalendar,
  formatDayRange,
  outsideWarning,
  spanSentence,
  type SpanRun,
} from '../calendar/calendar.js';
import { WEEKDAY_NAMES, formatChineseDate, formatIsoDate, weekday, type DayNumber } from '../calendar/date.js';
import { ClockInputError, parseInputDate, receiptDate, type ReceiptInput, type ReceiptResult } from './receipt.js';

export { ClockInputError, receiptDate, type ReceiptInput, type ReceiptResult } from './receipt.js';
export type { Channel } from './receipt.js';

// ---------------------------------------------------------------------------------------------
// Limits

/** 条例第33条第一款: reply within 20 working days of receipt. */
export const REPLY_WORKING_DAYS = 20;
/** 条例第33条第一款: an extension of at most 20 working days, once. */
export const MAX_EXTENSION_WORKING_DAYS = 20;
/** 条例第30条: the correction notice within 7 working days of receipt. */
export const CORRECTION_NOTICE_WORKING_DAYS = 7;
/** 条例第32条: the third party answers within 15 working days of receiving the letter. */
export const THIRD_PARTY_WORKING_DAYS = 15;
/** 条例第34条: a consulted agency answers within 15 working days; silence = consent. */
export const OTHER_AGENCY_WORKING_DAYS = 15;
/**
 * 国办函〔2020〕109号: the applicant pays within 20 working days of receiving the fee notice,
 * otherwise the application is deemed abandoned. (verify) — DOMAIN §3 marks this figure as not
 * checked against the full official text; computeClocks takes `feePaymentDays` to override it.
 */
export const FEE_PAYMENT_WORKING_DAYS = 20;

// ---------------------------------------------------------------------------------------------
// Events

export type SuspendReason = 'third_party' | 'other_agency' | 'fee';
export const SUSPEND_REASONS: readonly SuspendReason[] = ['third_party', 'other_agency', 'fee'];

const REASON_LABELS: Record<SuspendReason, string> = {
  third_party: '征求第三方意见',
  other_agency: '征求其他机关意见',
  fee: '等待申请人缴纳信息处理费',
};

const REASON_BASIS: Record<SuspendReason, string> = {
  third_party: '所需时间不计算在答复期限内，条例第33条第二款',
  other_agency: '所需时间不计算在答复期限内，条例第33条第二款',
  fee: '自收费通知至缴费的时间不计算在答复期限内，国办函〔2020〕109号（verify）',
};

/** The events of an application, in chronological order. Dates are ISO YYYY-MM-DD. */
export type ClockEvent =
  /** The application arrived (receipt date by channel: 第31条). */
  | ({ type: 'received' } & ReceiptInput)
  /** The single correction notice (第30条); `deadline`: the last day given to the applicant. */
  | { type: 'correction_requested'; date: string; deadline?: string }
  /** The corrected application arrived: the reply clock restarts (第30条). */
  | { type: 'correction_received'; date: string }
  /** The applicant did not correct in time: deemed abandoned (第30条). Closes the application. */
  | { type: 'correction_lapsed'; date: string }
  /** The reply clock stops (第33条第二款, 109号). */
  | { type: 'suspended'; date: string; reason: SuspendReason }
  | { type: 'resumed'; date: string; reason: SuspendReason }
  /** The third party received the request for its opinion: 15 working days (第32条). */
  | { type: 'third_party_letter_received'; date: string }
  /** The consulted agency received the request for its opinion: 15 working days, silence = consent (第34条). */
  | { type: 'other_agency_consulted'; date: string }
  /** The applicant received the fee notice: payment due in FEE_PAYMENT_WORKING_DAYS (109号). */
  | { type: 'fee_notice_received'; date: string }
  /** The applicant did not pay in time: deemed abandoned (109号). Closes the application. */
  | { type: 'fee_lapsed'; date: string }
  /** The reply limit is extended (第33条): once, at most 20 working days, decided before the due date. */
  | { type: 'extended'; date: string; days: number; approvedBy?: string }
  /** The reply was given. Closes the application. */
  | { type: 'replied'; date: string }
  /** The applicant withdrew the application. Closes it. */
  | { type: 'withdrawn'; date: string };

export type ClockEventType = ClockEvent['type'];

const EVENT_LABELS: Record<ClockEventType, string> = {
  received: '收到申请',
  correction_requested: '告知补正',
  correction_received: '收到补正',
  correction_lapsed: '逾期未补正',
  suspended: '暂停计时',
  resumed: '恢复计时',
  third_party_letter_received: '第三方收到征求意见书',
  other_agency_consulted: '被征求意见机关收到征求意见书',
  fee_notice_received: '申请人收到收费通知',
  fee_lapsed: '逾期未缴费',
  extended: '延长答复期限',
  replied: '答复',
  withdrawn: '申请人撤回申请',
};

// ---------------------------------------------------------------------------------------------
// Output

/** One step of the computation of a date, for explanations. */
export type ClockStep =
  | { kind: 'start'; date: string; label: string }
  /** Working days counted in [from, to] (from = the day after the previous step). */
  | { kind: 'count'; from: string; to: string; workingDays: number; runs: SpanRun[] }
  /** The clock stopped after `from` and restarted after `until` (null: still stopped). */
  | { kind: 'pause'; from: string; until: string | null; reasons: SuspendReason[]; workingDaysExcluded: number | null }
  | { kind: 'extend'; date: string; days: number; approvedBy: string | null }
  /** The due date (null when it cannot be known yet) and the working days still to run. */
  | { kind: 'end'; date: string | null; remainingWorkingDays: number };

/** A computed date that explains itself. */
export interface ExplainedDate {
  date: string;
  /** The rule applied, citing the article. */
  rule: string;
  steps: ClockStep[];
  /** The whole explanation in one Chinese paragraph. */
  text: string;
  /** Computed beyond the calendar's years from Monday–Friday alone (推算). */
  provisional: boolean;
}

export type ClockStatus = 'paused' | 'on_time' | 'due_soon' | 'overdue' | 'replied_on_time' | 'replied_late' | 'closed';

export const STATUS_LABELS: Record<ClockStatus, string> = {
  paused: '暂停计时',
  on_time: '办理中',
  due_soon: '即将到期',
  overdue: '已逾期',
  replied_on_time: '已按期答复',
  replied_late: '逾期答复',
  closed: '已终止',
};

export type ViolationCode = 'late_confirmation' | 'late_correction_notice' | 'late_extension' | 'late_reply' | 'overdue';

export interface Violation {
  code: ViolationCode;
  text: string;
}

export interface SideDeadline {
  kind: 'third_party_opinion' | 'other_agency_opinion' | 'fee_payment';
  /** The day the period started (the letter or notice was received). */
  start: string;
  workingDays: number;
  due: ExplainedDate;
  /** Whether the due date is before `today`. */
  passed: boolean;
}

export interface ClockReport {
  today: string;
  status: ClockStatus;
  /** Status in Chinese, with the essential figure (e.g. 即将到期（剩余3个工作日）). */
  statusText: string;
  receipt: ExplainedDate & { channel: ReceiptResult['channel'] };
  correction: {
    /** Receipt + 7 working days: the last day to send the single correction notice (第30条). */
    noticeDue: ExplainedDate;
    requestedOn: string | null;
    /** null when no correction was asked for. */
    noticeLate: boolean | null;
    deadline: string | null;
    receivedOn: string | null;
    lapsedOn: string | null;
  };
  reply: {
    /** The day the reply clock starts from (receipt, or receipt of the corrected application). */
    start: string | null;
    startLabel: string;
    limit: number;
    extensionDays: number;
    /** null while waiting for a correction or while the clock is stopped. */
    due: ExplainedDate | null;
    /** Working days counted so far (to today, or to the reply). */
    usedWorkingDays: number;
    /**
     * Working days in (today, due] when the due date is known (negative when overdue); the working
     * days still to run when the clock is stopped; null when waiting for a correction or closed.
     */
    remainingWorkingDays: number | null;
    repliedOn: string | null;
    late: boolean | null;
    /** Why `due` is null, in Chinese. */
    pending: string | null;
  };
  suspensions: Array<{ reason: SuspendReason; from: string; until: string | null }>;
  extension: {
    date: string;
    days: number;
    approvedBy: string | null;
    /** The due date under the original limit that the decision had to precede (null if unknown). */
    mustDecideBy: string | null;
    timely: boolean;
  } | null;
  deadlines: SideDeadline[];
  /** How the application ended, when it did. */
  closedBy: 'replied' | 'correction_lapsed' | 'fee_lapsed' | 'withdrawn' | null;
  violations: Violation[];
  warnings: string[];
  provisional: boolean;
}

export interface ClockOptions {
  calendar: WorkCalendar;
  /** The day the status is computed for (ISO). Default: the current date in China (UTC+8). */
  today?: string;
  /** due_soon when at most this many working days remain (due today included). Default 5. */
  dueSoonDays?: number;
  /** Payment period after the fee notice, in working days. Default FEE_PAYMENT_WORKING_DAYS (verify). */
  feePaymentDays?: number;
}

// ---------------------------------------------------------------------------------------------
// Calendar access that records provisional computations

class Counter {
  readonly uncovered = new Set<number>();
  constructor(readonly cal: WorkCalendar) {}

  add(d: DayNumber, n: number): DayNumber {
    const r = this.cal.addWorkingDays(d, n, { beyond: 'weekdays' });
    if (n > 0) this.note(d + 1, r);
    return r;
  }

  between(a: DayNumber, b: DayNumber): number {
    if (a !== b) this.note(Math.min(a, b) + 1, Math.max(a, b));
    return this.cal.workingDaysBetween(a, b, { beyond: 'weekdays' });
  }

  /** Records the years of [a, b] missing from the calendar. */
  note(a: DayNumber, b: DayNumber): void {
    if (this.cal.coversRange(a, b)) return;
    for (const y of this.cal.uncoveredYears(a, b)) this.uncovered.add(y);
  }

  /** Runs a computation and tells whether it went beyond the calendar. */
  track<T>(f: () => T): { value: T; provisional: boolean } {
    const before = [...this.uncovered];
    this.uncovered.clear();
    const value = f();
    const provisional = this.uncovered.size > 0;
    for (const y of before) this.uncovered.add(y);
    return { value, provisional };
  }
}

const cd = formatChineseDate;
const iso = formatIsoDate;
const wdName = (d: DayNumber) => WEEKDAY_NAMES[weekday(d)]!;

function chinaToday(): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** A simple "start + n working days" date with its explanation. */
function simpleDue(counter: Counter, start: DayNumber, startLabel: string, n: number, rule: string, what: string): ExplainedDate {
  const { value: due, provisional } = counter.track(() => counter.add(start, n));
  const runs = counter.cal.explainSpan(start, due);
  const steps: ClockStep[] = [
    { kind: 'start', date: iso(start), label: startLabel },
    { kind: 'count', from: iso(start + 1), to: iso(due), workingDays: n, runs },
    { kind: 'end', date: iso(due), remainingWorkingDays: 0 },
  ];
  let text = `自${cd(start)}（${startLabel}）次日起算${n}个工作日，第${n}个工作日为${cd(due)}（${wdName(due)}），即${what}。`;
  text += spanSentence(runs);
  if (provisional) text += provisionalNote(counter, start + 1, due);
  return { date: iso(due), rule, steps, text, provisional };
}

function provisionalNote(counter: Counter, a: DayNumber, b: DayNumber): string {
  const years = counter.cal.uncoveredYears(a, b);
  return `（推算：${years.map((y) => `${y}年`).join('、')}节假日安排尚未录入，按周一至周五计算）`;
}

interface Pause {
  /** The clock stops at the end of `s` … */
  s: DayNumber;
  /** … and restarts the day after `e` (null: still stopped). */
  e: DayNumber | null;
  reasons: SuspendReason[];
}

/** Merges overlapping suspensions (e.g. a third party and another agency at once). */
function mergePauses(raw: readonly Pause[]): Pause[] {
  const sorted = [...raw].sort((a, b) => a.s - b.s);
  const out: Pause[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && (last.e === null || p.s <= last.e)) {
      last.e = last.e === null || p.e === null ? null : Math.max(last.e, p.e);
      for (const r of p.reasons) if (!last.reasons.includes(r)) last.reasons.push(r);
    } else {
      out.push({ s: p.s, e: p.e, reasons: [...p.reasons] });
    }
  }
  return out;
}

/** Working days counted in (start, d], minus the paused ones. */
function usedBy(counter: Counter, start: DayNumber, d: DayNumber, pauses: readonly Pause[]): number {
  if (d <= start) return 0;
  let used = counter.between(start, d);
  for (const p of pauses) {
    const a = Math.max(p.s, start);
    const b = p.e === null ? d : Math.min(p.e, d);
    if (b > a) used -= counter.between(a, b);
  }
  return used;
}

interface ReplyRun {
  due: DayNumber | null;
  /** Working days counted before the open pause (when due is null). */
  used: number;
  steps: ClockStep[];
  runs: SpanRun[];
}

/** Counts `limit` working days from `start`, skipping the pauses. */
function countWithPauses(counter: Counter, start: DayNumber, startLabel: string, limit: number, pauses: readonly Pause[]): ReplyRun {
  const steps: ClockStep[] = [{ kind: 'start', date: iso(start), label: startLabel }];
  const allRuns: SpanRun[] = [];
  let cursor = start;
  let used = 0;
  const count = (to: DayNumber, n: number) => {
    if (to <= cursor) return;
    const runs = counter.cal.explainSpan(cursor, to);
    allRuns.push(...runs);
    steps.push({ kind: 'count', from: iso(cursor + 1), to: iso(to), workingDays: n, runs });
  };
  for (const p of pauses) {
    const s = Math.max(p.s, start);
    if (p.e !== null && p.e <= s) continue;
    const avail = counter.between(cursor, s);
    if (used + avail >= limit) break;
    count(s, avail);
    used += avail;
    cursor = s;
    if (p.e === null) {
      steps.push({ kind: 'pause', from: iso(s), until: null, reasons: p.reasons, workingDaysExcluded: null });
      steps.push({ kind: 'end', date: null, remainingWorkingDays: limit - used });
      return { due: null, used, steps, runs: allRuns };
    }
    steps.push({ kind: 'pause', from: iso(s), until: iso(p.e), reasons: p.reasons, workingDaysExcluded: counter.between(s, p.e) });
    cursor = p.e;
  }
  const due = counter.add(cursor, limit - used);
  count(due, limit - used);
  steps.push({ kind: 'end', date: iso(due), remainingWorkingDays: 0 });
  return { due, used: limit, steps, runs: allRuns };
}

function replyText(run: ReplyRun, limit: number, extension: { days: number; approvedBy: string | null } | null): string {
  const parts: string[] = [];
  for (const st of run.steps) {
    switch (st.kind) {
      case 'start': {
        let s = `自${cd(toDay(st.date))}（${st.label}）次日起算，答复期限${REPLY_WORKING_DAYS}个工作日（条例第33条第一款）`;
        if (extension) {
          s += `，经${extension.approvedBy ?? '政府信息公开工作机构负责人'}同意延长${extension.days}个工作日，共${limit}个工作日`;
        }
        parts.push(s);
        break;
      }
      case 'count':
        parts.push(`${formatDayRange(toDay(st.from), toDay(st.to))}计${st.workingDays}个工作日`);
        break;
      case 'pause': {
        const why = st.reasons.map((r) => `${REASON_LABELS[r]}，${REASON_BASIS[r]}`).join('；');
        parts.push(
          st.until === null
            ? `${cd(toDay(st.from))}暂停计时（当日计入；${why}），尚未恢复`
            : `${cd(toDay(st.from))}暂停计时（当日计入；${why}），${cd(toDay(st.until))}恢复（当日不计，次日起继续计算），其间${st.workingDaysExcluded}个工作日不计`,
        );
        break;
      }
      case 'end':
        parts.push(
          st.date === null
            ? `已计${limit - st.remainingWorkingDays}个工作日，尚余${st.remainingWorkingDays}个工作日，恢复计时后方能确定届满日期`
            : `第${limit}个工作日为${cd(toDay(st.date))}（${wdName(toDay(st.date))}），即答复期限届满之日`,
        );
        break;
      default:
        break;
    }
  }
  return `${parts.join('；')}。${spanSentence(run.runs)}`;
}

function toDay(isoDate: string): DayNumber {
  return parseInputDate(isoDate, '日期');
}

// ---------------------------------------------------------------------------------------------
// The computation

type Phase = 'open' | 'awaiting_correction' | 'closed';

/**
 * Computes every clock of an application from its events (in chronological order) and its status
 * at `today`. Throws ClockInputError (Chinese message naming the event) for an invalid sequence.
 */
export function computeClocks(events: readonly ClockEvent[], options: ClockOptions): ClockReport {
  const { calendar } = options;
  const dueSoonDays = options.dueSoonDays ?? 5;
  const feePaymentDays = options.feePaymentDays ?? FEE_PAYMENT_WORKING_DAYS;
  if (!Number.isSafeInteger(dueSoonDays) || dueSoonDays < 0) throw new ClockInputError(`dueSoonDays 应为非负整数，收到 ${dueSoonDays}`);
  if (!Number.isSafeInteger(feePaymentDays) || feePaymentDays < 1) throw new ClockInputError(`feePaymentDays 应为正整数，收到 ${feePaymentDays}`);
  const counter = new Counter(calendar);

  if (!Array.isArray(events) || events.length === 0) throw new ClockInputError('没有任何事件：第一个事件应为 received（收到申请）');
  const first = events[0]!;
  if (first?.type !== 'received') {
    throw new ClockInputError(`第1个事件应为 received（收到申请），收到「${String(first?.type)}」`, 0);
  }
  const receipt = receiptDate(first, 0);
  const R = receipt.day;

  const violations: Violation[] = [];
  const warnings: string[] = [];
  for (const v of receipt.violations) violations.push({ code: 'late_confirmation', text: v });

  // --- replay the events, validating the sequence
  // (`as` keeps TypeScript from narrowing these: the `close` closure below assigns them.)
  let phase = 'open' as Phase;
  let closedBy = null as ClockReport['closedBy'];
  let closedOn = null as DayNumber | null;
  let prev = R;
  let correctionRequested: DayNumber | null = null;
  let correctionDeadline: DayNumber | null = null;
  let correctionReceived: DayNumber | null = null;
  let correctionLapsed: DayNumber | null = null;
  const open = new Map<SuspendReason, DayNumber>();
  const rawPauses: Pause[] = [];
  const suspensionList: ClockReport['suspensions'] = [];
  let extension: { date: DayNumber; days: number; approvedBy: string | null } | null = null;
  let replied: DayNumber | null = null;
  const sideStarts: Array<{ kind: SideDeadline['kind']; day: DayNumber }> = [];
  let feeDue: DayNumber | null = null;

  for (let i = 1; i < events.length; i++) {
    const ev = events[i]!;
    const type = (ev as { type?: unknown })?.type;
    const where = `第${i + 1}个事件（${String(type)}）`;
    const err = (msg: string): never => {
      throw new ClockInputError(`${where}：${msg}`, i);
    };
    if (typeof type !== 'string' || !(type in EVENT_LABELS)) {
      err(`事件类型无效，应为 ${Object.keys(EVENT_LABELS).join('、')} 之一`);
    }
    const t = type as ClockEventType;
    if (t === 'received') err('申请只能收到一次：received 只能是第一个事件');
    const d = parseInputDate((ev as { date?: unknown }).date, `${where}的日期（date）`, i);
    if (d < R) err(`日期 ${iso(d)} 早于收到申请之日 ${iso(R)}`);
    if (d < prev) err(`日期 ${iso(d)} 早于前一个事件的日期 ${iso(prev)}：事件应按时间顺序排列`);
    prev = d;
    if (phase === 'closed') {
      err(`申请已于${iso(closedOn!)}因「${EVENT_LABELS[closedBy!]}」终止，其后不能再有「${EVENT_LABELS[t]}」`);
    }
    const reasonOf = (): SuspendReason => {
      const r = (ev as { reason?: unknown }).reason;
      if (typeof r !== 'string' || !SUSPEND_REASONS.includes(r as SuspendReason)) {
        err(`暂停原因「${String(r)}」无效，应为 third_party（征求第三方意见）、other_agency（征求其他机关意见）或 fee（收费）`);
      }
      return r as SuspendReason;
    };
    const close = (by: NonNullable<ClockReport['closedBy']>) => {
      phase = 'closed';
      closedBy = by;
      closedOn = d;
      // Suspensions still open end with the application.
      for (const [reason, s] of open) {
        rawPauses.push({ s, e: d, reasons: [reason] });
        suspensionList.find((x) => x.reason === reason && x.until === null)!.until = iso(d);
      }
      open.clear();
    };
    switch (t) {
      case 'correction_requested': {
        if (correctionRequested !== null) err('补正通知应一次性告知（条例第30条），已于' + iso(correctionRequested) + '告知过补正');
        if (phase === 'awaiting_correction') err('已在等待补正');
        if (open.size) err(`暂停计时期间（${[...open.keys()].map((r) => REASON_LABELS[r]).join('、')}）不能告知补正`);
        if (extension) err('已延长答复期限，不能再告知补正');
        const dl = (ev as { deadline?: unknown }).deadline;
        if (dl !== undefined && dl !== null) {
          correctionDeadline = parseInputDate(dl, `${where}的补正期限（deadline）`, i);
          if (correctionDeadline < d) err(`补正期限 ${iso(correctionDeadline)} 早于告知补正之日 ${iso(d)}`);
        }
        correctionRequested = d;
        phase = 'awaiting_correction';
        break;
      }
      case 'correction_received':
        if (phase !== 'awaiting_correction') err('没有待补正的通知：应先有 correction_requested（告知补正）');
        if (correctionDeadline !== null && d > correctionDeadline) {
          warnings.push(`补正于${cd(d)}收到，晚于补正期限${cd(correctionDeadline)}；申请人无正当理由逾期不补正的，视为放弃申请（条例第30条），请确认接受补正的理由`);
        }
        correctionReceived = d;
        phase = 'open';
        break;
      case 'correction_lapsed':
        if (phase !== 'awaiting_correction') err('没有待补正的通知：应先有 correction_requested（告知补正）');
        if (correctionDeadline !== null && d <= correctionDeadline) err(`补正期限 ${iso(correctionDeadline)} 尚未届满，不能认定逾期未补正`);
        correctionLapsed = d;
        close('correction_lapsed');
        break;
      case 'suspended': {
        const reason = reasonOf();
        if (phase === 'awaiting_correction') err('等待补正期间答复期限尚未起算，不能暂停计时');
        if (open.has(reason)) err(`已于${iso(open.get(reason)!)}因「${REASON_LABELS[reason]}」暂停计时，尚未恢复`);
        open.set(reason, d);
        suspensionList.push({ reason, from: iso(d), until: null });
        break;
      }
      case 'resumed': {
        const reason = reasonOf();
        const s = open.get(reason);
        if (s === undefined) err(`没有因「${REASON_LABELS[reason]}」（${reason}）而暂停的计时可以恢复`);
        rawPauses.push({ s: s!, e: d, reasons: [reason] });
        suspensionList.find((x) => x.reason === reason && x.until === null)!.until = iso(d);
        open.delete(reason);
        break;
      }
      case 'third_party_letter_received':
        sideStarts.push({ kind: 'third_party_opinion', day: d });
        break;
      case 'other_agency_consulted':
        sideStarts.push({ kind: 'other_agency_opinion', day: d });
        break;
      case 'fee_notice_received':
        if (feeDue !== null) err('已有收费通知');
        sideStarts.push({ kind: 'fee_payment', day: d });
        feeDue = counter.add(d, feePaymentDays);
        break;
      case 'fee_lapsed':
        if (!open.has('fee')) err('没有因收费而暂停的计时（suspended, reason=fee）');
        if (feeDue !== null && d <= feeDue) err(`缴费期限 ${iso(feeDue)} 尚未届满，不能认定逾期未缴费`);
        close('fee_lapsed');
        break;
      case 'extended': {
        if (extension) err(`答复期限只能延长一次（条例第33条），已于${iso(extension.date)}延长过`);
        if (phase === 'awaiting_correction') err('等待补正期间答复期限尚未起算，不能延长');
        const days = (ev as { days?: unknown }).days;
        if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) err(`延长天数应为正整数，收到「${String(days)}」`);
        if ((days as number) > MAX_EXTENSION_WORKING_DAYS) {
          err(`延长的期限最长不得超过${MAX_EXTENSION_WORKING_DAYS}个工作日（条例第33条），收到 ${String(days)}`);
        }
        const by = (ev as { approvedBy?: unknown }).approvedBy;
        extension = { date: d, days: days as number, approvedBy: typeof by === 'string' && by.trim() ? by.trim() : null };
        break;
      }
      case 'replied':
        if (phase === 'awaiting_correction') {
          err('尚在等待申请人补正：答复期限自收到补正之日起计算；申请人逾期未补正的请记录 correction_lapsed');
        }
        replied = d;
        close('replied');
        break;
      case 'withdrawn':
        close('withdrawn');
        break;
      default:
        break;
    }
  }

  const today = options.today === undefined ? parseInputDate(chinaToday(), 'today') : parseInputDate(options.today, '计算日期（today）');
  if (today < prev) {
    throw new ClockInputError(`计算日期（today）${iso(today)} 早于最后一个事件的日期 ${iso(prev)}`);
  }
  // Suspensions still open at `today`.
  const pauses = mergePauses([...rawPauses, ...[...open].map(([reason, s]) => ({ s, e: null, reasons: [reason] }))]);

  // --- receipt and correction notice (第30条)
  const receiptOut: ClockReport['receipt'] = {
    date: receipt.date,
    rule: receipt.rule,
    steps: [{ kind: 'start', date: receipt.date, label: '收到申请' }],
    text: receipt.text,
    provisional: false,
    channel: receipt.channel,
  };
  const noticeDue = simpleDue(
    counter,
    R,
    '收到申请',
    CORRECTION_NOTICE_WORKING_DAYS,
    '条例第30条：申请内容不明确的，应当自收到申请之日起7个工作日内一次性告知申请人作出补正',
    '告知补正的最后期限',
  );
  const noticeDueDay = toDay(noticeDue.date);
  let noticeLate: boolean | null = null;
  if (correctionRequested !== null) {
    noticeLate = correctionRequested > noticeDueDay;
    if (noticeLate) {
      violations.push({
        code: 'late_correction_notice',
        text: `补正通知于${cd(correctionRequested)}发出，晚于条例第30条规定的7个工作日（应不晚于${cd(noticeDueDay)}）`,
      });
    }
  }
  if (phase === 'awaiting_correction' && correctionDeadline !== null && today > correctionDeadline) {
    warnings.push(
      `补正期限${cd(correctionDeadline)}已过，尚未收到补正；申请人无正当理由逾期不补正的，视为放弃申请（条例第30条），可记录 correction_lapsed`,
    );
  }

  // --- reply clock (第33条, restarted by 第30条)
  const limit = REPLY_WORKING_DAYS + (extension?.days ?? 0);
  const start = correctionReceived ?? (correctionRequested === null ? R : null);
  const startLabel = correctionReceived !== null ? '收到补正后的申请' : '收到申请';
  let due: ExplainedDate | null = null;
  let dueDay: DayNumber | null = null;
  let used = 0;
  let remaining: number | null = null;
  let pending: string | null = null;
  let late: boolean | null = null;
  let replyProvisional = false;
  if (start === null) {
    pending =
      correctionLapsed !== null
        ? '申请人逾期未补正，视为放弃申请（条例第30条），不再计算答复期限'
        : '等待申请人补正：答复期限自收到补正之日起重新计算（条例第30条）';
  } else {
    const relevant = pauses.filter((p) => p.e === null || p.e > Math.max(p.s, start));
    const tracked = counter.track(() => countWithPauses(counter, start, startLabel, limit, relevant));
    const run = tracked.value;
    replyProvisional = tracked.provisional;
    const ext = extension ? { days: extension.days, approvedBy: extension.approvedBy } : null;
    const text = replyText(run, limit, ext);
    const rule =
      correctionReceived !== null
        ? '条例第33条、第30条：自收到补正后的申请之日起20个工作日内答复；征求第三方、其他机关意见所需时间不计算在内；延长最长20个工作日'
        : '条例第33条：自收到申请之日起20个工作日内答复；征求第三方、其他机关意见所需时间不计算在内；延长最长20个工作日';
    const steps = [...run.steps];
    if (extension) steps.splice(1, 0, { kind: 'extend', date: iso(extension.date), days: extension.days, approvedBy: extension.approvedBy });
    const prov = replyProvisional ? provisionalNote(counter, start + 1, run.due ?? today) : '';
    if (run.due !== null) {
      dueDay = run.due;
      due = { date: iso(run.due), rule, steps, text: text + prov, provisional: replyProvisional };
    } else {
      pending = `${text}${prov}`;
      remaining = limit - run.used;
    }
    const until = closedOn ?? today;
    used = counter.track(() => usedBy(counter, start, until, pauses)).value;
  }

  // --- extension (第33条): decided on or before the due date under the original limit
  let extensionOut: ClockReport['extension'] = null;
  if (extension && start !== null) {
    const usedAtDecision = usedBy(counter, start, extension.date, pauses.filter((p) => p.s < extension!.date));
    const timely = usedAtDecision <= REPLY_WORKING_DAYS;
    const base = countWithPauses(
      counter,
      start,
      startLabel,
      REPLY_WORKING_DAYS,
      pauses.filter((p) => p.s < extension!.date).map((p) => ({ ...p, e: p.e !== null && p.e <= extension!.date ? p.e : null })),
    );
    const mustDecideBy = base.due === null ? null : iso(base.due);
    extensionOut = { date: iso(extension.date), days: extension.days, approvedBy: extension.approvedBy, mustDecideBy, timely };
    if (!timely) {
      violations.push({
        code: 'late_extension',
        text: `延长答复期限的决定于${cd(extension.date)}作出，晚于原答复期限届满之日${mustDecideBy ? cd(toDay(mustDecideBy)) : ''}；条例第33条要求在答复期限内经批准并告知申请人`,
      });
    }
    if (extension.approvedBy === null) {
      warnings.push('延长答复期限未记录批准人：条例第33条要求经政府信息公开工作机构负责人同意并告知申请人');
    }
  } else if (extension && start === null) {
    extensionOut = { date: iso(extension.date), days: extension.days, approvedBy: extension.approvedBy, mustDecideBy: null, timely: true };
  }

  // --- side deadlines (第32条, 第34条, 109号)
  const deadlines: SideDeadline[] = sideStarts.map(({ kind, day }) => {
    const spec =
      kind === 'third_party_opinion'
        ? {
            n: THIRD_PARTY_WORKING_DAYS,
            label: '第三方收到征求意见书',
            rule: '条例第32条：第三方应当自收到征求意见书之日起15个工作日内提出意见；逾期未提出意见的，由行政机关依照条例决定是否公开',
            what: '第三方提出意见的最后期限',
          }
        : kind === 'other_agency_opinion'
          ? {
              n: OTHER_AGENCY_WORKING_DAYS,
              label: '被征求意见机关收到征求意见书',
              rule: '条例第34条：被征求意见机关应当自收到征求意见书之日起15个工作日内提出意见，逾期未提出意见的视为同意公开',
              what: '被征求意见机关提出意见的最后期限',
            }
          : {
              n: feePaymentDays,
              label: '申请人收到收费通知',
              rule: `国办函〔2020〕109号：申请人应当自收到收费通知之日起${feePaymentDays}个工作日内缴费，逾期未缴纳的视为放弃申请（verify）`,
              what: '缴费的最后期限',
            };
    const d = simpleDue(counter, day, spec.label, spec.n, spec.rule, spec.what);
    return { kind, start: iso(day), workingDays: spec.n, due: d, passed: today > toDay(d.date) };
  });
  if (phase !== 'closed') {
    for (const dl of deadlines) {
      if (!dl.passed) continue;
      if (dl.kind === 'third_party_opinion' && open.has('third_party')) {
        warnings.push(`第三方提出意见的期限已于${cd(toDay(dl.due.date))}届满（条例第32条）：第三方逾期未提出意见的，由行政机关依照条例决定是否公开，请恢复计时`);
      } else if (dl.kind === 'other_agency_opinion' && open.has('other_agency')) {
        warnings.push(`被征求意见机关提出意见的期限已于${cd(toDay(dl.due.date))}届满，逾期未提出意见的视为同意公开（条例第34条），请恢复计时`);
      } else if (dl.kind === 'fee_payment' && open.has('fee')) {
        warnings.push(`缴费期限已于${cd(toDay(dl.due.date))}届满：申请人逾期未缴纳的视为放弃申请（国办函〔2020〕109号），可记录 fee_lapsed`);
      }
    }
  }

  // --- status at today
  let status: ClockStatus;
  let statusText: string;
  if (closedBy === 'replied') {
    late = dueDay !== null ? replied! > dueDay : false;
    status = late ? 'replied_late' : 'replied_on_time';
    statusText = STATUS_LABELS[status];
    if (late) {
      const over = counter.between(dueDay!, replied!);
      statusText += `（逾期${over}个工作日）`;
      violations.push({ code: 'late_reply', text: `于${cd(replied!)}答复，晚于答复期限届满之日${cd(dueDay!)}（逾期${over}个工作日）` });
    }
  } else if (closedBy !== null) {
    status = 'closed';
    statusText = `${STATUS_LABELS.closed}（${EVENT_LABELS[closedBy]}）`;
  } else if (dueDay !== null && today > dueDay) {
    status = 'overdue';
    remaining = counter.between(today, dueDay);
    statusText = `${STATUS_LABELS.overdue}（已逾期${-remaining}个工作日，答复期限${cd(dueDay)}届满）`;
    violations.push({ code: 'overdue', text: `答复期限已于${cd(dueDay)}届满，至${cd(today)}仍未答复（逾期${-remaining}个工作日）` });
  } else if (phase === 'awaiting_correction' || open.size > 0) {
    status = 'paused';
    statusText =
      phase === 'awaiting_correction'
        ? `${STATUS_LABELS.paused}（等待申请人补正）`
        : `${STATUS_LABELS.paused}（${[...open.keys()].map((r) => REASON_LABELS[r]).join('、')}${remaining !== null ? `，尚余${remaining}个工作日` : ''}）`;
    if (dueDay !== null) remaining = counter.between(today, dueDay);
  } else {
    remaining = counter.between(today, dueDay!);
    status = remaining <= dueSoonDays ? 'due_soon' : 'on_time';
    statusText =
      remaining === 0
        ? `${STATUS_LABELS.due_soon}（今天是答复期限的最后一天）`
        : `${STATUS_LABELS[status]}（剩余${remaining}个工作日，${cd(dueDay!)}届满）`;
  }
  if (status === 'replied_on_time' || status === 'replied_late' || status === 'closed') remaining = null;

  const provisional = counter.uncovered.size > 0;
  if (provisional) warnings.unshift(outsideWarning([...counter.uncovered].sort((a, b) => a - b)));

  return {
    today: iso(today),
    status,
    statusText,
    receipt: receiptOut,
    correction: {
      noticeDue,
      requestedOn: correctionRequested === null ? null : iso(correctionRequested),
      noticeLate,
      deadline: correctionDeadline === null ? null : iso(correctionDeadline),
      receivedOn: correctionReceived === null ? null : iso(correctionReceived),
      lapsedOn: correctionLapsed === null ? null : iso(correctionLapsed),
    },
    reply: {
      start: start === null ? null : iso(start),
      startLabel,
      limit,
      extensionDays: extension?.days ?? 0,
      due,
      usedWorkingDays: used,
      remainingWorkingDays: remaining,
      repliedOn: replied === null ? null : iso(replied),
      late,
      pending,
    },
    suspensions: suspensionList,
    extension: extensionOut,
    deadlines,
    closedBy,
    violations,
    warnings,
    provisional,
  };
}
