/**
 * The catalogue of proactively disclosed information (主动公开): drafting, review and publication.
 *
 *   draft ──submit──▶ in_review (level 1 … n) ──approve at level n──▶ published
 *     ▲                   │ return (any level)
 *     └──── returned ◀────┘
 *   published ──revise──▶ a new draft version (the published one stays public until the new one
 *   is approved, then it is superseded); published ──withdraw──▶ off the public site.
 *
 * Rules (条例第17条, 第26条):
 * - nothing reaches the public without every level of the agency's review chain, each step
 *   recorded with reviewer, time, conclusion and basis (catalogue_reviews, append-only);
 * - nobody reviews their own draft, and nobody decides two levels of the same submission;
 * - the 20-working-day publication clock runs from the day the information was formed or changed;
 *   a version published after it is marked late;
 * - the submitter sees the administrator's word list first: sensitive words block, suspected
 *   mistyped words must be confirmed.
 * Every change checks the item's version (optimistic concurrency) and writes the audit log; a
 * publication or withdrawal updates the search index in the same transaction (search-index.ts).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { agenciesWhere, assertCan, can, ForbiddenError, holds, type Actor } from '../accounts/policy.js';
import { chinaDate } from '../applications/application.service.js';
import { audit } from '../audit/audit.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import { parseIsoDate, formatIsoDate } from '../calendar/date.js';
import type { Db } from '../db/database.js';
import type { AgencyKind, CatalogueVersionState, Database } from '../db/schema.js';
import { ConflictError, NotFoundError, StateError } from '../errors.js';
import { parseInput, ValidationError } from '../validation.js';
import { categoriesFor, lawCategory } from './categories.js';
import { draftSchema, reviewSchema, staffListSchema, submitSchema, updateSchema, versionOnlySchema, withdrawSchema, type UpdateInput } from './catalogue.schema.js';
import { allocateIndexNumber } from './index-number.js';
import { assertMayDecide, deciderOf, levelAgency, storedChain, type ReviewLevel } from './review-chain.js';
import { syncItem } from './search-index.js';
import { findWords, listWords, type WordFinding } from './sensitive.js';

type Trx = Transaction<Database>;
type Q = Kysely<Database> | Trx;

/** 条例第26条: published within 20 working days of being formed or changed. */
export const PUBLICATION_LIMIT_WORKING_DAYS = 20;

export interface CatalogueDeps {
  calendar: WorkCalendar;
  /** The current time (tests fix it). */
  now?: () => Date;
}

/** The versions still being worked on (at most one per item). */
export const OPEN_VERSION_STATES: readonly CatalogueVersionState[] = ['draft', 'in_review', 'returned'];

export const VERSION_STATE_LABELS: Record<CatalogueVersionState, string> = {
  draft: '草稿',
  in_review: '审核中',
  returned: '已退回修改',
  published: '已发布',
  superseded: '已被新版本替代',
  discarded: '已放弃',
};

function clock(deps: CatalogueDeps): { today: string; at: string } {
  const now = deps.now ? deps.now() : new Date();
  return { today: chinaDate(now), at: now.toISOString() };
}

/** The publication due date: 20 working days after the day formed (the calendar's rules, provisional past its data). */
export function publicationDue(calendar: WorkCalendar, formedOn: string): { dueOn: string; provisional: boolean } {
  const start = parseIsoDate(formedOn);
  const due = calendar.addWorkingDays(start, PUBLICATION_LIMIT_WORKING_DAYS, { beyond: 'weekdays' });
  return { dueOn: formatIsoDate(due), provisional: !calendar.coversRange(start, due) };
}

async function agencyOf(db: Q, agencyId: number) {
  const a = await db
    .selectFrom('agencies')
    .select(['id', 'name', 'kind', 'parent_id', 'code', 'review_chain', 'index_pattern'])
    .where('id', '=', agencyId)
    .executeTakeFirst();
  if (!a) throw new ValidationError({ agencyId: '所选机关不存在' });
  return a;
}

function checkCategory(kind: AgencyKind, category: string): void {
  if (!categoriesFor(kind).some((c) => c.id === category)) {
    throw new ValidationError({ category: `「${lawCategory(category)?.label ?? category}」不适用于本机关（条例第21条的事项分别适用于县级以上人民政府和乡镇人民政府）` });
  }
}

