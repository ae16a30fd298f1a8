/**
 * The letters (告知书) of a case, built from its log with the default templates (src/letters):
 * 登记回执 (acceptance), 补正告知书 (correction), 延期答复告知书 (extension), 征求第三方意见书
 * (third_party), 收费通知书 (fee) and 答复书 (reply, with the reply ground of its outcome row).
 * Each letter is dated on its event and addressed to the applicant (the third party for
 * third_party). A letter is the letter of one event: a kind may have several (a case reopened
 * after a reconsideration and replied again has two replies); without saying which, the letter of
 * a kind is the one of the LAST event of that kind. Staff name an earlier one by its event id,
 * the applicant by its place among the letters of its kind (1 = the first), which reveals no id.
 */
import type { Db } from '../../../db/database.js';
import { auditLetterDownload, issueLetterNumber, type DownloadChannel } from '../../../applications/letter-numbers.js';
import type { AppEvent } from '../../../applications/application.js';
import { deriveClocks } from '../../../applications/application.js';
import type { StaffApplicationView } from '../../../applications/application.presenter.js';
import { feeByPages, feeForNthItem } from '../../../applications/fee.js';
import type { WorkCalendar } from '../../../calendar/calendar.js';
import {
  FEE_STANDARD_TEXT,
  LETTER_KINDS,
  REPLY_GROUNDS,
  TEMPLATE_LABELS,
  cleanText,
  feeLetterFields,
  groundsForOutcome,
  isReplyGroundId,
  prefixProblem,
  templateKeyFor,
  type LetterFields,
  type LetterInput,
  type LetterKind,
  type ReplyGroundId,
} from '../../../letters/index.js';
import { excerpt } from './desk.js';

/** What a letter needs to know about the agency that signs it. */
export interface LetterAgency {
  name: string;
  shortName: string | null;
  officeName: string | null;
  officePhone: string | null;
  officeAddress: string | null;
  /** The parent agency's name: the usual 行政复议机关 (see reviewBodyFor). */
  parentName: string | null;
  /** The agency's letter settings (agencies.doc_prefix, review_body, court); null: defaults. */
  docPrefix: string | null;
  reviewBody: string | null;
  court: string | null;
}

export interface CaseLetterLink {
  kind: LetterKind;
  ground: ReplyGroundId | null;
  /** The event the letter belongs to. */
  eventId: number;
  label: string;
  href: string;
}

/** Short names of the letter kinds, for messages. */
export const KIND_LABELS: Record<LetterKind, string> = {
  acceptance: '登记回执',
  correction: '补正告知书',
  extension: '延期答复告知书',
  third_party: '征求第三方意见书',
  fee: '收费通知书',
  reply: '答复书',
};

export function isLetterKind(s: string): s is LetterKind {
  return (LETTER_KINDS as readonly string[]).includes(s);
}

/**
 * The letters addressed to the applicant, which they may download through the tracking door.
 * NOT the third party's consultation letter (征求第三方意见书): it is addressed to the third party
 * and names them.
 */
export const APPLICANT_LETTER_KINDS = ['acceptance', 'correction', 'extension', 'fee', 'reply'] as const satisfies readonly LetterKind[];
export type ApplicantLetterKind = (typeof APPLICANT_LETTER_KINDS)[number];

export function isApplicantLetterKind(s: string): s is ApplicantLetterKind {
  return (APPLICANT_LETTER_KINDS as readonly string[]).includes(s);
}

/** The events whose letters are the applicant's (as EVENT_OF below finds them). */
const APPLICANT_LETTER_OF_EVENT: Partial<Record<AppEvent['type'], ApplicantLetterKind>> = {
  registered: 'acceptance',
  confirmed: 'acceptance',
  correction_requested: 'correction',
  extended: 'extension',
  fee_notified: 'fee',
  replied: 'reply',
};

/** The applicant's letter kind of an event (a public letter's type), or null. */
export function applicantLetterKindOf(type: AppEvent['type']): ApplicantLetterKind | null {
  return APPLICANT_LETTER_OF_EVENT[type] ?? null;
}

