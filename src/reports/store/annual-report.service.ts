/**
 * Annual reports kept in the system: generated from the records, prose written by staff, checked,
 * reviewed through the agency's review chain, published, changed afterwards only as a new version
 * with a public change note.
 *
 *   (none) ──create──▶ draft ──submit──▶ in_review (level 1 … n) ──approve at level n──▶ published
 *                        ▲                    │ return (any level)
 *                        └──── returned ◀─────┘
 *   published ──revise──▶ a new draft version (the published one stays public until the new one is
 *   approved; it is then superseded and the public page lists both with the change note).
 *
 * Rules:
 * - Tables 二, 三, 四 are never typed: they are computed from the records (src/reports/generate)
 *   when the report is created and whenever staff regenerate the open version; only the prose
 *   sections 一, 五, 六 are edited. Figures the system has no records for are entered separately,
 *   with their source, and flow in at the next generation.
 * - The checks (DOMAIN.md §4.5) run on every view and at submission: F/C/T/P from checkReport with
 *   last year's published report, D1 (deadline: 31 March for a government's own report, 31 January
 *   for every other agency), D2 (a later version needs a change note), R1 (table 三 still equals
 *   what the records give). A version with an error-level finding is submitted, and published,
 *   only with an override reason written by the submitter; the reason is kept with the version.
 * - Nobody reviews their own version or decides two levels of one submission.
 * Every change checks the report's version (optimistic concurrency) and writes the audit log.
 */
import type { Kysely, Transaction } from 'kysely';
import { assertCan, can, ForbiddenError, holds, agenciesWhere, type Actor } from '../../accounts/policy.js';
import { APPLICATION_AGENCY_KINDS } from '../../agencies/agency.repository.js';
import { chinaDate } from '../../applications/application.service.js';
import { audit } from '../../audit/audit.js';
import { assertMayDecide, deciderOf, storedChain } from '../../catalogue/review-chain.js';
import type { Db } from '../../db/database.js';
import type { AgencyKind, AnnualReportVersionState, Database } from '../../db/schema.js';
import { ConflictError, NotFoundError, StateError } from '../../errors.js';
import { parseInput, ValidationError } from '../../validation.js';
import { checkReport } from '../checks/index.js';
import { RULES, sortFindings, type Finding } from '../finding.js';
import { formatForYear } from '../format.js';
import { generateReport, generateRollup, type AgencyRef, type GeneratedReport } from '../generate/index.js';
import { canonicalReport, validateReportJson, type Report } from '../report.js';
import { createSchema, proseSchema, reviewSchema, submitSchema, versionOnlySchema } from './annual-report.schema.js';

type Trx = Transaction<Database>;
type Q = Kysely<Database> | Trx;

export interface AnnualReportDeps {
  /** The current time (tests fix it). */
  now?: () => Date;
}

export const OPEN_STATES: readonly AnnualReportVersionState[] = ['draft', 'in_review', 'returned'];

export const VERSION_STATE_LABELS: Record<AnnualReportVersionState, string> = {
  draft: '草稿',
  in_review: '审核中',
  returned: '已退回修改',
  published: '已公布',
  superseded: '已被新版本替代',
};

/** Where an agency's report for a year stands (the supervisor's and the list's view). */
export type ReportStatus = 'not_started' | 'draft' | 'in_review' | 'returned' | 'published' | 'late';

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  not_started: '未开始',
  draft: '编制中',
  in_review: '审核中',
  returned: '已退回修改',
  published: '已公布',
  late: '逾期未公布',
};

function clock(deps: AnnualReportDeps): { today: string; at: string } {
  const now = deps.now?.() ?? new Date();
  return { today: chinaDate(now), at: now.toISOString() };
}

/**
 * The publication deadline of an agency's report for `year` (条例第49条; rule D1): a government's
 * own report by 31 March of the next year, every other agency's (departments, towns, streets,
 * villages) by 31 January.
 */
export function reportDeadline(kind: AgencyKind, year: number): string {
  return kind === 'government' ? `${year + 1}-03-31` : `${year + 1}-01-31`;
}

/** The tables of an agency's report, with the agencies they cover when they are a roll-up. */
export type ReportTables = GeneratedReport & { rollup: { included: AgencyRef[]; missing: AgencyRef[] } | null };

/**
 * Generates an agency's tables: a government's report covers its region (its own records and
 * every subordinate agency's, summed: the roll-up, with the agencies included and those
 * missing); any other agency's report its own records.
 */
