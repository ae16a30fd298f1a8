/**
 * Annual reports uploaded as files (报送): a subordinate agency — or the supervising office on its
 * behalf — uploads its report (.docx, HTML, PDF, text or JSON); it is imported and checked at
 * once; the supervising office (the agency above: its reviewers and heads) then accepts it into
 * its roll-up or returns it to the agency with a note (退回), and the agency uploads a fixed file.
 *
 * States: submitted → accepted | returned; a new upload for the same agency and year supersedes
 * the one still awaiting a decision (a returned one stays returned, with its note, in the history);
 * accepting one supersedes the one accepted before. An
 * acceptance despite error-level findings needs a written reason. The roll-up counts an agency by
 * its accepted file (reports/generate useUploads).
 *
 * The file is read in a worker thread with a time and memory limit (a hostile PDF cannot stall
 * the server) and kept in the file store (its SHA-256 on the row; the garbage collector knows the
 * table). Every step is in the audit log. Someone who may neither see the agency nor decide for
 * it learns nothing: 404.
 */
import { z } from 'zod';
import { can, type Actor } from '../../accounts/policy.js';
import { ForbiddenError } from '../../accounts/policy.js';
import { chinaDate } from '../../applications/application.service.js';
import type { FileStore } from '../../attachments/store.js';
import { safeFilename } from '../../attachments/attachment.service.js';
import { audit } from '../../audit/audit.js';
import type { Db } from '../../db/database.js';
import type { ReportUploadState } from '../../db/schema.js';
import { ConflictError, NotFoundError, StateError } from '../../errors.js';
import { id, int, optionalText, parseInput, ValidationError } from '../../validation.js';
import { checkFiles } from '../batch/pool.js';
import { agencyKey } from '../batch/summary.js';
import { checkReport } from '../checks/index.js';
import { previousPublished } from '../store/annual-report.service.js';
import type { Finding } from '../finding.js';
import { formatForYear } from '../format.js';
import type { ImportFormat } from '../import/index.js';
import { reportToJson, validateReportJson, type Report } from '../report.js';

export interface UploadDeps {
  store: FileStore;
  /** The current time (tests fix it). */
  now?: () => Date;
  /** A file taking longer to read is refused. */
  importTimeoutMs?: number;
}

/** Largest report file accepted (a report is well under 5 MB; a PDF with images more). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const IMPORT_TIMEOUT_MS = 30_000;
export const MAX_NOTE_CHARS = 2000;

export const UPLOAD_STATE_LABELS: Record<ReportUploadState, string> = {
  submitted: '待审核',
  accepted: '已接受',
  returned: '已退回',
  superseded: '已被新文件取代',
};

const MEDIA_TYPES: Record<ImportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html',
  pdf: 'application/pdf',
  text: 'text/plain',
  json: 'application/json',
};
const EXTENSIONS: Record<ImportFormat, string> = { docx: 'docx', html: 'html', pdf: 'pdf', text: 'txt', json: 'json' };

export interface UploadView {
  id: number;
  agency: { id: number; name: string; parentId: number | null; parentName: string | null };
  year: number;
  state: ReportUploadState;
  stateLabel: string;
  fileName: string;
  fileType: string;
  size: number;
  report: Report;
  findings: Finding[];
  notes: string[];
  errors: number;
  warnings: number;
  uploadedBy: { id: number; name: string };
  uploadedAt: string;
  decidedBy: { id: number; name: string } | null;
  decidedAt: string | null;
  decisionNote: string | null;
  version: number;
  /** The other files sent for the same agency and year, newest first. */
  history: { id: number; fileName: string; state: ReportUploadState; stateLabel: string; uploadedAt: string; decisionNote: string | null }[];
  /** The actor may accept or return it (a reviewer or head of the agency above, while submitted). */
  mayDecide: boolean;
  /** The actor may upload a file for this agency and year. */
  mayUpload: boolean;
}

type Q = Db['kysely'];

interface AgencyRow {
  id: number;
  name: string;
  parent_id: number | null;
  parent_name: string | null;
}

async function agencyOf(db: Q, agencyId: number): Promise<AgencyRow | undefined> {
  return db
    .selectFrom('agencies as a')
    .leftJoin('agencies as p', 'p.id', 'a.parent_id')
    .select(['a.id', 'a.name', 'a.parent_id', 'p.name as parent_name'])
    .where('a.id', '=', agencyId)
    .executeTakeFirst();
}

/** Who decides on an agency's uploads: the reviewers and heads of the agency above it. */
export function mayDecide(actor: Actor, agency: { parent_id: number | null }): boolean {
  return agency.parent_id !== null && can(actor, 'review', agency.parent_id);
}

