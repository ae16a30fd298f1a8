/** Inputs of the catalogue's operations (forms and API alike), with Chinese messages per field. */
import { z } from 'zod';
import { choice, crossField, date, flag, id, int, optionalChoice, optionalDate, optionalText, text } from '../validation.js';
import { DISCLOSURE_LABELS, LAW_CATEGORIES, SUBJECTS, VALIDITY_LABELS } from './categories.js';
import { MANUAL_INDEX_NUMBER } from './index-number.js';

export const CATEGORY_LABELS = Object.fromEntries(LAW_CATEGORIES.map((c) => [c.id, c.label])) as Record<string, string>;
export const SUBJECT_LABELS = Object.fromEntries(SUBJECTS.map((s) => [s, s])) as Record<string, string>;

/** Longest body kept in the database (longer texts belong in an attachment). */
export const MAX_BODY_CHARS = 200_000;

const indexNumber = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z
    .string({ error: '索引号应为文字' })
    .trim()
    .regex(MANUAL_INDEX_NUMBER, '索引号只能由字母、数字和 - _ / . 组成，3到60个字符（留空则发布时自动生成）')
    .optional(),
);

/** The fields of a version, as a clerk fills them in. */
const versionFields = {
  title: text('名称', 200),
  summary: text('内容概述', 1000),
  publisher: optionalText('发布机构', 100),
  docNumber: optionalText('文号', 100),
  writtenOn: optionalDate('成文日期'),
  category: choice('信息类别', CATEGORY_LABELS),
  subject: choice('主题分类', SUBJECT_LABELS),
  disclosure: optionalChoice('公开属性', DISCLOSURE_LABELS),
  validity: optionalChoice('有效性', VALIDITY_LABELS),
  validityOn: optionalDate('有效性变更日期'),
  repealedBy: optionalText('废止文件', 200),
  body: optionalText('正文', MAX_BODY_CHARS),
  changeNote: optionalText('修改说明', 500),
  formedOn: date('信息形成（变更）日期'),
};

const versionRules = [
  {
    path: 'validityOn',
    check: (v: Readonly<Record<string, unknown>>) => (v.validity && v.validity !== 'valid' && !v.validityOn ? '失效或废止的信息须填写有效性变更日期' : null),
  },
  {
    path: 'repealedBy',
    check: (v: Readonly<Record<string, unknown>>) => (v.validity === 'repealed' && !v.repealedBy ? '废止的信息须填写废止它的文件（名称或文号）' : null),
  },
];

export const draftSchema = crossField(z.object({ agencyId: id('机关', { chosen: true }), indexNumber, ...versionFields }), versionRules);
export type DraftInput = z.output<typeof draftSchema>;

/** Editing the open version: the item's version for optimistic concurrency. */
export const updateSchema = crossField(z.object({ version: int('版本号', { min: 1 }), ...versionFields }), versionRules);
export type UpdateInput = z.output<typeof updateSchema>;

export const submitSchema = z.object({ version: int('版本号', { min: 1 }), confirmWords: flag('已核对疑似错别字') });

export const REVIEW_CONCLUSIONS = { approved: '同意', returned: '退回修改' } as const;

export const reviewSchema = crossField(
  z.object({
    version: int('版本号', { min: 1 }),
    conclusion: choice('审核结论', REVIEW_CONCLUSIONS),
    basis: text('审查依据', 500),
    comment: optionalText('审核意见', 2000),
  }),
  [{ path: 'comment', check: (v) => (v.conclusion === 'returned' && !v.comment ? '退回修改须写明需要修改的内容' : null) }],
);

export const versionOnlySchema = z.object({ version: int('版本号', { min: 1 }) });

export const withdrawSchema = z.object({ version: int('版本号', { min: 1 }), reason: text('撤回理由', 500) });

export const wordSchema = z.object({
  word: text('词语', 50),
  kind: choice('类型', { sensitive: '敏感词', typo: '易错词' }),
  suggestion: optionalText('正确写法', 50),
});

export const STAFF_FILTERS = { open: '未发布', to_review: '待我审核', overdue: '超期未发布', published: '已发布', late: '超期（含超期发布）', all: '全部' } as const;

export const staffListSchema = z.object({
  filter: optionalChoice('范围', STAFF_FILTERS),
  q: optionalText('搜索', 100),
  limit: int('每页条数', { min: 1, max: 200 }).optional(),
  offset: int('起始位置', { min: 0, max: 1_000_000 }).optional(),
});

export const formedOnField = date('信息形成（变更）日期');
