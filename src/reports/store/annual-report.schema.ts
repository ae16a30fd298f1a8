/** Inputs of the annual report's operations (forms and API alike), with Chinese messages per field. */
import { z } from 'zod';
import { REVIEW_CONCLUSIONS } from '../../catalogue/catalogue.schema.js';
import { choice, crossField, id, int, optionalText, text } from '../../validation.js';

/** The first year the 2019 条例 (and its report format) applies to. */
export const FIRST_REPORT_YEAR = 2019;

/** Longest prose section kept (a report's section 一 runs to a few thousand characters). */
export const MAX_SECTION_CHARS = 50_000;

export const createSchema = z.object({ agencyId: id('机关', { chosen: true }), year: int('年度', { min: FIRST_REPORT_YEAR, max: 2100 }) });

export const versionOnlySchema = z.object({ version: int('版本号', { min: 1 }) });

const section = (label: string) => z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string({ error: `${label}应为文字` }).max(MAX_SECTION_CHARS, `${label}不能超过${MAX_SECTION_CHARS}个字`));

export const proseSchema = z.object({
  version: int('版本号', { min: 1 }),
  section1: section('一、总体情况'),
  section5: section('五、存在的主要问题及改进情况'),
  section6: section('六、其他需要报告的事项'),
});
export type ProseInput = z.output<typeof proseSchema>;

export const submitSchema = z.object({
  version: int('版本号', { min: 1 }),
  changeNote: optionalText('修改说明', 1000),
  overrideReason: optionalText('带错误提交的理由', 1000),
});

export const reviewSchema = crossField(
  z.object({
    version: int('版本号', { min: 1 }),
    conclusion: choice('审核结论', REVIEW_CONCLUSIONS),
    basis: text('审查依据', 500),
    comment: optionalText('审核意见', 2000),
  }),
  [{ path: 'comment', check: (v) => (v.conclusion === 'returned' && !v.comment ? '退回修改须写明需要修改的内容' : null) }],
);
