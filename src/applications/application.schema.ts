/**
 * Input schemas of the application desk, shared by the HTML forms and the JSON API (one schema
 * per operation; the service parses every input with them). Messages are Chinese and name the
 * field; `fieldErrors` (src/validation.ts) turns a failure into {field: message} for a form.
 *
 * The contents of an application follow 条例第29条第二款: (一) the applicant's name, proof of
 * identity and contact; (二) a description of the information sought; (三) the form in which it
 * is to be provided, including how it is obtained.
 */
import { z } from 'zod';
import {
  choice,
  crossField,
  date,
  flag,
  id,
  int,
  optionalChoice,
  optionalDate,
  optionalInt,
  optionalText,
  text,
  type CrossFieldRule,
} from '../validation.js';
import {
  APPLICANT_TYPE_LABELS,
  CONSULTATION_KIND_LABELS,
  DELIVERY_LABELS,
  FEE_METHOD_LABELS,
  ID_TYPE_LABELS,
  OPINION_LABELS,
  PROVISION_FORM_LABELS,
  STAFF_CHANNEL_LABELS,
  STATE_LABELS,
  needsConfirmation,
} from './application.js';
import { MAX_EXTENSION_WORKING_DAYS } from './clock.js';
import { REVIEW_KIND_LABELS, REVIEW_RESULT_LABELS } from './reconsideration.js';

// ---------------------------------------------------------------------------------------------
// Limits (characters)

export const LIMITS = {
  name: 100,
  idNumber: 50,
  contactPerson: 50,
  phone: 30,
  email: 254,
  address: 200,
  description: 5000,
  purpose: 1000,
  note: 2000,
  letterText: 2000,
  basis: 500,
  party: 200,
  caseNumber: 100,
  query: 100,
} as const;

// ---------------------------------------------------------------------------------------------
// Identity documents

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_ID_CHECK = '10X98765432';

/** 居民身份证号码 (GB 11643-1999): 18 characters, a valid birth date, ISO 7064 MOD 11-2 check character. */
export function isValidResidentId(s: string): boolean {
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * RESIDENT_ID_WEIGHTS[i]!;
  return RESIDENT_ID_CHECK[sum % 11] === s[17];
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** 统一社会信用代码 (GB 32100-2015): 18 characters of 31, the last a MOD 31 check character. */
export function isValidUscc(s: string): boolean {
  if (s.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(s[i]!);
    if (v < 0) return false;
    sum += v * USCC_WEIGHTS[i]!;
  }
  const c = (31 - (sum % 31)) % 31;
  return USCC_CHARS[c] === s[17];
}

// ---------------------------------------------------------------------------------------------
// Field helpers

const idNumber = text('证件号码', LIMITS.idNumber).transform((s) => s.normalize('NFKC').replace(/\s+/g, '').toUpperCase());

const PHONE = /^\+?[\d\s\-()（）]+((转|ext\.?|x)\s*\d{1,6})?$/i;
const phone = optionalText('联系电话', LIMITS.phone).refine((s) => s === undefined || (PHONE.test(s) && (s.match(/\d/g)?.length ?? 0) >= 5), {
  error: '联系电话格式不对：只能包含数字、空格、“+”“-”和括号，例如 0632-3010001 或 13800000000',
});

const email = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v),
  z
    .email({ error: (iss) => (typeof iss.input === 'string' ? '电子邮箱格式不对，例如 name@example.com' : '电子邮箱应为文字') })
    .max(LIMITS.email, `电子邮箱不能超过${LIMITS.email}个字`)
    .optional(),
);

const postcode = optionalText('邮政编码', 6).refine((s) => s === undefined || /^\d{6}$/.test(s), { error: '邮政编码应为6位数字' });

const note = optionalText('备注', LIMITS.note);

/** One of the organisation types (an empty or unknown type is not: its own message says so). */
const isOrganisation = (t: unknown) => typeof t === 'string' && t !== 'natural_person' && Object.hasOwn(APPLICANT_TYPE_LABELS, t);
const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/** 条例第29条第二款第（一）项 and （三）项: the rules across the applicant's fields. */
const APPLICANT_RULES: CrossFieldRule[] = [
  {
    path: 'idType',
    check: (v) =>
      v.applicantType === 'natural_person' && v.idType === 'uscc'
        ? '自然人的身份证明不能是统一社会信用代码'
        : isOrganisation(v.applicantType) && typeof v.idType === 'string' && v.idType !== 'uscc' && v.idType !== 'other'
          ? '法人或其他组织的身份证明应为统一社会信用代码或其他身份证明'
          : null,
  },
  {
    path: 'idNumber',
    check: (v) =>
      typeof v.idNumber !== 'string'
        ? null
        : v.idType === 'resident_id' && !isValidResidentId(v.idNumber)
          ? '居民身份证号码不正确：应为18位，最后一位为数字或X，请核对'
          : v.idType === 'uscc' && !isValidUscc(v.idNumber)
            ? '统一社会信用代码不正确：应为18位，请核对'
            : null,
  },
  {
    path: 'contactPerson',
    check: (v) => (isOrganisation(v.applicantType) && !filled(v.contactPerson) ? '法人或其他组织申请的，请填写联系人姓名' : null),
  },
  {
    path: 'contactPhone',
    check: (v) =>
      !filled(v.contactPhone) && !filled(v.contactEmail) && !filled(v.contactAddress)
        ? '请至少填写一种联系方式：联系电话、电子邮箱或通信地址（条例第29条）'
        : null,
  },
  {
    path: 'contactAddress',
    check: (v) => (v.delivery === 'post' && !filled(v.contactAddress) ? '选择邮寄的，请填写通信地址' : null),
  },
  {
    path: 'contactEmail',
    check: (v) => (v.delivery === 'email' && !filled(v.contactEmail) ? '选择通过电子邮件获取的，请填写电子邮箱' : null),
  },
  {
    path: 'delivery',
    check: (v) =>
      v.provisionForm === 'paper' && (v.delivery === 'email' || v.delivery === 'online')
        ? '纸质文本只能邮寄或自行领取；通过电子邮件或网上获取的，请选择电子文件'
        : null,
  },
];

