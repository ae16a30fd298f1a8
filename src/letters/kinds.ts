/**
 * The letters (告知书) of disclosure on request (依申请公开) and their fields, as data.
 *
 * Legal sources: 《中华人民共和国政府信息公开条例》(国务院令第711号, "条例第N条"), and
 * 国办函〔2020〕109号《政府信息公开信息处理费管理办法》 for the fee notice.
 *
 * A letter kind names the letter; a template key names the editable template used for it: one per
 * kind, except the reply (答复书), which has one template per outcome family (DOMAIN §3: 予以公开,
 * 部分公开, 不予公开, 无法提供, 不予处理, 其他处理). Within a family, the reply ground (e.g. 第十四条,
 * 国家秘密) supplies the decision paragraph and the article cited, so every closed application maps
 * to exactly one outcome row of the annual report.
 */

import { LetterError } from './errors.js';

export type LetterKind = 'acceptance' | 'correction' | 'extension' | 'third_party' | 'fee' | 'reply';

export const LETTER_KINDS: readonly LetterKind[] = ['acceptance', 'correction', 'extension', 'third_party', 'fee', 'reply'];

/** The six outcome families of the reply, i.e. the groups （一）–（六） of the report's outcome rows. */
export type ReplyFamily = 'disclosed' | 'partially_disclosed' | 'withheld' | 'unavailable' | 'not_processed' | 'other';

export const REPLY_FAMILIES: readonly ReplyFamily[] = [
  'disclosed',
  'partially_disclosed',
  'withheld',
  'unavailable',
  'not_processed',
  'other',
];

export const REPLY_FAMILY_LABELS: Record<ReplyFamily, string> = {
  disclosed: '予以公开',
  partially_disclosed: '部分公开',
  withheld: '不予公开',
  unavailable: '无法提供',
  not_processed: '不予处理',
  other: '其他处理',
};

export type TemplateKey = Exclude<LetterKind, 'reply'> | `reply.${ReplyFamily}`;

export const TEMPLATE_KEYS: readonly TemplateKey[] = [
  'acceptance',
  'correction',
  'extension',
  'third_party',
  'fee',
  ...REPLY_FAMILIES.map((f) => `reply.${f}` as const),
];

/** What a template is called in messages and in the back office. */
export const TEMPLATE_LABELS: Record<TemplateKey, string> = {
  acceptance: '政府信息公开申请登记回执',
  correction: '政府信息公开申请补正告知书',
  extension: '政府信息公开申请延期答复告知书',
  third_party: '政府信息公开征求第三方意见书',
  fee: '政府信息公开信息处理费收费通知书',
  'reply.disclosed': '政府信息公开申请答复书（予以公开）',
  'reply.partially_disclosed': '政府信息公开申请答复书（部分公开）',
  'reply.withheld': '政府信息公开申请答复书（不予公开）',
  'reply.unavailable': '政府信息公开申请答复书（无法提供）',
  'reply.not_processed': '政府信息公开申请答复书（不予处理）',
  'reply.other': '政府信息公开申请答复书（其他处理）',
};

