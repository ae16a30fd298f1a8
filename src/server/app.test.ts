import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { buildApp, isDatabaseUnavailable } from './app.js';
import { testDialect } from '../../test/support/db.js';
import { DEFAULT_SECURITY_POLICY } from '../accounts/security-policy.js';
import { IDLE_TIMEOUT_MS, sha256 } from '../accounts/session.js';
import { createAgency } from '../agencies/agency.repository.js';

describe(`web application: accounts and security (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(async () => {
    await t.close();
  });

  test('the portal home lists the agencies with their disclosure offices, with security headers', async () => {
    const c = new Client(t.app);
    const r = await c.get('/');
    assert.equal(r.status, 200);
    assert.match(r.body, /永安镇人民政府/);
    assert.match(r.body, /信息公开工作机构：永安镇党政办公室/);
    assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    // No form on the page, so no cookie: the page may be kept by a shared cache (deploy/nginx.conf).
    assert.equal(r.headers['set-cookie'], undefined, 'a page without a form sets no cookie');
    await c.get('/login');
    assert.ok(c.cookies.has('gk_csrf'), 'a page with a form gives anonymous visitors their CSRF cookie');
    const token = c.cookies.get('gk_csrf');
    await c.get('/track');
    assert.equal(c.cookies.get('gk_csrf'), token, 'the cookie is kept, not replaced, by the next form');
  });

  test('login with the right password opens the back office; the audit log records it', async () => {
    const c = new Client(t.app, '10.0.0.2');
    const r = await c.login('clerk');
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/admin');
    const home = await c.get('/admin');
    assert.equal(home.status, 200);
    assert.match(home.body, /永安镇 信息员/);
    assert.match(home.body, /<td>永安镇人民政府<\/td><td>信息员<\/td>/);
    assert.equal(home.headers['cache-control'], 'no-store');
    const log = await t.db.kysely.selectFrom('audit_log').select(['action', 'ip']).where('action', '=', 'login.success').execute();
    assert.ok(log.some((x) => x.ip === '10.0.0.2'));
  });

  test('the back office redirects anonymous visitors to the login page', async () => {
    const r = await new Client(t.app).get('/admin');
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/login?next=%2Fadmin');
  });

  test('a wrong password is refused with a Chinese message; the user name is kept, the password not', async () => {
    const c = new Client(t.app, '10.0.0.3');
    const r = await c.login('reviewer', 'wrong-password-1');
    assert.equal(r.status, 401);
    assert.match(r.body, /用户名或密码不正确/);
    assert.match(r.body, /value="reviewer"/);
    assert.doesNotMatch(r.body, /wrong-password-1/);
    assert.equal(c.cookies.has('gk_session'), false);
  });

  test('an unknown user gets the same answer as a wrong password', async () => {
    const r = await new Client(t.app, '10.0.0.4').login('nobody', 'whatever-123');
    assert.equal(r.status, 401);
    assert.match(r.body, /用户名或密码不正确/);
  });

  const { lockoutThreshold } = DEFAULT_SECURITY_POLICY;
  test(`the account is locked after ${lockoutThreshold} failures, even with the right password`, async () => {
    const c = new Client(t.app, '10.0.0.5');
    for (let i = 0; i < lockoutThreshold; i++) assert.equal((await c.login('head', `bad-password-${i}`)).status, 401);
    const r = await c.login('head');
    assert.equal(r.status, 429);
    assert.match(r.body, /登录失败次数过多/);
    assert.ok(Number(r.headers['retry-after']) > 0);
    // From another address the account is locked too (the lock is per user name).
    assert.equal((await new Client(t.app, '10.0.0.6').login('head')).status, 429);
    const actions = await t.db.kysely.selectFrom('audit_log').select('action').where('action', 'in', ['login.locked', 'account.lock']).execute();
    assert.ok(actions.filter((a) => a.action === 'login.locked').length >= 2);
    assert.equal(actions.filter((a) => a.action === 'account.lock').length, 1);
  });

  test('a form without a CSRF token, or with a wrong one, is refused', async () => {
    const c = new Client(t.app, '10.0.0.7');
    await c.get('/login');
    const none = await c.post('/login', { username: 'admin', password: 'Gongkai-demo-2026' }, { csrf: false });
    assert.equal(none.status, 403);
    assert.match(none.body, /CSRF/);
    const wrong = await c.post('/login', { username: 'admin', password: 'Gongkai-demo-2026', _csrf: 'x'.repeat(32) });
    assert.equal(wrong.status, 403);
    // A logged-in session's token is its own: another client's token does not work.
    const staff = new Client(t.app, '10.0.0.8');
    await staff.login('admin');
    const other = new Client(t.app, '10.0.0.9');
    const foreign = await other.csrf();
    const r = await staff.post('/logout', { _csrf: foreign });
    assert.equal(r.status, 403);
    assert.equal((await staff.get('/admin')).status, 200, 'still logged in');
  });

  test('logout ends the session for good', async () => {
    const c = new Client(t.app, '10.0.0.10');
    await c.login('supervisor');
    const token = c.cookies.get('gk_session')!;
    assert.equal((await c.post('/logout', {})).status, 303);
    const row = await t.db.kysely.selectFrom('sessions').select('id').where('id', '=', sha256(token)).executeTakeFirst();
    assert.equal(row, undefined);
    c.cookies.set('gk_session', token);
    assert.equal((await c.get('/admin')).status, 303);
  });

  test('an idle session expires', async () => {
    const c = new Client(t.app, '10.0.0.11');
    await c.login('admin');
    const id = sha256(c.cookies.get('gk_session')!);
    const old = new Date(Date.now() - IDLE_TIMEOUT_MS - 1000).toISOString();
    await t.db.kysely.updateTable('sessions').set({ last_seen_at: old }).where('id', '=', id).execute();
    assert.equal((await c.get('/admin')).status, 303);
  });

  test("the installation's session timeouts (GONGKAI_SESSION_IDLE_MINUTES, GONGKAI_SESSION_MAX_HOURS) apply", async () => {
    const short = await buildApp({ ...t.app.deps, sessionTimeouts: { idleMs: 10 * 60_000, absoluteMs: 2 * 3600_000 } });
    await short.ready();
    try {
      const c = new Client(short, '10.0.0.12');
      const before = Date.now();
      await c.login('admin');
      const id = sha256(c.cookies.get('gk_session')!);
      const row = await t.db.kysely.selectFrom('sessions').select('expires_at').where('id', '=', id).executeTakeFirstOrThrow();
      const lifetime = Date.parse(row.expires_at) - before;
      assert.ok(lifetime > 2 * 3600_000 - 60_000 && lifetime <= 2 * 3600_000 + 1000, `a lifetime of 2 hours (${lifetime} ms)`);
      // 11 minutes idle: alive under the default 30, ended under these 10.
      const idle = new Date(Date.now() - 11 * 60_000).toISOString();
      await t.db.kysely.updateTable('sessions').set({ last_seen_at: idle }).where('id', '=', id).execute();
      const other = new Client(t.app, '10.0.0.13');
      other.cookies.set('gk_session', c.cookies.get('gk_session')!);
      assert.equal((await other.get('/admin')).status, 200, 'the default app: still alive after 11 minutes');
      await t.db.kysely.updateTable('sessions').set({ last_seen_at: idle }).where('id', '=', id).execute();
      assert.equal((await c.get('/admin')).status, 303, 'this installation: ended after 10');
      assert.equal(await t.db.kysely.selectFrom('sessions').select('id').where('id', '=', id).executeTakeFirst(), undefined, 'and removed');
    } finally {
      await short.close();
    }
  });

  test('personal data this node cannot decrypt: a 500 that says why (keys, or damage), never the data', async () => {
    const c = new Client(t.app, '10.0.0.14');
    assert.equal((await c.login('clerk')).status, 303);
    const queue = await c.get('/admin/applications?state=all');
    const id = Number(/href="\/admin\/applications\/(\d+)"/.exec(queue.body)?.[1]);
    assert.ok(id > 0, 'a case the clerk may open');
    const row = await t.db.kysely.selectFrom('applications').select(['id_number', 'contact_phone']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal((await c.get(`/admin/applications/${id}`)).status, 200);
    // The ID number's ciphertext put into the phone column (bound to its place: refused).
    await t.db.kysely.updateTable('applications').set({ contact_phone: row.id_number }).where('id', '=', id).execute();
    try {
      const r = await c.get(`/admin/applications/${id}`);
      assert.equal(r.status, 500);
      assert.match(r.body, /这条记录中的个人信息无法解密：本服务器的数据加密密钥配置有误，或数据已损坏/);
      assert.ok(!r.body.includes(String(row.id_number)), 'not even the ciphertext');
    } finally {
      await t.db.kysely.updateTable('applications').set({ contact_phone: row.contact_phone }).where('id', '=', id).execute();
    }
    assert.equal((await c.get(`/admin/applications/${id}`)).status, 200);
  });

  test('HTML in stored data is escaped on every page', async () => {
    await createAgency(t.db.kysely, {
      parent_id: null,
      name: '<script>alert(1)</script>测试局',
      short_name: null,
      kind: 'department',
      code: null,
      office_name: '"><img src=x onerror=alert(2)>',
      office_address: null,
      office_hours: null,
      office_phone: null,
      office_fax: null,
      office_email: null,
      postcode: null,
    });
    const r = await new Client(t.app).get('/');
    assert.doesNotMatch(r.body, /<script>alert/);
    assert.doesNotMatch(r.body, /<img src=x/);
    assert.match(r.body, /&lt;script>alert\(1\)&lt;\/script>测试局/);
  });

  test('a next= that leaves the back office is ignored (no open redirect)', async () => {
    const c = new Client(t.app, '10.0.0.12');
    const r = await c.post('/login', { username: 'clerk', password: 'Gongkai-demo-2026', next: 'https://evil.example/' });
    assert.equal(r.headers.location, '/admin');
  });

  test('unknown pages are a Chinese 404; oversized bodies are refused', async () => {
    const r = await new Client(t.app).get('/no-such-page');
    assert.equal(r.status, 404);
    assert.match(r.body, /页面不存在/);
    const c = new Client(t.app, '10.0.0.13');
    const big = await c.post('/login', { username: 'x'.repeat(300_000), password: 'y' });
    assert.equal(big.status, 413);
  });

  test('the audit log cannot be altered through the application database handle', async () => {
    await assert.rejects(t.db.kysely.updateTable('audit_log').set({ action: 'x' }).execute());
    await assert.rejects(t.db.kysely.deleteFrom('audit_log').execute());
  });
});

describe(`JSON API basics (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(async () => {
    await t.close();
  });

  test('the OpenAPI document lists the endpoints with their schemas', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(r.statusCode, 200);
    const doc = r.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/agencies'].get);
    assert.ok(doc.paths['/api/v1/me'].get.security);
    assert.equal(doc.paths['/api/v1/agencies'].get.responses['200'].content['application/json'].schema.type, 'object');
  });

  test('public agencies; /me needs a session; unknown endpoints are JSON 404s', async () => {
    const agencies = await t.app.inject({ method: 'GET', url: '/api/v1/agencies' });
    assert.equal(agencies.statusCode, 200);
    assert.ok(agencies.json().agencies.some((a: { name: string }) => a.name === '永安镇人民政府'));
    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    assert.equal(anon.statusCode, 401);
    assert.deepEqual(anon.json(), { error: '请先登录' });
    const c = new Client(t.app, '10.1.0.1');
    await c.login('head');
    const me = await c.get('/api/v1/me');
    assert.equal(me.status, 200);
    const body = JSON.parse(me.body);
    assert.equal(body.username, 'head');
    assert.deepEqual(body.roles[0].labels, ['负责人']);
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.json().error, /没有这个接口/);
  });

  test('a state-changing API request without the CSRF header is refused', async () => {
    const c = new Client(t.app, '10.1.0.2');
    await c.login('admin');
    const r = await t.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(r.statusCode, 403);
  });
});

