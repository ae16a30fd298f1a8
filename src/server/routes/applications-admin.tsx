/**
 * The back office of the application desk (依申请公开), server-rendered and working without
 * JavaScript:
 *
 *   GET  /admin/applications                       the work queue (filters, pagination)
 *   GET  /admin/applications/export.csv            the queue with the same filters, as CSV
 *   GET  /admin/applications/export.xlsx           the same rows and columns, as an Excel workbook
 *   GET  /admin/applications/new                   staff intake form
 *   POST /admin/applications/new                   → 303 to the case (tracking number + 查询码 shown once)
 *   GET  /admin/applications/:id                   the case page
 *   POST /admin/applications/:id/actions/:event    one operation → 303 back; errors re-render the page
 *   GET  /admin/applications/:id/letters/:kind.docx  a letter of the case (Word); ?event=<id> an earlier
 *                                                  letter of the kind (default: the last), audited
 *
 * Every page calls the application service (src/applications/application.service.ts) and nothing
 * else decides: permissions, versions and transitions are checked there. A case of an agency the
 * actor may not read answers 404, as if it did not exist. The JSON API is registered from here
 * too (api-applications-staff.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { agenciesWhere, ForbiddenError, type Actor } from '../../accounts/policy.js';
import { agencyNames } from '../../agencies/agency.repository.js';
import { EVENT_LABELS, OUTCOME_BASIS_HINTS, type AppEvent } from '../../applications/application.js';
import { listEvents } from '../../applications/application.repository.js';
import { chinaDate, registerByStaff, workQueue, type QueuePage } from '../../applications/application.service.js';
import { NotFoundError } from '../../errors.js';
import { buildLetterDocx, groundArticle, groundsForOutcome, isReplyGroundId, LetterError, REPLY_GROUNDS } from '../../letters/index.js';
import { ValidationError } from '../../validation.js';
import { clientIp, requireActor, sendPage } from '../app.js';
import { applicationAgencies } from '../../agencies/agency.repository.js';
import { HttpError } from '../errors.js';
import { refusalReason, type Submission } from '../views/applications/actions.js';
import { CasePage, type IntakeFlash } from '../views/applications/case.js';
import { BOM, csvLine } from '../views/applications/csv.js';
import { buildQueueXlsx, EXPORT_HEADERS, exportRow, type ExportCell } from '../views/applications/queue-export.js';
import {
  ACTIONS,
  assertReadable,
  descriptionsOf,
  isActionName,
  PAGE_SIZE,
  parseId,
  queueInput,
  readFilters,
  serviceDeps,
  staffView,
} from '../views/applications/desk.js';
import { formValues } from '../views/applications/fields.js';
import { IntakePage } from '../views/applications/intake.js';
import { attachment, auditCaseLetterDownload, caseLetters, isLetterKind, issueCaseLetterWithEvent, letterAgency, letterFileName } from '../views/applications/letters.js';
import { QueuePageView, QueueResults } from '../views/applications/queue.js';
import { renderToString } from 'preact-render-to-string';
import { registerStaffApi } from './api-applications-staff.js';
import { applicationsVersion, VersionedCache } from '../../db/versions.js';

/** The one-time display of the 查询码 after intake (server side; the cookie holds a random key). */
/** Work-queue pages kept in memory (each valid for one data version; least recently used dropped). */
const QUEUE_CACHE_ENTRIES = 500;

/** Rows in one export (CSV or .xlsx) at most (the queue's page size is 200). */
export const MAX_EXPORT_ROWS = 100_000;

async function agencyOptions(app: FastifyInstance, ids: number[]): Promise<Array<readonly [number, string]>> {
  const names = await agencyNames(app.deps.db.kysely, ids);
  return [...ids].sort((a, b) => a - b).map((id) => [id, names.get(id) ?? `#${id}`] as const);
}

