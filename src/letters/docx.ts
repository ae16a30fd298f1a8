/**
 * A letter (告知书) as a Word document, laid out after 《党政机关公文格式》GB/T 9704-2012:
 * A4; margins top 37mm, bottom 35mm, left 28mm, right 26mm; the title centred in 2号小标宋 (22pt);
 * the document number centred under it; the addressee flush left (「姓名：」); the body in 3号仿宋
 * (16pt) with a fixed 28pt line pitch and a first-line indent of two characters; after one blank
 * line the agency and the date (2026年11月28日) at the right, the date 4 characters from the right
 * margin and the agency centred above it (the seal layout, §7.3.5.1); page numbers 「— 1 —」 in
 * 4号宋体 (14pt), odd pages at the right, even pages at the left, one character in (§7.5).
 *
 * Fonts: every run names its font for all scripts, East-Asian included (仿宋_GB2312 for the body,
 * 方正小标宋简体 for the title; 黑体 is the usual alternative, `titleFont`), and the document
 * defaults name 宋体, the fallback any Chinese Windows or LibreOffice with CJK fonts can show.
 *
 * What appears: the template's text, the agency, number and date, and the addressee in the
 * salutation. Nothing else about the applicant unless the template asks for it; the document
 * properties name the agency and the title, never the addressee.
 */
import {
  AlignmentType,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  TextRun,
  type IFontAttributesProperties,
} from 'docx';
import { DateFormatError, formatChineseDate, parseIsoDate } from '../calendar/date.js';
import { LetterError } from './errors.js';
import {
  FIELD_SPECS,
  REGULATION,
  REPLY_GROUNDS,
  TEMPLATE_LABELS,
  isFieldName,
  templateKeyFor,
  type LetterKind,
  type ReplyGroundId,
  type TemplateKey,
} from './kinds.js';
import { cleanText, renderTemplate, type FieldValue, type LetterFields, type RenderedBody } from './template.js';
import { DEFAULT_TEMPLATES } from './templates.js';

export interface LetterInput {
  kind: LetterKind;
  /** Reply letters only: the ground of the decision, which picks the template family and the article cited. */
  ground?: ReplyGroundId;
  /** The agency that signs the letter (e.g. 永安镇人民政府). */
  agencyName: string;
  /** The formatted document number (formatDocNumber); a letter without one has no number line. */
  docNumber?: string;
  /** The date of the letter (成文日期), ISO YYYY-MM-DD. */
  date: string;
  /** Who the letter is for: the applicant (or, for third_party, the third party). */
  addressee: string;
  /** The template's fields (kinds.ts FIELD_SPECS); agency, number, date and addressee come from above. */
  fields?: LetterFields;
  /** The agency's own template text for this letter; default: DEFAULT_TEMPLATES. */
  template?: string;
}

export interface RenderedLetter extends RenderedBody {
  key: TemplateKey;
  docNumber: string | null;
  /** 「张三：」 */
  salutation: string;
  agencyName: string;
  /** 2026年11月28日 */
  date: string;
}

export interface LetterStyle {
  /** Title font; default 方正小标宋简体 (黑体 where it is not installed). */
  titleFont?: string;
  /** Body font; default 仿宋_GB2312. */
  bodyFont?: string;
}

export const LETTER_FONTS = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  fallback: '宋体',
  pageNumber: '宋体',
} as const;

const SYSTEM_FIELDS = ['agency_name', 'doc_number', 'date', 'addressee'];

function headerText(value: unknown, what: string, max: number, problems: string[]): string {
  if (typeof value !== 'string') {
    problems.push(`${what}应为文字`);
    return '';
  }
  const s = cleanText(value);
  if (s === '') problems.push(`缺少${what}`);
  else if (s.length > max) problems.push(`${what}过长（最多${max}字）`);
  return s;
}

function given(v: FieldValue): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && cleanText(v) === '');
}

/**
 * The text of a letter, checked and filled, before layout: what buildLetterDocx prints, and what
 * a preview page can show. Throws LetterError naming every problem.
 */
export function renderLetter(letter: LetterInput): RenderedLetter {
  const key = templateKeyFor(letter.kind, letter.ground);
  const label = TEMPLATE_LABELS[key];
  const problems: string[] = [];
  if (letter.kind !== 'reply' && letter.ground !== undefined) problems.push('只有答复书需要答复依据（ground）');
  const agencyName = headerText(letter.agencyName, '机关名称', FIELD_SPECS.agency_name.maxLength, problems);
  const addressee = headerText(letter.addressee, '收件人', FIELD_SPECS.addressee.maxLength, problems);
  const docNumber =
    letter.docNumber === undefined || (typeof letter.docNumber === 'string' && cleanText(letter.docNumber) === '')
      ? null
      : headerText(letter.docNumber, '文号', FIELD_SPECS.doc_number.maxLength, problems);
  let date = '';
  try {
    date = formatChineseDate(parseIsoDate(String(letter.date)));
  } catch (e) {
    if (!(e instanceof DateFormatError)) throw e;
    problems.push(`成文日期${e.message}`);
  }
  const fields = letter.fields ?? {};
  for (const name of Object.keys(fields)) {
    if (SYSTEM_FIELDS.includes(name) && isFieldName(name)) {
      problems.push(`字段「${name}」（${FIELD_SPECS[name].label}）由系统填写，不能在 fields 中提供`);
    }
  }
  if (problems.length > 0) throw new LetterError(`无法生成${label}：${problems.join('；')}`, problems);

  const all: Record<string, FieldValue> = {};
  if (letter.kind === 'reply' && letter.ground) {
    const ground = REPLY_GROUNDS[letter.ground];
    if (ground.decision !== null) all.decision = ground.decision;
    all.legal_basis = ground.basis ?? REGULATION;
  }
  for (const [name, value] of Object.entries(fields)) {
    if (given(value) || !(name in all)) all[name] = value;
  }
  all.agency_name = agencyName;
  all.date = letter.date;
  all.addressee = addressee;
  if (docNumber !== null) all.doc_number = docNumber;

  const body = renderTemplate({ key, text: letter.template ?? DEFAULT_TEMPLATES[key] }, all);
  return { ...body, key, docNumber, salutation: `${addressee}：`, agencyName, date };
}

