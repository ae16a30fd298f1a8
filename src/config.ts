/**
 * Configuration from the environment, validated once at start. Every problem is reported in one
 * Chinese line naming the variable; nothing starts with a half-valid configuration.
 */
import { resolve } from 'node:path';
import { isMailAddress } from './mail/address.js';
import { LOG_LEVELS, type LogLevel } from './server/observability/logging.js';
import { DataKeyConfigError, parseDataKeys, type DataKeySource } from './crypto/keys.js';
import { readFileSync } from 'node:fs';
import { DEFAULT_SECURITY_POLICY, parsePolicy, POLICY_BOUNDS, type SecurityPolicy } from './accounts/security-policy.js';
import { DEFAULT_AUDIT_RETENTION_DAYS, MIN_AUDIT_RETENTION_DAYS } from './audit/retention.js';
import type { SessionTimeouts } from './accounts/session.js';

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
  /** Outgoing mail for the reminders (GONGKAI_SMTP_URL + GONGKAI_MAIL_FROM); unset: no e-mail is sent. */
  mail: MailConfig | undefined;
  /**
   * GONGKAI_REMINDER_TIME: when the server sends the day's reminders, China time (HH:MM, default
   * 08:30); null ('off'): never from the server (only `gongkai reminders send`, e.g. from cron).
   */
  reminderTime: string | null;
  /** GONGKAI_COLUMN_STALE_DAYS: a catalogue not updated for more days is flagged on the supervision dashboard (default 30). */
  columnStaleDays: number;
  /** GONGKAI_LOG_LEVEL: the server's JSON log lines on stdout (default info; silent: none). */
  logLevel: LogLevel;
  /** GONGKAI_METRICS_TOKEN: /metrics for `Authorization: Bearer <token>` from anywhere; unset: loopback only. */
  metricsToken: string | undefined;
  /** GONGKAI_DRAIN_SECONDS: on SIGTERM, how long /readyz answers 503 before the server closes (when a balancer probes it; default 5). */
  drainSeconds: number;
  /**
   * The data keys that encrypt applicants' and complainants' personal data (GONGKAI_DATA_KEYS, or
   * the file GONGKAI_DATA_KEY_FILE): the first encrypts, all decrypt. Unset: on SQLite a key file
   * is generated in the data folder at first start; PostgreSQL refuses to start (src/crypto/keys.ts).
   */
  dataKeys: DataKeySource | undefined;
  /**
   * The security policy's installation values (GONGKAI_PASSWORD_MIN_LENGTH, GONGKAI_PASSWORD_CLASSES,
   * GONGKAI_PASSWORD_HISTORY, GONGKAI_PASSWORD_MAX_AGE_DAYS, GONGKAI_LOCKOUT_THRESHOLD,
   * GONGKAI_LOCKOUT_MINUTES); the security officer may change them later (src/accounts/security-policy.ts).
   */
  security: SecurityPolicy;
  /**
   * GONGKAI_SESSION_IDLE_MINUTES (5–480, default 30) and GONGKAI_SESSION_MAX_HOURS (1–72, default
   * 12): a staff session ends after that long without a request, and after that long in any case.
   */
  sessionTimeouts: SessionTimeouts;
  /** GONGKAI_AUDIT_RETENTION_DAYS: audit rows older than this are archived and purged (at least 180, default 365). */
  auditRetentionDays: number;
  /** GONGKAI_AUDIT_ARCHIVE_DIR: where purged audit rows are archived (default <dataDir>/audit-archive). */
  auditArchiveDir: string;
}

/** An SMTP server and the sender of the platform's e-mail. */
export interface MailConfig {
  host: string;
  port: number;
  /** smtps://: TLS from the first byte (usually port 465). */
  secure: boolean;
  /** smtp://: 'auto' upgrades with STARTTLS when the server offers it; 'required' refuses to send without; 'off' never upgrades. */
  starttls: 'auto' | 'required' | 'off';
  user: string | undefined;
  password: string | undefined;
  /** The From header: an address, optionally with a display name (政府信息公开平台 <xxgk@example.gov.cn>). */
  from: string;
}

/** How the SMTP URL looks, for the error messages. */
const SMTP_URL_FORM = 'smtp://用户名:密码@主机:端口（或 smtps://… 表示全程 TLS；可加 ?starttls=required 或 ?starttls=off）';

