/**
 * The public application desk (依申请公开), working without script:
 *
 *   GET  /apply   the online application form (条例第29条)
 *   POST /apply   submit it: CSRF (app hook), checked field by field (422, values kept), then
 *                 rate-limited per address (LIMITS.apply, 429 + Retry-After), then submitOnline;
 *                 the answer shows the tracking number and the 查询码 ONCE (Cache-Control: no-store,
 *                 no redirect: the 查询码 never goes into a URL)
 *   GET  /track   the lookup form
 *   POST /track   look a case up by tracking number + 查询码 (rate-limited, LIMITS.track); one
 *                 generic answer when not found; the public view holds no personal data. The
 *                 result page offers the downloads below as POST forms carrying the pair in
 *                 hidden fields (the page is no-store)
 *   POST /track/letter      a letter addressed to the applicant (kind: acceptance, correction,
 *                           extension, fee, reply; never third_party) as .docx
 *   POST /track/attachment  an attachment marked for the applicant (attachmentId)
 *                 Both check the pair again every time (rate-limited like /track, the same generic
 *                 404 on any failure) and answer as an attachment with Cache-Control: no-store.
 *
 * and the public JSON API (api-public.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findForApplicantLetters, lookUpTracking, submitOnline, verifyTracking } from '../../applications/application.service.js';
import { normalizeSecret } from '../../applications/tracking.js';
import { listApplicantAttachments, openAttachmentForApplicant } from '../../attachments/attachment.service.js';
import { NotFoundError } from '../../errors.js';
import { buildLetterDocx, LetterError } from '../../letters/index.js';
import { LIMITS as RATE_LIMITS } from '../../security/rate-limit.js';
import { ValidationError } from '../../validation.js';
import { clientIp, sendPage } from '../app.js';
import { ApplyDonePage, ApplyPage, APPLY_FIELDS } from '../views/public/apply.js';
import { formValues, type FormErrors, type FormValues } from '../views/public/fields.js';
import { attachment, isApplicantLetterKind, issueCaseLetter, letterAgency, letterFileName, NoSuchLetterError } from '../views/applications/letters.js';
import { CaseView, DOWNLOAD_FIELDS, TrackPage, TRACK_FIELDS } from '../views/public/track.js';
import { sendAttachment } from './attachments.js';
import { HttpError } from '../errors.js';
import { registerPublicApi } from './api-public.js';
import { checkOnlineApplication, onlineAgencyGroups, rateLimit, refuseMultipart, serviceDeps, TRACK_NOT_FOUND } from './public-desk.js';

export function register(app: FastifyInstance): void {
  const { db } = app.deps;
  const deps = serviceDeps(app.deps);

  app.get('/apply', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const q = (req.query ?? {}) as Record<string, unknown>;
    const values: FormValues = typeof q.agency === 'string' && /^\d{1,9}$/.test(q.agency) ? { agencyId: q.agency } : {};
    return sendPage(reply, <ApplyPage csrfToken={req.csrfToken} agencies={await onlineAgencyGroups(db)} values={values} errors={{}} />);
  });

  app.post('/apply', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    refuseMultipart(req);
    const values = formValues(req.body, APPLY_FIELDS);
    const again = async (errors: FormErrors, status: number) => {
      reply.code(status);
      return sendPage(reply, <ApplyPage csrfToken={req.csrfToken} agencies={await onlineAgencyGroups(db)} values={values} errors={errors} />);
    };
    try {
      // Invalid forms do not count against the limit: a citizen correcting mistakes is not locked out.
      await checkOnlineApplication(db, req.body);
      const limited = await rateLimit(req, reply, RATE_LIMITS.apply);
      if (limited) return again({ _form: limited }, 429);
      const result = await submitOnline(db, deps, req.body);
      const agency = await db.kysely
        .selectFrom('applications')
        .innerJoin('agencies', 'agencies.id', 'applications.agency_id')
        .select('agencies.name')
        .where('applications.id', '=', result.applicationId)
        .executeTakeFirstOrThrow();
      return sendPage(reply, <ApplyDonePage agencyName={agency.name} trackingNumber={result.trackingNumber} secret={result.secret} />);
    } catch (e) {
      if (e instanceof ValidationError) return again(e.fields, 422);
      throw e;
    }
  });

  app.get('/track', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return sendPage(reply, <TrackPage csrfToken={req.csrfToken} values={{}} errors={{}} />);
  });

  app.post('/track', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    refuseMultipart(req);
    const values = formValues(req.body, TRACK_FIELDS);
    const again = (errors: FormErrors, status: number) => {
      reply.code(status);
      // The 查询码 is never sent back: only the tracking number is kept in the form.
      return sendPage(reply, <TrackPage csrfToken={req.csrfToken} values={{ trackingNumber: values.trackingNumber ?? '' }} errors={errors} />);
    };
    const errors: Record<string, string> = {};
    if (!values.trackingNumber?.trim()) errors.trackingNumber = '请填写申请编号';
    if (!values.secret?.trim()) errors.secret = '请填写查询码';
    if (Object.keys(errors).length) return again(errors, 422);
    const limited = await rateLimit(req, reply, RATE_LIMITS.track);
    if (limited) return again({ _form: limited }, 429);
    const found = await lookUpTracking(db, deps, values.trackingNumber, values.secret);
    if (!found) return again({ _form: TRACK_NOT_FOUND }, 404);
    const { view } = found;
    // Only after the pair matched: the id stays on the server.
    const attachments = await listApplicantAttachments(db, found.applicationId);
    const downloads = { csrfToken: req.csrfToken, trackingNumber: view.trackingNumber, secret: normalizeSecret(values.secret ?? ''), attachments };
    return sendPage(reply, <CaseView view={view} downloads={downloads} />);
  });

  /**
   * A download's answer when anything is wrong (the pair, the kind, the id, a letter the case
   * does not have, a file not marked for the applicant): the lookup form with the one generic
   * message, saying nothing about which part was wrong or what exists.
   */
  const refuse = (req: FastifyRequest, reply: FastifyReply, trackingNumber: string | undefined, message: string, status: number) => {
    reply.code(status).header('cache-control', 'no-store');
    return sendPage(reply, <TrackPage csrfToken={req.csrfToken} values={{ trackingNumber: trackingNumber ?? '' }} errors={{ _form: message }} />);
  };

  app.post('/track/letter', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    refuseMultipart(req);
    const values = formValues(req.body, DOWNLOAD_FIELDS);
    const limited = await rateLimit(req, reply, RATE_LIMITS.track);
    if (limited) return refuse(req, reply, values.trackingNumber, limited, 429);
    const kind = values.kind ?? '';
    const found = await findForApplicantLetters(db, deps, values.trackingNumber, values.secret);
    // Only the letters addressed to the applicant: never the third party's (征求第三方意见书).
    if (!found || !isApplicantLetterKind(kind)) return refuse(req, reply, values.trackingNumber, TRACK_NOT_FOUND, 404);
    const { view, events } = found;
    try {
      const agency = await letterAgency(app.deps.db, view.agency.id);
      // The same number as the staff's copy of this letter: the one it was issued with, or (not
      // issued yet) allocated now, once, exactly as the staff download would (issueCaseLetter).
      const input = await issueCaseLetter(
        db,
        { view, events, agency, calendar: app.deps.calendar },
        kind,
        {},
        { userId: null, ip: clientIp(req) },
      );
      const docx = await buildLetterDocx(input);
      return reply
        .header('cache-control', 'no-store')
        .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
        .header('content-disposition', attachment(letterFileName(view.trackingNumber, input), `${view.trackingNumber}-${kind}.docx`))
        .send(docx);
    } catch (e) {
      if (e instanceof NoSuchLetterError) return refuse(req, reply, values.trackingNumber, TRACK_NOT_FOUND, 404);
      if (e instanceof LetterError) throw new HttpError(422, e.message);
      throw e;
    }
  });

  app.post('/track/attachment', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    refuseMultipart(req);
    const values = formValues(req.body, DOWNLOAD_FIELDS);
    const limited = await rateLimit(req, reply, RATE_LIMITS.track);
    if (limited) return refuse(req, reply, values.trackingNumber, limited, 429);
    const applicationId = await verifyTracking(db, values.trackingNumber, values.secret);
    const raw = values.attachmentId ?? '';
    const attachmentId = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
    if (applicationId === null || attachmentId < 1) return refuse(req, reply, values.trackingNumber, TRACK_NOT_FOUND, 404);
    try {
      // Only a file of THIS case marked for the applicant (openAttachmentForApplicant checks both).
      const { view, stream } = await openAttachmentForApplicant(db, app.deps.files, applicationId, attachmentId);
      return sendAttachment(reply, view, stream);
    } catch (e) {
      if (e instanceof NotFoundError) return refuse(req, reply, values.trackingNumber, TRACK_NOT_FOUND, 404);
      throw e;
    }
  });

  registerPublicApi(app);
}