/** Who may upload an agency's report: its own staff, or the office that decides on it. */
export function mayUpload(actor: Actor, agency: { id: number; parent_id: number | null }): boolean {
  return agency.parent_id !== null && (can(actor, 'handle', agency.id) || mayDecide(actor, agency));
}

function maySee(actor: Actor, agency: { id: number; parent_id: number | null }): boolean {
  return can(actor, 'read', agency.id) || mayDecide(actor, agency);
}

function clock(deps: UploadDeps): { today: string; at: string } {
  const now = deps.now?.() ?? new Date();
  return { today: chinaDate(now), at: now.toISOString() };
}

const uploadSchema = z.object({
  agencyId: id('报送机关', { chosen: true }),
  year: int('报告年度', { min: 2019, max: 9999 }),
});

/**
 * Uploads a report file for an agency and year: read, checked, stored, submitted. A file that
 * cannot be read, or that is another year's report, is refused (ValidationError on `file`) and
 * nothing is stored.
 */
export async function uploadReport(db: Db, deps: UploadDeps, actor: Actor, input: unknown, file: { name: string; bytes: Uint8Array } | null): Promise<UploadView> {
  const v = parseInput(uploadSchema, input);
  const { today, at } = clock(deps);
  if (v.year >= Number(today.slice(0, 4))) throw new ValidationError({ year: `${v.year}年度尚未结束，不能报送该年度的报告` });
  const agency = await agencyOf(db.kysely, v.agencyId);
  if (!agency || !maySee(actor, agency)) throw new NotFoundError('未找到该机关');
  if (agency.parent_id === null) throw new ValidationError({ agencyId: `${agency.name}没有上级机关，无需报送年度报告` });
  if (!mayUpload(actor, agency)) throw new ForbiddenError('只有本机关的工作人员或上级机关的审核人、负责人可以报送该机关的年度报告');
  if (!file || file.bytes.length === 0) throw new ValidationError({ file: '请选择报告文件（Word .docx、PDF、网页、文本或报告 JSON）' });
  if (file.bytes.length > MAX_UPLOAD_BYTES) throw new ValidationError({ file: `文件过大（上限 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB）` });

  const [read] = await checkFiles([{ path: { bytes: file.bytes }, shownAs: file.name }], {
    jobs: 1,
    isolate: true,
    timeoutMs: deps.importTimeoutMs ?? IMPORT_TIMEOUT_MS,
    maxBytes: MAX_UPLOAD_BYTES,
  });
  if (!read || read.error !== null || !read.parsed) throw new ValidationError({ file: read?.error ?? '无法读取该文件' });
  const report = read.parsed.report;
  if (report.year !== null && report.year !== v.year) {
    throw new ValidationError({ file: `文件中的报告是${report.year}年度的，不是所选的${v.year}年度；请核对年度或文件` });
  }
  if (report.format !== formatForYear(v.year)) {
    // F1 says so in the findings; the roll-up needs the year's format to add it up.
    throw new ValidationError({ file: `文件使用${report.format}版格式，${v.year}年度的报告应使用${formatForYear(v.year)}版格式（见检查结果 F1）；请改用正确的格式后重新报送` });
  }
  const previous = await previousReport(db.kysely, agency.id, v.year);
  const findings = checkReport(report, { info: read.parsed.info, ...(previous ? { previous } : {}) });
  const notes = [...read.notes];
  if (report.agency && !sameAgency(report.agency, agency.name)) notes.push(`文件标题中的机关为「${report.agency}」，与报送机关「${agency.name}」不一致，请核对`);
  const type = read.fileType!;
  const sha = await deps.store.put(file.bytes);

  const uploadId = await db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('report_uploads')
      .set((eb) => ({ state: 'superseded', version: eb('version', '+', 1) }))
      .where('agency_id', '=', agency.id)
      .where('year', '=', v.year)
      .where('state', '=', 'submitted')
      .execute();
    const errors = findings.filter((f) => f.severity === 'error').length;
    const row = await trx
      .insertInto('report_uploads')
      .values({
        agency_id: agency.id,
        year: v.year,
        state: 'submitted',
        file_name: safeFilename(file.name, EXTENSIONS[type]),
        file_type: type,
        media_type: MEDIA_TYPES[type],
        size: file.bytes.length,
        sha256: sha,
        content: reportToJson(report),
        findings: JSON.stringify(findings),
        notes: JSON.stringify(notes),
        errors,
        warnings: findings.length - errors,
        uploaded_by: actor.userId,
        uploaded_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, {
      userId: actor.userId,
      agencyId: agency.id,
      action: 'report_upload.submit',
      subjectType: 'report_upload',
      subjectId: row.id,
      details: { year: v.year, fileType: type, size: file.bytes.length, errors, warnings: findings.length - errors },
    });
    return row.id;
  });
  return getUpload(db, actor, uploadId);
}