/** GONGKAI_SMTP_URL and GONGKAI_MAIL_FROM: both or neither. */
function mailOf(env: NodeJS.ProcessEnv): MailConfig | undefined {
  const raw = env.GONGKAI_SMTP_URL?.trim();
  const fromRaw = env.GONGKAI_MAIL_FROM?.trim();
  if (!raw) {
    if (fromRaw) throw new ConfigError('设置了 GONGKAI_MAIL_FROM 却没有设置 GONGKAI_SMTP_URL：发送邮件需要两者都设置');
    return undefined;
  }
  // The password must never appear in a message: name the variable, not its value.
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`GONGKAI_SMTP_URL 不是有效的地址，应形如 ${SMTP_URL_FORM}`);
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new ConfigError(`GONGKAI_SMTP_URL 只支持 smtp:// 或 smtps://，应形如 ${SMTP_URL_FORM}`);
  if (!u.hostname) throw new ConfigError(`GONGKAI_SMTP_URL 缺少邮件服务器主机名，应形如 ${SMTP_URL_FORM}`);
  if (u.pathname !== '' && u.pathname !== '/') throw new ConfigError('GONGKAI_SMTP_URL 不能带路径（只写到端口为止）');
  if (u.hash) throw new ConfigError('GONGKAI_SMTP_URL 不能带 # 片段');
  const secure = u.protocol === 'smtps:';
  const port = u.port ? Number(u.port) : secure ? 465 : 25;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError('GONGKAI_SMTP_URL 的端口必须是 1–65535 之间的整数');
  let starttls: MailConfig['starttls'] = 'auto';
  for (const [k, v] of u.searchParams) {
    if (k !== 'starttls') throw new ConfigError(`GONGKAI_SMTP_URL 的参数「${k}」无法识别：只支持 ?starttls=required 或 ?starttls=off`);
    if (v !== 'required' && v !== 'off' && v !== 'auto') throw new ConfigError(`GONGKAI_SMTP_URL 的 starttls 只能是 required、off 或 auto（收到「${v}」）`);
    if (secure && v !== 'auto') throw new ConfigError('GONGKAI_SMTP_URL 使用 smtps:// 时已全程加密，不能再设置 starttls');
    starttls = v;
  }
  let user: string | undefined;
  let password: string | undefined;
  try {
    user = u.username ? decodeURIComponent(u.username) : undefined;
    password = u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    throw new ConfigError('GONGKAI_SMTP_URL 的用户名或密码编码有误（特殊字符请用 %XX 形式转义）');
  }
  if (password !== undefined && user === undefined) throw new ConfigError('GONGKAI_SMTP_URL 写了密码却没有用户名');
  if (!fromRaw) throw new ConfigError('设置了 GONGKAI_SMTP_URL 还需要设置 GONGKAI_MAIL_FROM（发件人，例如 政府信息公开平台 <xxgk@example.gov.cn>）');
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port, secure, starttls, user, password, from: mailFromOf(fromRaw) };
}