export async function generateFor(db: Db, agencyId: number, year: number): Promise<ReportTables> {
  const a = await db.kysely.selectFrom('agencies').select('kind').where('id', '=', agencyId).executeTakeFirst();
  if (a?.kind === 'government') {
    const r = await generateRollup(db, { agencyId, year });
    return { ...r, rollup: { included: r.included, missing: r.missing } };
  }
  return { ...(await generateReport(db, { agencyId, year })), rollup: null };
}

async function agencyOf(db: Q, agencyId: number) {
  const a = await db.selectFrom('agencies').select(['id', 'name', 'kind', 'parent_id', 'review_chain']).where('id', '=', agencyId).executeTakeFirst();
  if (!a) throw new NotFoundError('未找到该机关');
  return a;
}

/** Who sees a report's drafts and reviews: whoever reads its agency, and the reviewers and heads above it. */
function canSee(actor: Actor, agency: { id: number; parent_id: number | null }): boolean {
  if (can(actor, 'read', agency.id)) return true;
  return agency.parent_id !== null && (holds(actor, 'reviewer', agency.parent_id) || holds(actor, 'head', agency.parent_id));
}

function parseContent(json: string): Report {
  return validateReportJson(JSON.parse(json));
}

/** Last year's published report of the agency (T5, T6, P2), if the system holds it. */
export async function previousPublished(db: Q, agencyId: number, year: number): Promise<Report | undefined> {
  const row = await db
    .selectFrom('annual_reports as r')
    .innerJoin('annual_report_versions as v', 'v.id', 'r.published_version_id')
    .select('v.content')
    .where('r.agency_id', '=', agencyId)
    .where('r.year', '=', year - 1)
    .executeTakeFirst();
  return row ? parseContent(row.content) : undefined;
}

function finding(rule: 'D1' | 'D2' | 'R1', message: string, at: { section?: Finding['section']; row?: string } = {}): Finding {
  return {
    rule,
    severity: RULES[rule].severity,
    section: at.section ?? null,
    row: at.row ?? null,
    column: null,
    labels: { section: at.section === '3' ? '三、收到和处理政府信息公开申请情况' : null, row: null, column: null },
    message,
  };
}

/**
 * Every finding on a version's content: the report checks, plus D1 (past the deadline and not
 * published in time), D2 (a later version without a change note) and R1 (table 三 differs from
 * what the records give now).
 */
export async function findingsFor(
  db: Db,
  p: { agency: { id: number; kind: AgencyKind }; year: number; content: Report; number: number; changeNote: string | null; publishedOn: string | null; today: string },
  fresh?: Report,
  /** Inside a transaction: its connection (SQLite has one; a query outside it would wait forever). */
  q: Q = db.kysely,
): Promise<Finding[]> {
  const previous = await previousPublished(q, p.agency.id, p.year);
  const out = checkReport(p.content, previous ? { previous } : {});
  const deadline = reportDeadline(p.agency.kind, p.year);
  const on = p.publishedOn ?? p.today;
  if (on > deadline) {
    out.push(finding('D1', p.publishedOn ? `${p.publishedOn}公布，晚于法定期限${deadline}` : `已过法定公布期限${deadline}，尚未公布`));
  }
  if (p.number > 1 && !p.changeNote) out.push(finding('D2', '公布后修改须写明修改说明，并作为新版本公布'));
  const records = fresh ?? (await generateFor(db, p.agency.id, p.year)).report;
  const differs = Object.keys(records.applications).filter((row) => JSON.stringify(records.applications[row]) !== JSON.stringify(p.content.applications[row]));
  if (differs.length) {
    out.push(finding('R1', `表三与系统中的案件记录不一致（第${differs.join('、')}行），请重新生成表格`, { section: '3', row: differs[0]! }));
  }
  return sortFindings(out);
}

// --- operations ---------------------------------------------------------------------------------

export interface StepResult {
  reportId: number;
  versionId: number;
  /** The report's new version (for the next change). */
  version: number;
  state: AnnualReportVersionState;
}

interface Loaded {
  report: { id: number; agency_id: number; year: number; format: string; published_version_id: number | null; version: number };
  agency: Awaited<ReturnType<typeof agencyOf>>;
  open: Awaited<ReturnType<typeof openVersion>>;
}

async function openVersion(db: Q, reportId: number) {
  return db.selectFrom('annual_report_versions').selectAll().where('report_id', '=', reportId).where('state', 'in', [...OPEN_STATES]).executeTakeFirst();
}

