/**
 * Structured logs: JSON lines from Fastify's pino logger, one per request (written in
 * observability/index.ts at onResponse) with the request id, method, route pattern, status,
 * duration and the logged-in user's id — and nothing else about the request.
 *
 * What never reaches the log: cookies and the Authorization header (no serializer includes
 * headers; pino's redaction covers them too should anything log a raw request), form bodies
 * (passwords, CSRF tokens, applicants' names, addresses, the 查询码), query strings (search terms,
 * tracking numbers and codes travel in them) and paths (a route pattern is logged instead of the
 * URL). Errors are logged with their type, message, code and stack only: a PostgreSQL error's
 * `detail` repeats the values of the row that failed, so it is dropped.
 *
 * The request id: an incoming X-Request-Id (from the reverse proxy) is kept when it is short and
 * plain (letters, digits and . _ : -, at most 64), so that one id follows a request through the
 * proxy's and the app's logs; anything else is replaced by a new random id. The response carries
 * it back (X-Request-Id). GONGKAI_LOG_LEVEL sets the level (config.ts); probes (/healthz, /readyz,
 * /metrics) log at debug, so the balancer's checks do not drown the requests.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The logger of an app: a level and, for tests, where the lines go (default stdout). */
export interface LogSettings {
  level: LogLevel;
  stream?: { write(line: string): void };
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Fastify's genReqId: the caller's X-Request-Id when plain and short, else a new one. */
export function genReqId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Only what is safe to keep of an error. */
export function serializeError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { message: String(e).slice(0, 500) };
  const x = e as Error & { code?: unknown; statusCode?: unknown };
  return {
    type: x.name,
    message: x.message.slice(0, 1000),
    ...(typeof x.code === 'string' || typeof x.code === 'number' ? { code: x.code } : {}),
    ...(typeof x.statusCode === 'number' ? { statusCode: x.statusCode } : {}),
    ...(x.stack ? { stack: x.stack } : {}),
  };
}

/** Fastify's `logger` option for the app's deps (false: no logger). */
export function loggerOptions(logger: boolean | LogSettings | undefined): false | Record<string, unknown> {
  if (!logger) return false;
  const settings: LogSettings = logger === true ? { level: 'info' } : logger;
  return {
    level: settings.level,
    ...(settings.stream ? { stream: settings.stream } : {}),
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', 'password', '*.password', '_csrf', '*._csrf'],
      censor: '[redacted]',
    },
    serializers: {
      // Should anything log a request or reply object: the method and the route pattern only.
      req: (req: { method?: string; routeOptions?: { url?: string } }) => ({ method: req.method, route: req.routeOptions?.url ?? null }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: serializeError,
    },
  };
}