function notAfter(field: string, value: string | undefined, today: string, label: string): void {
  if (value && value > today) throw new ValidationError({ [field]: `${label} ${value} 晚于今天（${today}）` });
}

function versionValues(v: Omit<UpdateInput, 'version'>, agencyName: string, calendar: WorkCalendar) {
  const { dueOn, provisional } = publicationDue(calendar, v.formedOn);
  const validity = v.validity ?? 'valid';
  return {
    title: v.title,
    summary: v.summary,
    publisher: v.publisher ?? agencyName,
    doc_number: v.docNumber ?? null,
    written_on: v.writtenOn ?? null,
    category: v.category,
    subject: v.subject,
    disclosure: v.disclosure ?? 'active',
    validity,
    validity_on: validity === 'valid' ? null : (v.validityOn ?? null),
    repealed_by: validity === 'repealed' ? (v.repealedBy ?? null) : null,
    body: v.body ?? '',
    change_note: v.changeNote ?? null,
    formed_on: v.formedOn,
    due_on: dueOn,
    due_provisional: provisional ? 1 : 0,
  };
}

/** A 索引号 typed by hand must be free. */
async function assertIndexNumberFree(db: Q, indexNumber: string, itemId: number | null): Promise<void> {
  const other = await db.selectFrom('catalogue_items').select('id').where('index_number', '=', indexNumber).executeTakeFirst();
  if (other && other.id !== itemId) throw new ValidationError({ indexNumber: `索引号 ${indexNumber} 已被另一条信息使用` });
}

export interface StepResult {
  itemId: number;
  versionId: number;
  /** The item's new version: the next change must send it. */
  version: number;
  state: CatalogueVersionState;
}