/** Loads a report for a change and bumps its version (a stale version changes nothing and says so). */
async function lockReport(trx: Trx, actor: Actor, reportId: number, expected: number, check: (agencyId: number) => void): Promise<Loaded> {
  if (!Number.isSafeInteger(reportId) || reportId < 1) throw new NotFoundError('未找到该年度报告');
  const report = await trx.selectFrom('annual_reports').select(['id', 'agency_id', 'year', 'format', 'published_version_id', 'version']).where('id', '=', reportId).executeTakeFirst();
  if (!report) throw new NotFoundError('未找到该年度报告');
  const agency = await agencyOf(trx, report.agency_id);
  if (!canSee(actor, agency)) throw new NotFoundError('未找到该年度报告');
  check(report.agency_id);
  const bumped = await trx
    .updateTable('annual_reports')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', reportId)
    .where('version', '=', expected)
    .executeTakeFirst();
  if (Number(bumped.numUpdatedRows) !== 1) throw new ConflictError('该年度报告已被他人修改，请刷新后重试（您的修改未保存）');
  return { report: { ...report, version: expected + 1 }, agency, open: await openVersion(trx, reportId) };
}

const handle = (actor: Actor) => (agencyId: number) => assertCan(actor, 'handle', agencyId);

/** The prose of a new report: empty sections (section 六 reminds of the fees in the form). */
const EMPTY_PROSE: Report['sections'] = { '1': '', '5': '', '6': '' };

/** The columns of a new draft version that do not depend on its content (no review yet). */
function draftVersion(actor: Actor, at: string) {
  return {
    state: 'draft' as const,
    change_note: null,
    findings: null,
    override_reason: null,
    chain: null,
    review_agency_id: null,
    review_role: null,
    author_id: actor.userId,
    created_at: at,
    updated_at: at,
    submitted_at: null,
    published_on: null,
    published_at: null,
  };
}

/** Starts an agency's report for a year: tables generated from the records, prose empty. */
export async function createReport(db: Db, deps: AnnualReportDeps, actor: Actor, input: unknown): Promise<StepResult> {
  const v = parseInput(createSchema, input);
  const { today, at } = clock(deps);
  if (v.year > Number(today.slice(0, 4))) throw new ValidationError({ year: '不能编制尚未开始的年度的报告' });
  assertCan(actor, 'handle', v.agencyId);
  const agency = await agencyOf(db.kysely, v.agencyId);
  if (!APPLICATION_AGENCY_KINDS.includes(agency.kind)) {
    throw new ValidationError({ agencyId: `「${agency.name}」不是行政机关，不单独编制政府信息公开工作年度报告，其数字由所属乡镇人民政府或街道办事处填报` });
  }
  const generated = await generateFor(db, v.agencyId, v.year);
  const conflict = () => new ConflictError(`该机关${v.year}年度的报告已经创建，请在原报告上继续编制`);
  return db.kysely.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('annual_reports').select('id').where('agency_id', '=', v.agencyId).where('year', '=', v.year).executeTakeFirst();
    if (existing) throw conflict();
    const report = await trx
      .insertInto('annual_reports')
      .values({ agency_id: v.agencyId, year: v.year, format: formatForYear(v.year)!, published_version_id: null, created_at: at, updated_at: at })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    const content: Report = canonicalReport({ ...generated.report, sections: { ...EMPTY_PROSE } });
    const version = await trx
      .insertInto('annual_report_versions')
      .values({
        ...draftVersion(actor, at),
        report_id: report.id,
        number: 1,
        content: JSON.stringify(content),
        sources: JSON.stringify(generated.sources ?? null),
        generated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, { userId: actor.userId, agencyId: v.agencyId, action: 'report.created', subjectType: 'annual_report', subjectId: report.id, details: { year: v.year } });
    return { reportId: report.id, versionId: version.id, version: Number(report.version), state: 'draft' as const };
  }).catch((e: unknown) => {
    // Two creations at once: the second one meets the unique (agency, year) constraint.
    if (isUniqueViolation(e)) throw conflict();
    throw e;
  });
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_UNIQUE' || (typeof err.message === 'string' && err.message.includes('UNIQUE constraint failed'));
}

function assertEditable(open: Loaded['open']): asserts open is NonNullable<Loaded['open']> {
  if (!open) throw new StateError('该年度报告没有正在编制的版本（已公布的报告请先“修订”生成新版本）');
  if (open.state === 'in_review') throw new StateError('该年度报告正在审核中，不能修改');
}

