/**
 * The back office of the annual reports (政府信息公开工作年度报告), server-rendered and working
 * without JavaScript:
 *
 *   GET  /admin/reports?year=YYYY            the year's reports of every agency the user reads
 *                                            (default: last year), with a button to start one
 *   POST /admin/reports                      start (agencyId, year) → 303 to the report; errors
 *                                            re-render the list (422, 403, 409)
 *   GET  /admin/reports/:id                  the report page (views/reports/report.tsx)
 *   POST /admin/reports/:id/{prose,regenerate,entries,submit,review,revise}
 *                                            one operation → 303 back with ?done=…; a refused form
 *                                            re-renders the page with what was typed: 422 with the
 *                                            field messages, 409 when the report changed
 *                                            meanwhile (nothing saved), 403 when not allowed
 *   GET  /admin/reports/:id/export/:format   the version the page shows, as docx | pdf | html |
 *                                            xlsx | json (drafts too; audited)
 *
 * The report service (reports/store/annual-report.service.ts) decides everything: who may see,
 * edit, submit, review; versions; states. A report the user may not see answers 404, as if it did
 * not exist. The entered figures of section 二 (reports/generate entries.ts) are saved only by
 * those who may edit the report's open version, then the tables are regenerated. Publication
 * renders the public PDF into the portal's cache in the background (routes/portal-reports.tsx).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { agenciesWhere, can, ForbiddenError, type Actor } from '../../accounts/policy.js';
import { chinaDate } from '../../applications/application.service.js';
import { audit } from '../../audit/audit.js';
import { ConflictError, StateError } from '../../errors.js';
import type { FormatId } from '../../reports/format.js';
import { exportReport } from '../../reports/export/index.js';
import { CellValueError, clearReportEntry, listReportEntries, parseCellValue, proactiveCells, setReportEntry, type ReportEntryView } from '../../reports/generate/index.js';
import { FIRST_REPORT_YEAR, MAX_SECTION_CHARS, versionOnlySchema } from '../../reports/store/annual-report.schema.js';
import * as service from '../../reports/store/annual-report.service.js';
import type { AnnualReportDeps, StaffReportView } from '../../reports/store/annual-report.service.js';
import { parseInput, ValidationError } from '../../validation.js';
import { clientIp, requireActor, sendPage } from '../app.js';
import { HttpError } from '../errors.js';
import { formValues } from '../views/applications/fields.js';
import { parseId } from '../views/catalogue/desk.js';
import { exportFailure, parseFormat, sendExport } from '../views/reports/downloads.js';
import { ReportsListPage } from '../views/reports/list.js';
import { entryFields, ReportPage, type ReportForm, type ReportSubmission } from '../views/reports/report.js';
import { warmPublishedPdf } from './portal-reports.js';

declare module '../app.js' {
  interface AppDeps {
    /** Render a report's public PDF into the cache when it is published (default true; tests turn it off). */
    reportPdfWarm?: boolean;
  }
}

/**
 * The body limit of the prose form: three sections of MAX_SECTION_CHARS Chinese characters, 9 bytes
 * each URL-encoded, with the other fields. Other forms keep the app's small default.
 */
export const PROSE_BODY_LIMIT = Math.ceil((3 * MAX_SECTION_CHARS * 9) / (1024 * 1024) + 1) * 1024 * 1024;

const DONE: Record<string, string> = {
  created: '已创建报告：第二、三、四部分的表格已根据系统记录生成。请撰写第一、五、六部分，录入系统中没有记录的数字，然后提交审核。',
  prose: '已保存文字，检查结果已按保存的内容更新。',
  regenerate: '已按当前的记录重新生成表格。',
  entries: '已保存录入的数字，表格已重新生成。',
  entries_none: '录入的数字没有变化。',
  submit: '已提交审核。',
  approved: '审核同意，已送下一级审核。',
  published: '审核同意，报告已在公开平台公布。',
  returned: '已退回修改，编制人修改后可重新提交。',
  revise: '已生成新版本草稿：修改后提交审核，公布时须写明修改说明。已公布的版本在新版本公布前仍然公开。',
};

const FORMS: readonly ReportForm[] = ['prose', 'regenerate', 'entries', 'submit', 'review', 'revise'];
const isForm = (s: unknown): s is ReportForm => typeof s === 'string' && (FORMS as readonly string[]).includes(s);

