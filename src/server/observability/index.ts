/**
 * What an operator running several nodes behind a load balancer needs from each: `/healthz`
 * (liveness: the process answers — no database call, so a database outage does not get every node
 * restarted), `/readyz` (readiness.ts: take traffic or not, 200 or 503), `/metrics` (metrics.ts,
 * Prometheus text format, not public) and one structured log line per request (logging.ts).
 * registerObservability() adds the routes and the hooks that feed them to the app (app.ts calls it
 * before any route, so every request is counted and logged).
 *
 * Who may read /metrics: a request carrying `Authorization: Bearer <GONGKAI_METRICS_TOKEN>` (when
 * the token is set; compared in constant time), or one from a loopback address that came straight
 * to the node — the socket's own address, never X-Forwarded-For, and no forwarding header at all:
 * a reverse proxy on the same host connects from 127.0.0.1 too, and what it forwards is the
 * public's request. Everyone else gets 403. The figures hold no personal data, but traffic per
 * route, the version and the process's state are of use to an attacker, so they are not public.
 *
 * The three routes are marked as probes (route config `probe`): the session hook skips them (a
 * probe carries no cookie and sets none, and /healthz never touches the database), their log
 * lines are debug (warn for a 503), and nothing caches their answers (Cache-Control: no-store).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_SESSION_TIMEOUTS, safeEqual } from '../../accounts/session.js';
import { AppMetrics, type DomainCollector } from './metrics.js';
import { Readiness } from './readiness.js';

declare module '../app.js' {
  interface AppDeps {
    /** GONGKAI_METRICS_TOKEN: /metrics with `Authorization: Bearer <token>` from anywhere (else loopback only). */
    metricsToken?: string;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
    metrics: AppMetrics;
  }
  interface FastifyContextConfig {
    /** /healthz, /readyz, /metrics: no session, debug-level log lines. */
    probe?: boolean;
  }
}

/** Whether the request is to a probe route (no session is loaded for it). */
export function isProbe(req: FastifyRequest): boolean {
  return req.routeOptions.config?.probe === true;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host', 'x-forwarded-proto'];

/** The /metrics rule (see the header). */
export function mayReadMetrics(req: FastifyRequest, token: string | undefined): boolean {
  const auth = req.headers.authorization;
  if (token && typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m && safeEqual(m[1]!, token)) return true;
  }
  if (FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
  return isLoopback(req.raw.socket?.remoteAddress);
}

/** Cheap figures from the database for /metrics (computed at most once a minute). */
function domainCollector(app: FastifyInstance, jobNames: () => string[]): DomainCollector {
  return async () => {
    const db = app.deps.db.kysely;
    const now = Date.now();
    // Live sessions: the table holds only those (expired ones are purged hourly), so this stays small.
    const sessions = await db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('expires_at', '>', new Date(now).toISOString())
      .where('last_seen_at', '>', new Date(now - (app.deps.sessionTimeouts ?? DEFAULT_SESSION_TIMEOUTS).idleMs).toISOString())
      .executeTakeFirstOrThrow();
    const names = jobNames();
    const jobs = names.length
      ? await db
          .selectFrom('job_runs')
          .select(['job', 'status', (eb) => eb.fn.max('finished_at').as('last')])
          .where('job', 'in', names)
          .where('status', 'in', ['done', 'failed'])
          .groupBy(['job', 'status'])
          .execute()
      : [];
    const at = (status: string) =>
      jobs.filter((j) => j.status === status && j.last).map((j) => ({ labels: { job: j.job }, value: Math.floor(Date.parse(j.last as string) / 1000) }));
    return [
      { name: 'gongkai_sessions_active', help: 'Staff sessions not expired', type: 'gauge', series: [{ labels: {}, value: Number(sessions.n) }] },
      { name: 'gongkai_job_last_success_timestamp_seconds', help: 'When each scheduled job last finished successfully (any node)', type: 'gauge', series: at('done') },
      { name: 'gongkai_job_last_failure_timestamp_seconds', help: 'When each scheduled job last failed (any node)', type: 'gauge', series: at('failed') },
    ];
    // Applications open and overdue are not here: no index gives them without reading every open
    // case of every agency (applications_queue leads with agency_id); the supervision dashboard has them.
  };
}

export interface ObservabilityOptions {
  /** The names of the scheduled jobs (read at scrape time: the runner is built after the routes). */
  jobNames?: () => string[];
}

export function registerObservability(app: FastifyInstance, opts: ObservabilityOptions = {}): void {
  const deps = app.deps;
  const readiness = new Readiness({
    db: deps.db,
    filesDir: deps.files.dir,
    log: (level, fields, message) => app.log[level](fields, message),
  });
  const poolStats = app.deps.db.poolStats;
  const metrics = new AppMetrics({ version: version(), domain: domainCollector(app, opts.jobNames ?? (() => [])), ...(poolStats ? { pool: poolStats } : {}) });
  app.decorate('readiness', readiness);
  app.decorate('metrics', metrics);
  app.addHook('onClose', async () => metrics.close());

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    metrics.requestStarted();
    // 'close' comes for every response, finished or aborted (onResponse does not run for an aborted one).
    reply.raw.once('close', () => metrics.requestEnded());
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url;
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    metrics.observe(req.method, route, status, ms / 1000);
    const fields = { method: req.method, route: route ?? null, status, durationMs: Math.round(ms * 10) / 10, ...(req.actor ? { userId: req.actor.userId } : {}) };
    // A probe's 503 (not ready, draining) is expected, not a server error: the reason is logged by readiness.ts.
    if (isProbe(req)) req.log[status >= 500 ? 'warn' : 'debug'](fields, 'request completed');
    else if (status >= 500) req.log.error(fields, 'request completed');
    else req.log.info(fields, 'request completed');
  });

  const probe = { config: { probe: true } };
  app.get('/healthz', probe, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  app.get('/readyz', probe, async (_req, reply) => {
    const r = await readiness.check();
    reply.header('cache-control', 'no-store').code(r.status === 'ready' ? 200 : 503);
    return r;
  });
  app.get('/metrics', probe, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (!mayReadMetrics(req, deps.metricsToken)) {
      reply.code(403).type('text/plain; charset=utf-8');
      return '无权访问监控指标：请从本机访问，或携带 Authorization: Bearer <GONGKAI_METRICS_TOKEN>。\n';
    }
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return metrics.render();
  });
}