/** Recomputes the open version's tables from the records (the prose is kept). */
export async function regenerate(db: Db, deps: AnnualReportDeps, actor: Actor, reportId: number, input: unknown): Promise<StepResult> {
  const v = parseInput(versionOnlySchema, input);
  const { at } = clock(deps);
  const peek = await db.kysely.selectFrom('annual_reports').select(['agency_id', 'year']).where('id', '=', reportId).executeTakeFirst();
  if (!peek) throw new NotFoundError('未找到该年度报告');
  const generated = await generateFor(db, peek.agency_id, peek.year);
  return db.kysely.transaction().execute(async (trx) => {
    const { report, open } = await lockReport(trx, actor, reportId, v.version, handle(actor));
    assertEditable(open);
    const old = parseContent(open.content);
    const content = canonicalReport({ ...generated.report, sections: old.sections });
    await trx
      .updateTable('annual_report_versions')
      .set({ content: JSON.stringify(content), sources: JSON.stringify(generated.sources ?? null), generated_at: at, updated_at: at })
      .where('id', '=', open.id)
      .execute();
    await audit(trx, { userId: actor.userId, agencyId: report.agency_id, action: 'report.regenerated', subjectType: 'annual_report', subjectId: report.id, details: { versionId: open.id } });
    return { reportId: report.id, versionId: open.id, version: report.version, state: open.state };
  });
}

/** Saves the prose sections 一, 五, 六 of the open version. */
export async function saveProse(db: Db, deps: AnnualReportDeps, actor: Actor, reportId: number, input: unknown): Promise<StepResult> {
  const v = parseInput(proseSchema, input);
  const { at } = clock(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const { report, open } = await lockReport(trx, actor, reportId, v.version, handle(actor));
    assertEditable(open);
    const content = parseContent(open.content);
    content.sections = { '1': v.section1.trim(), '5': v.section5.trim(), '6': v.section6.trim() };
    await trx.updateTable('annual_report_versions').set({ content: JSON.stringify(canonicalReport(content)), updated_at: at }).where('id', '=', open.id).execute();
    await audit(trx, { userId: actor.userId, agencyId: report.agency_id, action: 'report.edited', subjectType: 'annual_report', subjectId: report.id, details: { versionId: open.id } });
    return { reportId: report.id, versionId: open.id, version: report.version, state: open.state };
  });
}

/** Names the error-level findings in one sentence (for messages). */
function errorList(findings: readonly Finding[]): string {
  return findings
    .filter((f) => f.severity === 'error')
    .map((f) => `${f.rule} ${f.message}`)
    .join('；');
}

/**
 * Sends the open version into review at level 1. Error-level findings block it unless the
 * submitter writes why it must go ahead (kept with the version and shown to reviewers); a version
 * after the first needs its change note.
 */
export async function submit(db: Db, deps: AnnualReportDeps, actor: Actor, reportId: number, input: unknown): Promise<StepResult & { findings: Finding[] }> {
  const v = parseInput(submitSchema, input);
  const { today, at } = clock(deps);
  const peek = await db.kysely.selectFrom('annual_reports').select(['agency_id', 'year']).where('id', '=', reportId).executeTakeFirst();
  if (!peek) throw new NotFoundError('未找到该年度报告');
  const fresh = (await generateFor(db, peek.agency_id, peek.year)).report;
  return db.kysely.transaction().execute(async (trx) => {
    const { report, agency, open } = await lockReport(trx, actor, reportId, v.version, handle(actor));
    assertEditable(open);
    if (open.number > 1 && !v.changeNote) throw new ValidationError({ changeNote: '已公布的报告再次公布须写明修改说明（将随新版本公开）' });
    const content = parseContent(open.content);
    const findings = await findingsFor(db, { agency, year: report.year, content, number: open.number, changeNote: v.changeNote ?? null, publishedOn: null, today }, fresh, trx);
    const errors = errorList(findings);
    if (errors && !v.overrideReason) {
      throw new ValidationError({ overrideReason: `报告有错误，不能提交：${errors}。请修正；确需提交的，须写明理由。` });
    }
    const chain = storedChain(agency.review_chain, agency.kind);
    const first = chain[0]!;
    const reviewAgency = deciderOf(first, agency);
    await trx
      .updateTable('annual_report_versions')
      .set({
        state: 'in_review',
        chain: JSON.stringify(chain),
        review_level: 1,
        review_round: open.review_round + 1,
        review_agency_id: reviewAgency,
        review_role: first.role,
        findings: JSON.stringify(findings),
        override_reason: errors ? v.overrideReason! : null,
        change_note: v.changeNote ?? null,
        submitted_at: at,
        updated_at: at,
      })
      .where('id', '=', open.id)
      .execute();
    await audit(trx, {
      userId: actor.userId,
      agencyId: report.agency_id,
      action: 'report.submitted',
      subjectType: 'annual_report',
      subjectId: report.id,
      details: { versionId: open.id, round: open.review_round + 1, errors: findings.filter((f) => f.severity === 'error').map((f) => f.rule), override: errors ? v.overrideReason : null },
    });
    return { reportId: report.id, versionId: open.id, version: report.version, state: 'in_review' as const, findings };
  });
}

