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
  for (const [env, message] of bad) {
    test(`refused: ${JSON.stringify(env)}`, () => {
      assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }
});