const EVENT_OF: Record<LetterKind, (e: AppEvent) => boolean> = {
  acceptance: (e) => e.type === 'registered' || e.type === 'confirmed',
  correction: (e) => e.type === 'correction_requested',
  extension: (e) => e.type === 'extended',
  third_party: (e) => e.type === 'consultation_started' && e.data.kind === 'third_party',
  fee: (e) => e.type === 'fee_notified',
  reply: (e) => e.type === 'replied',
};

/** The events that have a letter of this kind, in the order of the log. */
export function letterEvents(kind: LetterKind, events: readonly AppEvent[]): AppEvent[] {
  return events.filter(EVENT_OF[kind]);
}

/** Which letter of a kind: an event id (staff), or its place among the letters of the kind (applicant, 1 = first); neither: the last. */
export interface LetterChoice {
  eventId?: number | undefined;
  seq?: number | undefined;
}

/** The event a letter of this kind is about (the chosen one, by default the last one), or undefined. */
export function letterEvent(kind: LetterKind, events: readonly AppEvent[], choice: LetterChoice = {}): AppEvent | undefined {
  const all = letterEvents(kind, events);
  if (choice.eventId !== undefined) return all.find((e) => e.id === choice.eventId);
  if (choice.seq !== undefined) return Number.isSafeInteger(choice.seq) && choice.seq >= 1 ? all[choice.seq - 1] : undefined;
  return all.at(-1);
}

/** The reply grounds that fit a reply's outcome row (3.1 and 3.4.1 have two each). */
export function replyGrounds(outcomeRow: string): ReplyGroundId[] {
  const g = groundsForOutcome(outcomeRow).map((x) => x.id);
  return g.length ? g : ['other'];
}

/**
 * The grounds a reply's letter may be issued with: the one the reply recorded, or, for a reply
 * recorded before grounds were, every ground of its outcome row.
 */
export function letterGrounds(e: Extract<AppEvent, { type: 'replied' }>): ReplyGroundId[] {
  return e.data.ground ? [e.data.ground] : replyGrounds(e.data.outcomeRow);
}

/** The letters a case has, in the order of its handling (every event's letter, earlier rounds too). */
export function caseLetters(applicationId: number, events: readonly AppEvent[]): CaseLetterLink[] {
  const out: CaseLetterLink[] = [];
  const base = `/admin/applications/${applicationId}/letters`;
  for (const kind of LETTER_KINDS) {
    const all = letterEvents(kind, events);
    all.forEach((e, i) => {
      const last = i === all.length - 1;
      // Several letters of one kind: each says which event it is about.
      const when = all.length > 1 ? `（${e.date}，第${i + 1}份）` : '';
      const query = (params: Record<string, string>) => {
        const q = new URLSearchParams({ ...(last ? {} : { event: String(e.id) }), ...params }).toString();
        return q ? `?${q}` : '';
      };
      if (kind === 'reply' && e.type === 'replied') {
        const grounds = letterGrounds(e);
        for (const g of grounds) {
          const label = TEMPLATE_LABELS[templateKeyFor('reply', g)];
          out.push({
            kind,
            ground: g,
            eventId: e.id,
            label: grounds.length > 1 ? `${label}：${REPLY_GROUNDS[g].label}${when}` : `${label}${when}`,
            href: `${base}/reply.docx${query(grounds.length > 1 ? { ground: g } : {})}`,
          });
        }
      } else {
        out.push({ kind, ground: null, eventId: e.id, label: `${TEMPLATE_LABELS[templateKeyFor(kind)]}${when}`, href: `${base}/${kind}.docx${query({})}` });
      }
    });
  }
  return out;
}

/**
 * The 文号前缀 (机关代字) of the agency's letters: its setting (agencies.doc_prefix), else its short
 * name, or its name, followed by 公开 (brackets and spaces removed, at most 18 characters + 公开).
 * The serial is allocated per agency and year when a letter is first issued, and kept
 * (src/applications/letter-numbers.ts; see issueCaseLetter).
 */
