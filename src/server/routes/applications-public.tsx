/**
 * The public application desk (依申请公开), working without script:
 *
 *   GET  /apply        the online application form (条例第29条), with a one-time form token
 *   POST /apply        submit it: CSRF (app hook); the same form sent again (its token used) → 409
 *                      "already submitted", nothing created — or, when the first answer never
 *                      arrived and its receipt is still there, that answer (303 to /apply/done); checked field by field (422, values
 *                      kept), then rate-limited per address (LIMITS.apply, 429 + Retry-After), then
 *                      submitOnlineForm; success → 303 to GET /apply/done (Post/Redirect/Get: a
 *                      reload never offers to send the form again), with the receipt key in an
 *                      HttpOnly cookie limited to that path
 *   GET  /apply/done   the tracking number and the 查询码, shown ONCE (the receipt is cleared as it
 *                      is read; Cache-Control: no-store); again, or after 10 minutes: a page saying
 *                      so (410). The 查询码 never goes into a URL or a log line
 *   GET  /track        the lookup form
 *   POST /track        look a case up by tracking number + 查询码 (rate-limited, LIMITS.track); one
 *                      generic answer when not found; the public view holds no personal data. The
 *                      result page offers the downloads below as POST forms carrying the pair in
 *                      hidden fields (the page is no-store)
 *   POST /track/letter      a letter addressed to the applicant (kind: acceptance, correction,
 *                           extension, fee, reply; never third_party; seq: which one of the kind,
 *                           default the latest) as .docx
 *   POST /track/attachment  an attachment marked for the applicant (attachmentId)
 *                 Both check the pair again every time (rate-limited like /track, the same generic
 *                 404 on any failure), are audited (user id null, the address, by: applicant) and
 *                 answer as an attachment with Cache-Control: no-store (track-downloads.ts, shared
 *                 with the API).
 *
 * and the public JSON API (api-public.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { lookUpTracking, submitOnlineForm } from '../../applications/application.service.js';
import { AlreadySubmittedError, formTokenUsed, isFormToken, newFormToken, RECEIPT_TTL_MS, receiptKeyOf, receiptWaiting, takeReceipt } from '../../applications/online-submissions.js';
import { normalizeSecret } from '../../applications/tracking.js';
import { LIMITS as RATE_LIMITS } from '../../security/rate-limit.js';
import { ValidationError } from '../../validation.js';
import { cookieOptions, sendPage } from '../app.js';
import { ApplyAlreadySubmittedPage, ApplyDonePage, ApplyPage, ApplyReceiptGonePage, APPLY_FIELDS } from '../views/public/apply.js';
import { formValues, type FormErrors, type FormValues } from '../views/public/fields.js';
import { CaseView, DOWNLOAD_FIELDS, TrackPage, TRACK_FIELDS } from '../views/public/track.js';
import { sendAttachment } from './attachments.js';
import { registerPublicApi } from './api-public.js';
import { checkOnlineApplication, onlineAgencyGroups, rateLimit, refuseMultipart, serviceDeps, TRACK_NOT_FOUND } from './public-desk.js';
import { applicantAttachment, applicantLetter, sendLetter } from './track-downloads.js';

/** The cookie holding the receipt key between POST /apply and GET /apply/done (that path only). */
export const RECEIPT_COOKIE = 'gk_receipt';
const RECEIPT_PATH = '/apply/done';

