/**
 * The review chain of an agency's catalogue items (条例第17条: everything is reviewed before it is
 * published): one to three levels, each naming the role that decides it and where that role is
 * held — in the item's own agency, or in its parent (a village's items are reviewed by the town).
 * The chain is fixed on a version when it is submitted, so changing the setting does not move
 * versions already in review.
 */
import { z } from 'zod';
import type { AgencyKind } from '../db/schema.js';
import { parseInput } from '../validation.js';

export interface ReviewLevel {
  /** Shown in the timeline: 部门审核, 分管领导审批 … */
  label: string;
  role: 'reviewer' | 'head';
  at: 'self' | 'parent';
}

export const MAX_REVIEW_LEVELS = 3;

export function defaultChain(kind: AgencyKind): ReviewLevel[] {
  if (kind === 'village' || kind === 'community') {
    return [
      { label: '乡镇（街道）审核', role: 'reviewer', at: 'parent' },
      { label: '乡镇（街道）负责人审批', role: 'head', at: 'parent' },
    ];
  }
  return [
    { label: '部门负责人审核', role: 'reviewer', at: 'self' },
    { label: '分管领导审批', role: 'head', at: 'self' },
  ];
}

const levelSchema = z.object({
  label: z.string({ error: '请填写审核环节名称' }).trim().min(1, '请填写审核环节名称').max(20, '审核环节名称不能超过20个字'),
  role: z.enum(['reviewer', 'head'], { error: '审核角色只能是审核人或负责人' }),
  at: z.enum(['self', 'parent'], { error: '审核机关只能是本机关或上级机关' }),
});

export const chainSchema = z
  .array(levelSchema, { error: '审核流程格式有误' })
  .min(1, '审核流程至少要有一级')
  .max(MAX_REVIEW_LEVELS, `审核流程最多${MAX_REVIEW_LEVELS}级`);

/** Validates a chain (form or API input); ValidationError in Chinese. */
export function parseChain(input: unknown): ReviewLevel[] {
  return parseInput(chainSchema, input);
}

/** The chain stored on an agency or a version (JSON), else the default for the kind. */
export function storedChain(json: string | null, kind: AgencyKind): ReviewLevel[] {
  if (!json) return defaultChain(kind);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return defaultChain(kind);
  }
  const r = chainSchema.safeParse(value);
  return r.success ? r.data : defaultChain(kind);
}