// ---------------------------------------------------------------------------------------------
// Layout

const PT = 20; // twips per point
/** Millimetres to twips, rounded (docx's own converter floors, which makes A4 one twip short). */
const mm = (x: number): number => Math.round((x / 25.4) * 1440);
const BODY_PT = 16; // 3号
const TITLE_PT = 22; // 2号
const PAGE_NUMBER_PT = 14; // 4号
const LINE_PITCH = 28 * PT;
const CHAR = BODY_PT * PT; // one body character, in twips

function fonts(name: string): IFontAttributesProperties {
  return { ascii: name, eastAsia: name, hAnsi: name, cs: name, hint: 'eastAsia' };
}

function run(text: string, font: string, pt: number): TextRun {
  return new TextRun({ text, font: fonts(font), size: pt * 2, language: { value: 'zh-CN', eastAsia: 'zh-CN' } });
}

/** Width of a line in body characters: CJK and full-width count 1, ASCII (digits) ½. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! < 0x80 ? 0.5 : 1;
  return w;
}

const exact = { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 };

function bodyParagraph(text: string, font: string): Paragraph {
  return new Paragraph({
    children: [run(text, font, BODY_PT)],
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: 2 * CHAR, firstLineChars: 200 },
    spacing: exact,
  });
}

function plainParagraph(text: string, font: string, alignment: (typeof AlignmentType)[keyof typeof AlignmentType], right = 0): Paragraph {
  return new Paragraph({
    children: text === '' ? [] : [run(text, font, BODY_PT)],
    alignment,
    indent: right > 0 ? { right } : undefined,
    spacing: exact,
  });
}

function pageNumberFooter(side: 'odd' | 'even'): Footer {
  const f = fonts(LETTER_FONTS.pageNumber);
  const size = PAGE_NUMBER_PT * 2;
  const oneChar = PAGE_NUMBER_PT * PT;
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: oneChar } : { left: oneChar },
        children: [
          new TextRun({ text: '— ', font: f, size }),
          new TextRun({ children: [PageNumber.CURRENT], font: f, size }),
          new TextRun({ text: ' —', font: f, size }),
        ],
      }),
    ],
  });
}

/** The Word document of a letter (.docx bytes). Throws LetterError as renderLetter does. */
export async function buildLetterDocx(letter: LetterInput, style: LetterStyle = {}): Promise<Buffer> {
  const r = renderLetter(letter);
  const titleFont = style.titleFont ? cleanText(style.titleFont) || LETTER_FONTS.title : LETTER_FONTS.title;
  const bodyFont = style.bodyFont ? cleanText(style.bodyFont) || LETTER_FONTS.body : LETTER_FONTS.body;

  // Seal layout: the date 4 characters from the right, the agency centred above the date.
  const dateRight = 4 * CHAR;
  const agencyRight = Math.max(0, Math.round(dateRight + ((displayWidth(r.date) - displayWidth(r.agencyName)) / 2) * CHAR));

  const children: Paragraph[] = [
    new Paragraph({
      children: [run(r.title, titleFont, TITLE_PT)],
      alignment: AlignmentType.CENTER,
      spacing: { line: LINE_PITCH, lineRule: LineRuleType.AT_LEAST, before: 0, after: 0 },
    }),
  ];
  if (r.docNumber !== null) children.push(plainParagraph(r.docNumber, bodyFont, AlignmentType.CENTER));
  children.push(plainParagraph('', bodyFont, AlignmentType.LEFT));
  children.push(plainParagraph(r.salutation, bodyFont, AlignmentType.LEFT));
  for (const p of r.paragraphs) children.push(bodyParagraph(p, bodyFont));
  children.push(plainParagraph('', bodyFont, AlignmentType.LEFT));
  children.push(plainParagraph(r.agencyName, bodyFont, AlignmentType.RIGHT, agencyRight));
  children.push(plainParagraph(r.date, bodyFont, AlignmentType.RIGHT, dateRight));

  const doc = new Document({
    title: r.title,
    creator: r.agencyName,
    lastModifiedBy: r.agencyName,
    description: TEMPLATE_LABELS[r.key],
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: { font: fonts(LETTER_FONTS.fallback), size: BODY_PT * 2, language: { value: 'zh-CN', eastAsia: 'zh-CN' } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: {
              top: mm(37),
              bottom: mm(35),
              left: mm(28),
              right: mm(26),
              header: mm(15),
              // The number's top sits about 7mm under the text block (§7.5).
              footer: mm(23),
            },
          },
        },
        footers: { default: pageNumberFooter('odd'), even: pageNumberFooter('even') },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
