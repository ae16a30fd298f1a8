/**
 * The public JSON API of the application desk (no login):
 *
 *   GET  /api/v1/csrf-token    the caller's CSRF token (every POST sends it in x-csrf-token, with
 *                              the gk_csrf cookie this request sets)
 *   POST /api/v1/applications  online application: the web form's schema (onlineApplicationSchema),
 *                              rate-limited per address like the form → {tracking_number, secret}
 *   POST /api/v1/track         {tracking_number, secret} → the public view, or 404 {error}
 *
 * Output goes through explicit, strict schemas built from the presenter's public view: nothing
 * personal can appear in it, and the OpenAPI document shows exactly those fields.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PublicApplicationView } from '../../applications/application.presenter.js';
import { onlineApplicationSchema, trackingLookupSchema } from '../../applications/application.schema.js';
import { findByTracking, submitOnline } from '../../applications/application.service.js';
import { LIMITS as RATE_LIMITS } from '../../security/rate-limit.js';
import { defineEndpoint } from '../api.js';
import { checkOnlineApplication, rateLimit, serviceDeps, TRACK_NOT_FOUND } from './public-desk.js';

export const IntakeOut = z
  .object({
    tracking_number: z.string().describe('申请编号'),
    secret: z.string().describe('查询码：只返回这一次（系统只保存其摘要），须交申请人保存；查询时与申请编号一起提交'),
  })
  .strict();

export const PublicCaseOut = z
  .object({
    tracking_number: z.string().describe('申请编号'),
    agency_name: z.string().describe('受理机关'),
    state: z.object({ label: z.string().describe('办理状态，例如 待确认收到、办理中、已答复'), closed: z.boolean() }).strict(),
    submitted_on: z.string().describe('提交日期 YYYY-MM-DD'),
    received_on: z.string().nullable().describe('收到申请之日（条例第31条）；网上申请确认前为 null'),
    reply_due_on: z.string().nullable().describe('答复期限'),
    status_text: z.string().describe('办理进度说明'),
    due_explanation: z.string().nullable().describe('答复期限的计算说明'),
    provisional: z.boolean().describe('为 true 时，有日期按尚未公布的节假日安排推算（推算）'),
    closed_on: z.string().nullable().describe('办结日期'),
    outcome: z.object({ label: z.string() }).strict().nullable().describe('办理结果（办结后）'),
    letters: z
      .array(z.object({ type: z.string(), title: z.string(), date: z.string(), text: z.string() }).strict())
      .describe('发给申请人的告知书'),
  })
  .strict();

export const TrackIn = z.object({
  tracking_number: trackingLookupSchema.shape.trackingNumber,
  secret: trackingLookupSchema.shape.secret,
});

/** The public view for the API: each field copied by name (an allowlist), then checked strictly. */
export function publicCaseOut(v: PublicApplicationView): z.infer<typeof PublicCaseOut> {
  return PublicCaseOut.parse({
    tracking_number: v.trackingNumber,
    agency_name: v.agencyName,
    state: { label: v.state.label, closed: v.state.closed },
    submitted_on: v.submittedOn,
    received_on: v.receivedOn,
    reply_due_on: v.replyDueOn,
    status_text: v.statusText,
    due_explanation: v.dueExplanation,
    provisional: v.provisional,
    closed_on: v.closedOn,
    outcome: v.outcome ? { label: v.outcome.label } : null,
    letters: v.letters.map((l) => ({ type: l.type, title: l.title, date: l.date, text: l.text })),
  });
}

export function registerPublicApi(app: FastifyInstance): void {
  const { db } = app.deps;
  const deps = serviceDeps(app.deps);

  defineEndpoint(app, {
    method: 'GET',
    path: '/csrf-token',
    summary: '本访问者的 CSRF 令牌（公开）：修改数据的请求须带上 gk_csrf cookie，并在 x-csrf-token 请求头中发送此令牌',
    tag: 'public',
    auth: 'public',
    response: z.object({ csrf_token: z.string() }),
    handler: async ({ req, reply }) => {
      reply.header('cache-control', 'no-store');
      return { csrf_token: req.csrfToken };
    },
  });

  defineEndpoint(app, {
    method: 'POST',
    path: '/applications',
    summary:
      '在线提交政府信息公开申请（公开；字段和校验规则与网上申请表单相同；每个地址每小时限提交一定次数，超过时 429 并带 Retry-After）。返回申请编号和只显示一次的查询码；收到申请之日以双方确认之日为准（条例第31条第（三）项）',
    tag: 'public',
    auth: 'public',
    body: onlineApplicationSchema,
    response: IntakeOut,
    handler: async ({ req, reply }) => {
      reply.header('cache-control', 'no-store');
      await checkOnlineApplication(db, req.body);
      const limited = await rateLimit(req, reply, RATE_LIMITS.apply);
      if (limited) return { error: limited };
      const r = await submitOnline(db, deps, req.body);
      return IntakeOut.parse({ tracking_number: r.trackingNumber, secret: r.secret });
    },
  });

  defineEndpoint(app, {
    method: 'POST',
    path: '/track',
    summary: `凭申请编号和查询码查询办理情况（公开；不含任何个人信息）。未找到时 404 {error: "${TRACK_NOT_FOUND}"}，不提示哪一项有误；查询过于频繁时 429 并带 Retry-After`,
    tag: 'public',
    auth: 'public',
    body: TrackIn,
    response: PublicCaseOut,
    handler: async ({ req, reply, body }) => {
      reply.header('cache-control', 'no-store');
      const limited = await rateLimit(req, reply, RATE_LIMITS.track);
      if (limited) return { error: limited };
      const view = await findByTracking(db, deps, body.tracking_number, body.secret);
      if (!view) {
        reply.code(404);
        return { error: TRACK_NOT_FOUND };
      }
      return publicCaseOut(view);
    },
  });
}