/** One review step: approve (next level, or publish at the last) or return for changes. */
export async function review(db: Db, deps: AnnualReportDeps, actor: Actor, reportId: number, input: unknown): Promise<StepResult> {
  const v = parseInput(reviewSchema, input);
  const { today, at } = clock(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const { report, agency, open } = await lockReport(trx, actor, reportId, v.version, () => undefined);
    if (!open || open.state !== 'in_review') throw new StateError('该年度报告不在审核中');
    const chain = storedChain(open.chain, agency.kind);
    const level = chain[open.review_level - 1];
    const decision = { level, reviewAgencyId: open.review_agency_id, authorId: open.author_id, ownWork: '不能审核自己编制的报告' };
    assertMayDecide(actor, decision);
    const earlier = await trx
      .selectFrom('annual_report_reviews')
      .select('id')
      .where('version_id', '=', open.id)
      .where('round', '=', open.review_round)
      .where('reviewer_id', '=', actor.userId)
      .executeTakeFirst();
    if (earlier) throw new ForbiddenError('同一人不能审核同一稿件的两个环节');
    await trx
      .insertInto('annual_report_reviews')
      .values({ version_id: open.id, round: open.review_round, level: open.review_level, level_label: decision.level.label, reviewer_id: actor.userId, at, conclusion: v.conclusion, basis: v.basis, comment: v.comment ?? null })
      .execute();
    const base = { userId: actor.userId, agencyId: report.agency_id, subjectType: 'annual_report', subjectId: report.id } as const;
    let state: AnnualReportVersionState;
    if (v.conclusion === 'returned') {
      state = 'returned';
      await trx.updateTable('annual_report_versions').set({ state, review_level: 0, review_agency_id: null, review_role: null, updated_at: at }).where('id', '=', open.id).execute();
      await audit(trx, { ...base, action: 'report.returned', details: { versionId: open.id, level: open.review_level } });
    } else if (open.review_level < chain.length) {
      state = 'in_review';
      const next = chain[open.review_level]!;
      const nextAgency = deciderOf(next, agency);
      await trx.updateTable('annual_report_versions').set({ review_level: open.review_level + 1, review_agency_id: nextAgency, review_role: next.role, updated_at: at }).where('id', '=', open.id).execute();
      await audit(trx, { ...base, action: 'report.approved_level', details: { versionId: open.id, level: open.review_level } });
    } else {
      // The content cannot change in review; the deadline can pass meanwhile (D1 is an error).
      const late = today > reportDeadline(agency.kind, report.year);
      if (late && !open.override_reason) {
        throw new StateError(`已过法定公布期限${reportDeadline(agency.kind, report.year)}：请退回编制人，由其写明逾期理由后重新提交`);
      }
      state = 'published';
      if (report.published_version_id !== null) {
        await trx.updateTable('annual_report_versions').set({ state: 'superseded', updated_at: at }).where('id', '=', report.published_version_id).execute();
      }
      await trx
        .updateTable('annual_report_versions')
        .set({ state, review_level: 0, review_agency_id: null, review_role: null, published_on: today, published_at: at, published_late: late ? 1 : 0, updated_at: at })
        .where('id', '=', open.id)
        .execute();
      await trx.updateTable('annual_reports').set({ published_version_id: open.id, updated_at: at }).where('id', '=', report.id).execute();
      await audit(trx, { ...base, action: 'report.published', details: { versionId: open.id, number: open.number, late } });
    }
    return { reportId: report.id, versionId: open.id, version: report.version, state };
  });
}