describe('static assets (GONGKAI_STATIC_DIR)', () => {
  test('files inside the folder are served; nothing outside it, no dot files, no listings', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { buildApp } = await import('./app.js');
    const { WorkCalendar } = await import('../calendar/calendar.js');
    const { openTestDb } = await import('../../test/support/db.js');
    const root = mkdtempSync(join(tmpdir(), 'gk-assets-'));
    const dir = join(root, 'public');
    mkdirSync(join(dir, 'img'), { recursive: true });
    writeFileSync(join(dir, 'guide.txt'), '政府信息公开指南');
    writeFileSync(join(dir, 'img', 'logo.svg'), '<svg/>');
    writeFileSync(join(dir, '.env'), 'SECRET=1');
    writeFileSync(join(root, 'secret.txt'), 'outside');
    const db = await openTestDb();
    const { createFileStore } = await import('../attachments/store.js');
    const app = await buildApp({ db, calendar: WorkCalendar.builtin(), staticDir: dir, files: createFileStore(join(root, 'files')), maxUploadBytes: 1024 });
    try {
      const ok = await app.inject({ method: 'GET', url: '/assets/guide.txt' });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.body, '政府信息公开指南');
      assert.match(String(ok.headers['content-type']), /text\/plain/);
      assert.equal((await app.inject({ method: 'GET', url: '/assets/img/logo.svg' })).statusCode, 200);
      for (const url of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/.env', '/assets/img', '/assets/', '/assets/nope.txt', '/assets/img/..%2f..%2fsecret.txt']) {
        const r = await app.inject({ method: 'GET', url });
        assert.equal(r.statusCode, 404, url);
        assert.doesNotMatch(r.body, /outside|SECRET/, url);
      }
    } finally {
      await app.close();
      await db.close();
    }
  });
});

describe('isDatabaseUnavailable', () => {
  test('refused, dropped and shutting-down connections are "unavailable" (503); other errors are not', () => {
    const err = (code: string | undefined, message = 'x') => Object.assign(new Error(message), code ? { code } : {});
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006']) assert.equal(isDatabaseUnavailable(err(code)), true, code);
    assert.equal(isDatabaseUnavailable(err(undefined, 'Connection terminated unexpectedly')), true);
    for (const code of ['23505', '40001', '42P01', 'SQLITE_CONSTRAINT', undefined]) assert.equal(isDatabaseUnavailable(err(code)), false, String(code));
    assert.equal(isDatabaseUnavailable(null), false);
  });
});
