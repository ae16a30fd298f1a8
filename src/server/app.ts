/**
 * The web application: one Fastify instance serving the public portal, the staff back office and
 * (with the next increments) the JSON API. Cross-cutting concerns live here, in one place each:
 * security headers, the session and actor of each request, CSRF protection of every state-changing
 * request, and errors rendered as Chinese pages; request ids, request logs, metrics and the
 * health/readiness probes (observability/); the node's scheduled jobs (jobs.ts).
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ForbiddenError, type Actor } from '../accounts/policy.js';
import { SESSION_COOKIE, loadSession, newToken, safeEqual, type SessionTimeouts } from '../accounts/session.js';
import { ActorCache } from '../accounts/user.repository.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import type { Db } from '../db/database.js';
import { APP_CSS } from './static.js';
import { HttpError } from './errors.js';
import { registerAssets } from './assets.js';
import type { FileStore } from '../attachments/store.js';
import { registerAttachmentRoutes } from './routes/attachments.js';
import { ErrorPage, page } from './views/layout.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerPortalRoutes } from './routes/portal.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerAgencySettingsRoutes } from './routes/agency-settings.js';
import { registerCoreApi } from './routes/api-core.js';
import { register as registerApplicationsAdmin } from './routes/applications-admin.js';
import { register as registerApplicationsPublic } from './routes/applications-public.js';
import { register as registerCatalogueAdmin } from './routes/catalogue-admin.js';
import { register as registerPortalCatalogue } from './routes/portal-catalogue.js';
import { register as registerPortalReports } from './routes/portal-reports.js';
import { register as registerReportsAdmin } from './routes/reports-admin.js';
import { register as registerReportUploads } from './routes/report-uploads.js';
import { register as registerSupervision, reminderScheduler } from './routes/supervision.js';
import { register as registerSecurityAdmin } from './routes/security-admin.js';
import { registerApiDocs } from './api.js';
import { isProbe, registerObservability } from './observability/index.js';
import { genReqId, loggerOptions, type LogSettings } from './observability/logging.js';
import { registerJobs } from './jobs.js';
import { requestSite } from './csrf.js';
import { DataDecryptionError, DataKeysMissingError } from '../crypto/field-cipher.js';

export interface AppDeps {
  db: Db;
  calendar: WorkCalendar;
  /** Where attachments are stored (GONGKAI_DATA/files, or GONGKAI_FILES on shared storage). */
  files: FileStore;
  /** Largest attachment accepted, in bytes. */
  maxUploadBytes: number;
  secureCookies?: boolean;
  trustProxy?: boolean;
  /** Structured logs (observability/logging.ts): true = level info on stdout. */
  logger?: boolean | LogSettings;
  /** Rate limits on public forms (default on; off only for load tests). */
  rateLimits?: boolean;
  /**
   * GONGKAI_PAGE_CACHE: keep rendered pages in memory per data version (the work queue, the public
   * catalogue's column, list and item pages; default on).
   */
  pageCache?: boolean;
  /** GONGKAI_SESSION_IDLE_MINUTES / GONGKAI_SESSION_MAX_HOURS (default 30 minutes / 12 hours). */
  sessionTimeouts?: SessionTimeouts;
  /** GONGKAI_STATIC_DIR: the site's own static files under /assets/. */
  staticDir?: string;
  /** GONGKAI_PUBLIC_URL: the site's public address for absolute links (feeds, sitemaps). */
  publicUrl?: string;
}

/** The anonymous visitor's CSRF cookie (double submit); staff use their session's token. */
export const CSRF_COOKIE = 'gk_csrf';
/** Form bodies are small; uploads get their own limit on their own routes. */
export const BODY_LIMIT = 256 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
    csrfToken: string;
  }
  interface FastifyInstance {
    deps: AppDeps;
  }
}