/** A new draft version of a published report: a copy of the published one, tables regenerated later by staff. */
export async function revise(db: Db, deps: AnnualReportDeps, actor: Actor, reportId: number, input: unknown): Promise<StepResult> {
  const v = parseInput(versionOnlySchema, input);
  const { at } = clock(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const { report, open } = await lockReport(trx, actor, reportId, v.version, handle(actor));
    if (open) throw new StateError('该年度报告已有未公布的新版本，请在该版本上修改');
    if (report.published_version_id === null) throw new StateError('该年度报告尚未公布，没有可修订的版本');
    const pub = await trx.selectFrom('annual_report_versions').selectAll().where('id', '=', report.published_version_id).executeTakeFirstOrThrow();
    const last = await trx.selectFrom('annual_report_versions').select((eb) => eb.fn.max('number').as('n')).where('report_id', '=', report.id).executeTakeFirstOrThrow();
    const created = await trx
      .insertInto('annual_report_versions')
      .values({
        report_id: report.id,
        ...draftVersion(actor, at),
        number: Number(last.n) + 1,
        content: pub.content,
        sources: pub.sources,
        generated_at: pub.generated_at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, { userId: actor.userId, agencyId: report.agency_id, action: 'report.revised', subjectType: 'annual_report', subjectId: report.id, details: { versionId: created.id } });
    return { reportId: report.id, versionId: created.id, version: report.version, state: 'draft' as const };
  });
}

// --- reading ------------------------------------------------------------------------------------

export interface StaffReportView {
  report: { id: number; agencyId: number; agencyName: string; agencyKind: AgencyKind; year: number; format: string; version: number; deadline: string; status: ReportStatus };
  /** The version being worked on, else the published one. */
  current: { id: number; number: number; state: AnnualReportVersionState; content: Report; sources: unknown; generatedAt: string; changeNote: string | null; overrideReason: string | null; submittedFindings: Finding[] | null; authorId: number; reviewLevel: number; reviewLabel: string | null; publishedOn: string | null };
  /** The checks on the current version, now. */
  findings: Finding[];
  /** Last year's published prose (shown beside the editor), if any. */
  previousSections: Report['sections'] | null;
  versions: { id: number; number: number; state: AnnualReportVersionState; changeNote: string | null; publishedOn: string | null; late: boolean }[];
  reviews: { versionNumber: number; round: number; level: number; levelLabel: string; reviewer: string; at: string; conclusion: string; basis: string; comment: string | null }[];
  /**
   * The records as they are now (the same generation R1 compares with): the facts the prose
   * reports (information-processing fees, section 六), reminders and data warnings.
   */
  records: Pick<ReportTables, 'facts' | 'reminders' | 'warnings' | 'rollup'>;
  /** What the actor may do now. */
  may: { edit: boolean; submit: boolean; review: boolean; revise: boolean };
}

type OpenState = 'draft' | 'in_review' | 'returned';

/** Where a report stands on `today` (the list, the report page and the supervision dashboard). */
export function reportStatus(p: { published: boolean; open: AnnualReportVersionState | null; deadline: string; today: string }): ReportStatus {
  if (p.published) return 'published';
  if (p.today > p.deadline) return 'late';
  return p.open && OPEN_STATES.includes(p.open) ? (p.open as OpenState) : 'not_started';
}