/** GONGKAI_MAIL_FROM: `address` or `名称 <address>`. */
function mailFromOf(raw: string): string {
  if (/[\u0000-\u001f\u007f]/.test(raw) || raw.length > 200) throw new ConfigError('GONGKAI_MAIL_FROM 不能包含换行等控制字符，且不超过 200 个字符');
  const named = /^(.*?)\s*<([^<>]+)>$/.exec(raw);
  const address = named ? named[2]!.trim() : raw;
  const name = named ? named[1]!.trim() : '';
  if (!isMailAddress(address)) throw new ConfigError(`GONGKAI_MAIL_FROM 不是有效的发件地址（收到「${raw}」），应形如 xxgk@example.gov.cn 或 政府信息公开平台 <xxgk@example.gov.cn>`);
  if (/[<>"]/.test(name)) throw new ConfigError('GONGKAI_MAIL_FROM 的发件人名称不能包含 < > 或引号');
  return name ? `${name} <${address}>` : address;
}

/** GONGKAI_REMINDER_TIME: HH:MM (China time), default 08:30; 'off' → null. */
function reminderTimeOf(raw: string | undefined): string | null {
  const v = raw?.trim().toLowerCase();
  if (!v) return '08:30';
  if (v === 'off' || v === '0') return null;
  const m = /^(\d{1,2})[:：](\d{2})$/.exec(v);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new ConfigError(`GONGKAI_REMINDER_TIME 应为北京时间的 时:分（例如 08:30），或 off 表示不由服务器定时发送（收到「${raw}」）`);
  return `${m[1]!.padStart(2, '0')}:${m[2]}`;
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

/** GONGKAI_COLUMN_STALE_DAYS: 1–365, default 30. */
function staleDaysOf(raw: string | undefined): number {
  const v = raw?.trim() || '30';
  if (!/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > 365) throw new ConfigError(`GONGKAI_COLUMN_STALE_DAYS 必须是 1–365 之间的整数（天数；收到「${raw}」）`);
  return Number(v);
}

/** The security policy's variables, each within its bounds (one message naming the first bad variable). */
function securityOf(env: NodeJS.ProcessEnv): SecurityPolicy {
  const r = parsePolicy(env, DEFAULT_SECURITY_POLICY, (k) => POLICY_BOUNDS[k].env);
  if (r.errors) {
    const [name, message] = Object.entries(r.errors)[0]!;
    throw new ConfigError(`${name}：${message}`);
  }
  return r.policy;
}

/** GONGKAI_AUDIT_RETENTION_DAYS: 180–3650, default 365; lower values are refused, not raised. */
function auditRetentionOf(raw: string | undefined): number {
  const v = raw?.trim() || String(DEFAULT_AUDIT_RETENTION_DAYS);
  if (!/^\d{1,4}$/.test(v) || Number(v) > 3650) throw new ConfigError(`GONGKAI_AUDIT_RETENTION_DAYS 必须是 ${MIN_AUDIT_RETENTION_DAYS}–3650 之间的整数（天数；收到「${raw}」）`);
  if (Number(v) < MIN_AUDIT_RETENTION_DAYS) {
    throw new ConfigError(`GONGKAI_AUDIT_RETENTION_DAYS 不得少于 ${MIN_AUDIT_RETENTION_DAYS} 天：网络安全法第二十一条要求网络日志留存不少于六个月（收到「${raw}」）`);
  }
  return Number(v);
}

/** GONGKAI_DATA_KEYS or GONGKAI_DATA_KEY_FILE (not both); the messages never show a key. */
function dataKeysOf(env: NodeJS.ProcessEnv): DataKeySource | undefined {
  const inline = env.GONGKAI_DATA_KEYS?.trim();
  const file = env.GONGKAI_DATA_KEY_FILE?.trim();
  if (inline && file) throw new ConfigError('GONGKAI_DATA_KEYS 与 GONGKAI_DATA_KEY_FILE 只能设置其一');
  try {
    if (inline) return { source: 'GONGKAI_DATA_KEYS', keys: parseDataKeys(inline, 'GONGKAI_DATA_KEYS') };
    if (!file) return undefined;
    const path = resolve(file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError(`无法读取 GONGKAI_DATA_KEY_FILE（${path}）：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return { source: path, keys: parseDataKeys(text, `GONGKAI_DATA_KEY_FILE（${path}）`) };
  } catch (e) {
    if (e instanceof DataKeyConfigError) throw new ConfigError(e.message);
    throw e;
  }
}

/** GONGKAI_LOG_LEVEL (default info); the older GONGKAI_LOG=0 still means silent. */
function logLevelOf(env: NodeJS.ProcessEnv): LogLevel {
  const v = env.GONGKAI_LOG_LEVEL?.trim().toLowerCase();
  if (!v) return flag(env, 'GONGKAI_LOG') === false ? 'silent' : 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new ConfigError(`GONGKAI_LOG_LEVEL 只能是 ${LOG_LEVELS.join('、')} 之一（收到「${env.GONGKAI_LOG_LEVEL}」）`);
  return v as LogLevel;
}

/** GONGKAI_METRICS_TOKEN: 16–256 visible ASCII characters; the message never repeats it. */
function metricsTokenOf(raw: string | undefined): string | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  if (!/^[\x21-\x7e]{16,256}$/.test(v)) throw new ConfigError('GONGKAI_METRICS_TOKEN 应为 16–256 个可见 ASCII 字符（不含空格和中文；可用 openssl rand -hex 32 生成）');
  return v;
}

/** GONGKAI_DRAIN_SECONDS: 0–120, default 5. */
function drainSecondsOf(raw: string | undefined): number {
  const v = raw?.trim() || '5';
  if (!/^\d{1,3}$/.test(v) || Number(v) > 120) throw new ConfigError(`GONGKAI_DRAIN_SECONDS 必须是 0–120 之间的整数（秒；收到「${raw}」）`);
  return Number(v);
}

/** GONGKAI_SESSION_IDLE_MINUTES and GONGKAI_SESSION_MAX_HOURS (the idle timeout no longer than the lifetime). */
function sessionTimeoutsOf(env: NodeJS.ProcessEnv): SessionTimeouts {
  const read = (name: string, fallback: number, min: number, max: number, unit: string) => {
    const raw = env[name];
    const v = raw?.trim().normalize('NFKC') || String(fallback);
    if (!/^\d{1,4}$/.test(v) || Number(v) < min || Number(v) > max) throw new ConfigError(`${name} 必须是 ${min}–${max} 之间的整数（${unit}；收到「${raw}」）`);
    return Number(v);
  };
  const idleMinutes = read('GONGKAI_SESSION_IDLE_MINUTES', 30, 5, 480, '分钟');
  const maxHours = read('GONGKAI_SESSION_MAX_HOURS', 12, 1, 72, '小时');
  if (idleMinutes > maxHours * 60) throw new ConfigError(`GONGKAI_SESSION_IDLE_MINUTES（${idleMinutes} 分钟）不能长于 GONGKAI_SESSION_MAX_HOURS（${maxHours} 小时）`);
  return { idleMs: idleMinutes * 60_000, absoluteMs: maxHours * 3600_000 };
}

/**
 * Every GONGKAI_ variable the program reads (config.test.ts checks this list against the sources
 * and the README). Any other GONGKAI_ name in the environment is most likely a typo that would
 * otherwise be ignored without a word: the CLI warns about it (unknownVariables).
 */
export const KNOWN_VARIABLES: readonly string[] = [
  'GONGKAI_DATA', 'GONGKAI_FILES', 'GONGKAI_MAX_UPLOAD_MB', 'GONGKAI_STATIC_DIR', 'GONGKAI_RATE_LIMITS', 'GONGKAI_PAGE_CACHE',
  'GONGKAI_DEMO', 'GONGKAI_CALENDAR', 'GONGKAI_SECURE_COOKIES', 'GONGKAI_TRUST_PROXY', 'GONGKAI_PUBLIC_URL', 'GONGKAI_CHROMIUM',
  'GONGKAI_SMTP_URL', 'GONGKAI_MAIL_FROM', 'GONGKAI_REMINDER_TIME', 'GONGKAI_COLUMN_STALE_DAYS', 'GONGKAI_LOG', 'GONGKAI_LOG_LEVEL',
  'GONGKAI_DEBUG', 'GONGKAI_METRICS_TOKEN', 'GONGKAI_DRAIN_SECONDS', 'GONGKAI_DATA_KEYS', 'GONGKAI_DATA_KEY_FILE',
  'GONGKAI_PASSWORD_MIN_LENGTH', 'GONGKAI_PASSWORD_CLASSES', 'GONGKAI_PASSWORD_HISTORY', 'GONGKAI_PASSWORD_MAX_AGE_DAYS',
  'GONGKAI_LOCKOUT_THRESHOLD', 'GONGKAI_LOCKOUT_MINUTES', 'GONGKAI_AUDIT_RETENTION_DAYS', 'GONGKAI_AUDIT_ARCHIVE_DIR',
  'GONGKAI_SESSION_IDLE_MINUTES', 'GONGKAI_SESSION_MAX_HOURS',
];
const KNOWN = new Set(KNOWN_VARIABLES);

/** GONGKAI_ variables in `env` that the program does not know (typos), sorted. */
export function unknownVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((k) => k.startsWith('GONGKAI_') && !KNOWN.has(k))
    .sort();
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
    mail: mailOf(env),
    reminderTime: reminderTimeOf(env.GONGKAI_REMINDER_TIME),
    columnStaleDays: staleDaysOf(env.GONGKAI_COLUMN_STALE_DAYS),
    logLevel: logLevelOf(env),
    metricsToken: metricsTokenOf(env.GONGKAI_METRICS_TOKEN),
    drainSeconds: drainSecondsOf(env.GONGKAI_DRAIN_SECONDS),
    dataKeys: dataKeysOf(env),
    security: securityOf(env),
    sessionTimeouts: sessionTimeoutsOf(env),
    auditRetentionDays: auditRetentionOf(env.GONGKAI_AUDIT_RETENTION_DAYS),
    auditArchiveDir: env.GONGKAI_AUDIT_ARCHIVE_DIR?.trim() ? resolve(env.GONGKAI_AUDIT_ARCHIVE_DIR.trim()) : resolve(dataDir, 'audit-archive'),
  };
}
