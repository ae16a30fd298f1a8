/**
 * Input validation shared by the HTML forms and the JSON API: zod 4 with Chinese messages.
 *
 * - `z.config(z.locales.zhCN())` is applied once here, so zod's own fallback messages are Chinese
 *   wherever a schema gives none; the field builders below give friendlier messages that name the
 *   field (请填写申请人姓名, 联系电话不能超过30个字 …).
 * - The builders accept what an HTML form sends (every value a string, empty optional fields as
 *   '') as well as typed JSON: numbers may arrive as digit strings, optional fields as '' or
 *   missing, booleans as 'on' / 'true' / '1'.
 * - `parseInput` throws a ValidationError carrying `{field: message}` for forms (fieldErrors).
 */
import { z } from 'zod';
import { DateFormatError, formatIsoDate, parseUserDate } from './calendar/date.js';

z.config(z.locales.zhCN());

/** Invalid input: one Chinese message per field (dotted path; '_form' for the whole input). */
export class ValidationError extends Error {
  readonly status = 422;
  constructor(readonly fields: Readonly<Record<string, string>>) {
    super(`输入有误：${Object.values(fields).join('；')}`);
    this.name = 'ValidationError';
  }
}

/** The first message per field of a ZodError, keyed by the dotted path ('_form' for the root). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_form';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

/** Parses input with a schema; throws ValidationError (Chinese, per field) when it does not fit. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(fieldErrors(r.error));
  return r.data;
}

// ---------------------------------------------------------------------------------------------
// Field builders

const missing = (iss: { input?: unknown }) => iss.input === undefined || iss.input === null;

/** '' and white space from a form mean "not given". */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A required text field: trimmed, 1..max characters. */
export function text(label: string, max: number, opts: { min?: number } = {}) {
  const min = opts.min ?? 1;
  return z
    .string({ error: (iss) => (missing(iss) ? `请填写${label}` : `${label}应为文字`) })
    .trim()
    .min(1, `请填写${label}`)
    .min(min, `${label}至少应有${min}个字`)
    .max(max, `${label}不能超过${max}个字`);
}

/** An optional text field: '' and white space become undefined. */
export function optionalText(label: string, max: number) {
  return z.preprocess(
    blankToUndefined,
    z
      .string({ error: `${label}应为文字` })
      .trim()
      .max(max, `${label}不能超过${max}个字`)
      .optional(),
  );
}

const INT = /^\s*\d{1,15}\s*$/;

/** A whole number (a JSON number or a form's digit string) within [min, max]. */
export function int(label: string, opts: { min?: number; max?: number; chosen?: boolean } = {}) {
  const min = opts.min ?? 0;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return z.preprocess(
    (v) => (typeof v === 'string' && INT.test(v) ? Number(v) : v),
    z
      .number({ error: (iss) => (missing(iss) || iss.input === '' ? `${opts.chosen ? '请选择' : '请填写'}${label}` : `${label}应为整数`) })
      .int(`${label}应为整数`)
      .min(min, `${label}不能小于${min}`)
      .max(max, `${label}不能大于${max}`),
  );
}

export function optionalInt(label: string, opts: { min?: number; max?: number } = {}) {
  return z.preprocess(blankToUndefined, int(label, opts).optional());
}

/** Largest id a database integer column holds (PostgreSQL `integer`). */
export const MAX_ID = 2_147_483_647;

/**
 * An id: a positive whole number a database integer column can hold (beyond it, no such record).
 * `chosen`: the form offers a list to choose from, so a missing one says 请选择 rather than 请填写.
 */
export function id(label: string, opts: { chosen?: boolean } = {}) {
  return int(label, { min: 1, ...opts }).refine((v) => v <= MAX_ID, `所选${label}不存在`);
}

/**
 * A calendar date as ISO text. Accepts what people type (2025-01-20, 2025/1/20, 2025年1月20日,
 * full-width digits) and returns YYYY-MM-DD; impossible dates (2025-02-30) are refused.
 */
export function date(label: string) {
  return z
    .string({ error: (iss) => (missing(iss) ? `请填写${label}` : `${label}应为日期文字（YYYY-MM-DD）`) })
    .trim()
    .min(1, `请填写${label}`)
    .max(20, `${label}格式不对（应为 YYYY-MM-DD，例如 2025-01-20）`)
    .transform((s, ctx) => {
      try {
        return formatIsoDate(parseUserDate(s));
      } catch (e) {
        if (!(e instanceof DateFormatError)) throw e;
        ctx.addIssue({ code: 'custom', message: `${label}：${e.message}` });
        return z.NEVER;
      }
    });
}

export function optionalDate(label: string) {
  return z.preprocess(blankToUndefined, date(label).optional());
}

/** One of fixed values, with their Chinese labels in the message. */
export function choice<const T extends string>(label: string, labels: Readonly<Record<T, string>>) {
  const values = Object.keys(labels) as [T, ...T[]];
  const list = values.map((v) => `${labels[v]}（${v}）`).join('、');
  return z.enum(values, {
    error: (iss) => (missing(iss) || iss.input === '' ? `请选择${label}` : `${label}「${String(iss.input)}」无效，应为：${list}`),
  });
}

export function optionalChoice<const T extends string>(label: string, labels: Readonly<Record<T, string>>) {
  return z.preprocess(blankToUndefined, choice(label, labels).optional());
}

/** A checkbox: JSON true/false, or a form's 'on' / 'true' / '1' (absent = false). */
export function flag(label: string) {
  return z.preprocess(
    (v) => (v === undefined || v === '' ? false : v === 'on' || v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
    z.boolean({ error: `${label}应为是或否` }),
  );
}

/** A rule across fields: returns a message when the input breaks it, else null. */
export interface CrossFieldRule {
  /** The field the message is shown on. */
  path: string;
  /** Receives the object as parsed so far: fields that failed may hold their raw input. */
  check: (value: Readonly<Record<string, unknown>>) => string | null;
}

/**
 * Adds rules across fields to an object schema. Unlike zod's default they run even when single
 * fields failed, so a form shows every problem at once.
 */
export function crossField<S extends z.ZodType>(schema: S, rules: readonly CrossFieldRule[]): S {
  let s = schema;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const rule of rules) {
    s = s.refine((value: unknown) => !isObject(value) || rule.check(value) === null, {
      path: [rule.path],
      error: (iss) => (isObject(iss.input) ? rule.check(iss.input) : null) ?? '输入有误',
      when: (payload) => isObject(payload.value),
    }) as S;
  }
  return s;
}