const applicantFields = {
  agencyId: id('受理机关', { chosen: true }),
  applicantType: choice('申请人类型', APPLICANT_TYPE_LABELS),
  applicantName: text('申请人姓名或名称', LIMITS.name),
  idType: choice('证件类型', ID_TYPE_LABELS),
  idNumber,
  contactPerson: optionalText('联系人姓名', LIMITS.contactPerson),
  contactPhone: phone,
  contactEmail: email,
  contactAddress: optionalText('通信地址', LIMITS.address),
  postcode,
  description: text('所需政府信息的名称、文号或特征性描述', LIMITS.description, { min: 2 }),
  purpose: optionalText('用途', LIMITS.purpose),
  provisionForm: choice('信息的提供形式', PROVISION_FORM_LABELS),
  delivery: choice('获取信息的方式', DELIVERY_LABELS),
};

// ---------------------------------------------------------------------------------------------
// Intake

/** The public online form (submitOnline). The receipt date is the confirmation day (条例第31条第（三）项). */
export const onlineApplicationSchema = crossField(z.object(applicantFields), APPLICANT_RULES);
export type OnlineApplicationInput = z.input<typeof onlineApplicationSchema>;
export type OnlineApplication = z.output<typeof onlineApplicationSchema>;

/** Staff registration of an application received in person, by post, fax or e-mail (条例第31条). */
export const staffApplicationSchema = crossField(
  z.object({
    ...applicantFields,
    channel: choice('提交方式', STAFF_CHANNEL_LABELS),
    submittedOn: date('提交、签收或收到日期'),
    confirmedOn: optionalDate('确认日期'),
    note,
  }),
  [
    ...APPLICANT_RULES,
    {
      path: 'confirmedOn',
      check: (v) => {
        const ch = v.channel;
        if (ch !== 'in_person' && ch !== 'post_signed' && ch !== 'post_ordinary' && ch !== 'fax' && ch !== 'email') return null;
        if (needsConfirmation(ch) && v.confirmedOn === undefined) {
          return ch === 'post_ordinary'
            ? '平常信函须填写与申请人确认的日期：应于收到当日确认，以确认之日为收到申请之日（条例第31条第（二）项）'
            : '传真、电子邮件提交的须填写双方确认的日期，以双方确认之日为收到申请之日（条例第31条第（三）项）';
        }
        if (!needsConfirmation(ch) && v.confirmedOn !== undefined) {
          return '当面提交或邮寄签收的申请以提交或签收之日为收到申请之日（条例第31条），无需填写确认日期';
        }
        if (typeof v.confirmedOn === 'string' && typeof v.submittedOn === 'string' && v.confirmedOn < v.submittedOn) {
          return `确认日期 ${v.confirmedOn} 不能早于收到日期 ${v.submittedOn}`;
        }
        return null;
      },
    },
  ],
);
export type StaffApplicationInput = z.input<typeof staffApplicationSchema>;
export type StaffApplication = z.output<typeof staffApplicationSchema>;

// ---------------------------------------------------------------------------------------------
// Operations on an application: each names the application and the version the user saw

const ref = {
  applicationId: id('申请'),
  version: int('版本号', { min: 1 }),
};

const notBefore = (later: string, earlier: string, message: string): CrossFieldRule => ({
  path: later,
  check: (v) => (typeof v[later] === 'string' && typeof v[earlier] === 'string' && (v[later] as string) < (v[earlier] as string) ? message : null),
});

export const confirmReceiptSchema = z.object({ ...ref, confirmedOn: date('确认日期'), note });

export const requestCorrectionSchema = crossField(
  z.object({
    ...ref,
    date: date('告知补正日期'),
    deadline: date('补正期限'),
    /** Everything to be corrected, in one single notice (条例第30条). */
    items: text('需要补正的事项', LIMITS.letterText),
    note,
  }),
  [notBefore('deadline', 'date', '补正期限不能早于告知补正日期')],
);

