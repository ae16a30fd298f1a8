import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ConfigError, KNOWN_VARIABLES, loadConfig, unknownVariables } from './config.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('configuration from the environment', () => {
  test('defaults: port 3000 on loopback, ./data, SQLite with demo data, rate limits on', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.dataDir, resolve('./data'));
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.demo, true);
    assert.equal(c.rateLimits, true);
    assert.equal(c.pageCache, true);
    assert.equal(c.secureCookies, false);
    assert.equal(loadConfig({ GONGKAI_PAGE_CACHE: '0' }).pageCache, false);
    assert.equal(c.publicUrl, undefined);
  });

  test('the public address: scheme and host (and port), nothing else', () => {
    assert.equal(loadConfig({ GONGKAI_PUBLIC_URL: 'https://xxgk.example.gov.cn' }).publicUrl, 'https://xxgk.example.gov.cn');
    assert.equal(loadConfig({ GONGKAI_PUBLIC_URL: ' http://10.0.0.5:8080/ ' }).publicUrl, 'http://10.0.0.5:8080');
    assert.equal(loadConfig({ GONGKAI_PUBLIC_URL: 'HTTPS://XXGK.Example.gov.cn' }).publicUrl, 'https://xxgk.example.gov.cn');
  });

  test('PostgreSQL turns the demo data off unless asked for', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).demo, false);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db', GONGKAI_DEMO: '1' }).demo, true);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /PORT 必须是 1–65535/],
    [{ PORT: '0' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://root@localhost/x' }, /只支持 PostgreSQL/],
    [{ GONGKAI_DEMO: 'maybe' }, /GONGKAI_DEMO 只能是 1 或 0/],
    [{ GONGKAI_SECURE_COOKIES: 'yes please' }, /GONGKAI_SECURE_COOKIES/],
    [{ GONGKAI_PAGE_CACHE: 'sometimes' }, /GONGKAI_PAGE_CACHE/],
    [{ GONGKAI_PUBLIC_URL: 'xxgk.example.gov.cn' }, /GONGKAI_PUBLIC_URL 不是有效的网址/],
    [{ GONGKAI_PUBLIC_URL: 'ftp://xxgk.example.gov.cn' }, /只能是 http\(s\)/],
    [{ GONGKAI_PUBLIC_URL: 'https://xxgk.example.gov.cn/gk' }, /不带路径/],
    [{ GONGKAI_PUBLIC_URL: 'https://u:p@xxgk.example.gov.cn' }, /GONGKAI_PUBLIC_URL/],
    [{ GONGKAI_PUBLIC_URL: 'https://xxgk.example.gov.cn/?a=1' }, /GONGKAI_PUBLIC_URL/],
  ];
  test('security policy and audit retention: defaults, values within bounds, "off" for the password expiry', () => {
    const c = loadConfig({});
    assert.deepEqual(c.security, { passwordMinLength: 12, passwordClasses: 3, passwordHistory: 5, passwordMaxAgeDays: 90, lockoutThreshold: 5, lockoutMinutes: 30 });
    assert.equal(c.auditRetentionDays, 365);
    assert.equal(c.auditArchiveDir, resolve('./data/audit-archive'));
    const d = loadConfig({ GONGKAI_PASSWORD_MIN_LENGTH: '8', GONGKAI_PASSWORD_CLASSES: '4', GONGKAI_PASSWORD_HISTORY: '0', GONGKAI_PASSWORD_MAX_AGE_DAYS: 'off', GONGKAI_LOCKOUT_THRESHOLD: '3', GONGKAI_LOCKOUT_MINUTES: '1440', GONGKAI_AUDIT_RETENTION_DAYS: '180' });
    assert.deepEqual(d.security, { passwordMinLength: 8, passwordClasses: 4, passwordHistory: 0, passwordMaxAgeDays: 0, lockoutThreshold: 3, lockoutMinutes: 1440 });
    assert.equal(d.auditRetentionDays, 180);
  });

  test('security policy and audit retention: a bad value names its variable', () => {
    const refused: [Record<string, string>, RegExp][] = [
      [{ GONGKAI_PASSWORD_MIN_LENGTH: '6' }, /GONGKAI_PASSWORD_MIN_LENGTH：密码最短长度应为8–64/],
      [{ GONGKAI_PASSWORD_MIN_LENGTH: 'twelve' }, /GONGKAI_PASSWORD_MIN_LENGTH/],
      [{ GONGKAI_PASSWORD_CLASSES: '1' }, /GONGKAI_PASSWORD_CLASSES：.*2–4/],
      [{ GONGKAI_PASSWORD_HISTORY: '25' }, /GONGKAI_PASSWORD_HISTORY/],
      [{ GONGKAI_PASSWORD_MAX_AGE_DAYS: '7' }, /GONGKAI_PASSWORD_MAX_AGE_DAYS：.*30–365.*或 0 表示不启用/],
      [{ GONGKAI_PASSWORD_MAX_AGE_DAYS: '-1' }, /GONGKAI_PASSWORD_MAX_AGE_DAYS/],
      [{ GONGKAI_LOCKOUT_THRESHOLD: '0' }, /GONGKAI_LOCKOUT_THRESHOLD：连续登录失败锁定次数应为3–10/],
      [{ GONGKAI_LOCKOUT_MINUTES: '2' }, /GONGKAI_LOCKOUT_MINUTES/],
      [{ GONGKAI_AUDIT_RETENTION_DAYS: '90' }, /GONGKAI_AUDIT_RETENTION_DAYS 不得少于 180 天：网络安全法第二十一条/],
      [{ GONGKAI_AUDIT_RETENTION_DAYS: 'forever' }, /GONGKAI_AUDIT_RETENTION_DAYS 必须是 180–3650/],
      [{ GONGKAI_AUDIT_RETENTION_DAYS: '5000' }, /GONGKAI_AUDIT_RETENTION_DAYS 必须是 180–3650/],
    ];
    for (const [env, message] of refused) assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(env));
  });

  test('e-mail: none by default (reminders off, the dashboard still works); the reminder time and the stale threshold have defaults', () => {
    const c = loadConfig({});
    assert.equal(c.mail, undefined);
    assert.equal(c.reminderTime, '08:30');
    assert.equal(c.columnStaleDays, 30);
    assert.equal(loadConfig({ GONGKAI_REMINDER_TIME: '7:05' }).reminderTime, '07:05');
    assert.equal(loadConfig({ GONGKAI_REMINDER_TIME: 'off' }).reminderTime, null);
    assert.equal(loadConfig({ GONGKAI_COLUMN_STALE_DAYS: '90' }).columnStaleDays, 90);
  });

  test('e-mail: an SMTP URL with credentials (percent-encoded), TLS by scheme, STARTTLS by parameter, and the sender', () => {
    const m = loadConfig({ GONGKAI_SMTP_URL: 'smtp://xxgk%40szq:p%40ss%3Aw@mail.example.gov.cn:587', GONGKAI_MAIL_FROM: ' 市中区政务公开办 <xxgk@szq.example.gov.cn> ' }).mail;
    assert.deepEqual(m, { host: 'mail.example.gov.cn', port: 587, secure: false, starttls: 'auto', user: 'xxgk@szq', password: 'p@ss:w', from: '市中区政务公开办 <xxgk@szq.example.gov.cn>' });
    const s = loadConfig({ GONGKAI_SMTP_URL: 'smtps://mail.example.gov.cn', GONGKAI_MAIL_FROM: 'xxgk@example.gov.cn' }).mail;
    assert.deepEqual([s?.secure, s?.port, s?.user, s?.from], [true, 465, undefined, 'xxgk@example.gov.cn']);
    assert.equal(loadConfig({ GONGKAI_SMTP_URL: 'smtp://10.0.0.25', GONGKAI_MAIL_FROM: 'a@b.cn' }).mail?.port, 25);
    assert.equal(loadConfig({ GONGKAI_SMTP_URL: 'smtp://10.0.0.25?starttls=required', GONGKAI_MAIL_FROM: 'a@b.cn' }).mail?.starttls, 'required');
    assert.equal(loadConfig({ GONGKAI_SMTP_URL: 'smtp://10.0.0.25:2525?starttls=off', GONGKAI_MAIL_FROM: 'a@b.cn' }).mail?.starttls, 'off');
  });

  test('e-mail: a bad SMTP setting names the variable and never repeats the password', () => {
    const refused = (env: Record<string, string>, message: RegExp) =>
      assert.throws(
        () => loadConfig(env),
        (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('s3cret'),
        JSON.stringify(env),
      );
    const from = { GONGKAI_MAIL_FROM: 'xxgk@example.gov.cn' };
    refused({ GONGKAI_SMTP_URL: 'mail.example.gov.cn', ...from }, /GONGKAI_SMTP_URL 不是有效的地址/);
    refused({ GONGKAI_SMTP_URL: 'http://u:s3cret@mail.example.gov.cn', ...from }, /GONGKAI_SMTP_URL 只支持 smtp:\/\/ 或 smtps:\/\//);
    refused({ GONGKAI_SMTP_URL: 'smtp://u:s3cret@mail.example.gov.cn:99999', ...from }, /GONGKAI_SMTP_URL/);
    refused({ GONGKAI_SMTP_URL: 'smtp://u:s3cret@mail.example.gov.cn/x', ...from }, /不能带路径/);
    refused({ GONGKAI_SMTP_URL: 'smtp://u:s3cret@mail.example.gov.cn?tls=yes', ...from }, /参数「tls」无法识别/);
    refused({ GONGKAI_SMTP_URL: 'smtp://u:s3cret@mail.example.gov.cn?starttls=maybe', ...from }, /starttls 只能是 required、off 或 auto/);
    refused({ GONGKAI_SMTP_URL: 'smtps://u:s3cret@mail.example.gov.cn?starttls=required', ...from }, /已全程加密/);
    refused({ GONGKAI_SMTP_URL: 'smtp://:s3cret@mail.example.gov.cn', ...from }, /写了密码却没有用户名/);
    refused({ GONGKAI_SMTP_URL: 'smtp://u:%E0%A4%A@mail.example.gov.cn', ...from }, /编码有误/);
    refused({ GONGKAI_SMTP_URL: 'smtp://u:s3cret@mail.example.gov.cn' }, /还需要设置 GONGKAI_MAIL_FROM/);
    refused({ GONGKAI_MAIL_FROM: 'xxgk@example.gov.cn' }, /设置了 GONGKAI_MAIL_FROM 却没有设置 GONGKAI_SMTP_URL/);
    for (const f of ['not-an-address', '平台 <xxgk@example>', 'a@b.cn, c@d.cn', '"x" <a@b.cn>', 'x\nBcc: y@z.cn <a@b.cn>']) {
      refused({ GONGKAI_SMTP_URL: 'smtp://mail.example.gov.cn', GONGKAI_MAIL_FROM: f }, /GONGKAI_MAIL_FROM/);
    }
    refused({ GONGKAI_REMINDER_TIME: '8.30' }, /GONGKAI_REMINDER_TIME 应为北京时间的 时:分/);
    refused({ GONGKAI_REMINDER_TIME: '24:00' }, /GONGKAI_REMINDER_TIME/);
    refused({ GONGKAI_REMINDER_TIME: '08:60' }, /GONGKAI_REMINDER_TIME/);
    refused({ GONGKAI_COLUMN_STALE_DAYS: '0' }, /GONGKAI_COLUMN_STALE_DAYS 必须是 1–365/);
    refused({ GONGKAI_COLUMN_STALE_DAYS: '400' }, /GONGKAI_COLUMN_STALE_DAYS/);
    refused({ GONGKAI_COLUMN_STALE_DAYS: 'month' }, /GONGKAI_COLUMN_STALE_DAYS/);
  });

  test('logs, metrics and stopping: defaults, values, and a bad value names its variable (never repeating a token)', () => {
    const c = loadConfig({});
    assert.deepEqual([c.logLevel, c.metricsToken, c.drainSeconds], ['info', undefined, 5]);
    assert.equal(loadConfig({ GONGKAI_LOG_LEVEL: ' Silent ' }).logLevel, 'silent');
    assert.equal(loadConfig({ GONGKAI_LOG_LEVEL: 'debug' }).logLevel, 'debug');
    assert.equal(loadConfig({ GONGKAI_LOG: '0' }).logLevel, 'silent', 'the older switch');
    assert.equal(loadConfig({ GONGKAI_LOG: '1' }).logLevel, 'info');
    assert.equal(loadConfig({ GONGKAI_METRICS_TOKEN: ' 0123456789abcdef0123 ' }).metricsToken, '0123456789abcdef0123');
    assert.equal(loadConfig({ GONGKAI_DRAIN_SECONDS: '0' }).drainSeconds, 0);
    const refused = (env: Record<string, string>, message: RegExp) =>
      assert.throws(
        () => loadConfig(env),
        (e: unknown) => e instanceof ConfigError && message.test(e.message) && !(env.GONGKAI_METRICS_TOKEN && e.message.includes(env.GONGKAI_METRICS_TOKEN)),
        JSON.stringify(env),
      );
    refused({ GONGKAI_LOG_LEVEL: 'verbose' }, /GONGKAI_LOG_LEVEL 只能是 fatal、error、warn、info、debug、trace、silent 之一/);
    refused({ GONGKAI_LOG: 'maybe' }, /GONGKAI_LOG 只能是 1 或 0/);
    refused({ GONGKAI_METRICS_TOKEN: 'short-token' }, /GONGKAI_METRICS_TOKEN 应为 16–256 个可见 ASCII 字符/);
    refused({ GONGKAI_METRICS_TOKEN: 'has a space in the middle of it' }, /GONGKAI_METRICS_TOKEN/);
    refused({ GONGKAI_METRICS_TOKEN: '监控令牌监控令牌监控令牌监控令牌' }, /GONGKAI_METRICS_TOKEN/);
    refused({ GONGKAI_DRAIN_SECONDS: '121' }, /GONGKAI_DRAIN_SECONDS 必须是 0–120/);
    refused({ GONGKAI_DRAIN_SECONDS: '-1' }, /GONGKAI_DRAIN_SECONDS/);
  });

  test('session timeouts: 30 minutes idle and 12 hours by default; bounds; the idle timeout no longer than the lifetime', () => {
    assert.deepEqual(loadConfig({}).sessionTimeouts, { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 });
    assert.deepEqual(loadConfig({ GONGKAI_SESSION_IDLE_MINUTES: ' 15 ', GONGKAI_SESSION_MAX_HOURS: '８' }).sessionTimeouts, { idleMs: 15 * 60_000, absoluteMs: 8 * 3600_000 });
    assert.deepEqual(loadConfig({ GONGKAI_SESSION_IDLE_MINUTES: '60', GONGKAI_SESSION_MAX_HOURS: '1' }).sessionTimeouts, { idleMs: 3600_000, absoluteMs: 3600_000 });
    const refused = (env: Record<string, string>, message: RegExp) => assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(env));
    refused({ GONGKAI_SESSION_IDLE_MINUTES: '4' }, /GONGKAI_SESSION_IDLE_MINUTES 必须是 5–480 之间的整数（分钟；收到「4」）/);
    refused({ GONGKAI_SESSION_IDLE_MINUTES: '481' }, /GONGKAI_SESSION_IDLE_MINUTES/);
    refused({ GONGKAI_SESSION_IDLE_MINUTES: '30m' }, /GONGKAI_SESSION_IDLE_MINUTES/);
    refused({ GONGKAI_SESSION_MAX_HOURS: '0' }, /GONGKAI_SESSION_MAX_HOURS 必须是 1–72 之间的整数（小时/);
    refused({ GONGKAI_SESSION_MAX_HOURS: '73' }, /GONGKAI_SESSION_MAX_HOURS/);
    refused({ GONGKAI_SESSION_MAX_HOURS: '1.5' }, /GONGKAI_SESSION_MAX_HOURS/);
    refused({ GONGKAI_SESSION_IDLE_MINUTES: '120', GONGKAI_SESSION_MAX_HOURS: '1' }, /GONGKAI_SESSION_IDLE_MINUTES（120 分钟）不能长于 GONGKAI_SESSION_MAX_HOURS（1 小时）/);
  });

  for (const [env, message] of bad) {
    test(`refused: ${JSON.stringify(env)}`, () => {
      assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }
});

describe('data encryption keys (GONGKAI_DATA_KEYS, GONGKAI_DATA_KEY_FILE)', () => {
  const key = (n = 32) => randomBytes(n).toString('base64');
  const refused = (env: Record<string, string>, message: RegExp) =>
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message) && !(env.GONGKAI_DATA_KEYS ?? '').split(/[,:]/).some((v) => v.length > 20 && e.message.includes(v)),
      JSON.stringify(env).slice(0, 60),
    );

  test('none by default (the start decides: key file on SQLite, refusal on PostgreSQL); the first key listed encrypts', () => {
    assert.equal(loadConfig({}).dataKeys, undefined);
    const c = loadConfig({ GONGKAI_DATA_KEYS: ` new:${key()}, old:${key()} ` });
    assert.equal(c.dataKeys?.source, 'GONGKAI_DATA_KEYS');
    assert.deepEqual(
      c.dataKeys?.keys.map((k) => k.id),
      ['new', 'old'],
    );
  });

  test('a key file, one key a line with comments; unreadable or empty files are refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-config-keys-'));
    try {
      const path = join(dir, 'data.keys');
      writeFileSync(path, `# 数据加密密钥\nk2:${key()}\nk1:${key()}\n`, { mode: 0o600 });
      const c = loadConfig({ GONGKAI_DATA_KEY_FILE: path });
      assert.equal(c.dataKeys?.source, path);
      assert.deepEqual(
        c.dataKeys?.keys.map((k) => k.id),
        ['k2', 'k1'],
      );
      refused({ GONGKAI_DATA_KEY_FILE: join(dir, 'missing') }, /无法读取 GONGKAI_DATA_KEY_FILE（.*missing）：ENOENT/);
      writeFileSync(path, '# nothing yet\n');
      refused({ GONGKAI_DATA_KEY_FILE: path }, /GONGKAI_DATA_KEY_FILE（.*） ?中没有密钥/);
      writeFileSync(path, `k1:${key(31)}\n`);
      refused({ GONGKAI_DATA_KEY_FILE: path }, /GONGKAI_DATA_KEY_FILE（.*） ?中密钥「k1」长度不对/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad values are refused in one line naming the variable, never echoing a key', () => {
    refused({ GONGKAI_DATA_KEYS: `k1:${key(16)}` }, /GONGKAI_DATA_KEYS 中密钥「k1」长度不对：应为 32 字节.*实际为 16 字节/);
    refused({ GONGKAI_DATA_KEYS: `k1:${key(64)}` }, /长度不对/);
    refused({ GONGKAI_DATA_KEYS: `k1:${key().replace(/[A-Za-z]/, '%')}` }, /GONGKAI_DATA_KEYS 中密钥「k1」不是有效的 base64 编码/);
    refused({ GONGKAI_DATA_KEYS: 'k1:密钥' }, /不是有效的 base64/);
    refused({ GONGKAI_DATA_KEYS: `k1:${key()},k1:${key()}` }, /GONGKAI_DATA_KEYS 中密钥编号「k1」重复/);
    refused({ GONGKAI_DATA_KEYS: key() }, /GONGKAI_DATA_KEYS 的第 1 项缺少编号/);
    refused({ GONGKAI_DATA_KEYS: `k1:${key()}`, GONGKAI_DATA_KEY_FILE: '/etc/keys' }, /GONGKAI_DATA_KEYS 与 GONGKAI_DATA_KEY_FILE 只能设置其一/);
  });

  test('every GONGKAI_ variable the sources read is known and documented; an unknown one (a typo) is named', () => {
    const root = resolve(import.meta.dirname, '..');
    const read = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$|test-helpers\.ts$/.test(e.name)) {
          // A variable is read as env.NAME, env['NAME'] or named in a message; a name ending in _ is a prefix in prose.
          for (const m of readFileSync(p, 'utf8').matchAll(/GONGKAI_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_])/g)) read.add(m[0]);
        }
      }
    };
    walk(join(root, 'src'));
    read.delete('GONGKAI_PG_IDLE'); // a warning code (db/database.ts), not a variable
    const known = new Set(KNOWN_VARIABLES);
    assert.deepEqual([...read].filter((v) => !known.has(v)).sort(), [], 'read by the sources but not in KNOWN_VARIABLES');
    assert.deepEqual([...known].filter((v) => !read.has(v)).sort(), [], 'in KNOWN_VARIABLES but read nowhere');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    assert.deepEqual(KNOWN_VARIABLES.filter((v) => !readme.includes(`| \`${v}\``)), [], 'documented in the README configuration table');
    assert.deepEqual(unknownVariables({ GONGKAI_DEMOO: '1', GONGKAI_DEMO: '1', PORT: '1', GONGKAI_LOGLEVEL: 'x' }), ['GONGKAI_DEMOO', 'GONGKAI_LOGLEVEL']);
  });
});