/** The status of a domain error meant for the user (4xx), else null. */
export function userErrorStatus(e: unknown): number | null {
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/** The service's deps for this app (the clock when tests fix it). */
export function reportDeps(app: FastifyInstance): AnnualReportDeps {
  const { now } = app.deps;
  return now ? { now } : {};
}

const today = (deps: AnnualReportDeps) => chinaDate(deps.now?.() ?? new Date());

/**
 * A year from a list's query string: '' → the year before `latest`; otherwise four digits from
 * the first report year to `latest` (this year for the reports; last year for uploaded files).
 */
export function parseListYear(raw: unknown, latest: number, fallback = latest - 1): { year: number; error: string | null } {
  if (raw === undefined || raw === '') return { year: fallback, error: null };
  if (typeof raw !== 'string' || !/^\d{4}$/.test(raw) || Number(raw) < FIRST_REPORT_YEAR || Number(raw) > latest) {
    return { year: fallback, error: `年度应为${FIRST_REPORT_YEAR}年至${latest}年之间的四位数字` };
  }
  return { year: Number(raw), error: null };
}

export function register(app: FastifyInstance): void {
  const { db } = app.deps;
  const deps = () => reportDeps(app);

  // ---------------------------------------------------------------------------------------------
  // The list

  const renderList = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, year: number, extra: { errors?: Record<string, string>; error?: string | null } = {}) => {
    const d = deps();
    const now = today(d);
    const current = Number(now.slice(0, 4));
    const years = Array.from({ length: current - FIRST_REPORT_YEAR + 1 }, (_, i) => current - i);
    const rows = await service.listReports(db, d, actor, year);
    return sendPage(
      reply,
      <ReportsListPage
        user={actor}
        csrfToken={req.csrfToken}
        year={year}
        years={years}
        rows={rows}
        mayCreate={new Set(agenciesWhere(actor, 'handle'))}
        today={now}
        errors={extra.errors ?? {}}
        error={extra.error ?? null}
      />,
    );
  };

  app.get('/admin/reports', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const current = Number(today(deps()).slice(0, 4));
    const { year, error } = parseListYear((req.query as Record<string, unknown>).year, current);
    if (error) {
      reply.code(422);
      return renderList(req, reply, actor, year, { errors: { year: error } });
    }
    return renderList(req, reply, actor, year);
  });

  app.post('/admin/reports', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const values = formValues(req.body);
    try {
      const r = await service.createReport(db, deps(), actor, values);
      return reply.redirect(`/admin/reports/${r.reportId}?done=created`, 303);
    } catch (e) {
      const status = userErrorStatus(e);
      if (status === null) throw e;
      reply.code(status);
      const current = Number(today(deps()).slice(0, 4));
      const { year } = parseListYear(values.year, current);
      if (e instanceof ValidationError) return renderList(req, reply, actor, year, { errors: { ...e.fields }, error: '未能开始编制：' });
      return renderList(req, reply, actor, year, { error: e instanceof ForbiddenError ? '您不能编制该机关的年度报告' : (e as Error).message });
    }
  });

  // ---------------------------------------------------------------------------------------------
  // The report page

  const entriesOf = async (view: StaffReportView): Promise<ReportEntryView[]> =>
    view.may.edit ? listReportEntries(db, { agencyId: view.report.agencyId, year: view.report.year }) : [];

  const renderReport = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, id: number, extra: { notice?: string | null; error?: string | null; submission?: ReportSubmission | null } = {}) => {
    const view = await service.getReportForStaff(db, deps(), actor, id);
    return sendPage(
      reply,
      <ReportPage user={actor} csrfToken={req.csrfToken} view={view} entries={await entriesOf(view)} notice={extra.notice ?? null} error={extra.error ?? null} submission={extra.submission ?? null} />,
    );
  };

  /** A refused form: the page again, with the message and what was typed. */
  const refused = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, id: number, e: unknown, form: ReportForm, values: Record<string, string>): Promise<FastifyReply> => {
    const status = userErrorStatus(e);
    // Not visible: nothing to re-show. Other failures are the server's.
    if (status === null || status === 404) throw e;
    reply.code(status);
    let message = e instanceof Error ? e.message : '操作失败';
    if (e instanceof ValidationError) {
      const only = Object.keys(e.fields);
      message = only.length === 1 && (only[0] === '_form' || only[0] === 'version') ? Object.values(e.fields)[0]! : '提交的内容有误，请修改后重新提交。';
    }
    if (e instanceof ConflictError) message = `${e.message}。您填写的内容保留在下方表单中：核对当前内容后再次提交，将以您填写的内容为准。`;
    if (e instanceof StateError) message = `${e.message}（未保存）`;
    const submission: ReportSubmission = {
      form,
      values,
      errors: e instanceof ValidationError ? { ...e.fields } : {},
      keepVersion: e instanceof ValidationError,
      conflict: e instanceof ConflictError,
    };
    return renderReport(req, reply, actor, id, { error: message, submission });
  };

  app.get('/admin/reports/:id', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = parseId((req.params as Record<string, unknown>).id, '年度报告');
    const done = (req.query as Record<string, unknown>).done;
    return renderReport(req, reply, actor, id, { notice: typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done] : null });
  });

  /** Saves the entered figures of section 二 that changed, then regenerates the tables. */
  async function saveEntries(actor: Actor, id: number, values: Record<string, string>): Promise<'entries' | 'entries_none'> {
    const view = await service.getReportForStaff(db, deps(), actor, id);
    const { agencyId, year } = view.report;
    if (!view.may.edit) {
      if (!can(actor, 'handle', agencyId)) throw new ForbiddenError('只有本机关的信息员、审核人或负责人可以录入数字');
      throw new StateError(view.current.state === 'in_review' ? '该年度报告正在审核中，不能修改' : '该年度报告没有正在编制的版本（已公布的报告请先“修订”生成新版本）');
    }
    const { version } = parseInput(versionOnlySchema, values);
    if (version !== view.report.version) throw new ConflictError('该年度报告已被他人修改，请刷新后重试（您的修改未保存）');
    const existing = new Map((await listReportEntries(db, { agencyId, year })).map((e) => [e.cell, e]));
    const errors: Record<string, string> = {};
    const sets: { cell: string; value: string; unit: string | null; note: string }[] = [];
    const clears: string[] = [];
    for (const c of proactiveCells(view.report.format as FormatId).filter((x) => !x.fromCatalogue)) {
      const f = entryFields(c.id);
      const raw = (values[f.value] ?? '').trim();
      const unit = c.kind === 'amount' ? (values[f.unit] ?? '').trim() || null : null;
      const note = (values[f.note] ?? '').trim();
      const e = existing.get(c.id);
      if (raw === '') {
        if (e) clears.push(c.id);
        continue;
      }
      let valueText: string;
      try {
        valueText = parseCellValue(c, raw, unit);
      } catch (err) {
        if (!(err instanceof CellValueError)) throw err;
        errors[f.value] = err.message;
        continue;
      }
      if (unit !== null && unit !== '元' && unit !== '万元') errors[f.unit] = '金额单位应为元或万元';
      if (note === '') errors[f.note] = '请注明该数字的来源';
      else if (note.length > 500) errors[f.note] = '来源说明不能超过500个字';
      if (errors[f.unit] || errors[f.note]) continue;
      if (e && e.valueText === valueText && (e.unit ?? null) === unit && e.note === note) continue;
      sets.push({ cell: c.id, value: raw, unit, note });
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    if (sets.length === 0 && clears.length === 0) return 'entries_none';
    for (const s of sets) {
      try {
        await setReportEntry(db, actor, { agencyId, year, cell: s.cell, value: s.value, ...(s.unit ? { unit: s.unit } : {}), note: s.note }, deps());
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const f = entryFields(s.cell);
        throw new ValidationError(Object.fromEntries(Object.entries(err.fields).map(([k, m]) => [k === 'unit' ? f.unit : k === 'note' ? f.note : f.value, m])));
      }
    }
    for (const cell of clears) await clearReportEntry(db, actor, { agencyId, year, cell }, deps());
    await service.regenerate(db, deps(), actor, id, { version });
    return 'entries';
  }

  const run = async (actor: Actor, id: number, form: ReportForm, values: Record<string, string>): Promise<string> => {
    switch (form) {
      case 'prose':
        await service.saveProse(db, deps(), actor, id, values);
        return 'prose';
      case 'regenerate':
        await service.regenerate(db, deps(), actor, id, values);
        return 'regenerate';
      case 'entries':
        return saveEntries(actor, id, values);
      case 'submit':
        await service.submit(db, deps(), actor, id, values);
        return 'submit';
      case 'review': {
        const r = await service.review(db, deps(), actor, id, values);
        if (r.state === 'published' && app.deps.reportPdfWarm !== false) {
          const rep = await db.kysely.selectFrom('annual_reports').select(['agency_id', 'year']).where('id', '=', id).executeTakeFirst();
          if (rep) warmPublishedPdf(app, rep.agency_id, rep.year);
        }
        return r.state === 'in_review' ? 'approved' : r.state;
      }
      case 'revise':
        await service.revise(db, deps(), actor, id, values);
        return 'revise';
    }
  };

  const action = async (req: FastifyRequest, reply: FastifyReply, named?: ReportForm) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const params = req.params as Record<string, unknown>;
    const id = parseId(params.id, '年度报告');
    const form = named ?? params.action;
    if (!isForm(form)) throw new HttpError(404, '没有这个操作');
    const values = formValues(req.body);
    try {
      const done = await run(actor, id, form, values);
      const anchor = form === 'prose' ? '#h-findings' : form === 'entries' ? '#h-entries' : '';
      return reply.redirect(`/admin/reports/${id}?done=${done}${anchor}`, 303);
    } catch (e) {
      return refused(req, reply, actor, id, e, form, values);
    }
  };
  app.post('/admin/reports/:id/prose', { bodyLimit: PROSE_BODY_LIMIT }, async (req, reply) => action(req, reply, 'prose'));
  app.post('/admin/reports/:id/:action', async (req, reply) => action(req, reply));

  // ---------------------------------------------------------------------------------------------
  // Downloads (staff: the version the page shows, drafts included; audited)

  app.get('/admin/reports/:id/export/:format', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const params = req.params as Record<string, unknown>;
    const id = parseId(params.id, '年度报告');
    const format = parseFormat(params.format);
    const view = await service.getReportForStaff(db, deps(), actor, id);
    let file;
    try {
      file = await exportReport(view.current.content, format);
    } catch (e) {
      return exportFailure(e, reply);
    }
    await audit(db.kysely, {
      userId: actor.userId,
      agencyId: view.report.agencyId,
      action: 'report.exported',
      subjectType: 'annual_report',
      subjectId: id,
      details: { versionId: view.current.id, number: view.current.number, state: view.current.state, format },
      ip: clientIp(req),
    });
    return sendExport(reply, file, 'private');
  });
}