/** A new item with its first version as a draft. */
export async function createDraft(db: Db, deps: CatalogueDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(draftSchema, input);
  assertCan(actor, 'handle', v.agencyId);
  const { today, at } = clock(deps);
  notAfter('formedOn', v.formedOn, today, '信息形成（变更）日期');
  notAfter('writtenOn', v.writtenOn, today, '成文日期');
  return db.kysely.transaction().execute(async (trx) => {
    const agency = await agencyOf(trx, v.agencyId);
    checkCategory(agency.kind, v.category);
    if (v.indexNumber) await assertIndexNumberFree(trx, v.indexNumber, null);
    const item = await trx
      .insertInto('catalogue_items')
      .values({ agency_id: v.agencyId, index_number: v.indexNumber ?? null, created_at: at, created_by: actor.userId, updated_at: at })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    const ver = await trx
      .insertInto('catalogue_versions')
      .values({ item_id: item.id, number: 1, state: 'draft', ...versionValues(v, agency.name, deps.calendar), author_id: actor.userId, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, { userId: actor.userId, agencyId: v.agencyId, action: 'catalogue.draft_created', subjectType: 'catalogue_item', subjectId: item.id, details: { versionId: ver.id } });
    return { itemId: item.id, versionId: ver.id, version: item.version, state: 'draft' as const };
  });
}

interface Loaded {
  item: { id: number; agency_id: number; parent_id: number | null; index_number: string | null; published_version_id: number | null; withdrawn_at: string | null; version: number };
  open: Awaited<ReturnType<typeof openVersion>>;
}

async function openVersion(db: Q, itemId: number) {
  return db.selectFrom('catalogue_versions').selectAll().where('item_id', '=', itemId).where('state', 'in', [...OPEN_VERSION_STATES]).executeTakeFirst();
}

/**
 * Loads the item for a change and bumps its version (the optimistic lock: a stale version
 * changes nothing and says so). The actor must be allowed `check` on it.
 */
async function lockItem(trx: Trx, actor: Actor, itemId: number, expected: number, check: (agencyId: number) => void): Promise<Loaded> {
  if (!Number.isSafeInteger(itemId) || itemId < 1) throw new NotFoundError('未找到该信息');
  const item = await trx
    .selectFrom('catalogue_items')
    .innerJoin('agencies', 'agencies.id', 'catalogue_items.agency_id')
    .select(['catalogue_items.id', 'agency_id', 'index_number', 'published_version_id', 'withdrawn_at', 'version', 'agencies.parent_id'])
    .where('catalogue_items.id', '=', itemId)
    .executeTakeFirst();
  // Someone who may not see the item learns nothing, not even that it exists.
  if (!item || !canSee(actor, item)) throw new NotFoundError('未找到该信息');
  check(item.agency_id);
  const bumped = await trx
    .updateTable('catalogue_items')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', itemId)
    .where('version', '=', expected)
    .executeTakeFirst();
  if (Number(bumped.numUpdatedRows) !== 1) throw new ConflictError('该信息已被他人修改，请刷新后重试（您的修改未保存）');
  return { item: { ...item, version: expected + 1 }, open: await openVersion(trx, itemId) };
}

/**
 * Who sees an item's drafts and reviews: whoever may read its agency, and the reviewers and heads
 * of the agency above it (a town reviews its villages' items, a government may review its
 * departments' when their chain says so).
 */
export function canSee(actor: Actor, item: { agency_id: number; parent_id: number | null }): boolean {
  if (can(actor, 'read', item.agency_id)) return true;
  return item.parent_id !== null && (holds(actor, 'reviewer', item.parent_id) || holds(actor, 'head', item.parent_id));
}

const handle = (actor: Actor) => (agencyId: number) => assertCan(actor, 'handle', agencyId);

/** Edits the open version (a draft or a returned one). */
export async function updateDraft(db: Db, deps: CatalogueDeps, actor: Actor, itemId: number, input: unknown): Promise<StepResult> {
  const v = parseInput(updateSchema, input);
  const { today, at } = clock(deps);
  notAfter('formedOn', v.formedOn, today, '信息形成（变更）日期');
  notAfter('writtenOn', v.writtenOn, today, '成文日期');
  return db.kysely.transaction().execute(async (trx) => {
    const { item, open } = await lockItem(trx, actor, itemId, v.version, handle(actor));
    if (!open || open.state === 'in_review') throw new StateError(open ? '该信息正在审核中，不能修改；如需修改请由审核人退回' : '该信息没有可修改的草稿；如需修改已发布的信息，请先“修订”生成新版本');
    const agency = await agencyOf(trx, item.agency_id);
    checkCategory(agency.kind, v.category);
    await trx
      .updateTable('catalogue_versions')
      .set({ ...versionValues(v, agency.name, deps.calendar), updated_at: at })
      .where('id', '=', open.id)
      .execute();
    await trx.updateTable('catalogue_items').set({ updated_at: at }).where('id', '=', item.id).execute();
    await audit(trx, { userId: actor.userId, agencyId: item.agency_id, action: 'catalogue.draft_updated', subjectType: 'catalogue_item', subjectId: item.id, details: { versionId: open.id } });
    return { itemId: item.id, versionId: open.id, version: item.version, state: open.state };
  });
}

/** The words of the administrator's list found in a version (what submit would say). */
export async function checkWords(db: Q, v: { title: string; summary: string; body: string; doc_number: string | null; publisher: string }): Promise<WordFinding[]> {
  const words = await listWords(db);
  if (words.length === 0) return [];
  return findWords({ 名称: v.title, 内容概述: v.summary, 正文: v.body, 文号: v.doc_number, 发布机构: v.publisher }, words);
}


/** Sends the open version into review at level 1, after the word check. */
export async function submit(db: Db, deps: CatalogueDeps, actor: Actor, itemId: number, input: unknown): Promise<StepResult & { findings: WordFinding[] }> {
  const v = parseInput(submitSchema, input);
  const { at } = clock(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const { item, open } = await lockItem(trx, actor, itemId, v.version, handle(actor));
    if (!open || open.state === 'in_review') throw new StateError(open ? '该信息已在审核中' : '该信息没有待提交的草稿');
    const findings = await checkWords(trx, open);
    const sensitive = findings.filter((f) => f.kind === 'sensitive');
    if (sensitive.length) {
      throw new ValidationError({ _form: `含有敏感词，不能提交：${sensitive.map((f) => `「${f.word}」（${f.field}）`).join('、')}。请修改后再提交。` });
    }
    const typos = findings.filter((f) => f.kind === 'typo');
    if (typos.length && !v.confirmWords) {
      throw new ValidationError({
        confirmWords: `发现疑似错别字：${typos.map((f) => `「${f.word}」${f.suggestion ? `应为「${f.suggestion}」` : ''}（${f.field}）`).join('、')}。请核对，确认无误后勾选“已核对”再提交。`,
      });
    }
    const agency = await agencyOf(trx, item.agency_id);
    const chain = storedChain(agency.review_chain, agency.kind);
    const first = chain[0]!;
    const reviewAgency = deciderOf(first, agency);
    await trx
      .updateTable('catalogue_versions')
      .set({
        state: 'in_review',
        chain: JSON.stringify(chain),
        review_level: 1,
        review_round: open.review_round + 1,
        review_agency_id: reviewAgency,
        review_role: first.role,
        submitted_at: at,
        updated_at: at,
      })
      .where('id', '=', open.id)
      .execute();
    await audit(trx, {
      userId: actor.userId,
      agencyId: item.agency_id,
      action: 'catalogue.submitted',
      subjectType: 'catalogue_item',
      subjectId: item.id,
      details: { versionId: open.id, round: open.review_round + 1, typosConfirmed: typos.map((f) => f.word) },
    });
    return { itemId: item.id, versionId: open.id, version: item.version, state: 'in_review' as const, findings };
  });
}