export function docPrefixOf(agency: Pick<LetterAgency, 'name' | 'shortName' | 'docPrefix'>): string {
  if (agency.docPrefix && prefixProblem(agency.docPrefix) === null) return agency.docPrefix;
  const base = (agency.shortName?.trim() || agency.name).replace(/[\s\u3000〔〕[\]［］【】()（）{}｛｝<>《》「」]/g, '');
  return `${[...base].slice(0, 18).join('')}公开`;
}

export const DEFAULT_REVIEW_BODY = '上一级人民政府';
export const DEFAULT_COURT = '有管辖权的人民法院';

/**
 * The 行政复议机关 printed in a reply: the agency's setting (agencies.review_body), else its parent
 * (a department's 本级人民政府, a town's 上一级人民政府: 行政复议法第24条), else 上一级人民政府.
 */
export function reviewBodyFor(agency: LetterAgency): string {
  return agency.reviewBody ?? agency.parentName ?? DEFAULT_REVIEW_BODY;
}

/** The 人民法院 printed in a reply: the agency's setting (agencies.court), else 有管辖权的人民法院. */
export function courtFor(agency: LetterAgency): string {
  return agency.court ?? DEFAULT_COURT;
}

function contactOf(a: LetterAgency): string {
  const parts = [a.officeName ?? a.name, a.officePhone ? `电话${a.officePhone}` : null, a.officeAddress ? `地址${a.officeAddress}` : null].filter(Boolean);
  return excerpt(parts.join('，'), 190);
}

/** A list field's items from a text typed one per line (or separated by ；). */
function items(text: string): string[] {
  return text
    .split(/[\n\r]+|[；;]\s*/)
    .map((s) => excerpt(cleanText(s), 480))
    .filter((s) => s !== '')
    .slice(0, 50);
}

export interface LetterContext {
  view: StaffApplicationView;
  events: readonly AppEvent[];
  agency: LetterAgency;
  calendar: WorkCalendar;
}

export interface LetterOptions extends LetterChoice {
  ground?: string | undefined;
  reviewBody?: string | undefined;
  court?: string | undefined;
  /** The letter's document number (issueCaseLetter); absent: no number line. */
  docNumber?: string | undefined;
}

/** Thrown when the case has no event for the letter asked for (404). */
export class NoSuchLetterError extends Error {
  readonly status = 404;
  constructor(message: string) {
    super(message);
    this.name = 'NoSuchLetterError';
  }
}

/** The letter of `kind` for the case, ready for buildLetterDocx. */
export function caseLetterInput(ctx: LetterContext, kind: LetterKind, opts: LetterOptions = {}): LetterInput {
  return caseLetter(ctx, kind, opts).input;
}

/** A letter of the case with the event it belongs to. */
export interface CaseLetter {
  input: LetterInput;
  eventId: number;
}

/** The letter of `kind` (the chosen one of that kind: LetterChoice) for the case, with its event. */
export function caseLetter(ctx: LetterContext, kind: LetterKind, opts: LetterOptions = {}): CaseLetter {
  const e = letterEvent(kind, ctx.events, opts);
  if (!e) {
    throw new NoSuchLetterError(
      opts.eventId !== undefined || opts.seq !== undefined ? `该申请没有这份${KIND_LABELS[kind]}` : `该申请没有需要${KIND_LABELS[kind]}的办理记录`,
    );
  }
  return { input: letterOfEvent(ctx, kind, e, opts), eventId: e.id };
}

