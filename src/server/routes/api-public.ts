/**
 * The public JSON API of the application desk (no login):
 *
 *   GET  /api/v1/csrf-token    the caller's CSRF token (every POST sends it in x-csrf-token, with
 *                              the gk_csrf cookie this request sets)
 *   POST /api/v1/applications  online application: the web form's schema (onlineApplicationSchema),
 *                              rate-limited per address like the form → {tracking_number, secret}.
 *                              With an Idempotency-Key header (32–128 of [A-Za-z0-9_-], e.g. a
 *                              UUID) a retry after an answer that never arrived gets that answer
 *                              (the same number and 查询码, for 10 minutes, with the header
 *                              Idempotent-Replayed: true) and creates nothing; later, 409 {error}.
 *                              Without it each request is new.
 *                              (online-submissions.ts; the form's one-time token does the same)
 *   POST /api/v1/track         {tracking_number, secret} → the public view (with the letters and the
 *                              files the applicant may download), or 404 {error}
 *   POST /api/v1/track/letter  {tracking_number, secret, kind, seq?} → a letter addressed to the
 *                              applicant (.docx), or 404 {error}
 *   POST /api/v1/track/attachment  {tracking_number, secret, attachment_id} → a file marked for the
 *                              applicant, or 404 {error}
 *   GET  /api/v1/reports/:agencyId/:year  the published annual report of an agency for a year: its
 *                              JSON (DOMAIN.md §4.4) with the publication date and version history,
 *                              or 404 {error} (unpublished reports, drafts and versions in review
 *                              are never answered)
 *
 * The downloads make the tracking page's checks (track-downloads.ts: the pair again every time,
 * the same generic 404, the same rate limit as the lookup, shared per address with the page) and
 * are audited like the page's (via: 'api').
 *
 * Output goes through explicit, strict schemas built from the presenter's public view: nothing
 * personal can appear in it, and the OpenAPI document shows exactly those fields.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PublicApplicationView } from '../../applications/application.presenter.js';
import { onlineApplicationSchema, trackingLookupSchema } from '../../applications/application.schema.js';
import { lookUpTracking, submitOnline, submitOnlineForm } from '../../applications/application.service.js';
import { AlreadySubmittedError, formTokenUsed, isIdempotencyKey, peekReceipt, receiptKeyOf } from '../../applications/online-submissions.js';
import type { AttachmentView } from '../../attachments/attachment.service.js';
import { LIMITS as RATE_LIMITS } from '../../security/rate-limit.js';
import { parseUrlId } from '../../portal/columns.js';
import { publicReport } from '../../reports/store/annual-report.service.js';
import { id, optionalInt } from '../../validation.js';
import { ApiError, defineEndpoint } from '../api.js';
import { applicantLetterKindOf, APPLICANT_LETTER_KINDS, KIND_LABELS } from '../views/applications/letters.js';
import { DOWNLOADS } from '../views/reports/downloads.js';
import { reportDownloadUrl } from '../views/reports/public.js';
import { sendAttachment } from './attachments.js';
import { parseReportYear, REPORT_NOT_FOUND } from './portal-reports.js';
import { checkOnlineApplication, rateLimit, serviceDeps, TRACK_NOT_FOUND } from './public-desk.js';
import { applicantAttachment, applicantLetter, sendLetter } from './track-downloads.js';

const IDEMPOTENCY_KEY_INVALID = 'Idempotency-Key 请求头须为32至128个字母、数字、“-”或“_”（例如 UUID），每份申请一个。';
const ALREADY_SUBMITTED = '这份申请已经提交过（同一 Idempotency-Key），本次没有重复提交；已超过10分钟，不再返回其申请编号和查询码。';

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
      .array(
        z
          .object({
            type: z.string(),
            title: z.string(),
            date: z.string(),
            text: z.string(),
            download: z
              .object({ kind: z.string(), seq: z.number().int() })
              .strict()
              .nullable()
              .describe('可下载的 Word 告知书：以 kind 和 seq 调用 POST /api/v1/track/letter；无 Word 文书的为 null'),
          })
          .strict(),
      )
      .describe('发给申请人的告知书'),
    attachments: z
      .array(z.object({ id: z.number().int(), filename: z.string(), media_type: z.string(), size: z.number().int() }).strict())
      .describe('受理机关提供给申请人的文件：以 id 调用 POST /api/v1/track/attachment 下载'),
  })
  .strict();

const cells = z.record(z.string(), z.record(z.string(), z.unknown()));

export const PublicReportOut = z
  .object({
    agency_id: z.number().int().describe('机关编号'),
    agency_name: z.string().describe('机关名称'),
    year: z.number().int().describe('报告年度'),
    published_on: z.string().describe('现行版本的公布日期 YYYY-MM-DD'),
    version: z.number().int().describe('现行版本号（1 为首次公布；修订后公布的版本依次递增）'),
    history: z
      .array(z.object({ version: z.number().int(), published_on: z.string(), change_note: z.string().nullable().describe('修改说明（第1版为 null）') }).strict())
      .describe('公布过的各版本，新的在前（规则D2）'),
    report: z
      .object({
        agency: z.string().nullable(),
        year: z.number().int().nullable(),
        format: z.enum(['2019', '2021']).describe('报告格式：2019–2020年度为 2019，2021年度起为 2021'),
        proactive: cells.describe('第二部分：行 id → 列 id → 数值（空白为 null）'),
        applications: cells.describe('第三部分：行 id（1、2、3.1 … 3.7、4）→ 申请人列 id → 数值'),
        reviews: cells.describe('第四部分：reconsideration / litigation_direct / litigation_after → 列 id → 数值'),
        sections: z.object({ 1: z.string().nullable(), 5: z.string().nullable(), 6: z.string().nullable() }).describe('第一、五、六部分的文字'),
      })
      .describe('报告本身，DOMAIN.md §4.4 的 JSON（与公开平台下载的 .json 文件相同）'),
    downloads: z.record(z.string(), z.string()).describe('公开平台上各格式的下载地址（docx、pdf、html、xlsx、json）'),
  })
  .strict();

export const TrackIn = z.object({
  tracking_number: trackingLookupSchema.shape.trackingNumber,
  secret: trackingLookupSchema.shape.secret,
});

const APPLICANT_KIND_LABELS = Object.fromEntries(APPLICANT_LETTER_KINDS.map((k) => [k, KIND_LABELS[k]])) as Record<(typeof APPLICANT_LETTER_KINDS)[number], string>;

export const TrackLetterIn = z.object({
  tracking_number: trackingLookupSchema.shape.trackingNumber,
  secret: trackingLookupSchema.shape.secret,
  kind: z
    .enum(APPLICANT_LETTER_KINDS, { error: `告知书种类应为：${APPLICANT_LETTER_KINDS.map((k) => `${APPLICANT_KIND_LABELS[k]}（${k}）`).join('、')}` })
    .describe(`告知书种类：${APPLICANT_LETTER_KINDS.map((k) => `${k} ${APPLICANT_KIND_LABELS[k]}`).join('，')}`),
  seq: optionalInt('告知书序号', { min: 1, max: 1000 }).describe('同一种告知书有多份时（例如重新办理后再次答复）为第几份，1 为第一份；不填为最新一份'),
});

export const TrackAttachmentIn = z.object({
  tracking_number: trackingLookupSchema.shape.trackingNumber,
  secret: trackingLookupSchema.shape.secret,
  attachment_id: id('文件').describe('文件编号（POST /api/v1/track 返回的 attachments[].id）'),
});

/** The public view for the API: each field copied by name (an allowlist), then checked strictly. */
export function publicCaseOut(v: PublicApplicationView, attachments: readonly AttachmentView[] = []): z.infer<typeof PublicCaseOut> {
  const counts = new Map<string, number>();
  const download = (type: PublicApplicationView['letters'][number]['type']) => {
    const kind = applicantLetterKindOf(type);
    if (!kind) return null;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return { kind, seq: counts.get(kind)! };
  };
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
    letters: v.letters.map((l) => ({ type: l.type, title: l.title, date: l.date, text: l.text, download: download(l.type) })),
    attachments: attachments.map((a) => ({ id: a.id, filename: a.filename, media_type: a.mediaType, size: a.size })),
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
      '在线提交政府信息公开申请（公开；字段和校验规则与网上申请表单相同；每个地址每小时限提交一定次数，超过时 429 并带 Retry-After）。返回申请编号和只显示一次的查询码；收到申请之日以双方确认之日为准（条例第31条第（三）项）。建议带 Idempotency-Key 请求头（32至128个字母、数字、“-”或“_”，如 UUID，每份申请一个）：未收到答复（连接中断、503）时用同一个键重发，10分钟内返回第一次的申请编号和查询码（带 Idempotent-Replayed: true 响应头），不会重复提交；超过10分钟则 409。键格式不对时 400',
    tag: 'public',
    auth: 'public',
    body: onlineApplicationSchema,
    response: IntakeOut,
    handler: async ({ req, reply }) => {
      reply.header('cache-control', 'no-store');
      const key = req.headers['idempotency-key'];
      if (key !== undefined && !isIdempotencyKey(key)) {
        reply.code(400);
        return { error: IDEMPOTENCY_KEY_INVALID };
      }
      /** The answer to the first request of this key (its receipt, until it expires; then 409). */
      const replay = async (k: string) => {
        const receipt = await peekReceipt(db.kysely, receiptKeyOf(k));
        if (receipt) {
          reply.header('idempotent-replayed', 'true');
          return IntakeOut.parse({ tracking_number: receipt.trackingNumber, secret: receipt.secret });
        }
        reply.code(409);
        return { error: ALREADY_SUBMITTED };
      };
      // A retry is neither checked again nor counted against the limit.
      if (key !== undefined && (await formTokenUsed(db.kysely, key))) return replay(key);
      await checkOnlineApplication(db, req.body);
      const limited = await rateLimit(req, reply, RATE_LIMITS.apply);
      if (limited) return { error: limited };
      if (key === undefined) {
        const r = await submitOnline(db, deps, req.body);
        return IntakeOut.parse({ tracking_number: r.trackingNumber, secret: r.secret });
      }
      try {
        // The receipt stays for a retry: this answer may yet be lost on its way.
        const r = await submitOnlineForm(db, deps, req.body, key);
        return IntakeOut.parse({ tracking_number: r.trackingNumber, secret: r.secret });
      } catch (e) {
        // The same key in two requests at once: the second waited for the first's commit.
        if (e instanceof AlreadySubmittedError) return replay(key);
        throw e;
      }
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
      const found = await lookUpTracking(db, deps, body.tracking_number, body.secret);
      if (!found) {
        reply.code(404);
        return { error: TRACK_NOT_FOUND };
      }
      return publicCaseOut(found.view, found.attachments);
    },
  });

  defineEndpoint(app, {
    method: 'POST',
    path: '/track/letter',
    summary: `凭申请编号和查询码下载受理机关发给申请人的告知书（Word 文档；公开）。与申请查询页面的下载相同：每次都核对申请编号和查询码，文号与工作人员的副本相同，每次下载记入审计日志。未找到时 404 {error: "${TRACK_NOT_FOUND}"}，不提示哪一项有误；与查询共用频率限制，过于频繁时 429 并带 Retry-After`,
    tag: 'public',
    auth: 'public',
    body: TrackLetterIn,
    response: ApiError,
    file: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', description: '告知书（.docx，作为附件下载）' },
    handler: async ({ req, reply, body }) => {
      reply.header('cache-control', 'no-store');
      const limited = await rateLimit(req, reply, RATE_LIMITS.track);
      if (limited) return { error: limited };
      const file = await applicantLetter(app, req, { trackingNumber: body.tracking_number, secret: body.secret, kind: body.kind, seq: body.seq }, 'api');
      if (!file) {
        reply.code(404);
        return { error: TRACK_NOT_FOUND };
      }
      return sendLetter(reply, file);
    },
  });

  defineEndpoint(app, {
    method: 'GET',
    path: '/reports/:agencyId/:year',
    summary: `某机关某年度已公布的政府信息公开工作年度报告（公开；DOMAIN.md §4.4 的 JSON，附公布日期和版本记录）。未公布的报告、草稿和审核中的版本一律 404 {error: "${REPORT_NOT_FOUND}"}`,
    tag: 'public',
    auth: 'public',
    response: PublicReportOut,
    handler: async ({ reply, params }) => {
      const agencyId = parseUrlId(params.agencyId);
      const year = parseReportYear(params.year);
      const r = agencyId === null || year === null ? undefined : await publicReport(db.kysely, agencyId, year);
      if (!r) {
        reply.code(404);
        return { error: REPORT_NOT_FOUND };
      }
      reply.header('cache-control', 'public, max-age=300');
      const current = r.history.find((h) => h.current);
      return PublicReportOut.parse({
        agency_id: r.agencyId,
        agency_name: r.agencyName,
        year: r.year,
        published_on: r.publishedOn,
        version: current?.number ?? 1,
        history: r.history.map((h) => ({ version: h.number, published_on: h.publishedOn, change_note: h.changeNote })),
        report: r.content,
        downloads: Object.fromEntries(DOWNLOADS.map((d) => [d.format, reportDownloadUrl(r.agencyId, r.year, d.format)])),
      });
    },
  });

  defineEndpoint(app, {
    method: 'POST',
    path: '/track/attachment',
    summary: `凭申请编号和查询码下载受理机关提供给申请人的文件（公开）。与申请查询页面的下载相同：每次都核对申请编号和查询码，只能下载本申请中标明提供给申请人的文件，每次下载记入审计日志。未找到时 404 {error: "${TRACK_NOT_FOUND}"}；与查询共用频率限制，过于频繁时 429 并带 Retry-After`,
    tag: 'public',
    auth: 'public',
    body: TrackAttachmentIn,
    response: ApiError,
    file: { mediaType: 'application/octet-stream', description: '文件（按其实际类型，作为附件下载）' },
    handler: async ({ req, reply, body }) => {
      reply.header('cache-control', 'no-store');
      const limited = await rateLimit(req, reply, RATE_LIMITS.track);
      if (limited) return { error: limited };
      const file = await applicantAttachment(app, req, { trackingNumber: body.tracking_number, secret: body.secret, attachmentId: body.attachment_id }, 'api');
      if (!file) {
        reply.code(404);
        return { error: TRACK_NOT_FOUND };
      }
      return sendAttachment(reply, file.view, file.stream);
    },
  });
}
