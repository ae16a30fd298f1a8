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
 *                 generic answer when not found; the public view holds no personal data
 *
 * and the public JSON API (api-public.ts).
 */
import type { FastifyInstance } from 'fastify';
import { findByTracking, submitOnline } from '../../applications/application.service.js';
import { LIMITS as RATE_LIMITS } from '../../security/rate-limit.js';
import { ValidationError } from '../../validation.js';
import { sendPage } from '../app.js';
import { ApplyDonePage, ApplyPage, APPLY_FIELDS } from '../views/public/apply.js';
import { formValues, type FormErrors, type FormValues } from '../views/public/fields.js';
import { CaseView, TrackPage, TRACK_FIELDS } from '../views/public/track.js';
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
    const view = await findByTracking(db, deps, values.trackingNumber, values.secret);
    if (!view) return again({ _form: TRACK_NOT_FOUND }, 404);
    return sendPage(reply, <CaseView view={view} />);
  });

  registerPublicApi(app);
}