function letterOfEvent(ctx: LetterContext, kind: LetterKind, e: AppEvent, opts: LetterOptions): LetterInput {
  const { view, events, agency, calendar } = ctx;
  const received = view.dates.receivedOn ?? view.dates.submittedOn;
  const application: LetterFields = {
    tracking_number: view.trackingNumber,
    received_date: received,
    request_summary: excerpt(cleanText(view.request.description), 200),
    contact: contactOf(agency),
  };
  const docNumber = opts.docNumber;
  const base = { agencyName: agency.name, date: e.date, addressee: excerpt(view.applicant.name, 100), ...(docNumber ? { docNumber } : {}) };
  const upTo = (ev: AppEvent) => events.slice(0, events.indexOf(ev) + 1);
  const report = view.clocks.report;

  switch (e.type) {
    case 'registered':
    case 'confirmed': {
      const due = deriveClocks('registered', upTo(e), { calendar, today: e.date }).report?.reply.due?.date;
      return { ...base, kind: 'acceptance', fields: { ...application, ...(due ? { reply_due_date: due } : {}) } };
    }
    case 'correction_requested':
      return { ...base, kind: 'correction', fields: { ...application, correction_items: items(e.data.items), correction_deadline: e.data.deadline } };
    case 'extended': {
      const due = deriveClocks('in_process', upTo(e), { calendar, today: e.date }).report?.reply.due?.date ?? view.dates.replyDueOn;
      return {
        ...base,
        kind: 'extension',
        fields: {
          ...application,
          extension_reason: excerpt(cleanText(e.data.reason), 480),
          extension_days: e.data.days,
          ...(due ? { new_due_date: due } : {}),
        },
      };
    }
    case 'consultation_started': {
      const due = report?.deadlines.find((d) => d.kind === 'third_party_opinion' && d.start === e.data.letterReceivedOn)?.due.date;
      return {
        ...base,
        kind: 'third_party',
        addressee: excerpt(cleanText(e.data.party), 100),
        fields: {
          received_date: received,
          request_summary: application.request_summary,
          contact: application.contact,
          third_party_interest: '你方的商业秘密、个人隐私等信息',
          ...(due ? { opinion_deadline: due } : {}),
        },
      };
    }
    case 'fee_notified': {
      const due = report?.deadlines.find((d) => d.kind === 'fee_payment' && d.start === e.data.noticeReceivedOn)?.due.date;
      const fee: LetterFields =
        e.data.method === 'pages'
          ? feeLetterFields(feeByPages(e.data.quantity))
          : {
              fee_method: 'items',
              fee_standard: FEE_STANDARD_TEXT.items,
              fee_quantity: `本申请为您本自然月内提出的第${e.data.quantity}件申请`,
              fee_bands: [`第${e.data.quantity}件适用${feeForNthItem(e.data.quantity)}元/件的收费标准。`],
              fee_amount: e.data.amount,
            };
      const where = `${agency.officeName ?? agency.name}${agency.officeAddress ? `（${agency.officeAddress}）` : ''}`;
      return {
        ...base,
        kind: 'fee',
        fields: {
          ...application,
          ...fee,
          ...(due ? { payment_deadline: due } : {}),
          payment_method: excerpt(`请到${where}缴纳，或者按照本机关另行告知的方式缴纳。`, 480),
        },
      };
    }
    case 'replied': {
      // The ground the reply recorded; a reply recorded before grounds were: the one asked for
      // among its row's grounds, else the row's first.
      const grounds = letterGrounds(e);
      const asked = opts.ground;
      if (asked !== undefined && asked !== '' && !(isReplyGroundId(asked) && grounds.includes(asked))) {
        throw new NoSuchLetterError(
          e.data.ground
            ? `本次答复记录的答复依据为「${REPLY_GROUNDS[e.data.ground].label}」（${e.data.ground}），答复书只能按该依据出具，不能按「${asked}」出具`
            : `答复依据「${asked}」与本申请的办理结果（${e.data.outcomeRow}）不符，可选：${grounds.join('、')}`,
        );
      }
      const ground = (asked && isReplyGroundId(asked) ? asked : grounds[0]!) as ReplyGroundId;
      const g = REPLY_GROUNDS[ground];
      const summary = e.data.summary ? excerpt(cleanText(e.data.summary), 1900) : null;
      const basis = excerpt(cleanText(e.data.basis), 190);
      const fields: Record<string, string> = {
        ...(application as Record<string, string>),
        review_body: excerpt(cleanText(opts.reviewBody || reviewBodyFor(agency)), 100),
        court: excerpt(cleanText(opts.court || courtFor(agency)), 100),
      };
      if (g.decision === null) fields.decision = summary ?? `经审查，本机关依据${basis}对您的申请作出处理。`;
      else if (summary) fields.details = summary;
      if (g.family === 'disclosed' || g.family === 'partially_disclosed') {
        fields.access = `本机关以${view.request.provisionFormLabel}形式，通过${view.request.deliveryLabel}方式向您提供。`;
      }
      if (g.family === 'partially_disclosed') fields.withheld_reason = `依据${basis}，不予公开部分不属于可以公开的政府信息。`;
      return { ...base, kind: 'reply', ground, fields };
    }
    default:
      throw new NoSuchLetterError('该办理记录没有对应的告知书');
  }
}

