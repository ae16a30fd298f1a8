/**
 * Helpers for the letters' tests (not built): sample letters of every kind, the text of a .docx
 * through mammoth, and a small reader of zip archives (central directory + node:zlib) to look at
 * the XML parts of a .docx without another dependency.
 */
import mammoth from 'mammoth';
import { inflateRawSync } from 'node:zlib';
import type { LetterInput } from './docx.js';
import type { LetterKind, ReplyGroundId } from './kinds.js';
import type { LetterFields } from './template.js';
import { feeLetterFields } from './templates.js';
import { feeByItems } from '../applications/fee.js';

export const AGENCY = '永安镇人民政府';
export const DOC_NUMBER = '永政公开〔2026〕第12号';
export const LETTER_DATE = '2026-11-28';
export const LETTER_DATE_CN = '2026年11月28日';
export const APPLICANT = '张三丰';

const APPLICATION: LetterFields = {
  tracking_number: 'YA-2026-0042',
  received_date: '2026-11-02',
  request_summary: '2026年永安镇农村道路建设项目的招标文件',
  contact: '永安镇党政办公室，0632-5551234',
};

const REPLY_FIELDS: LetterFields = {
  ...APPLICATION,
  review_body: '市中区人民政府',
  court: '市中区人民法院',
};

/** Fields for each kind that fill its default template (reply: add a ground). */
export const SAMPLE_FIELDS: Record<LetterKind, LetterFields> = {
  acceptance: { ...APPLICATION, query_code: 'K7Q2-M9XP', reply_due_date: '2026-12-01' },
  correction: {
    ...APPLICATION,
    correction_items: ['请写明所需信息的名称、文号或者便于查询的其他特征性描述', '请提供有效的身份证明'],
    correction_deadline: '2026-11-20',
  },
  extension: {
    ...APPLICATION,
    extension_reason: '所申请信息内容较多，需要进一步检索、核实',
    extension_days: 20,
    new_due_date: '2026-12-29',
  },
  third_party: {
    received_date: '2026-11-02',
    request_summary: '2026年永安镇农村道路建设项目的中标单位报价明细',
    third_party_interest: '你公司的投标报价等商业信息',
    opinion_deadline: '2026-12-18',
    contact: '永安镇党政办公室，0632-5551234',
  },
  fee: {
    ...APPLICATION,
    ...feeLetterFields(feeByItems(45)),
    payment_deadline: '2026-12-25',
    payment_method: '到永安镇财政所窗口缴纳，或者汇入本机关指定的非税收入账户。',
  },
  reply: {
    ...REPLY_FIELDS,
    access: '随本答复书附送该文件复印件一份（共12页）',
    withheld_reason: '招标文件中投标人的报价明细属于商业秘密，依据《中华人民共和国政府信息公开条例》第十五条不予公开',
  },
};

export function sampleLetter(kind: LetterKind, ground?: ReplyGroundId, fields: LetterFields = {}): LetterInput {
  const base: LetterInput = {
    kind,
    agencyName: AGENCY,
    docNumber: DOC_NUMBER,
    date: LETTER_DATE,
    addressee: kind === 'third_party' ? '永安路桥建设有限公司' : APPLICANT,
    fields: { ...SAMPLE_FIELDS[kind], ...(ground === 'other' ? { decision: '经审查，您的申请已由本机关转交市中区人民政府办理。' } : {}), ...fields },
  };
  return ground ? { ...base, ground } : base;
}

/** The plain text of a .docx, read back by mammoth. */
export async function docxText(buf: Buffer): Promise<string> {
  const r = await mammoth.extractRawText({ buffer: buf });
  return r.value;
}

/** All entries of a zip archive (stored or deflated), by name. */
export function unzip(buf: Buffer): Map<string, Buffer> {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive: no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + compressed);
    if (method === 0) out.set(name, Buffer.from(data));
    else if (method === 8) out.set(name, inflateRawSync(data));
    else throw new Error(`unsupported zip method ${method} for ${name}`);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

export function zipText(buf: Buffer, name: string): string {
  const e = unzip(buf).get(name);
  if (!e) throw new Error(`no ${name} in the archive`);
  return e.toString('utf8');
}
