/**
 * The default letter templates: the wording shipped with Gongkai, which an administrator may
 * replace per agency (validateTemplate checks a replacement before it is saved). Syntax: template.ts.
 *
 * The letter head (document number, addressee 「姓名：」) and foot (agency, date) are laid out by
 * docx.ts and are not part of the text. Articles cited: 《中华人民共和国政府信息公开条例》
 * (国务院令第711号) and 国办函〔2020〕109号; the reply's decision paragraph comes from the reply
 * ground (kinds.ts, {{decision}}).
 */
import type { FeeBand, FeeMethod, FeeResult } from '../applications/fee.js';
import { REPLY_FAMILIES, type ReplyFamily, type TemplateKey } from './kinds.js';
import type { LetterFields, LetterTemplate } from './template.js';

/**
 * The remedy sentence of every reply (行政复议法: 60日; 行政诉讼法第46条: 6个月; 条例第51条).
 * The reviewing body (行政复议机关) and the court (人民法院, full name) are fields, set per agency.
 */
export const REMEDY_LINE =
  '如对本答复不服，可以在收到本答复之日起60日内向{{review_body}}申请行政复议，或者在6个月内向{{court}}提起行政诉讼。';

const CONTACT_LINE = '? 联系方式：{{contact}}';

const REPLY_OPENING =
  '本机关于{{received_date}}收到您提出的政府信息公开申请（申请编号：{{tracking_number}}），申请获取“{{request_summary}}”。现答复如下：';

function reply(lines: string[]): string {
  return ['# 政府信息公开申请答复书', REPLY_OPENING, '{{decision}}', ...lines, '? {{details}}', REMEDY_LINE, CONTACT_LINE].join('\n');
}

const REPLY_TEMPLATES: Record<ReplyFamily, string> = {
  disclosed: reply(['获取方式、途径：{{access}}']),
  partially_disclosed: reply(['可以公开部分的获取方式、途径：{{access}}', '不予公开部分的理由：{{withheld_reason}}']),
  withheld: reply([]),
  unavailable: reply([]),
  not_processed: reply([]),
  other: reply([]),
};