/** The download name of a letter: 7-2026-000012-政府信息公开申请补正告知书.docx */
export function letterFileName(trackingNumber: string, input: LetterInput): string {
  return `${trackingNumber}-${TEMPLATE_LABELS[templateKeyFor(input.kind, input.ground)]}.docx`;
}

/** Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
export function attachment(fileName: string, asciiFallback: string): string {
  const enc = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${enc}`;
}

/** The signing agency of a letter, with its parent's name (the usual 行政复议机关). */
export async function letterAgency(db: Db, agencyId: number): Promise<LetterAgency> {
  const a = await db.kysely.selectFrom('agencies').selectAll().where('id', '=', agencyId).executeTakeFirstOrThrow();
  const parent = a.parent_id === null ? undefined : await db.kysely.selectFrom('agencies').select('name').where('id', '=', a.parent_id).executeTakeFirst();
  return {
    name: a.name,
    shortName: a.short_name,
    officeName: a.office_name,
    officePhone: a.office_phone,
    officeAddress: a.office_address,
    parentName: parent?.name ?? null,
    docPrefix: a.doc_prefix?.trim() || null,
    reviewBody: a.review_body?.trim() || null,
    court: a.court?.trim() || null,
  };
}

/**
 * The letter of `kind` with its document number: the number the letter was issued with, else one
 * allocated now (per agency and year of the letter's date, recorded and audited in one
 * transaction). A letter is the letter of one event (opts: which one; default the last of the
 * kind): a reply after a reopening is a new letter with a new number, the first reply keeps its
 * own. Staff (userId) and the applicant (userId null) get the same number for the same letter,
 * whoever downloads it first. Throws NoSuchLetterError before allocating anything when the case
 * has no such letter.
 */
export async function issueCaseLetter(
  db: Db,
  ctx: LetterContext,
  kind: LetterKind,
  opts: Omit<LetterOptions, 'docNumber'>,
  by: { userId: number | null; ip?: string | null },
): Promise<LetterInput> {
  return (await issueCaseLetterWithEvent(db, ctx, kind, opts, by)).input;
}

/** issueCaseLetter with the event the letter belongs to (for the download's audit). */
export async function issueCaseLetterWithEvent(
  db: Db,
  ctx: LetterContext,
  kind: LetterKind,
  opts: Omit<LetterOptions, 'docNumber'>,
  by: { userId: number | null; ip?: string | null },
): Promise<CaseLetter> {
  const { input: draft, eventId } = caseLetter(ctx, kind, opts);
  const issued = await issueLetterNumber(db.kysely, {
    applicationId: ctx.view.id,
    agencyId: ctx.view.agency.id,
    kind: draft.kind,
    eventId,
    ground: draft.ground ?? '',
    prefix: docPrefixOf(ctx.agency),
    year: Number(draft.date.slice(0, 4)),
    userId: by.userId,
    ip: by.ip ?? null,
  });
  return { input: { ...draft, docNumber: issued.docNumber }, eventId };
}

/**
 * Audits a letter download after the document was built (every download, staff or applicant,
 * page or API): the letter (kind, ground, event, number), who (userId, null for the applicant)
 * and the address; nothing personal.
 */
export async function auditCaseLetterDownload(
  db: Db,
  ctx: Pick<LetterContext, 'view'>,
  letter: CaseLetter,
  by: { userId: number | null; ip: string | null; via: DownloadChannel },
): Promise<void> {
  await auditLetterDownload(db.kysely, {
    applicationId: ctx.view.id,
    agencyId: ctx.view.agency.id,
    kind: letter.input.kind,
    eventId: letter.eventId,
    ground: letter.input.ground ?? '',
    docNumber: letter.input.docNumber ?? '',
    userId: by.userId,
    ip: by.ip,
    via: by.via,
  });
}