export function register(app: FastifyInstance): void {
  registerStaffApi(app);
  const { db } = app.deps;
  const deps = () => serviceDeps(app);
  const today = () => chinaDate(deps().now?.() ?? new Date());
  // ---------------------------------------------------------------------------------------------
  // The work queue
  const queueCache = new VersionedCache<{ page: QueuePage; agencies: Array<readonly [number, string]>; resultsHtml: string }>(QUEUE_CACHE_ENTRIES);

  app.get('/admin/applications', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const filters = readFilters(req.query);
    const readable = agenciesWhere(actor, 'read');
    // The page's data is reused while nothing changed in these agencies' applications (or the
    // agencies' names): read the version first, then the data (src/db/versions.ts).
    const version = await applicationsVersion(db.kysely, readable);
    const key = JSON.stringify([[...readable].sort((a, b) => a - b), filters, today()]);
    let page: QueuePage | null = null;
    let errors: Record<string, string> = {};
    let agencies: Array<readonly [number, string]>;
    let resultsHtml: string | undefined;
    const cached = app.deps.pageCache === false ? undefined : queueCache.get(key, version);
    if (cached) ({ page, agencies, resultsHtml } = cached);
    else {
      try {
        page = await workQueue(db, deps(), actor, queueInput(filters, { limit: PAGE_SIZE, offset: (filters.page - 1) * PAGE_SIZE }));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors = { ...e.fields };
        reply.code(422);
      }
      agencies = await agencyOptions(app, readable);
      if (page) {
        resultsHtml = renderToString(<QueueResults filters={filters} page={page} many={agencies.length > 1} />);
        queueCache.set(key, version, { page, agencies, resultsHtml });
      }
    }
    return sendPage(
      reply,
      <QueuePageView
        user={actor}
        csrfToken={req.csrfToken}
        filters={filters}
        page={page}
        errors={errors}
        agencies={agencies}
        canRegister={agenciesWhere(actor, 'handle').length > 0}
        resultsHtml={resultsHtml}
      />,
    );
  });

  /** The queue with the request's filters, as export rows (at most MAX_EXPORT_ROWS; only cases the actor may read). */
  async function exportRows(actor: Actor, query: unknown): Promise<ExportCell[][]> {
    const filters = readFilters(query);
    const limit = 200;
    const rows: ExportCell[][] = [];
    for (let offset = 0; offset < MAX_EXPORT_ROWS; offset += limit) {
      const page = await workQueue(db, deps(), actor, queueInput(filters, { limit, offset }));
      const descriptions = await descriptionsOf(db, page.items.map((i) => i.id));
      for (const it of page.items) rows.push(exportRow(it, descriptions.get(it.id) ?? ''));
      if (offset + limit >= page.total) break;
    }
    return rows;
  }

  app.get('/admin/applications/export.csv', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const rows = await exportRows(actor, req.query);
    let out = BOM + csvLine(EXPORT_HEADERS);
    for (const row of rows) out += csvLine(row);
    const day = today();
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachment(`依申请公开-${day}.csv`, `applications-${day}.csv`))
      .send(out);
  });

  app.get('/admin/applications/export.xlsx', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const rows = await exportRows(actor, req.query);
    const day = today();
    const body = await buildQueueXlsx(rows, { sheetName: '依申请公开', created: deps().now?.() ?? new Date() });
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', attachment(`依申请公开-${day}.xlsx`, `applications-${day}.xlsx`))
      .send(body);
  });

  // ---------------------------------------------------------------------------------------------
  // Intake

  const intakeAgencies = async (actor: Actor) => agencyOptions(app, await applicationAgencies(db.kysely, agenciesWhere(actor, 'handle')));

  app.get('/admin/applications/new', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const agencies = await intakeAgencies(actor);
    const values: Record<string, string> = { submittedOn: today(), ...(agencies.length === 1 ? { agencyId: String(agencies[0]![0]) } : {}) };
    return sendPage(reply, <IntakePage user={actor} csrfToken={req.csrfToken} agencies={agencies} values={values} errors={{}} today={today()} />);
  });

  app.post('/admin/applications/new', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const values = formValues(req.body);
    try {
      const r = await registerByStaff(db, deps(), actor, values);
      // The 查询码 exists only in this response (only its hash is stored): show the case page right
      // here, with the code, rather than redirecting — no state kept between requests or nodes.
      reply.header('cache-control', 'no-store');
      return renderCase(req, reply, actor, r.applicationId, { intake: { trackingNumber: r.trackingNumber, secret: r.secret } });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      reply.code(422);
      const agencies = await intakeAgencies(actor);
      return sendPage(reply, <IntakePage user={actor} csrfToken={req.csrfToken} agencies={agencies} values={values} errors={e.fields} today={today()} />);
    }
  });

  // ---------------------------------------------------------------------------------------------
  // The case page and its actions

  const renderCase = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    id: number,
    extra: { notice?: string | null; intake?: IntakeFlash | null; submission?: Submission | null; error?: string | null } = {},
  ) => {
    const view = await staffView(app, actor, id);
    const events = (await listEvents(db.kysely, id)).map((x) => x.event);
    const sub = extra.submission ?? null;
    const orphan = sub !== null && !view.actions.some((a) => a.event === sub.event && a.permitted);
    return sendPage(
      reply,
      <CasePage
        user={actor}
        csrfToken={req.csrfToken}
        view={view}
        letters={caseLetters(id, events)}
        notice={extra.notice ?? null}
        intake={extra.intake ?? null}
        submission={sub}
        error={extra.error ?? null}
        orphan={orphan}
      />,
    );
  };

  app.get('/admin/applications/:id', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = parseId((req.params as Record<string, unknown>).id);
    await assertReadable(db, actor, id);
    const done = (req.query as Record<string, unknown>).done;
    const notice = isActionName(done) ? `已登记“${EVENT_LABELS[done]}”。` : null;
    return renderCase(req, reply, actor, id, { notice });
  });

  app.post('/admin/applications/:id/actions/:action', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const params = req.params as Record<string, unknown>;
    const id = parseId(params.id);
    const event = params.action;
    if (!isActionName(event)) throw new NotFoundError('没有这个办理事项');
    await assertReadable(db, actor, id);
    const values = formValues(req.body);
    const input: Record<string, unknown> = { ...values, applicationId: id };
    if (event === 'replied') fillDefaultBasis(input);
    try {
      await ACTIONS[event].run(db, deps(), actor, input);
      return reply.redirect(`/admin/applications/${id}?done=${event}#h-timeline`, 303);
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      if (typeof status !== 'number' || status < 400 || status >= 500) throw e;
      reply.code(status);
      const errors = e instanceof ValidationError ? { ...e.fields } : {};
      const message =
        e instanceof ValidationError
          ? '提交的内容有误，请修改后重新提交。'
          : e instanceof ForbiddenError
            ? `${e.message}：${refusalReason(event)}`
            : e instanceof Error
              ? e.message
              : '操作失败';
      return renderCase(req, reply, actor, id, { submission: { event, values, errors }, error: message });
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Letters

  app.get('/admin/applications/:id/letters/:file', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const params = req.params as Record<string, unknown>;
    const id = parseId(params.id);
    const m = /^([a-z_]+)\.docx$/.exec(String(params.file));
    const kind = m?.[1];
    if (!kind || !isLetterKind(kind)) throw new NotFoundError('没有这种告知书');
    await assertReadable(db, actor, id);
    const view = await staffView(app, actor, id);
    const events: AppEvent[] = (await listEvents(db.kysely, id)).map((x) => x.event);
    const agency = await letterAgency(app.deps.db, view.agency.id);
    const q = req.query as Record<string, unknown>;
    const opt = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).slice(0, 100) : undefined);
    // ?event=<id>: an earlier letter of the kind (a reply before a reopening); default the last one.
    const rawEvent = opt('event');
    const eventId = rawEvent === undefined ? undefined : /^[1-9]\d{0,9}$/.test(rawEvent) ? Number(rawEvent) : 0;
    try {
      // The letter keeps the number it was first issued with (allocated now if it has none).
      const ctx = { view, events, agency, calendar: app.deps.calendar };
      const letter = await issueCaseLetterWithEvent(
        db,
        ctx,
        kind,
        { ground: opt('ground'), reviewBody: opt('review_body'), court: opt('court'), eventId },
        { userId: actor.userId, ip: clientIp(req) },
      );
      const { input } = letter;
      const docx = await buildLetterDocx(input);
      await auditCaseLetterDownload(db, ctx, letter, { userId: actor.userId, ip: clientIp(req), via: 'page' });
      return reply
        .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
        .header('content-disposition', attachment(letterFileName(view.trackingNumber, input), `${view.trackingNumber}-${kind}.docx`))
        .send(docx);
    } catch (e) {
      if (e instanceof LetterError) throw new HttpError(422, e.message);
      throw e;
    }
  });
}

/**
 * The reply form's legal basis may be left empty: the chosen reply ground's article is used (for
 * 3.1 and 3.4.1, whose two grounds cite different items), else the outcome row's usual basis.
 */
function fillDefaultBasis(input: Record<string, unknown>): void {
  const row = input.outcomeRow;
  const basis = input.basis;
  if (typeof row === 'string' && (basis === undefined || (typeof basis === 'string' && basis.trim() === ''))) {
    const ground = typeof input.ground === 'string' && isReplyGroundId(input.ground) ? REPLY_GROUNDS[input.ground] : undefined;
    const article = ground && groundsForOutcome(row).includes(ground) ? groundArticle(ground) : null;
    const hint = article ?? OUTCOME_BASIS_HINTS[row];
    if (hint) input.basis = hint;
  }
}
