/**
 * Configuration from the environment, validated once at start. Every problem is reported in one
 * Chinese line naming the variable; nothing starts with a half-valid configuration.
 */
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** Data folder: the SQLite file and (later) uploaded files. */
  dataDir: string;
  /** PostgreSQL URL; absent → SQLite in dataDir. */
  databaseUrl: string | undefined;
  /** Extra holiday data file (see docs/calendar.md). */
  calendarFile: string | undefined;
  /** Load the demo agencies and users into an empty database. */
  demo: boolean;
  /** Mark cookies Secure (set when the site is served over HTTPS). */
  secureCookies: boolean;
  /** Behind a reverse proxy: trust X-Forwarded-For for client addresses. */
  trustProxy: boolean;
  /** Rate limits on public forms; off only for load tests on loopback. */
  rateLimits: boolean;
  /** In-memory caches of rendered back-office pages, checked against the database's data versions (default on). */
  pageCache: boolean;
  /** Attachments folder (shared storage when several nodes run): default <dataDir>/files. */
  filesDir: string;
  /** Largest attachment, in bytes (GONGKAI_MAX_UPLOAD_MB, default 50). */
  maxUploadBytes: number;
  /** A folder of the site's own static files (logos, printable guides …), served under /assets/. */
  staticDir: string | undefined;
  /**
   * The site's public address (GONGKAI_PUBLIC_URL, e.g. https://xxgk.example.gov.cn): the absolute
   * links of feeds and sitemaps. Unset: taken from the request's Host header (checked).
   */
  publicUrl: string | undefined;
}

/** GONGKAI_PUBLIC_URL: http(s), a host, optionally a port; no path, query or credentials. */
function publicUrlOf(raw: string | undefined): string | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`GONGKAI_PUBLIC_URL 不是有效的网址（收到「${raw}」），应形如 https://xxgk.example.gov.cn`);
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) {
    throw new ConfigError(`GONGKAI_PUBLIC_URL 只能是 http(s)://主机[:端口]，不带路径、参数或账号（收到「${raw}」）`);
  }
  return `${u.protocol}//${u.host}`;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = env[name]?.trim().toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} 只能是 1 或 0（收到「${env[name]}」）`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const portText = env.PORT?.trim() || '3000';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new ConfigError(`PORT 必须是 1–65535 之间的整数（收到「${env.PORT}」）`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL 只支持 PostgreSQL（postgres://用户@主机:端口/数据库）；不设置则使用内置 SQLite');
  }
  const host = env.HOST?.trim() || '127.0.0.1';
  const uploadText = env.GONGKAI_MAX_UPLOAD_MB?.trim() || '50';
  if (!/^\d{1,4}$/.test(uploadText) || Number(uploadText) < 1) {
    throw new ConfigError(`GONGKAI_MAX_UPLOAD_MB 必须是 1–9999 之间的整数（收到「${env.GONGKAI_MAX_UPLOAD_MB}」）`);
  }
  const dataDir = resolve(env.GONGKAI_DATA?.trim() || './data');
  return {
    port: Number(portText),
    host,
    dataDir,
    filesDir: env.GONGKAI_FILES?.trim() ? resolve(env.GONGKAI_FILES.trim()) : resolve(dataDir, 'files'),
    maxUploadBytes: Number(uploadText) * 1024 * 1024,
    databaseUrl,
    calendarFile: env.GONGKAI_CALENDAR?.trim() || undefined,
    demo: flag(env, 'GONGKAI_DEMO') ?? !databaseUrl,
    secureCookies: flag(env, 'GONGKAI_SECURE_COOKIES') ?? false,
    trustProxy: flag(env, 'GONGKAI_TRUST_PROXY') ?? false,
    rateLimits: flag(env, 'GONGKAI_RATE_LIMITS') ?? true,
    pageCache: flag(env, 'GONGKAI_PAGE_CACHE') ?? true,
    staticDir: env.GONGKAI_STATIC_DIR?.trim() ? resolve(env.GONGKAI_STATIC_DIR.trim()) : undefined,
    publicUrl: publicUrlOf(env.GONGKAI_PUBLIC_URL),
  };
}