export { HttpError };

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'cross-origin-opener-policy': 'same-origin',
};

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps.logger),
    // One log line per request is written by observability/index.ts (no URLs, no headers).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId,
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: BODY_LIMIT,
  });
  app.decorate('deps', deps);
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('csrfConfirm', false);
  await app.register(cookie);
  await app.register(formbody);
  // First: every request counted, timed and logged; /healthz, /readyz, /metrics.
  registerObservability(app, { jobNames: () => [...(app.jobs?.jobs.keys() ?? [])] });
  await registerAttachmentRoutes(app);

  const actors = new ActorCache();
  app.addHook('onRequest', async (req, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (isProbe(req)) return;
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const s = await loadSession(deps.db.kysely, token, Date.now(), deps.sessionTimeouts);
      if (s) {
        req.actor = await actors.get(deps.db.kysely, s.userId, s.versions);
        if (req.actor) {
          req.sessionToken = token;
          req.csrfToken = s.csrfToken;
          reply.header('cache-control', 'no-store');
        }
      } else {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    if (!req.actor) {
      const anon = req.cookies[CSRF_COOKIE];
      if (anon && /^[A-Za-z0-9_-]{20,64}$/.test(anon)) req.csrfToken = anon;
      else {
        // A visitor without the cookie gets it from the first page that puts the token in a form
        // (or /api/v1/csrf-token), when the page reads req.csrfToken: pages without a form (the
        // column, lists, guides, reports) then carry no Set-Cookie, so a shared cache (the
        // deployment's nginx micro-cache, a CDN) may keep them — a response that sets a cookie is
        // never cached. A POST from such a visitor fails the check below (a fresh token matches
        // nothing it sent).
        let issued: string | undefined;
        Object.defineProperty(req, 'csrfToken', {
          configurable: true,
          enumerable: true,
          get: () => {
            if (issued === undefined) {
              issued = newToken(24);
              reply.setCookie(CSRF_COOKIE, issued, cookieOptions(deps));
            }
            return issued;
          },
          set: (v: string) => void (issued = v),
        });
      }
    }
  });

  // CSRF: every state-changing request carries the token (form field _csrf or header
  // x-csrf-token) matching the session's token, or for anonymous visitors the gk_csrf cookie;
  // a route marked csrf: 'same-origin' may instead be vouched for by the browser (csrf.ts).
  app.addHook('preHandler', async (req) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const body = req.body as Record<string, unknown> | undefined;
    // A multipart upload is read by its handler, after this hook: its form carries the token in
    // the action URL (?_csrf=…), since the body cannot be read here.
    const query = req.query as Record<string, unknown> | undefined;
    const multipartToken = req.isMultipart() && typeof query?._csrf === 'string' ? query._csrf : undefined;
    const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? req.headers['x-csrf-token'] ?? multipartToken;
    if (sent === undefined && req.routeOptions.config?.csrf === 'same-origin') {
      // A form served alike to everyone (csrf.ts): the browser's own word on where it comes from.
      const site = requestSite(req);
      if (site === 'same') return;
      if (site === 'unknown') {
        req.csrfConfirm = true; // the handler shows the form again, with a token
        return;
      }
    }
    if (typeof sent !== 'string' || !req.csrfToken || !safeEqual(sent, req.csrfToken)) {
      throw new HttpError(403, '表单已过期或来源不明（CSRF 校验失败），请刷新页面后重新提交。');
    }
  });

  app.get('/static/app.css', async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8');
    return APP_CSS;
  });
  if (deps.staticDir) registerAssets(app, deps.staticDir);

  registerPortalRoutes(app);
  registerAuthRoutes(app);
  registerAdminRoutes(app);
  registerAgencySettingsRoutes(app);
  registerApiDocs(app);
  registerCoreApi(app);
  registerApplicationsPublic(app);
  registerApplicationsAdmin(app);
  registerCatalogueAdmin(app);
  registerPortalCatalogue(app);
  registerReportsAdmin(app);
  registerReportUploads(app);
  registerPortalReports(app);
  registerSupervision(app);
  registerSecurityAdmin(app);

  // Scheduled jobs (server/jobs.ts): the daily e-mail reminders (GONGKAI_SMTP_URL,
  // GONGKAI_REMINDER_TIME) and, on real nodes, the housekeeping; started once the app is ready,
  // stopped (waiting for a run in progress) before it closes.
  const reminders = reminderScheduler(app);
  registerJobs(app, reminders ? [reminders.job] : []);

  app.setNotFoundHandler(async (req, reply) => {
    reply.code(404);
    if (req.url.startsWith('/api/')) return { error: `没有这个接口：${req.method} ${req.url.split('?')[0]}` };
    return sendPage(reply, ErrorPage({ status: 404, message: `找不到页面：${req.url}` }));
  });

  app.setErrorHandler(async (err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    let status = 500;
    let message = '服务器内部错误，请稍后再试。';
    const domainStatus = (err as { status?: unknown }).status;
    if (err instanceof HttpError) ({ status, message } = err);
    else if (err instanceof ForbiddenError) ({ status, message } = err);
    // Domain errors (ValidationError 422, NotFoundError 404, ConflictError/StateError 409) carry
    // their status and a Chinese message meant for the user.
    else if (typeof domainStatus === 'number' && domainStatus >= 400 && domainStatus < 500) [status, message] = [domainStatus, err.message];
    else if (err.statusCode === 413) [status, message] = [413, '提交的内容过大。'];
    else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) [status, message] = [err.statusCode, '请求格式有误。'];
    else if (isDatabaseUnavailable(err)) {
      // The database is away (restart, failover): 503 with Retry-After, which a client understands
      // as "later". Nothing was written — unless the connection died during the COMMIT itself,
      // when the outcome is unknown (test/multinode/faults.test.ts).
      [status, message] = [503, '系统暂时无法连接数据库，请稍后再试。'];
      reply.header('retry-after', '5');
      req.log.error(err);
    } else if (err instanceof DataDecryptionError || err instanceof DataKeysMissingError) {
      // Personal data that this node's keys cannot open: a configuration problem (a node without
      // the current GONGKAI_DATA_KEYS) or a damaged value — said as such, never as the data.
      status = 500;
      message = req.actor
        ? '这条记录中的个人信息无法解密：本服务器的数据加密密钥配置有误，或数据已损坏。请联系系统管理员检查 GONGKAI_DATA_KEYS / GONGKAI_DATA_KEY_FILE（各服务器须相同）；详情已记入服务器日志。'
        : '系统配置有误，暂时无法显示这条记录，请稍后再试或联系受理机关。';
      req.log.error(err);
    } else req.log.error(err);
    reply.code(status);
    const fields = status < 500 ? (err as { fields?: Record<string, string> }).fields : undefined;
    if (wantsJson(req)) return fields ? { error: message, fields } : { error: message };
    return sendPage(reply, ErrorPage({ status, message, area: req.url.startsWith('/admin') ? 'admin' : 'portal' }));
  });

  return app;
}

/** PostgreSQL unreachable or going away: refused or dropped connections, server shutting down or starting up. */
const DB_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (typeof e.code === 'string' && DB_UNAVAILABLE_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && /^Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message);
}

export function cookieOptions(deps: AppDeps) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies ?? false };
}

export function sendPage(reply: FastifyReply, node: preact.VNode): FastifyReply {
  // A Buffer: encoded once (a string would be measured for Content-Length, then encoded again).
  return reply.type('text/html; charset=utf-8').send(Buffer.from(page(node)));
}

/** The actor of a back-office request; anonymous visitors are sent to the login page. */
export function requireActor(req: FastifyRequest, reply: FastifyReply): Actor | null {
  if (req.actor) return req.actor;
  void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  return null;
}

/** API calls, and clients that ask for JSON rather than a page. */
export function wantsJson(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/')) return true;
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function clientIp(req: FastifyRequest): string {
  return req.ip || 'unknown';
}