export const DEFAULT_TEMPLATES: Readonly<Record<TemplateKey, string>> = {
  acceptance: [
    '# 政府信息公开申请登记回执',
    '本机关于{{received_date}}收到您提出的政府信息公开申请，申请获取“{{request_summary}}”，已予登记。',
    '? 申请编号：{{tracking_number}}',
    '? 查询码：{{query_code}}。您可以凭申请编号和查询码在本机关政府信息公开平台查询办理进度和答复文书。查询码仅供您本人使用，请妥善保管。',
    '根据《中华人民共和国政府信息公开条例》第三十三条的规定，本机关将自收到申请之日起20个工作日内予以答复；需要延长答复期限的，将另行告知。征求第三方和其他机关意见所需时间不计算在上述期限内。',
    '? 预计答复期限：{{reply_due_date}}。',
    CONTACT_LINE,
  ].join('\n'),

  correction: [
    '# 政府信息公开申请补正告知书',
    '本机关于{{received_date}}收到您提出的政府信息公开申请（申请编号：{{tracking_number}}）。经审查，您的申请内容不明确，根据《中华人民共和国政府信息公开条例》第二十九条、第三十条的规定，请您对以下事项作出补正：',
    '{{correction_items}}',
    '请您于{{correction_deadline}}前向本机关提交补正后的申请。答复期限自本机关收到补正的申请之日起计算。您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。',
    CONTACT_LINE,
  ].join('\n'),

  extension: [
    '# 政府信息公开申请延期答复告知书',
    '本机关于{{received_date}}收到您提出的政府信息公开申请（申请编号：{{tracking_number}}），申请获取“{{request_summary}}”。',
    '因{{extension_reason}}，本机关不能在法定期限内作出答复。经本机关政府信息公开工作机构负责人同意，根据《中华人民共和国政府信息公开条例》第三十三条第一款的规定，答复期限延长{{extension_days}}个工作日，本机关将于{{new_due_date}}前作出答复。',
    CONTACT_LINE,
  ].join('\n'),

  third_party: [
    '# 政府信息公开征求第三方意见书',
    '本机关于{{received_date}}收到政府信息公开申请，申请获取“{{request_summary}}”。经审查，该政府信息涉及{{third_party_interest}}，公开可能损害你方合法权益。根据《中华人民共和国政府信息公开条例》第三十二条的规定，现书面征求你方意见。',
    '请你方自收到本意见书之日起15个工作日内，以书面形式提出是否同意公开的意见；不同意公开的，请说明理由。',
    '? 请于{{opinion_deadline}}前将意见送达本机关。',
    '你方逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开。你方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知你方。',
    CONTACT_LINE,
  ].join('\n'),

  // (verify) 109号: the notice states the basis, standard, amount and way of payment; payment
  // within 20 working days of the day after receipt; unpaid = application abandoned; the time
  // from the notice to payment does not count in the reply limit (DOMAIN §3 marks the 20 as verify).
  fee: [
    '# 政府信息公开信息处理费收费通知书',
    '本机关于{{received_date}}收到您提出的政府信息公开申请（申请编号：{{tracking_number}}）。经审查，您申请公开政府信息的数量、频次明显超过合理范围。根据《中华人民共和国政府信息公开条例》第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本机关决定收取信息处理费。',
    '计费方式：{{fee_method}}。',
    '? 收费标准：{{fee_standard}}。',
    '? 计费数量：{{fee_quantity}}，按超额累进方式分档计算如下：',
    '? {{fee_bands}}',
    '应缴金额：{{fee_amount}}。',
    '请您于{{payment_deadline}}前缴纳。缴纳方式：{{payment_method}}',
    '自本机关发出收费通知之日起至您缴纳费用之日止的期间，不计算在答复期限内。您逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。',
    CONTACT_LINE,
  ].join('\n'),

  ...(Object.fromEntries(REPLY_FAMILIES.map((f) => [`reply.${f}`, REPLY_TEMPLATES[f]])) as Record<`reply.${ReplyFamily}`, string>),
};

export function defaultTemplate(key: TemplateKey): LetterTemplate {
  return { key, text: DEFAULT_TEMPLATES[key] };
}

// ---------------------------------------------------------------------------------------------
// Fee fields

/** The standards of 国办函〔2020〕109号 第四条、第五条, as they read. */
export const FEE_STANDARD_TEXT: Record<FeeMethod, string> = {
  items:
    '同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；11—30件（含30件）的部分，100元/件；31件以上的部分，以10件为一档，每增加一档，收费标准提高100元/件',
  pages: '30页以下（含30页）的，不收费；31—100页（含100页）的部分，10元/页；101—200页（含200页）的部分，20元/页；201页以上的部分，40元/页',
};

function bandLine(b: FeeBand, unit: '件' | '页'): string {
  const range = b.from === b.to ? `第${b.from}${unit}` : `第${b.from}—${b.to}${unit}`;
  return b.unitPrice === 0
    ? `${range}：${b.count}${unit}，不收费；`
    : `${range}：${b.count}${unit}×${b.unitPrice}元/${unit}＝${b.amount}元；`;
}

/**
 * The fee notice's computed fields from a fee computation (src/applications/fee.ts): method,
 * standard, quantity, one line per band, total. Payment deadline and method are the agency's.
 */
export function feeLetterFields(fee: FeeResult): LetterFields {
  const quantity =
    fee.method === 'items' ? `本自然月内累计申请${fee.quantity}${fee.unit}` : `共${fee.quantity}${fee.unit}`;
  const bands = fee.bands.map((b) => bandLine(b, fee.unit));
  const lastBand = bands.length - 1;
  if (lastBand >= 0) bands[lastBand] = bands[lastBand]!.replace(/；$/, '。');
  return {
    fee_method: fee.method,
    fee_standard: FEE_STANDARD_TEXT[fee.method],
    fee_quantity: quantity,
    fee_bands: bands,
    fee_amount: fee.total,
  };
}
