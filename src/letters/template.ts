/**
 * Letter templates: plain text an administrator can edit, with `{{field}}` placeholders.
 *
 * Syntax (one paragraph per line):
 * - `# 标题` — the title; exactly one, on the first non-blank line;
 * - `? 文字{{field}}` — an optional line: left out when any field on it is empty or not given
 *   (a full-width `？` works too); every other line needs all its fields, or the letter is refused;
 * - a line holding only a list field (e.g. `{{correction_items}}`) prints one paragraph per item;
 * - blank lines are ignored; leading spaces (also full-width) are dropped: indentation, fonts and
 *   the letter head (number, addressee) and foot (agency, date) are the layout's job (docx.ts).
 *
 * Rendering never prints a placeholder: an unknown or missing field is an error naming it. Field
 * values are text, never markup: control characters, bidirectional overrides and characters Word
 * cannot store are removed, and `<`, `&`, `{{` … stay literal characters (values are substituted
 * once, never re-read as template).
 */
import { DateFormatError, formatChineseDate, parseIsoDate } from '../calendar/date.js';
import { LetterError } from './errors.js';
import {
  FIELD_SPECS,
  TEMPLATE_LABELS,
  TEMPLATE_RULES,
  isFieldName,
  isTemplateKey,
  type FieldName,
  type FieldSpec,
  type TemplateKey,
} from './kinds.js';

export interface LetterTemplate {
  key: TemplateKey;
  text: string;
}

/** A value given for a field: text, a number (integer, money), or the items of a list field. */
export type FieldValue = string | number | readonly string[] | null | undefined;
export type LetterFields = Readonly<Record<string, FieldValue>>;

export interface TemplateProblem {
  /** 1-based line of the template, or null for the template as a whole. */
  line: number | null;
  message: string;
}

/** The text of a letter, before layout. */
export interface RenderedBody {
  title: string;
  /** Body paragraphs in order, each one line of text. */
  paragraphs: string[];
}

/** Longest template accepted, in characters and in lines. */
export const MAX_TEMPLATE_CHARS = 20_000;
export const MAX_TEMPLATE_LINES = 300;
/** Most items in a list field. */
export const MAX_LIST_ITEMS = 50;
const DEFAULT_MAX_LENGTH = 500;

// ---------------------------------------------------------------------------------------------
// Text cleaning

/**
 * Characters removed from every value and template: C0/C1 controls (line breaks and tabs are
 * turned into spaces first), zero-width and bidirectional-override characters (they can make a
 * letter read differently from what was stored), U+FFFE/U+FFFF and lone surrogates (not storable
 * in XML, so they would corrupt the .docx).
 */
