/** The public search is rate-limited per address (a GET: no form token stops a scraper). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../security/rate-limit.js';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';

describe('public search rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(() => t.close());

  test(`${LIMITS.search.max} searches a minute per address, then 429 with a Chinese message; another address is not affected; bad queries do not count`, async () => {
    const a = new Client(t.app, '10.77.0.1');
    for (let i = 0; i < 5; i++) assert.equal((await a.get('/xxgk/search?q=%20%21%21')).status, 400);
    for (let i = 0; i < LIMITS.search.max; i++) assert.equal((await a.get(`/xxgk/search?q=${encodeURIComponent(`预算${i}`)}`)).status, 200, `search ${i + 1}`);
    const limited = await a.get('/xxgk/search?q=%E9%A2%84%E7%AE%97');
    assert.equal(limited.status, 429);
    assert.match(limited.body, /检索过于频繁，请\d+秒后再试/);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await new Client(t.app, '10.77.0.2').get('/xxgk/search?q=%E9%A2%84%E7%AE%97')).status, 200);
  });
});
