import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.js';

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

  for (const [env, message] of bad) {
    test(`refused: ${JSON.stringify(env)}`, () => {
      assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }
});