const decideSchema = z.object({
  version: int('版本', { min: 1 }),
  decision: z.enum(['accept', 'return'], { error: '请选择接受或退回' }),
  note: optionalText('说明', MAX_NOTE_CHARS),
});

/** Accepts an upload into the roll-up, or returns it to the agency with a note. */
export async function decideUpload(db: Db, deps: UploadDeps, actor: Actor, uploadId: number, input: unknown): Promise<UploadView> {
  const v = parseInput(decideSchema, input);
  const { at } = clock(deps);
  await db.kysely.transaction().execute(async (trx) => {
    const u = await trx.selectFrom('report_uploads').selectAll().where('id', '=', uploadId).executeTakeFirst();
    const agency = u ? await agencyOf(trx, u.agency_id) : undefined;
    if (!u || !agency || !maySee(actor, agency)) throw new NotFoundError('未找到该报送文件');
    if (!mayDecide(actor, agency)) throw new ForbiddenError('只有上级机关的审核人或负责人可以接受或退回报送的报告');
    if (u.version !== v.version) throw new ConflictError('该报送文件已被他人处理或已有新文件，请刷新后查看（您的决定未保存）');
    if (u.state !== 'submitted') throw new StateError(`该文件${UPLOAD_STATE_LABELS[u.state]}，不能再${v.decision === 'accept' ? '接受' : '退回'}`);
    if (v.decision === 'return' && !v.note) throw new ValidationError({ note: '退回时请写明需要修改的内容' });
    if (v.decision === 'accept' && u.errors > 0 && !v.note) {
      throw new ValidationError({ note: `该报告有 ${u.errors} 项错误；如仍要接受，请写明理由（否则请退回修改）` });
    }
    const bumped = await trx
      .updateTable('report_uploads')
      .set({ state: v.decision === 'accept' ? 'accepted' : 'returned', decided_by: actor.userId, decided_at: at, decision_note: v.note ?? null, version: u.version + 1 })
      .where('id', '=', u.id)
      .where('version', '=', v.version)
      .executeTakeFirst();
    if (Number(bumped.numUpdatedRows) !== 1) throw new ConflictError('该报送文件已被他人处理，请刷新后查看（您的决定未保存）');
    if (v.decision === 'accept') {
      await trx
        .updateTable('report_uploads')
        .set((eb) => ({ state: 'superseded', version: eb('version', '+', 1) }))
        .where('agency_id', '=', u.agency_id)
        .where('year', '=', u.year)
        .where('state', '=', 'accepted')
        .where('id', '<>', u.id)
        .execute();
    }
    await audit(trx, {
      userId: actor.userId,
      agencyId: u.agency_id,
      action: v.decision === 'accept' ? 'report_upload.accept' : 'report_upload.return',
      subjectType: 'report_upload',
      subjectId: u.id,
      details: { year: u.year, errors: u.errors, withNote: !!v.note },
    });
  });
  return getUpload(db, actor, uploadId);
}

export async function getUpload(db: Db, actor: Actor, uploadId: number): Promise<UploadView> {
  if (!Number.isSafeInteger(uploadId) || uploadId < 1) throw new NotFoundError('未找到该报送文件');
  const u = await db.kysely
    .selectFrom('report_uploads as r')
    .innerJoin('agencies as a', 'a.id', 'r.agency_id')
    .leftJoin('agencies as p', 'p.id', 'a.parent_id')
    .innerJoin('users as up', 'up.id', 'r.uploaded_by')
    .leftJoin('users as d', 'd.id', 'r.decided_by')
    .selectAll('r')
    .select(['a.name as agency_name', 'a.parent_id', 'p.name as parent_name', 'up.display_name as uploader_name', 'd.display_name as decider_name'])
    .where('r.id', '=', uploadId)
    .executeTakeFirst();
  const agency = u ? { id: u.agency_id, parent_id: u.parent_id } : null;
  if (!u || !agency || !maySee(actor, agency)) throw new NotFoundError('未找到该报送文件');
  const others = await db.kysely
    .selectFrom('report_uploads')
    .select(['id', 'file_name', 'state', 'uploaded_at', 'decision_note'])
    .where('agency_id', '=', u.agency_id)
    .where('year', '=', u.year)
    .where('id', '<>', u.id)
    .orderBy('id', 'desc')
    .execute();
  return {
    id: u.id,
    agency: { id: u.agency_id, name: u.agency_name, parentId: u.parent_id, parentName: u.parent_name },
    year: u.year,
    state: u.state,
    stateLabel: UPLOAD_STATE_LABELS[u.state],
    fileName: u.file_name,
    fileType: u.file_type,
    size: u.size,
    report: validateReportJson(JSON.parse(u.content)),
    findings: JSON.parse(u.findings) as Finding[],
    notes: JSON.parse(u.notes) as string[],
    errors: u.errors,
    warnings: u.warnings,
    uploadedBy: { id: u.uploaded_by, name: u.uploader_name },
    uploadedAt: u.uploaded_at,
    decidedBy: u.decided_by !== null ? { id: u.decided_by, name: u.decider_name ?? '' } : null,
    decidedAt: u.decided_at,
    decisionNote: u.decision_note,
    version: u.version,
    history: others.map((o) => ({ id: o.id, fileName: o.file_name, state: o.state, stateLabel: UPLOAD_STATE_LABELS[o.state], uploadedAt: o.uploaded_at, decisionNote: o.decision_note })),
    mayDecide: u.state === 'submitted' && mayDecide(actor, agency),
    mayUpload: mayUpload(actor, agency),
  };
}