export const recordCorrectionSchema = z.object({
  ...ref,
  date: date('收到补正日期'),
  /** The corrected description, when the applicant rewrote it. */
  description: optionalText('补正后的信息描述', LIMITS.description),
  note,
});

export const markCorrectionLapsedSchema = z.object({ ...ref, date: date('认定逾期未补正日期'), note });

export const startConsultationSchema = crossField(
  z.object({
    ...ref,
    kind: choice('征求意见对象', CONSULTATION_KIND_LABELS),
    date: date('发出征求意见书日期'),
    /** The day the third party / agency received the letter (its 15 working days start: 第32、34条). */
    letterReceivedOn: optionalDate('对方收到征求意见书日期'),
    party: text('被征求意见的第三方或机关', LIMITS.party),
    note,
  }),
  [notBefore('letterReceivedOn', 'date', '对方收到征求意见书的日期不能早于发出日期')],
);

export const recordOpinionSchema = z.object({
  ...ref,
  kind: choice('征求意见对象', CONSULTATION_KIND_LABELS),
  date: date('收到意见日期'),
  opinion: choice('意见', OPINION_LABELS),
  note,
});

export const extendSchema = z.object({
  ...ref,
  date: date('延期决定日期'),
  days: int('延长工作日数', { min: 1, max: MAX_EXTENSION_WORKING_DAYS }),
  /** Told to the applicant (条例第33条). */
  reason: text('延期理由', LIMITS.letterText),
  note,
});

export const issueFeeNoticeSchema = crossField(
  z.object({
    ...ref,
    date: date('发出收费通知日期'),
    noticeReceivedOn: date('申请人收到收费通知日期'),
    method: choice('计费方式', FEE_METHOD_LABELS),
    /** 按件: this application's ordinal in the applicant's month; 按量: the number of pages. */
    quantity: int('件数或页数', { min: 1, max: 1_000_000 }),
    note,
  }),
  [notBefore('noticeReceivedOn', 'date', '申请人收到收费通知的日期不能早于发出日期')],
);

export const recordPaymentSchema = z.object({ ...ref, date: date('缴费日期'), note });

export const markFeeLapsedSchema = z.object({ ...ref, date: date('认定逾期未缴费日期'), note });

export const replySchema = z.object({
  ...ref,
  date: date('答复日期'),
  /** The annual-report row (DOMAIN §3), e.g. 3.1, 3.3.4. */
  outcomeRow: text('办理结果', 10),
  basis: text('法律依据', LIMITS.basis),
  /**
   * The reply ground (答复依据, src/letters/kinds.ts REPLY_GROUNDS): required for 3.1 and 3.4.1
   * (two grounds each), implied for the other rows; checked against the row by the service.
   */
  ground: optionalText('答复依据', 40).describe(
    '答复依据（告知书的决定段落和所引条款）：办理结果为3.1时为 already_public（条例第三十六条第（一）项）或 provided（第（二）项），为3.4.1时为 not_held（第（四）项）或 not_responsible（第（五）项），须填写（法律依据写明其中一项的可不填）；其他办理结果只有一种答复依据，可不填',
  ),
  /** What the reply says, addressed to the applicant. */
  summary: optionalText('答复内容摘要', LIMITS.letterText),
  note,
});

export const withdrawSchema = z.object({ ...ref, date: date('撤回日期'), note });

export const addReviewCaseSchema = z.object({
  ...ref,
  kind: choice('类型', REVIEW_KIND_LABELS),
  filedOn: date('提起日期'),
  body: optionalText('复议机关或人民法院', LIMITS.party),
  caseNumber: optionalText('案号', LIMITS.caseNumber),
  note,
});

export const decideReviewCaseSchema = z.object({
  ...ref,
  reviewCaseId: id('复议或诉讼记录'),
  result: choice('结果', REVIEW_RESULT_LABELS),
  decidedOn: date('审结日期'),
  note,
});

export const reopenSchema = z.object({
  ...ref,
  reviewCaseId: id('复议或诉讼记录'),
  /** The day the decision or judgment was received. */
  date: date('收到决定或判决日期'),
  /** A reply date set by the decision; absent: 20 working days (条例第33条). */
  dueOn: optionalDate('重新答复期限'),
  note,
});

// ---------------------------------------------------------------------------------------------
// Queries

export const QUEUE_STATE_FILTERS = { open: '办理中（全部未结）', closed: '已结', all: '全部', ...STATE_LABELS } as const;

export const workQueueSchema = z.object({
  agencyIds: z.preprocess((v) => (v === undefined || v === '' ? undefined : Array.isArray(v) ? v : [v]), z.array(id('机关')).max(1000).optional()),
  state: optionalChoice('状态', QUEUE_STATE_FILTERS),
  q: optionalText('搜索词', LIMITS.query),
  overdueOnly: flag('只看逾期'),
  limit: optionalInt('每页条数', { min: 1, max: 200 }),
  offset: optionalInt('起始位置', { min: 0, max: 10_000_000 }),
});
export type WorkQueueInput = z.input<typeof workQueueSchema>;

export const trackingLookupSchema = z.object({
  trackingNumber: text('受理编号', 40),
  secret: text('查询码', 20),
});