/** One review step on the version in review: approve (next level, or publish at the last) or return. */
export async function review(db: Db, deps: CatalogueDeps, actor: Actor, itemId: number, input: unknown): Promise<StepResult> {
  const v = parseInput(reviewSchema, input);
  const { today, at } = clock(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const { item, open } = await lockItem(trx, actor, itemId, v.version, () => undefined);
    if (!open || open.state !== 'in_review') throw new StateError('该信息不在审核中');
    const agency = await agencyOf(trx, item.agency_id);
    const chain = storedChain(open.chain, agency.kind);
    const level = chain[open.review_level - 1];
    const decision = { level, reviewAgencyId: open.review_agency_id, authorId: open.author_id, ownWork: '不能审核自己起草的信息' };
    assertMayDecide(actor, decision);
    const earlier = await trx
      .selectFrom('catalogue_reviews')
      .select('id')
      .where('version_id', '=', open.id)
      .where('round', '=', open.review_round)
      .where('reviewer_id', '=', actor.userId)
      .executeTakeFirst();
    if (earlier) throw new ForbiddenError('同一人不能审核同一稿件的两个环节');
    await trx
      .insertInto('catalogue_reviews')
      .values({
        version_id: open.id,
        round: open.review_round,
        level: open.review_level,
        level_label: decision.level.label,
        reviewer_id: actor.userId,
        at,
        conclusion: v.conclusion,
        basis: v.basis,
        comment: v.comment ?? null,
      })
      .execute();
    const base = { userId: actor.userId, agencyId: item.agency_id, subjectType: 'catalogue_item', subjectId: item.id } as const;
    let state: CatalogueVersionState;
    if (v.conclusion === 'returned') {
      state = 'returned';
      await trx.updateTable('catalogue_versions').set({ state, review_level: 0, review_agency_id: null, review_role: null, updated_at: at }).where('id', '=', open.id).execute();
      await audit(trx, { ...base, action: 'catalogue.returned', details: { versionId: open.id, level: open.review_level } });
    } else if (open.review_level < chain.length) {
      state = 'in_review';
      const next = chain[open.review_level]!;
      const nextAgency = deciderOf(next, agency);
      await trx
        .updateTable('catalogue_versions')
        .set({ review_level: open.review_level + 1, review_agency_id: nextAgency, review_role: next.role, updated_at: at })
        .where('id', '=', open.id)
        .execute();
      await audit(trx, { ...base, action: 'catalogue.approved_level', details: { versionId: open.id, level: open.review_level } });
    } else {
      state = 'published';
      await publish(trx, { item, version: open, agency, today, at });
      await syncItem({ kysely: trx, dialect: db.dialect }, item.id);
      await audit(trx, { ...base, action: 'catalogue.published', details: { versionId: open.id, number: open.number, late: today > open.due_on } });
    }
    return { itemId: item.id, versionId: open.id, version: item.version, state };
  });
}