const UNSAFE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One line of plain text: breaks and tabs become a space, unsafe characters go, spaces collapse. */
export function cleanText(s: string): string {
  return s
    .replace(/[\t\n\r\v\f\u0085\u2028\u2029]+/g, ' ')
    .replace(UNSAFE, '')
    .replace(/ {2,}/g, ' ')
    .replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Part = { text: string } | { field: string };

interface ParsedLine {
  line: number;
  title: boolean;
  optional: boolean;
  parts: Part[];
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const FIELD_NAME = /^[a-z][a-z0-9_]*$/;

function parseTemplate(text: string): { lines: ParsedLine[]; problems: TemplateProblem[] } {
  const problems: TemplateProblem[] = [];
  const lines: ParsedLine[] = [];
  if (typeof text !== 'string') return { lines, problems: [{ line: null, message: '模板应为文字' }] };
  if (text.length > MAX_TEMPLATE_CHARS) {
    return { lines, problems: [{ line: null, message: `模板过长（${text.length}字，最多${MAX_TEMPLATE_CHARS}字）` }] };
  }
  const raw = text.replace(/\r\n?/g, '\n').split('\n');
  if (raw.length > MAX_TEMPLATE_LINES) {
    return { lines, problems: [{ line: null, message: `模板行数过多（${raw.length}行，最多${MAX_TEMPLATE_LINES}行）` }] };
  }
  raw.forEach((rawLine, i) => {
    const line = i + 1;
    let s = cleanText(rawLine);
    if (s === '') return;
    let title = false;
    let optional = false;
    if (/^#(\s|\u3000|$)/.test(s)) {
      title = true;
      s = cleanText(s.slice(1));
      if (s === '') problems.push({ line, message: '标题为空' });
    } else if (/^[?？](\s|\u3000|$)/.test(s)) {
      optional = true;
      s = cleanText(s.slice(1));
      if (/^#(\s|\u3000|$)/.test(s)) problems.push({ line, message: '标题不能是可省略行' });
    }
    if (/[｛｝]{2}/.test(s)) problems.push({ line, message: '占位符请用半角花括号，例如 {{tracking_number}}' });
    const parts: Part[] = [];
    let last = 0;
    for (const m of s.matchAll(PLACEHOLDER)) {
      if (m.index > last) parts.push({ text: s.slice(last, m.index) });
      const name = (m[1] ?? '').trim();
      if (!FIELD_NAME.test(name)) {
        problems.push({ line, message: `占位符「${m[0]}」写法不对（应为小写英文字母、数字和下划线，例如 {{tracking_number}}）` });
      }
      parts.push({ field: name });
      last = m.index + m[0].length;
    }
    if (last < s.length) parts.push({ text: s.slice(last) });
    for (const p of parts) {
      if ('text' in p && (p.text.includes('{{') || p.text.includes('}}'))) {
        problems.push({ line, message: '有不完整的占位符（“{{”与“}}”须成对出现）' });
        break;
      }
    }
    if (optional && !parts.some((p) => 'field' in p)) {
      problems.push({ line, message: '可省略行（以“? ”开头）须包含至少一个占位符' });
    }
    lines.push({ line, title, optional, parts });
  });
  return { lines, problems };
}

function fieldLabel(name: string): string {
  return isFieldName(name) ? `「{{${name}}}」（${FIELD_SPECS[name].label}）` : `「{{${name}}}」`;
}

/**
 * The problems of a template for the given key, for an administrator saving one: empty when the
 * template can be used. Checks the syntax, that every placeholder is a field of this letter, that
 * list fields stand alone on their line, and that the letter keeps what the law requires of it
 * (the article cited, the deadline, and for replies the remedy sentence), on lines that are
 * always printed.
 */
export function validateTemplate(key: string, text: string): TemplateProblem[] {
  if (!isTemplateKey(key)) return [{ line: null, message: `未知的模板种类「${key}」` }];
  const { lines, problems } = parseTemplate(text);
  if (problems.length > 0 && lines.length === 0) return problems;
  const rules = TEMPLATE_RULES[key];
  const allowed = new Set<string>(rules.fields);

  const titles = lines.filter((l) => l.title);
  if (titles.length === 0) problems.push({ line: null, message: '缺少标题行（以“# ”开头，例如“# 政府信息公开申请答复书”）' });
  else if (titles.length > 1) problems.push({ line: titles[1]!.line, message: '只能有一个标题行' });
  else if (lines[0] !== titles[0]) problems.push({ line: titles[0]!.line, message: '标题行应为模板的第一行' });
  if (!lines.some((l) => !l.title)) problems.push({ line: null, message: '模板没有正文' });

  for (const l of lines) {
    for (const p of l.parts) {
      if (!('field' in p) || !FIELD_NAME.test(p.field)) continue;
      if (!isFieldName(p.field)) {
        problems.push({ line: l.line, message: `未知字段「{{${p.field}}}」` });
      } else if (!allowed.has(p.field)) {
        problems.push({ line: l.line, message: `字段${fieldLabel(p.field)}不能用于${TEMPLATE_LABELS[key]}` });
      } else if (FIELD_SPECS[p.field].type === 'list' && (l.parts.length !== 1 || l.title)) {
        problems.push({ line: l.line, message: `列表字段${fieldLabel(p.field)}须单独占一行` });
      }
    }
  }

  const always = lines.filter((l) => !l.optional);
  const alwaysFields = new Set(always.flatMap((l) => l.parts.flatMap((p) => ('field' in p ? [p.field] : []))));
  const alwaysText = always.map((l) => l.parts.map((p) => ('text' in p ? p.text : '\u0000')).join('')).join('\n');
  for (const f of rules.essentialFields) {
    if (!alwaysFields.has(f)) {
      problems.push({ line: null, message: `缺少必备字段${fieldLabel(f)}（不能放在以“? ”开头的可省略行中）` });
    }
  }
  for (const t of rules.essentialText) {
    if (!alwaysText.includes(t)) problems.push({ line: null, message: `缺少必备内容「${t}」（不能放在可省略行中）` });
  }
  if (rules.oneOf && !rules.oneOf.some((f) => alwaysFields.has(f))) {
    problems.push({ line: null, message: `须包含${rules.oneOf.map(fieldLabel).join('或')}之一` });
  }
  return problems;
}

/** The fields a template uses, in order of first use (e.g. to pass personal data only when asked). */
export function usedFields(text: string): FieldName[] {
  const { lines } = parseTemplate(text);
  const out: FieldName[] = [];
  for (const l of lines) {
    for (const p of l.parts) if ('field' in p && isFieldName(p.field) && !out.includes(p.field)) out.push(p.field);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values

type Value = { text: string } | { items: string[] };

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 15 → 十五, 42 → 四十二 (1–99). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new RangeError(`chineseNumeral: ${n} outside 1–99`);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return (tens === 0 ? '' : tens === 1 ? '十' : `${CN_DIGITS[tens]}十`) + (ones === 0 ? '' : CN_DIGITS[ones]);
}

function tooLong(spec: FieldSpec, s: string): boolean {
  return s.length > (spec.maxLength ?? DEFAULT_MAX_LENGTH);
}

/**
 * One value, cleaned and formatted for print. Returns null when empty (treated as not given),
 * or a Chinese problem string when the value is not acceptable.
 */
function normalizeValue(name: FieldName, raw: FieldValue): Value | null | string {
  const spec: FieldSpec = FIELD_SPECS[name];
  const label = fieldLabel(name);
  if (raw === undefined || raw === null) return null;
  if (spec.type === 'list') {
    const items = (typeof raw === 'string' ? raw.split(/\r\n?|\n/) : Array.isArray(raw) ? raw : null)?.map((x) =>
      typeof x === 'string' ? cleanText(x) : null,
    );
    if (!items || items.some((x) => x === null)) return `字段${label}应为若干行文字`;
    const kept = items.filter((x): x is string => x !== '');
    if (kept.length === 0) return null;
    if (kept.length > MAX_LIST_ITEMS) return `字段${label}最多${MAX_LIST_ITEMS}项（收到${kept.length}项）`;
    const long = kept.findIndex((x) => tooLong(spec, x));
    if (long >= 0) return `字段${label}第${long + 1}项过长（最多${spec.maxLength ?? DEFAULT_MAX_LENGTH}字）`;
    return { items: spec.numbered ? kept.map((x, i) => `（${chineseNumeral(i + 1)}）${x}`) : kept };
  }
  if (Array.isArray(raw)) return `字段${label}应为一项文字，不能是列表`;
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? cleanText(raw) : null;
  if (text === null) return `字段${label}的值类型不对`;
  if (text === '') return null;
  switch (spec.type) {
    case 'text':
      return tooLong(spec, text) ? `字段${label}过长（${text.length}字，最多${spec.maxLength ?? DEFAULT_MAX_LENGTH}字）` : { text };
    case 'date':
      try {
        return { text: formatChineseDate(parseIsoDate(text)) };
      } catch (e) {
        if (e instanceof DateFormatError) return `字段${label}${e.message}`;
        throw e;
      }
    case 'integer':
    case 'money': {
      const n = typeof raw === 'number' ? raw : /^\d{1,15}$/.test(text) ? Number(text) : NaN;
      const min = spec.type === 'money' ? 0 : (spec.min ?? 0);
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        return spec.type === 'money'
          ? `字段${label}应为不小于0的整数（元），收到「${text}」`
          : `字段${label}应为${min}至${max}之间的整数，收到「${text}」`;
      }
      return { text: spec.type === 'money' ? `${n}元` : String(n) };
    }
    case 'fee_method': {
      const label2 = text === 'items' || text === '按件计收' ? '按件计收' : text === 'pages' || text === '按量计收' ? '按量计收' : null;
      return label2 ? { text: label2 } : `字段${label}应为“按件计收”（items）或“按量计收”（pages），收到「${text}」`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

/**
 * Fills a template. Throws LetterError, naming every problem: a template that breaks the rules of
 * its key (validateTemplate), a field given that this letter does not have, a field the template
 * needs that is missing or empty, a value that is not acceptable (bad date, out-of-range number,
 * too long). Optional lines (`? …`) with a missing field are left out.
 */
export function renderTemplate(template: LetterTemplate, fields: LetterFields): RenderedBody {
  const label = isTemplateKey(template.key) ? TEMPLATE_LABELS[template.key] : String(template.key);
  const fail = (problems: string[]): never => {
    throw new LetterError(`无法生成${label}：${problems.join('；')}`, problems);
  };
  const templateProblems = validateTemplate(template.key, template.text);
  if (templateProblems.length > 0) {
    fail(templateProblems.map((p) => (p.line === null ? `模板${p.message}` : `模板第${p.line}行${p.message}`)));
  }
  const key = template.key;
  const allowed = new Set<string>(TEMPLATE_RULES[key].fields);
  const problems: string[] = [];
  const values = new Map<string, Value>();
  const invalid = new Set<string>();
  for (const [name, raw] of Object.entries(fields)) {
    if (!isFieldName(name) || !allowed.has(name)) {
      problems.push(`未知字段「${name}」（${label}没有这个字段）`);
      continue;
    }
    const v = normalizeValue(name, raw);
    if (typeof v === 'string') {
      problems.push(v);
      invalid.add(name);
    } else if (v !== null) values.set(name, v);
  }

  const { lines } = parseTemplate(template.text);
  const missing: string[] = [];
  let title = '';
  const paragraphs: string[] = [];
  for (const l of lines) {
    const absent = l.parts.flatMap((p) => ('field' in p && !values.has(p.field) ? [p.field] : []));
    if (absent.length > 0) {
      if (!l.optional) for (const f of absent) if (!missing.includes(f) && !invalid.has(f)) missing.push(f);
      continue;
    }
    const only = l.parts.length === 1 ? l.parts[0] : undefined;
    const listValue = only && 'field' in only ? values.get(only.field) : undefined;
    if (listValue && 'items' in listValue) {
      paragraphs.push(...listValue.items);
      continue;
    }
    const text = cleanText(
      l.parts
        .map((p) => {
          if ('text' in p) return p.text;
          const v = values.get(p.field)!;
          return 'text' in v ? v.text : v.items.join('；');
        })
        .join(''),
    );
    if (l.title) title = text;
    else if (text !== '') paragraphs.push(text);
  }
  problems.push(...missing.map((f) => `缺少字段${fieldLabel(f)}`));
  if (problems.length > 0) fail(problems);
  return { title, paragraphs };
}