export function isTemplateKey(s: string): s is TemplateKey {
  return (TEMPLATE_KEYS as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------------------------
// Fields

/**
 * How a field value is read and printed:
 * - text: one line of text (line breaks and tabs become spaces);
 * - list: several items, each printed as its own paragraph (the placeholder must stand alone on
 *   its line); `numbered` items get （一）（二）…;
 * - date: ISO YYYY-MM-DD in, 2026年11月28日 out;
 * - integer: a whole number within [min, max];
 * - money: whole 元, printed as 5500元;
 * - fee_method: 'items' | 'pages' (or 按件计收 / 按量计收), printed as 按件计收 / 按量计收.
 */
export type FieldType = 'text' | 'list' | 'date' | 'integer' | 'money' | 'fee_method';

export interface FieldSpec {
  /** Chinese name, used in messages and in the template editor. */
  label: string;
  type: FieldType;
  /** Longest accepted value (text) or item (list), in characters after cleaning. */
  maxLength?: number;
  /** Bounds for integer fields. */
  min?: number;
  max?: number;
  /** list only: number the items （一）（二）…. */
  numbered?: boolean;
  /** Filled by the system from the letter itself (agency, number, date, addressee): never passed in `fields`. */
  system?: boolean;
  /** Personal data of the applicant: pass it only when the template asks for it (usedFields). */
  personal?: boolean;
}

export const FIELD_SPECS = {
  // Filled from the letter.
  agency_name: { label: '机关名称', type: 'text', maxLength: 100, system: true },
  doc_number: { label: '文号', type: 'text', maxLength: 60, system: true },
  date: { label: '成文日期', type: 'date', system: true },
  addressee: { label: '收件人', type: 'text', maxLength: 100, system: true },
  // The application.
  tracking_number: { label: '申请编号', type: 'text', maxLength: 60 },
  received_date: { label: '收到申请日期', type: 'date' },
  request_summary: { label: '申请内容', type: 'text', maxLength: 2000 },
  contact: { label: '联系方式', type: 'text', maxLength: 200 },
  applicant_address: { label: '申请人通讯地址', type: 'text', maxLength: 200, personal: true },
  // acceptance
  query_code: { label: '查询码', type: 'text', maxLength: 60 },
  reply_due_date: { label: '答复期限', type: 'date' },
  // correction (条例第30条)
  correction_items: { label: '需要补正的事项', type: 'list', maxLength: 500, numbered: true },
  correction_deadline: { label: '补正期限', type: 'date' },
  // extension (条例第33条)
  extension_reason: { label: '延期理由', type: 'text', maxLength: 500 },
  extension_days: { label: '延长的工作日数', type: 'integer', min: 1, max: 20 },
  new_due_date: { label: '延长后的答复期限', type: 'date' },
  // third party (条例第32条)
  third_party_interest: { label: '涉及第三方权益的内容', type: 'text', maxLength: 500 },
  opinion_deadline: { label: '提出意见的期限', type: 'date' },
  // fee (国办函〔2020〕109号)
  fee_method: { label: '计费方式', type: 'fee_method' },
  fee_quantity: { label: '计费数量', type: 'text', maxLength: 60 },
  fee_standard: { label: '收费标准', type: 'text', maxLength: 500 },
  fee_bands: { label: '计算过程', type: 'list', maxLength: 200 },
  fee_amount: { label: '应缴金额', type: 'money' },
  payment_deadline: { label: '缴费期限', type: 'date' },
  payment_method: { label: '缴纳方式', type: 'text', maxLength: 500 },
  // reply
  decision: { label: '答复决定', type: 'text', maxLength: 2000 },
  legal_basis: { label: '法律依据', type: 'text', maxLength: 200 },
  access: { label: '获取方式、途径', type: 'text', maxLength: 1000 },
  withheld_reason: { label: '不予公开部分的理由', type: 'text', maxLength: 2000 },
  details: { label: '具体说明', type: 'text', maxLength: 2000 },
  review_body: { label: '行政复议机关', type: 'text', maxLength: 100 },
  court: { label: '人民法院', type: 'text', maxLength: 100 },
} as const satisfies Record<string, FieldSpec>;

export type FieldName = keyof typeof FIELD_SPECS;

export function isFieldName(s: string): s is FieldName {
  return Object.hasOwn(FIELD_SPECS, s);
}

export function fieldSpec(name: FieldName): FieldSpec {
  return FIELD_SPECS[name];
}

const SYSTEM: FieldName[] = ['agency_name', 'doc_number', 'date', 'addressee'];
const APPLICATION: FieldName[] = ['tracking_number', 'received_date', 'request_summary', 'contact'];
const TO_APPLICANT: FieldName[] = [...SYSTEM, ...APPLICATION, 'applicant_address'];
const REPLY: FieldName[] = [
  ...TO_APPLICANT,
  'decision',
  'legal_basis',
  'access',
  'withheld_reason',
  'details',
  'review_body',
  'court',
];

/**
 * What each template may use, and what it must keep.
 * - fields: the placeholders allowed (any other is an unknown field);
 * - essentialFields: placeholders that must appear on a line that is always printed;
 * - essentialText: wording that must appear on such a line (the article cited, the remedy);
 * - oneOf: at least one of these placeholders must appear on such a line.
 */
export interface TemplateRules {
  fields: readonly FieldName[];
  essentialFields: readonly FieldName[];
  essentialText: readonly string[];
  oneOf?: readonly FieldName[];
}

const REPLY_RULES: TemplateRules = {
  fields: REPLY,
  // The remedy sentence (行政复议法, 行政诉讼法; 条例第51条) is never optional in a reply.
  essentialFields: ['review_body', 'court'],
  essentialText: ['行政复议', '行政诉讼'],
  // The decision paragraph of the ground, or a hand-written one citing {{legal_basis}}.
  oneOf: ['decision', 'legal_basis'],
};

export const TEMPLATE_RULES: Record<TemplateKey, TemplateRules> = {
  acceptance: {
    fields: [...TO_APPLICANT, 'query_code', 'reply_due_date'],
    essentialFields: ['received_date'],
    essentialText: [],
  },
  correction: {
    fields: [...TO_APPLICANT, 'correction_items', 'correction_deadline'],
    essentialFields: ['correction_items', 'correction_deadline'],
    essentialText: ['第三十条'],
  },
  extension: {
    fields: [...TO_APPLICANT, 'reply_due_date', 'extension_reason', 'extension_days', 'new_due_date'],
    essentialFields: ['new_due_date'],
    essentialText: ['第三十三条'],
  },
  // Addressed to the third party: nothing about the applicant.
  third_party: {
    fields: [...SYSTEM, ...APPLICATION, 'third_party_interest', 'opinion_deadline'],
    essentialFields: [],
    essentialText: ['第三十二条', '15个工作日'],
  },
  fee: {
    fields: [
      ...TO_APPLICANT,
      'fee_method',
      'fee_quantity',
      'fee_standard',
      'fee_bands',
      'fee_amount',
      'payment_deadline',
      'payment_method',
    ],
    essentialFields: ['fee_method', 'fee_amount', 'payment_deadline', 'payment_method'],
    essentialText: ['109号'],
  },
  'reply.disclosed': REPLY_RULES,
  'reply.partially_disclosed': REPLY_RULES,
  'reply.withheld': REPLY_RULES,
  'reply.unavailable': REPLY_RULES,
  'reply.not_processed': REPLY_RULES,
  'reply.other': REPLY_RULES,
};

// ---------------------------------------------------------------------------------------------
// Reply grounds

/** The outcome row ids of DOMAIN §3 (2021 format; in the 2019 format 3.6.1–3.6.3 all count in 3.6). */
export type OutcomeRowId =
  | '3.1'
  | '3.2'
  | '3.3.1'
  | '3.3.2'
  | '3.3.3'
  | '3.3.4'
  | '3.3.5'
  | '3.3.6'
  | '3.3.7'
  | '3.3.8'
  | '3.4.1'
  | '3.4.2'
  | '3.4.3'
  | '3.5.1'
  | '3.5.2'
  | '3.5.3'
  | '3.5.4'
  | '3.5.5'
  | '3.6.1'
  | '3.6.2'
  | '3.6.3';

export type ReplyGroundId =
  | 'already_public'
  | 'provided'
  | 'partial'
  | 'state_secret'
  | 'prohibited_by_law'
  | 'security_stability'
  | 'third_party_rights'
  | 'internal_affairs'
  | 'process_information'
  | 'enforcement_file'
  | 'administrative_query'
  | 'not_held'
  | 'not_responsible'
  | 'needs_processing'
  | 'still_unclear'
  | 'petition'
  | 'repeated'
  | 'publication'
  | 'excessive'
  | 'confirm_or_reissue'
  | 'correction_lapsed'
  | 'fee_unpaid'
  | 'other';

export interface ReplyGround {
  id: ReplyGroundId;
  row: OutcomeRowId;
  family: ReplyFamily;
  /** Short Chinese label for pickers: the report row's wording. */
  label: string;
  /** The provision cited, in the official form (e.g. 《中华人民共和国政府信息公开条例》第十四条); null when none applies. */
  basis: string | null;
  /**
   * The decision paragraph printed for {{decision}}; null when staff must write it (其他).
   * Wording follows the article it cites; see templates.ts for the surrounding letter.
   */
  decision: string | null;
}

export const REGULATION = '《中华人民共和国政府信息公开条例》';
export const FEE_MEASURES = '《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）';

function art(article: string): string {
  return `${REGULATION}${article}`;
}

function ground(
  id: ReplyGroundId,
  row: OutcomeRowId,
  family: ReplyFamily,
  label: string,
  basis: string | null,
  decision: ((basis: string) => string) | null,
): ReplyGround {
  return { id, row, family, label, basis, decision: decision ? decision(basis ?? REGULATION) : null };
}

/**
 * One entry per ground. The rows and articles follow DOMAIN §3's outcome table; the decision
 * paragraphs paraphrase the article they cite (条例第14–16条, 第30条, 第35–39条, 109号).
 */
export const REPLY_GROUNDS: Record<ReplyGroundId, ReplyGround> = Object.fromEntries(
  [
    // （一）予以公开 — 条例第36条第（一）（二）项
    ground('already_public', '3.1', 'disclosed', '予以公开（已主动公开）', art('第三十六条第（一）项'), (b) =>
      `经审查，您申请获取的政府信息已经主动公开。根据${b}的规定，现告知您获取该政府信息的方式、途径。`),
    ground('provided', '3.1', 'disclosed', '予以公开', art('第三十六条第（二）项'), (b) =>
      `经审查，您申请获取的政府信息属于可以公开的政府信息。根据${b}的规定，本机关予以公开。`),
    // （二）部分公开 — 条例第37条
    ground('partial', '3.2', 'partially_disclosed', '部分公开（区分处理）', art('第三十七条'), (b) =>
      `经审查，您申请获取的信息中含有不应当公开或者不属于政府信息的内容，但是能够作区分处理。根据${b}的规定，本机关向您提供可以公开的政府信息内容，并对不予公开的内容说明理由。`),
    // （三）不予公开 — 条例第14、15、16条，第36条第（七）项
    ground('state_secret', '3.3.1', 'withheld', '不予公开：属于国家秘密', art('第十四条'), (b) =>
      `经审查，您申请获取的政府信息属于依法确定为国家秘密的政府信息。根据${b}的规定，本机关决定不予公开。`),
    ground('prohibited_by_law', '3.3.2', 'withheld', '不予公开：其他法律行政法规禁止公开', art('第十四条'), (b) =>
      `经审查，您申请获取的政府信息属于法律、行政法规禁止公开的政府信息。根据${b}的规定，本机关决定不予公开。`),
    ground('security_stability', '3.3.3', 'withheld', '不予公开：危及“三安全一稳定”', art('第十四条'), (b) =>
      `经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。根据${b}的规定，本机关决定不予公开。`),
    ground('third_party_rights', '3.3.4', 'withheld', '不予公开：保护第三方合法权益', art('第十五条'), (b) =>
      `经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害。根据${b}的规定，本机关决定不予公开。`),
    ground('internal_affairs', '3.3.5', 'withheld', '不予公开：属于三类内部事务信息', art('第十六条第一款'), (b) =>
      `经审查，您申请获取的政府信息属于行政机关的内部事务信息（人事管理、后勤管理、内部工作流程等方面的信息）。根据${b}的规定，本机关决定不予公开。`),
    ground('process_information', '3.3.6', 'withheld', '不予公开：属于四类过程性信息', art('第十六条第二款'), (b) =>
      `经审查，您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息。根据${b}的规定，本机关决定不予公开。`),
    ground('enforcement_file', '3.3.7', 'withheld', '不予公开：属于行政执法案卷', art('第十六条第二款'), (b) =>
      `经审查，您申请获取的政府信息属于行政执法案卷信息。根据${b}的规定，本机关决定不予公开。`),
    ground('administrative_query', '3.3.8', 'withheld', '不予公开：属于行政查询事项', art('第三十六条第（七）项'), (b) =>
      `经审查，您申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定。根据${b}的规定，请您依照有关法律、行政法规的规定办理。`),
    // （四）无法提供 — 条例第36条第（四）（五）项，第38条，第30条
    ground('not_held', '3.4.1', 'unavailable', '无法提供：本机关不掌握相关政府信息', art('第三十六条第（四）项'), (b) =>
      `经检索，本机关没有您申请公开的政府信息。根据${b}的规定，现告知您该政府信息不存在。`),
    ground('not_responsible', '3.4.1', 'unavailable', '无法提供：不属于本机关负责公开', art('第三十六条第（五）项'), (b) =>
      `经审查，您申请公开的信息不属于本机关负责公开的政府信息，本机关无法向您提供。根据${b}的规定，特此告知。`),
    ground('needs_processing', '3.4.2', 'unavailable', '无法提供：没有现成信息需要另行制作', art('第三十八条'), (b) =>
      `经审查，本机关没有您申请获取的现成信息，提供该信息需要本机关对现有政府信息进行加工、分析。根据${b}的规定，本机关不予提供。`),
    ground('still_unclear', '3.4.3', 'unavailable', '无法提供：补正后申请内容仍不明确', art('第三十条'), (b) =>
      `经补正后，您的申请内容仍不明确，本机关无法确定您申请公开的政府信息。根据${b}的规定，本机关无法向您提供。`),
    // （五）不予处理 — 条例第39条，第36条第（六）项，第35条
    ground('petition', '3.5.1', 'not_processed', '不予处理：信访举报投诉类申请', art('第三十九条第一款'), (b) =>
      `经审查，您以政府信息公开申请的形式进行信访、投诉、举报等活动。根据${b}的规定，本机关不作为政府信息公开申请处理，您可以通过相应渠道提出。`),
    ground('repeated', '3.5.2', 'not_processed', '不予处理：重复申请', art('第三十六条第（六）项'), (b) =>
      `经审查，本机关已就您提出的政府信息公开申请作出答复，您重复申请公开相同政府信息。根据${b}的规定，本机关不予重复处理。`),
    ground('publication', '3.5.3', 'not_processed', '不予处理：要求提供公开出版物', art('第三十九条第二款'), (b) =>
      `经审查，您申请的内容为要求本机关提供政府公报、报刊、书籍等公开出版物。根据${b}的规定，本机关不作为政府信息公开申请处理，您可以通过公开出版物的发行渠道获取。`),
    ground('excessive', '3.5.4', 'not_processed', '不予处理：无正当理由大量反复申请', art('第三十五条'), (b) =>
      `经审查，您申请公开政府信息的数量、频次明显超过合理范围，本机关已要求您说明理由，经审查认为申请理由不合理。根据${b}的规定，本机关不予处理。`),
    // (verify) DOMAIN §3 gives no article for 3.5.5; the decision cites none.
    ground('confirm_or_reissue', '3.5.5', 'not_processed', '不予处理：要求行政机关确认或重新出具已获取信息', null, (b) =>
      `经审查，您要求本机关对已获取的政府信息予以确认或者重新出具，该请求不属于${b}规定的政府信息公开申请，本机关不予处理。`),
    // （六）其他处理 — 条例第30条，109号
    ground('correction_lapsed', '3.6.1', 'other', '其他处理：逾期不补正', art('第三十条'), (b) =>
      `本机关已一次性告知您对申请作出补正，您无正当理由逾期未补正。根据${b}的规定，视为您放弃申请，本机关不再处理该政府信息公开申请。`),
    ground('fee_unpaid', '3.6.2', 'other', '其他处理：逾期未缴纳信息处理费', FEE_MEASURES, (b) =>
      `本机关已向您发出收费通知，您逾期未按收费通知要求缴纳费用。根据${b}的规定，视为您放弃申请，本机关不再处理该政府信息公开申请。`),
    ground('other', '3.6.3', 'other', '其他处理：其他', null, null),
  ].map((g) => [g.id, g]),
) as Record<ReplyGroundId, ReplyGround>;

export const REPLY_GROUND_IDS = Object.keys(REPLY_GROUNDS) as ReplyGroundId[];

/**
 * What staff should add in {{details}} (具体说明) for grounds whose article asks for more than the
 * decision paragraph says; shown next to the field in the back office.
 */
export const GROUND_HINTS: Partial<Record<ReplyGroundId, string>> = {
  prohibited_by_law: '请写明禁止公开的法律、行政法规名称及条款。',
  third_party_rights: '请说明涉及的第三方权益，以及第三方是否同意公开。',
  administrative_query: '请写明办理查询的机关、依据和途径。',
  not_responsible: '请说明理由；能够确定负责公开该政府信息的行政机关的，写明其名称、联系方式（条例第三十六条第（五）项）。',
  petition: '可以告知提出信访、投诉、举报的相应渠道（条例第三十九条第一款）。',
  repeated: '请写明本机关此前作出答复的日期和文号。',
  publication: '可以告知获取该出版物的途径（条例第三十九条第二款）。',
  other: '请在“答复决定”中写明处理决定、理由和依据。',
};

export function isReplyGroundId(s: string): s is ReplyGroundId {
  return Object.hasOwn(REPLY_GROUNDS, s);
}

/** The grounds that count in one outcome row (3.1 and 3.4.1 have two each). */
export function groundsForRow(row: OutcomeRowId): ReplyGround[] {
  return REPLY_GROUND_IDS.map((id) => REPLY_GROUNDS[id]).filter((g) => g.row === row);
}

/**
 * The grounds of an outcome row as a case records it: the 2019 format's single （六）其他处理 row
 * 3.6 has the ground of 3.6.3 (其他). Empty for an id that is not an outcome row.
 */
export function groundsForOutcome(row: string): ReplyGround[] {
  const id = row === '3.6' ? '3.6.3' : row;
  return REPLY_GROUND_IDS.map((g) => REPLY_GROUNDS[g]).filter((g) => g.row === id);
}

/** The article a ground cites, short (条例第三十六条第（二）项), or null. */
export function groundArticle(g: ReplyGround): string | null {
  return g.basis === null ? null : g.basis.replace(REGULATION, '条例');
}

/** The template used for a letter: the kind itself, or the reply family of its ground. */
export function templateKeyFor(kind: LetterKind, ground?: string): TemplateKey {
  if (!(LETTER_KINDS as readonly string[]).includes(kind)) throw new LetterError(`未知的文书种类「${String(kind)}」`);
  if (kind !== 'reply') return kind;
  if (ground === undefined || !isReplyGroundId(ground)) {
    throw new LetterError(
      ground === undefined ? '答复书须指明答复依据（ground）' : `未知的答复依据「${ground}」（可选：${REPLY_GROUND_IDS.join('、')}）`,
    );
  }
  return `reply.${REPLY_GROUNDS[ground].family}`;
}