async function publish(
  trx: Trx,
  p: {
    item: Loaded['item'];
    version: { id: number; category: string; due_on: string };
    agency: { id: number; code: string | null; index_pattern: string | null };
    today: string;
    at: string;
  },
): Promise<void> {
  let indexNumber = p.item.index_number;
  if (!indexNumber) {
    indexNumber = await allocateIndexNumber(trx, {
      agencyId: p.agency.id,
      agencyCode: p.agency.code,
      pattern: p.agency.index_pattern,
      categoryCode: lawCategory(p.version.category)?.code ?? '99',
      year: Number(p.today.slice(0, 4)),
    });
  }
  if (p.item.published_version_id !== null) {
    await trx.updateTable('catalogue_versions').set({ state: 'superseded', updated_at: p.at }).where('id', '=', p.item.published_version_id).execute();
  }
  await trx
    .updateTable('catalogue_versions')
    .set({ state: 'published', review_level: 0, review_agency_id: null, review_role: null, published_on: p.today, published_at: p.at, published_late: p.today > p.version.due_on ? 1 : 0, updated_at: p.at })
    .where('id', '=', p.version.id)
    .execute();
  await trx
    .updateTable('catalogue_items')
    .set((eb) => ({
      index_number: indexNumber,
      published_version_id: p.version.id,
      first_published_on: eb.fn.coalesce('first_published_on', eb.val(p.today)),
      withdrawn_at: null,
      withdrawn_reason: null,
      updated_at: p.at,
    }))
    .where('id', '=', p.item.id)
    .execute();
}

/** A new draft version of a published item, a copy of the published one formed today. */
export async function revise(db: Db, deps: CatalogueDeps, actor: Actor, itemId: number, input: unknown): Promise<StepResult> {
  const v = parseInput(versionOnlySchema, input);
  const { today, at } = clock(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const { item, open } = await lockItem(trx, actor, itemId, v.version, handle(actor));
    if (open) throw new StateError('该信息已有未发布的新版本，请在该版本上修改');
    if (item.published_version_id === null) throw new StateError('该信息尚未发布，没有可修订的版本');
    const pub = await trx.selectFrom('catalogue_versions').selectAll().where('id', '=', item.published_version_id).executeTakeFirstOrThrow();
    const last = await trx.selectFrom('catalogue_versions').select((eb) => eb.fn.max('number').as('n')).where('item_id', '=', item.id).executeTakeFirstOrThrow();
    const { dueOn, provisional } = publicationDue(deps.calendar, today);
    const ver = await trx
      .insertInto('catalogue_versions')
      .values({
        item_id: item.id,
        number: Number(last.n) + 1,
        state: 'draft',
        title: pub.title,
        summary: pub.summary,
        publisher: pub.publisher,
        doc_number: pub.doc_number,
        written_on: pub.written_on,
        category: pub.category,
        subject: pub.subject,
        disclosure: pub.disclosure,
        validity: pub.validity,
        validity_on: pub.validity_on,
        repealed_by: pub.repealed_by,
        body: pub.body,
        change_note: null,
        formed_on: today,
        due_on: dueOn,
        due_provisional: provisional ? 1 : 0,
        author_id: actor.userId,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The attachments carry over; the new version may replace them.
    const files = await trx.selectFrom('catalogue_files').selectAll().where('version_id', '=', pub.id).execute();
    for (const { id: _id, ...f } of files) await trx.insertInto('catalogue_files').values({ ...f, version_id: ver.id }).execute();
    await audit(trx, { userId: actor.userId, agencyId: item.agency_id, action: 'catalogue.revision_started', subjectType: 'catalogue_item', subjectId: item.id, details: { versionId: ver.id } });
    return { itemId: item.id, versionId: ver.id, version: item.version, state: 'draft' as const };
  });
}

/** Gives up the open version (a draft or a returned one); the published version, if any, stays. */
export async function discard(db: Db, deps: CatalogueDeps, actor: Actor, itemId: number, input: unknown): Promise<StepResult> {
  const v = parseInput(versionOnlySchema, input);
  const { at } = clock(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const { item, open } = await lockItem(trx, actor, itemId, v.version, handle(actor));
    if (!open || open.state === 'in_review') throw new StateError(open ? '审核中的版本不能放弃，请由审核人退回' : '该信息没有草稿可放弃');
    await trx.updateTable('catalogue_versions').set({ state: 'discarded', updated_at: at }).where('id', '=', open.id).execute();
    await audit(trx, { userId: actor.userId, agencyId: item.agency_id, action: 'catalogue.discarded', subjectType: 'catalogue_item', subjectId: item.id, details: { versionId: open.id } });
    return { itemId: item.id, versionId: open.id, version: item.version, state: 'discarded' as const };
  });
}

