/**
 * Annual reports uploaded as files (报送), server-rendered, working without JavaScript:
 *
 *   GET  /admin/report-uploads?year=YYYY        the year's uploads the user may see, and the
 *                                               upload form (default: last year)
 *   POST /admin/report-uploads?_csrf=…          upload (multipart: agencyId, year, then the file)
 *                                               → 303 to the upload; a refused file re-renders
 *                                               the form with the reason (422; 413 too large)
 *   GET  /admin/report-uploads/:id              one upload: findings, the report as read, the
 *                                               decision form, the re-upload form
 *   POST /admin/report-uploads/:id/decide       accept | return (version, note) → 303 back
 *   GET  /admin/report-uploads/:id/file         the file as uploaded (audited)
 *
 * The service (reports/uploads/upload.service.ts) decides who may do what; an upload the user
 * may not see answers 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../accounts/policy.js';
import { chinaDate } from '../../applications/application.service.js';
import { ConflictError, StateError } from '../../errors.js';
import { FIRST_REPORT_YEAR } from '../../reports/store/annual-report.schema.js';
import * as uploads from '../../reports/uploads/upload.service.js';
import { ValidationError } from '../../validation.js';
import { clientIp, requireActor, sendPage } from '../app.js';
import { formValues } from '../views/applications/fields.js';
import { parseListYear, userErrorStatus } from './reports-admin.js';
import { parseId } from '../views/catalogue/desk.js';
import { UploadPage, UploadsPage } from '../views/reports/uploads.js';
import { readUpload, sendFile } from '../uploads.js';

const DONE = new Set(['uploaded', 'accepted', 'returned']);

export function register(app: FastifyInstance): void {
  const { db } = app.deps;
  const deps = (): uploads.UploadDeps => ({ store: app.deps.files, ...(app.deps.now ? { now: app.deps.now } : {}) });
  const currentYear = () => Number(chinaDate(app.deps.now?.() ?? new Date()).slice(0, 4));
  /** Years whose reports can be sent: from the first report year to last year, newest first. */
  const years = () => Array.from({ length: currentYear() - FIRST_REPORT_YEAR }, (_, i) => currentYear() - 1 - i);

  const renderList = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    extra: { values?: Record<string, string>; errors?: Record<string, string>; yearError?: string | null } = {},
  ) => {
    const agencies = await uploads.uploadableAgencies(db, actor);
    return sendPage(
      reply,
      <UploadsPage
        user={actor}
        csrfToken={req.csrfToken}
        year={year}
        years={years()}
        rows={await uploads.listUploads(db, actor, year)}
        form={agencies.length ? { agencies, values: { year: String(year), ...extra.values }, errors: extra.errors ?? {} } : null}
        yearError={extra.yearError ?? null}
      />,
    );
  };

  const renderUpload = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, id: number, extra: Partial<Parameters<typeof UploadPage>[0]> = {}) => {
    const view = await uploads.getUpload(db, actor, id);
    return sendPage(reply, <UploadPage user={actor} csrfToken={req.csrfToken} view={view} {...extra} />);
  };

  app.get('/admin/report-uploads', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const last = currentYear() - 1;
    const { year, error } = parseListYear((req.query as Record<string, unknown>).year, last, last);
    if (error) reply.code(422);
    return renderList(req, reply, actor, year, { yearError: error });
  });

  app.post('/admin/report-uploads', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const maxBytes = Math.min(app.deps.maxUploadBytes, uploads.MAX_UPLOAD_BYTES);
    let file;
    try {
      file = await readUpload(req, maxBytes);
    } catch (e) {
      reply.code(userErrorStatus(e) ?? 400);
      return renderList(req, reply, actor, currentYear() - 1, { errors: { file: (e as Error).message } });
    }
    const fields = file.fields;
    const back = (status: number, errors: Record<string, string>) => {
      reply.code(status);
      const year = /^\d{4}$/.test(fields.year ?? '') ? Number(fields.year) : currentYear() - 1;
      return renderList(req, reply, actor, year, { values: fields, errors });
    };
    try {
      const view = await uploads.uploadReport(db, deps(), actor, fields, { name: file.filename, bytes: file.bytes });
      return reply.redirect(`/admin/report-uploads/${view.id}?done=uploaded`, 303);
    } catch (e) {
      if (e instanceof ValidationError) return back(422, { ...e.fields });
      const status = userErrorStatus(e);
      if (status === 403) return back(403, { agencyId: (e as Error).message });
      throw e;
    }
  });

  app.get('/admin/report-uploads/:id', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = parseId((req.params as Record<string, unknown>).id, '报送文件');
    const done = (req.query as Record<string, unknown>).done;
    return renderUpload(req, reply, actor, id, { done: typeof done === 'string' && DONE.has(done) ? done : null });
  });

  app.post('/admin/report-uploads/:id/decide', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = parseId((req.params as Record<string, unknown>).id, '报送文件');
    const values = formValues(req.body);
    try {
      const view = await uploads.decideUpload(db, deps(), actor, id, values);
      return reply.redirect(`/admin/report-uploads/${id}?done=${view.state === 'accepted' ? 'accepted' : 'returned'}`, 303);
    } catch (e) {
      const status = userErrorStatus(e);
      if (status === null || status === 404) throw e;
      reply.code(status);
      const errors = e instanceof ValidationError ? { ...e.fields } : {};
      const error = e instanceof ConflictError || e instanceof StateError ? (e as Error).message : e instanceof ValidationError ? null : (e as Error).message;
      return renderUpload(req, reply, actor, id, { decision: { values, errors, error } });
    }
  });

  app.get('/admin/report-uploads/:id/file', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = parseId((req.params as Record<string, unknown>).id, '报送文件');
    const f = await uploads.openUploadFile(db, deps(), actor, id, clientIp(req));
    return sendFile(reply, { filename: f.fileName, mediaType: f.mediaType, size: f.size }, f.stream);
  });
}