export async function getReportForStaff(db: Db, deps: AnnualReportDeps, actor: Actor, reportId: number): Promise<StaffReportView> {
  const { today } = clock(deps);
  if (!Number.isSafeInteger(reportId) || reportId < 1) throw new NotFoundError('未找到该年度报告');
  const report = await db.kysely.selectFrom('annual_reports').selectAll().where('id', '=', reportId).executeTakeFirst();
  if (!report) throw new NotFoundError('未找到该年度报告');
  const agency = await agencyOf(db.kysely, report.agency_id);
  if (!canSee(actor, agency)) throw new NotFoundError('未找到该年度报告');
  const versions = await db.kysely.selectFrom('annual_report_versions').selectAll().where('report_id', '=', reportId).orderBy('number', 'asc').execute();
  const open = versions.find((x) => OPEN_STATES.includes(x.state));
  const cur = open ?? versions.find((x) => x.id === report.published_version_id) ?? versions[versions.length - 1]!;
  const content = parseContent(cur.content);
  const fresh = await generateFor(db, agency.id, report.year);
  const findings = await findingsFor(db, { agency, year: report.year, content, number: cur.number, changeNote: cur.change_note, publishedOn: cur.published_on, today }, fresh.report);
  const previous = await previousPublished(db.kysely, agency.id, report.year);
  const reviews = await db.kysely
    .selectFrom('annual_report_reviews as r')
    .innerJoin('annual_report_versions as v', 'v.id', 'r.version_id')
    .innerJoin('users as u', 'u.id', 'r.reviewer_id')
    .select(['v.number', 'r.round', 'r.level', 'r.level_label', 'r.reviewer_id', 'u.display_name', 'r.at', 'r.conclusion', 'r.basis', 'r.comment'])
    .where('v.report_id', '=', reportId)
    .orderBy('r.id', 'asc')
    .execute();
  const chain = cur.chain ? storedChain(cur.chain, agency.kind) : null;
  const deadline = reportDeadline(agency.kind, report.year);
  const mayHandle = can(actor, 'handle', agency.id);
  // As review() decides: the level's role where it is held, not the author, not twice in one round.
  const decidedThisRound = reviews.some((r) => r.number === cur.number && r.round === cur.review_round && r.reviewer_id === actor.userId);
  const mayReview =
    cur.state === 'in_review' &&
    cur.review_agency_id !== null &&
    cur.review_role !== null &&
    holds(actor, cur.review_role, cur.review_agency_id) &&
    cur.author_id !== actor.userId &&
    !decidedThisRound;
  return {
    report: {
      id: report.id,
      agencyId: agency.id,
      agencyName: agency.name,
      agencyKind: agency.kind,
      year: report.year,
      format: report.format,
      version: Number(report.version),
      deadline,
      status: reportStatus({ published: report.published_version_id !== null, open: open?.state ?? null, deadline, today }),
    },
    current: {
      id: cur.id,
      number: cur.number,
      state: cur.state,
      content,
      sources: cur.sources ? (JSON.parse(cur.sources) as unknown) : null,
      generatedAt: cur.generated_at,
      changeNote: cur.change_note,
      overrideReason: cur.override_reason,
      submittedFindings: cur.findings ? (JSON.parse(cur.findings) as Finding[]) : null,
      authorId: cur.author_id,
      reviewLevel: cur.review_level,
      reviewLabel: chain && cur.review_level > 0 ? (chain[cur.review_level - 1]?.label ?? null) : null,
      publishedOn: cur.published_on,
    },
    findings,
    previousSections: previous?.sections ?? null,
    versions: versions.map((x) => ({ id: x.id, number: x.number, state: x.state, changeNote: x.change_note, publishedOn: x.published_on, late: x.published_late === 1 })),
    reviews: reviews.map((r) => ({ versionNumber: r.number, round: r.round, level: r.level, levelLabel: r.level_label, reviewer: r.display_name, at: r.at, conclusion: r.conclusion, basis: r.basis, comment: r.comment })),
    records: { facts: fresh.facts, reminders: fresh.reminders, warnings: fresh.warnings, rollup: fresh.rollup },
    may: {
      edit: mayHandle && !!open && open.state !== 'in_review',
      submit: mayHandle && !!open && open.state !== 'in_review',
      review: mayReview,
      revise: mayHandle && !open && report.published_version_id !== null,
    },
  };
}

export interface ReportListRow {
  agencyId: number;
  agencyName: string;
  agencyKind: AgencyKind;
  year: number;
  reportId: number | null;
  status: ReportStatus;
  deadline: string;
  publishedOn: string | null;
  publishedLate: boolean;
  /** A version waiting for this actor's review. */
  awaitingMe: boolean;
}

/**
 * The reports of a year for every agency the actor reads (and those whose review the actor
 * decides): status against the deadline. Agencies without a report show as not started, or late
 * once the deadline has passed.
 */