export function register(app: FastifyInstance): void {
  const { db } = app.deps;
  const deps = serviceDeps(app.deps);

  app.get('/apply', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const q = (req.query ?? {}) as Record<string, unknown>;
    const values: FormValues = typeof q.agency === 'string' && /^\d{1,9}$/.test(q.agency) ? { agencyId: q.agency } : {};
    return sendPage(reply, <ApplyPage csrfToken={req.csrfToken} formToken={newFormToken()} agencies={await onlineAgencyGroups(db)} values={values} errors={{}} />);
  });

  app.post('/apply', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    refuseMultipart(req);
    const values = formValues(req.body, APPLY_FIELDS);
    const sent = formValues(req.body, ['formToken']).formToken;
    const formToken = isFormToken(sent) ? sent : null;
    const again = async (errors: FormErrors, status: number) => {
      reply.code(status);
      // The same form shown again keeps its token (a form without a valid one gets a new one).
      const token = formToken ?? newFormToken();
      return sendPage(reply, <ApplyPage csrfToken={req.csrfToken} formToken={token} agencies={await onlineAgencyGroups(db)} values={values} errors={errors} />);
    };
    const toReceipt = (receiptKey: string) => {
      // Post/Redirect/Get: the result page is a GET; the browser alone holds the key to its receipt.
      reply.setCookie(RECEIPT_COOKIE, receiptKey, { ...cookieOptions(app.deps), path: RECEIPT_PATH, sameSite: 'strict', maxAge: RECEIPT_TTL_MS / 1000 });
      return reply.redirect(RECEIPT_PATH, 303);
    };
    const alreadySubmitted = async (token: string) => {
      // The answer to the first submission never arrived (its receipt is still there): that answer now.
      const receiptKey = receiptKeyOf(token);
      if (await receiptWaiting(db.kysely, receiptKey)) return toReceipt(receiptKey);
      reply.code(409);
      return sendPage(reply, <ApplyAlreadySubmittedPage />);
    };
    try {
      // The same form again: nothing is created, whatever it holds now (and nothing is counted).
      if (formToken && (await formTokenUsed(db.kysely, formToken))) return await alreadySubmitted(formToken);
      // Invalid forms do not count against the limit: a citizen correcting mistakes is not locked out.
      await checkOnlineApplication(db, req.body);
      if (!formToken) return again({ _form: '申请表已失效（缺少表单标识），请核对后重新提交。' }, 422);
      const limited = await rateLimit(req, reply, RATE_LIMITS.apply);
      if (limited) return again({ _form: limited }, 429);
      const result = await submitOnlineForm(db, deps, req.body, formToken);
      return toReceipt(result.receiptKey);
    } catch (e) {
      if (e instanceof AlreadySubmittedError && formToken) return alreadySubmitted(formToken);
      if (e instanceof ValidationError) return again(e.fields, 422);
      throw e;
    }
  });

  app.get(RECEIPT_PATH, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    // A HEAD request (Fastify answers it with this handler) must not use the receipt up.
    if (req.method === 'HEAD') return reply.type('text/html; charset=utf-8').send('');
    const key = req.cookies[RECEIPT_COOKIE];
    reply.clearCookie(RECEIPT_COOKIE, { ...cookieOptions(app.deps), path: RECEIPT_PATH, sameSite: 'strict' });
    const receipt = key ? await takeReceipt(db.kysely, key) : null;
    if (!receipt) {
      reply.code(410);
      return sendPage(reply, <ApplyReceiptGonePage />);
    }
    return sendPage(reply, <ApplyDonePage agencyName={receipt.agencyName} trackingNumber={receipt.trackingNumber} secret={receipt.secret} />);
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
    // The applicant's attachments are read only once the pair matched (the id stays on the server).
    const found = await lookUpTracking(db, deps, values.trackingNumber, values.secret);
    if (!found) return again({ _form: TRACK_NOT_FOUND }, 404);
    const { view, attachments } = found;
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
    const file = await applicantLetter(app, req, { trackingNumber: values.trackingNumber, secret: values.secret, kind: values.kind, seq: values.seq }, 'page');
    if (!file) return refuse(req, reply, values.trackingNumber, TRACK_NOT_FOUND, 404);
    return sendLetter(reply, file);
  });

  app.post('/track/attachment', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    refuseMultipart(req);
    const values = formValues(req.body, DOWNLOAD_FIELDS);
    const limited = await rateLimit(req, reply, RATE_LIMITS.track);
    if (limited) return refuse(req, reply, values.trackingNumber, limited, 429);
    const file = await applicantAttachment(app, req, { trackingNumber: values.trackingNumber, secret: values.secret, attachmentId: values.attachmentId ?? '' }, 'page');
    if (!file) return refuse(req, reply, values.trackingNumber, TRACK_NOT_FOUND, 404);
    return sendAttachment(reply, file.view, file.stream);
  });

  registerPublicApi(app);
}
