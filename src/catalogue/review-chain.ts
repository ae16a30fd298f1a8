/**
 * The review chain of an agency's catalogue items (条例第17条: everything is reviewed before it is
 * published): one to three levels, each naming the role that decides it and where that role is
 * held — in the item's own agency, or in its parent (a village's items are reviewed by the town).
 * The chain is fixed on a version when it is submitted, so changing the setting does not move
 * versions already in review.
 */
import { z } from 'zod';
import { ForbiddenError, holds, type Actor } from '../accounts/policy.js';
import type { AgencyKind } from '../db/schema.js';
import { StateError } from '../errors.js';
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

/** The agency that decides a level for a record of `agency`: itself, or its parent (null: it has none). */
export function levelAgency(level: ReviewLevel, agency: { id: number; parent_id: number | null }): number | null {
  return level.at === 'self' ? agency.id : agency.parent_id;
}

/** The agency that decides a level; a StateError when the level is at the parent of an agency without one. */
export function deciderOf(level: ReviewLevel, agency: { id: number; parent_id: number | null }): number {
  const id = levelAgency(level, agency);
  if (id === null) throw new StateError(`审核流程的“${level.label}”由上级机关审核，但本机关没有上级机关：请管理员调整审核流程`);
  return id;
}

/**
 * Checks that the actor may decide the level awaiting review (catalogue items and annual reports
 * alike): they hold its role where it is decided, and did not write what is reviewed (`ownWork`
 * is the message then). Whether they decided another level of the same round is the caller's
 * query (its own reviews table).
 */
export function assertMayDecide(
  actor: Actor,
  p: { level: ReviewLevel | undefined; reviewAgencyId: number | null; authorId: number; ownWork: string },
): asserts p is { level: ReviewLevel; reviewAgencyId: number; authorId: number; ownWork: string } {
  const { level } = p;
  if (!level || p.reviewAgencyId === null || !holds(actor, level.role, p.reviewAgencyId)) {
    throw new ForbiddenError(`“${level?.label ?? '审核'}”环节须由${level?.at === 'parent' ? '上级机关' : '本机关'}的${level?.role === 'head' ? '负责人' : '审核人'}审核`);
  }
  if (p.authorId === actor.userId) throw new ForbiddenError(p.ownWork);
}