export async function listReports(db: Db, deps: AnnualReportDeps, actor: Actor, year: number): Promise<ReportListRow[]> {
  const { today } = clock(deps);
  if (!Number.isInteger(year) || year < 2019 || year > 2100) throw new ValidationError({ year: '年度有误' });
  const readable = agenciesWhere(actor, 'read');
  const reviewing = [...actor.access.entries()].filter(([, roles]) => roles.has('reviewer') || roles.has('head')).map(([id]) => id);
  // Administrative organs only: villages and communities do not report (their town does).
  const agencies = await db.kysely
    .selectFrom('agencies')
    .select(['id', 'name', 'kind', 'parent_id'])
    .where('kind', 'in', [...APPLICATION_AGENCY_KINDS])
    .where((eb) => eb.or([eb('id', 'in', readable.length ? readable : [0]), eb('parent_id', 'in', reviewing.length ? reviewing : [0])]))
    .orderBy('id')
    .execute();
  if (!agencies.length) return [];
  const reports = await db.kysely
    .selectFrom('annual_reports as r')
    .leftJoin('annual_report_versions as p', 'p.id', 'r.published_version_id')
    .select(['r.id', 'r.agency_id', 'p.published_on', 'p.published_late'])
    .where('r.year', '=', year)
    .where(
      'r.agency_id',
      'in',
      agencies.map((a) => a.id),
    )
    .execute();
  const open = reports.length
    ? await db.kysely
        .selectFrom('annual_report_versions')
        .select(['id', 'report_id', 'state', 'review_agency_id', 'review_role', 'review_round', 'author_id'])
        .where(
          'report_id',
          'in',
          reports.map((r) => r.id),
        )
        .where('state', 'in', [...OPEN_STATES])
        .execute()
    : [];
  const byAgency = new Map(reports.map((r) => [r.agency_id, r]));
  const openBy = new Map(open.map((o) => [o.report_id, o]));
  // Versions in review whose current round the actor has already decided a level of (not again).
  const inReview = open.filter((o) => o.state === 'in_review');
  const decided = inReview.length
    ? new Set(
        (
          await db.kysely
            .selectFrom('annual_report_reviews')
            .select(['version_id', 'round'])
            .where(
              'version_id',
              'in',
              inReview.map((o) => o.id),
            )
            .where('reviewer_id', '=', actor.userId)
            .execute()
        ).map((x) => `${x.version_id}:${x.round}`),
      )
    : new Set<string>();
  return agencies.map((a) => {
    const r = byAgency.get(a.id);
    const o = r ? openBy.get(r.id) : undefined;
    const deadline = reportDeadline(a.kind, year);
    return {
      agencyId: a.id,
      agencyName: a.name,
      agencyKind: a.kind,
      year,
      reportId: r?.id ?? null,
      status: reportStatus({ published: !!r?.published_on, open: o?.state ?? null, deadline, today }),
      deadline,
      publishedOn: r?.published_on ?? null,
      publishedLate: r?.published_late === 1,
      awaitingMe:
        !!o &&
        o.state === 'in_review' &&
        o.review_agency_id !== null &&
        o.review_role !== null &&
        holds(actor, o.review_role, o.review_agency_id) &&
        o.author_id !== actor.userId &&
        !decided.has(`${o.id}:${o.review_round}`),
    };
  });
}

// --- public -------------------------------------------------------------------------------------

export interface PublicReportListRow {
  agencyId: number;
  agencyName: string;
  year: number;
  publishedOn: string;
  versionNumber: number;
}

/** Published reports of these agencies, newest year first (the portal's 年报 column). */
export async function publishedReports(db: Q, agencyIds: readonly number[]): Promise<PublicReportListRow[]> {
  if (!agencyIds.length) return [];
  const rows = await db
    .selectFrom('annual_reports as r')
    .innerJoin('annual_report_versions as v', 'v.id', 'r.published_version_id')
    .innerJoin('agencies as a', 'a.id', 'r.agency_id')
    .select(['r.agency_id', 'a.name', 'r.year', 'v.published_on', 'v.number'])
    .where('r.agency_id', 'in', [...agencyIds])
    .where('v.state', '=', 'published')
    .orderBy('r.year', 'desc')
    .orderBy('r.agency_id', 'asc')
    .execute();
  return rows.map((r) => ({ agencyId: r.agency_id, agencyName: r.name, year: r.year, publishedOn: r.published_on!, versionNumber: r.number }));
}

export interface PublicReport {
  agencyId: number;
  agencyName: string;
  year: number;
  content: Report;
  publishedOn: string;
  /** Every published version, newest first, with its change note (D2). */
  history: { number: number; publishedOn: string; changeNote: string | null; current: boolean }[];
}

/** The published report of an agency and year (its one canonical public page), or undefined. */
export async function publicReport(db: Q, agencyId: number, year: number): Promise<PublicReport | undefined> {
  if (!Number.isSafeInteger(agencyId) || !Number.isSafeInteger(year)) return undefined;
  const r = await db
    .selectFrom('annual_reports as r')
    .innerJoin('annual_report_versions as v', 'v.id', 'r.published_version_id')
    .innerJoin('agencies as a', 'a.id', 'r.agency_id')
    .select(['r.id', 'a.name', 'v.content', 'v.published_on'])
    .where('r.agency_id', '=', agencyId)
    .where('r.year', '=', year)
    .where('v.state', '=', 'published')
    .executeTakeFirst();
  if (!r) return undefined;
  const history = await db
    .selectFrom('annual_report_versions')
    .select(['number', 'published_on', 'change_note', 'state'])
    .where('report_id', '=', r.id)
    .where('state', 'in', ['published', 'superseded'])
    .where('published_on', 'is not', null)
    .orderBy('number', 'desc')
    .execute();
  return {
    agencyId,
    agencyName: r.name,
    year,
    content: parseContent(r.content),
    publishedOn: r.published_on!,
    history: history.map((h) => ({ number: h.number, publishedOn: h.published_on!, changeNote: h.change_note, current: h.state === 'published' })),
  };
}