/**
 * Takes a published item off the public site (its versions and reviews stay). Decided by whoever
 * decides the last level of the agency's review chain, with the reason recorded.
 */
export async function withdraw(db: Db, deps: CatalogueDeps, actor: Actor, itemId: number, input: unknown): Promise<StepResult> {
  const v = parseInput(withdrawSchema, input);
  const { at } = clock(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const { item } = await lockItem(trx, actor, itemId, v.version, () => undefined);
    const agency = await agencyOf(trx, item.agency_id);
    const chain = storedChain(agency.review_chain, agency.kind);
    const last = chain[chain.length - 1]!;
    const decider = levelAgency(last, agency);
    if (decider === null || !holds(actor, last.role, decider)) throw new ForbiddenError(`撤回已发布的信息须由“${last.label}”环节的审核人决定`);
    if (item.published_version_id === null || item.withdrawn_at !== null) throw new StateError('该信息当前未在公开平台发布');
    await trx.updateTable('catalogue_items').set({ withdrawn_at: at, withdrawn_reason: v.reason, updated_at: at }).where('id', '=', item.id).execute();
    await syncItem({ kysely: trx, dialect: db.dialect }, item.id);
    await audit(trx, { userId: actor.userId, agencyId: item.agency_id, action: 'catalogue.withdrawn', subjectType: 'catalogue_item', subjectId: item.id, details: { reason: v.reason } });
    return { itemId: item.id, versionId: item.published_version_id, version: item.version, state: 'published' as const };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading, for staff

export interface StaffItemView {
  item: {
    id: number;
    agencyId: number;
    agencyName: string;
    indexNumber: string | null;
    publishedVersionId: number | null;
    firstPublishedOn: string | null;
    withdrawnAt: string | null;
    withdrawnReason: string | null;
    version: number;
  };
  /** Every version, newest first, with its review steps (oldest first). */
  versions: Array<
    Awaited<ReturnType<typeof versionRows>>[number] & {
      reviews: Array<{ round: number; level: number; levelLabel: string; reviewer: string; at: string; conclusion: string; basis: string; comment: string | null }>;
      files: Array<{ id: number; filename: string; mediaType: string; size: number }>;
      chainLevels: ReviewLevel[];
    }
  >;
  /** What the actor may do now. */
  can: { edit: boolean; submit: boolean; review: boolean; revise: boolean; discard: boolean; withdraw: boolean };
  /** The open version's publication clock: working days left (negative: late), or null. */
  remainingWorkingDays: number | null;
}

function versionRows(db: Q, itemId: number) {
  return db.selectFrom('catalogue_versions as v').innerJoin('users as u', 'u.id', 'v.author_id').selectAll('v').select('u.display_name as author').where('v.item_id', '=', itemId).orderBy('v.number', 'desc').execute();
}

/** The item page of the back office: versions, reviews, files, the clock and the allowed actions. */
export async function getItemForStaff(db: Db, deps: CatalogueDeps, actor: Actor, itemId: number): Promise<StaffItemView> {
  if (!Number.isSafeInteger(itemId) || itemId < 1 || itemId > 2_147_483_647) throw new NotFoundError('未找到该信息');
  const item = await db.kysely
    .selectFrom('catalogue_items as i')
    .innerJoin('agencies as a', 'a.id', 'i.agency_id')
    .select(['i.id', 'i.agency_id', 'i.index_number', 'i.published_version_id', 'i.first_published_on', 'i.withdrawn_at', 'i.withdrawn_reason', 'i.version', 'a.name', 'a.kind', 'a.parent_id', 'a.review_chain'])
    .where('i.id', '=', itemId)
    .executeTakeFirst();
  if (!item || !canSee(actor, item)) throw new NotFoundError('未找到该信息');
  const versions = await versionRows(db.kysely, itemId);
  const ids = versions.map((v) => v.id);
  const [reviews, files] = await Promise.all([
    db.kysely
      .selectFrom('catalogue_reviews as r')
      .innerJoin('users as u', 'u.id', 'r.reviewer_id')
      .select(['r.version_id', 'r.round', 'r.level', 'r.level_label', 'u.display_name', 'r.at', 'r.conclusion', 'r.basis', 'r.comment'])
      .where('r.version_id', 'in', ids)
      .orderBy('r.id')
      .execute(),
    db.kysely.selectFrom('catalogue_files').select(['id', 'version_id', 'filename', 'media_type', 'size']).where('version_id', 'in', ids).orderBy('id').execute(),
  ]);
  const open = versions.find((v) => OPEN_VERSION_STATES.includes(v.state));
  const handles = can(actor, 'handle', item.agency_id);
  const chain = storedChain(item.review_chain, item.kind);
  const last = chain[chain.length - 1]!;
  const decider = levelAgency(last, { id: item.agency_id, parent_id: item.parent_id });
  const { today } = clock(deps);
  let remaining: number | null = null;
  if (open) {
    const t = parseIsoDate(today);
    const due = parseIsoDate(open.due_on);
    remaining = due >= t ? deps.calendar.workingDaysBetween(t, due, { beyond: 'weekdays' }) : -deps.calendar.workingDaysBetween(due, t, { beyond: 'weekdays' });
  }
  const inReview = open?.state === 'in_review';
  return {
    item: {
      id: item.id,
      agencyId: item.agency_id,
      agencyName: item.name,
      indexNumber: item.index_number,
      publishedVersionId: item.published_version_id,
      firstPublishedOn: item.first_published_on,
      withdrawnAt: item.withdrawn_at,
      withdrawnReason: item.withdrawn_reason,
      version: item.version,
    },
    versions: versions.map((v) => ({
      ...v,
      chainLevels: storedChain(v.chain ?? item.review_chain, item.kind),
      reviews: reviews
        .filter((r) => r.version_id === v.id)
        .map((r) => ({ round: r.round, level: r.level, levelLabel: r.level_label, reviewer: r.display_name, at: r.at, conclusion: r.conclusion, basis: r.basis, comment: r.comment })),
      files: files.filter((f) => f.version_id === v.id).map((f) => ({ id: f.id, filename: f.filename, mediaType: f.media_type, size: f.size })),
    })),
    can: {
      edit: handles && !!open && !inReview,
      submit: handles && !!open && !inReview,
      review: !!open && inReview && open.review_agency_id !== null && open.review_role !== null && holds(actor, open.review_role, open.review_agency_id) && open.author_id !== actor.userId,
      revise: handles && !open && item.published_version_id !== null,
      discard: handles && !!open && !inReview,
      withdraw: item.published_version_id !== null && item.withdrawn_at === null && decider !== null && holds(actor, last.role, decider),
    },
    remainingWorkingDays: remaining,
  };
}

export interface StaffListItem {
  id: number;
  agencyName: string;
  indexNumber: string | null;
  title: string;
  versionNumber: number;
  state: CatalogueVersionState;
  reviewLevel: number;
  formedOn: string;
  dueOn: string;
  publishedOn: string | null;
  late: boolean;
  withdrawn: boolean;
}

/**
 * The back office list: each item with its latest version (the open one, else the published
 * one), filtered. 'to_review' lists what the actor can decide now; 'late' what is or was
 * published after its 20 working days, and what is still unpublished past them; 'overdue' only
 * the latter (what still needs doing).
 */
export async function listForStaff(db: Db, deps: CatalogueDeps, actor: Actor, input: unknown): Promise<{ items: StaffListItem[]; total: number; totalCapped: boolean; limit: number; offset: number }> {
  const v = parseInput(staffListSchema, input);
  const filter = v.filter ?? 'open';
  const limit = v.limit ?? 50;
  const offset = v.offset ?? 0;
  const { today } = clock(deps);
  const readable = agenciesWhere(actor, 'read');
  // Reviewers and heads also see the items of the agencies below them that they review.
  const reviewing = [...actor.access.entries()].filter(([, roles]) => roles.has('reviewer') || roles.has('head')).map(([id]) => id);
  const pairs = [...actor.access.entries()].flatMap(([agencyId, roles]) => [...roles].filter((r): r is 'reviewer' | 'head' => r === 'reviewer' || r === 'head').map((role) => [agencyId, role] as const));
  let q = db.kysely
    .selectFrom('catalogue_versions as v')
    .innerJoin('catalogue_items as i', 'i.id', 'v.item_id')
    .innerJoin('agencies as a', 'a.id', 'i.agency_id')
    .where((eb) => {
      const visible = [];
      if (readable.length) visible.push(eb('i.agency_id', 'in', readable));
      if (reviewing.length) visible.push(eb('a.parent_id', 'in', reviewing));
      return visible.length ? eb.or(visible) : eb.val(false);
    })
    // The latest version: the open one if any, else the published one.
    .where((eb) =>
      eb.or([
        eb('v.state', 'in', [...OPEN_VERSION_STATES]),
        eb.and([eb('v.id', '=', eb.ref('i.published_version_id')), eb.not(eb.exists(eb.selectFrom('catalogue_versions as o').select('o.id').where('o.item_id', '=', eb.ref('i.id')).where('o.state', 'in', [...OPEN_VERSION_STATES])))]),
      ]),
    );
  if (filter === 'open') q = q.where('v.state', 'in', [...OPEN_VERSION_STATES]);
  else if (filter === 'published') q = q.where('v.state', '=', 'published');
  else if (filter === 'to_review') {
    q = q.where('v.state', '=', 'in_review').where('v.author_id', '!=', actor.userId);
    q = pairs.length ? q.where((eb) => eb.or(pairs.map(([agencyId, role]) => eb.and([eb('v.review_agency_id', '=', agencyId), eb('v.review_role', '=', role)])))) : q.where(sql<boolean>`1 = 0`);
  } else if (filter === 'late') {
    q = q.where((eb) => eb.or([eb('v.published_late', '=', 1), eb.and([eb('v.state', 'in', [...OPEN_VERSION_STATES]), eb('v.due_on', '<', today)])]));
  } else if (filter === 'overdue') {
    q = q.where('v.state', 'in', [...OPEN_VERSION_STATES]).where('v.due_on', '<', today);
  }
  if (v.q) {
    const like = `%${v.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // ESCAPE: SQLite has no default escape character (PostgreSQL's is the backslash).
    const contains = (col: 'v.title' | 'i.index_number' | 'v.doc_number') => sql<boolean>`${sql.ref(col)} like ${like} escape '\\'`;
    q = q.where((eb) => eb.or([contains('v.title'), contains('i.index_number'), contains('v.doc_number')]));
  }
  const count = await q.select('v.id').limit(1001).execute();
  const rows = await q
    .select(['i.id', 'a.name', 'i.index_number', 'v.title', 'v.number', 'v.state', 'v.review_level', 'v.formed_on', 'v.due_on', 'v.published_on', 'v.published_late', 'i.withdrawn_at'])
    .orderBy('v.due_on')
    .orderBy('i.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return {
    total: Math.min(count.length, 1000),
    totalCapped: count.length > 1000,
    limit,
    offset,
    items: rows.map((r) => ({
      id: r.id,
      agencyName: r.name,
      indexNumber: r.index_number,
      title: r.title,
      versionNumber: r.number,
      state: r.state,
      reviewLevel: r.review_level,
      formedOn: r.formed_on,
      dueOn: r.due_on,
      publishedOn: r.published_on,
      late: r.published_late === 1 || (OPEN_VERSION_STATES.includes(r.state) && r.due_on < today),
      withdrawn: r.withdrawn_at !== null,
    })),
  };
}