export interface UploadListRow {
  id: number;
  agencyId: number;
  agencyName: string;
  year: number;
  state: ReportUploadState;
  stateLabel: string;
  fileName: string;
  errors: number;
  warnings: number;
  uploadedBy: string;
  uploadedAt: string;
  mayDecide: boolean;
}

/** The year's uploads the actor may see (of its agencies, and of those it decides on), newest first; superseded ones left out. */
export async function listUploads(db: Db, actor: Actor, year: number): Promise<UploadListRow[]> {
  const rows = await db.kysely
    .selectFrom('report_uploads as r')
    .innerJoin('agencies as a', 'a.id', 'r.agency_id')
    .innerJoin('users as up', 'up.id', 'r.uploaded_by')
    .select(['r.id', 'r.agency_id', 'a.name', 'a.parent_id', 'r.year', 'r.state', 'r.file_name', 'r.errors', 'r.warnings', 'up.display_name', 'r.uploaded_at'])
    .where('r.year', '=', year)
    .where('r.state', '<>', 'superseded')
    .orderBy('r.uploaded_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
  return rows
    .filter((r) => maySee(actor, { id: r.agency_id, parent_id: r.parent_id }))
    .map((r) => ({
      id: r.id,
      agencyId: r.agency_id,
      agencyName: r.name,
      year: r.year,
      state: r.state,
      stateLabel: UPLOAD_STATE_LABELS[r.state],
      fileName: r.file_name,
      errors: r.errors,
      warnings: r.warnings,
      uploadedBy: r.display_name,
      uploadedAt: r.uploaded_at,
      mayDecide: r.state === 'submitted' && mayDecide(actor, { parent_id: r.parent_id }),
    }));
}

/** The agencies the actor may upload a report for (with a supervising agency above them). */
export async function uploadableAgencies(db: Db, actor: Actor): Promise<{ id: number; name: string }[]> {
  const rows = await db.kysely.selectFrom('agencies').select(['id', 'name', 'parent_id']).where('parent_id', 'is not', null).orderBy('id').execute();
  return rows.filter((a) => mayUpload(actor, a)).map((a) => ({ id: a.id, name: a.name }));
}

/** The uploaded file, for download (audited). */
export async function openUploadFile(db: Db, deps: UploadDeps, actor: Actor, uploadId: number, ip: string | null) {
  const view = await getUpload(db, actor, uploadId);
  const row = await db.kysely.selectFrom('report_uploads').select(['sha256', 'media_type']).where('id', '=', uploadId).executeTakeFirstOrThrow();
  await audit(db.kysely, { userId: actor.userId, agencyId: view.agency.id, action: 'report_upload.download', subjectType: 'report_upload', subjectId: uploadId, ip });
  return { stream: await deps.store.open(row.sha256), fileName: view.fileName, mediaType: row.media_type, size: view.size };
}

/** Last year's report of the agency, for T5, T6 and P2: published in the system, or an accepted upload. */
async function previousReport(db: Q, agencyId: number, year: number): Promise<Report | undefined> {
  const published = await previousPublished(db, agencyId, year);
  if (published) return published;
  const uploaded = await db.selectFrom('report_uploads').select('content').where('agency_id', '=', agencyId).where('year', '=', year - 1).where('state', '=', 'accepted').executeTakeFirst();
  return uploaded ? validateReportJson(JSON.parse(uploaded.content)) : undefined;
}

/** The same agency, written two ways (市中区永安镇人民政府 / 永安镇政府). */
function sameAgency(a: string, b: string): boolean {
  const x = agencyKey(a);
  const y = agencyKey(b);
  return x.includes(y) || y.includes(x);
}
