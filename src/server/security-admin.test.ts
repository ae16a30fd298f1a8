/**
 * Account security through the web application (SQLite or PostgreSQL): first-login and expiry
 * password changes, the password policy, lockout and unlock, 三员分立 (each role tries what it
 * must not do), and the auditor's search and exports. Demo users: sysadmin, secadmin, auditor
 * (platform roles), admin (an agency administrator), clerk, reviewer, village …
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, DEMO_PASSWORD, openTestApp, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';

let ipSeq = 0;
const nextIp = () => `10.7.${Math.floor(++ipSeq / 200)}.${ipSeq % 200}`;

/** A client logged in as `username`; the CSRF token is read from a page the account may open. */
async function as(t: TestApp, username: string, password = DEMO_PASSWORD): Promise<Client> {
  const c = new Client(t.app, nextIp());
  const r = await c.login(username, password);
  assert.equal(r.status, 303, `login ${username}`);
  return c;
}

async function tokenFrom(c: Client, path: string): Promise<string> {
  const page = await c.get(path);
  const m = /name="_csrf" value="([^"]+)"/.exec(page.body);
  assert.ok(m, `a CSRF token on ${path} (${page.status})`);
  return m[1]!;
}

describe(`account security and 三员分立 (${testDialect})`, () => {
  let t: TestApp;
  const idOf = async (username: string) => (await t.db.kysely.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const audited = async (action: string) => t.db.kysely.selectFrom('audit_log').select(['user_id', 'subject_id', 'details']).where('action', '=', action).execute();
  before(async () => {
    t = await openTestApp();
  });
  after(async () => {
    await t.close();
  });

  test('an account created by the system administrator must change its initial password first; weak, user-name and reused passwords are refused', async () => {
    const admin = await as(t, 'sysadmin');
    const created = await admin.post('/admin/accounts', { username: 'newclerk', displayName: '新 信息员', email: '', agencyId: String(await t.db.kysely.selectFrom('agencies').select('id').where('name', '=', '永安镇人民政府').executeTakeFirstOrThrow().then((a) => a.id)), role: 'clerk' });
    assert.equal(created.status, 201);
    const initial = /<p class="code">([^<]+)<\/p>/.exec(created.body)?.[1];
    assert.ok(initial);
    const initialText = initial.replace(/&amp;/g, '&');
    assert.equal((await audited('user.create')).length, 1);

    const c = new Client(t.app, nextIp());
    const login = await c.login('newclerk', initialText);
    assert.equal(login.headers.location, '/admin/password');
    assert.equal((await c.get('/admin')).headers.location, '/admin/password');
    assert.equal((await c.get('/admin/applications')).headers.location, '/admin/password');
    assert.equal((await c.get('/api/v1/me')).status, 403);
    const _csrf = await tokenFrom(c, '/admin/password');
    const attempt = (current: string, password: string, confirm = password) => c.post('/admin/password', { _csrf, current, password, confirm });
    const refusals: [string, string, string, RegExp][] = [
      ['wrong-current-1A', 'Another-good-pw-9', 'Another-good-pw-9', /当前密码不正确/],
      [initialText, 'Short-1a', 'Short-1a', /至少 12 个字符/],
      [initialText, 'abcdefghijklmn1', 'abcdefghijklmn1', /至少 3 类/],
      [initialText, 'NewClerk-2026-pw', 'NewClerk-2026-pw', /不能包含用户名/],
      [initialText, initialText, initialText, /不能与最近 5 次使用过的密码相同/],
      [initialText, 'Another-good-pw-9', 'Another-good-pw-8', /两次输入的新密码不一致/],
    ];
    for (const [current, pw, confirm, reason] of refusals) {
      const r = await attempt(current, pw, confirm);
      assert.equal(r.status, 422, String(reason));
      assert.match(r.body, reason);
      assert.doesNotMatch(r.body, new RegExp(pw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'passwords are never shown back');
    }
    const ok = await attempt(initialText, 'Another-good-pw-9');
    assert.equal(ok.headers.location, '/admin?password=changed');
    assert.equal((await c.get('/admin')).status, 200);
    assert.equal((await audited('password.change')).length, 1);
    // Back to the initial password: one of the last 5.
    const csrf2 = await tokenFrom(c, '/admin/password');
    const back = await c.post('/admin/password', { _csrf: csrf2, current: 'Another-good-pw-9', password: initialText, confirm: initialText });
    assert.equal(back.status, 422);
    assert.match(back.body, /不能与最近 5 次/);
  });

  test('an expired password forces a change at login; with expiry switched off by the security officer it does not', async () => {
    await t.db.kysely.updateTable('users').set({ password_changed_at: new Date(Date.now() - 100 * 86_400_000).toISOString() }).where('username', 'in', ['reviewer', 'district']).execute();
    const c = new Client(t.app, nextIp());
    assert.equal((await c.login('reviewer')).headers.location, '/admin/password');
    assert.equal((await t.db.kysely.selectFrom('users').select('must_change_password').where('username', '=', 'reviewer').executeTakeFirstOrThrow()).must_change_password, 1);
    assert.equal((await audited('password.expired')).length, 1);
    assert.match((await c.get('/admin/password')).body, /已超过有效期/);

    const officer = await as(t, 'secadmin');
    const policy = { passwordMinLength: '12', passwordClasses: '3', passwordHistory: '5', passwordMaxAgeDays: '0', lockoutThreshold: '5', lockoutMinutes: '30' };
    assert.equal((await officer.post('/admin/security/policy', policy)).headers.location, '/admin/security?saved=1');
    assert.equal((await new Client(t.app, nextIp()).login('district')).headers.location, '/admin');
    const [change] = await audited('security.policy');
    assert.equal((JSON.parse(change!.details!) as { after: { passwordMaxAgeDays: number } }).after.passwordMaxAgeDays, 0);
    // Back to 90 days for the other tests.
    assert.equal((await officer.post('/admin/security/policy', { ...policy, passwordMaxAgeDays: '90' })).status, 303);
  });

  test('consecutive failures lock the account; an unknown name locks the same way; the security officer unlocks; all audited', async () => {
    const c = new Client(t.app, nextIp());
    // A success in between starts the count again.
    for (let i = 0; i < 4; i++) assert.equal((await c.login('village', `bad-Password-${i}`)).status, 401);
    assert.equal((await c.login('village')).status, 303);
    for (let i = 0; i < 4; i++) assert.equal((await c.login('village', `bad-Password-${i}`)).status, 401);
    assert.equal((await c.login('village', 'bad-Password-x')).status, 401);
    const locked = await c.login('village');
    assert.equal(locked.status, 429);
    const ghost = new Client(t.app, nextIp());
    for (let i = 0; i < 5; i++) assert.equal((await ghost.login('ghost-user', `bad-Password-${i}`)).status, 401);
    const ghostLocked = await ghost.login('ghost-user', 'whatever-Pass-1');
    assert.equal(ghostLocked.status, 429);
    const message = (body: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(body)?.[1];
    assert.equal(message(ghostLocked.body), message(locked.body), 'the same answer whether or not the name exists');
    assert.equal(ghostLocked.headers['retry-after'], locked.headers['retry-after']);

    const locks = await audited('account.lock');
    assert.deepEqual(locks.map((l) => (JSON.parse(l.details!) as { username: string }).username).sort(), ['ghost-user', 'village']);

    // Only the security officer unlocks.
    const sys = await as(t, 'sysadmin');
    assert.equal((await sys.post('/admin/security/unlock', { username: 'village' })).status, 403);
    const officer = await as(t, 'secadmin');
    assert.match((await officer.get('/admin/security')).body, /village/);
    assert.equal((await officer.post('/admin/security/unlock', { username: 'village' })).status, 303);
    assert.equal((await c.login('village')).status, 303);
    const [unlock] = await audited('account.unlock');
    assert.equal(unlock!.subject_id, String(await idOf('village')));
    const again = await officer.post('/admin/security/unlock', { username: 'village' });
    assert.equal(again.status, 404);
  });

  test('三员分立: each role is refused what belongs to another (403), and an agency administrator holds none of them', async () => {
    const sys = await as(t, 'sysadmin');
    const sec = await as(t, 'secadmin');
    const aud = await as(t, 'auditor');
    const agencyAdmin = await as(t, 'admin');
    const clerkId = await idOf('clerk');
    const forbidden: [Client, 'get' | 'post', string, Record<string, string>?][] = [
      [sys, 'get', '/admin/audit'],
      [sys, 'get', '/admin/audit/export?format=csv'],
      [sys, 'get', '/admin/security'],
      [sys, 'post', '/admin/security/policy', { passwordMinLength: '8', passwordClasses: '2', passwordHistory: '0', passwordMaxAgeDays: '0', lockoutThreshold: '10', lockoutMinutes: '5' }],
      [sys, 'post', `/admin/security/accounts/${clerkId}/reset`, {}],
      [sys, 'post', `/admin/security/accounts/${clerkId}/role`, { role: 'auditor' }],
      [sec, 'get', '/admin/accounts'],
      [sec, 'post', '/admin/accounts', { username: 'x-by-sec', displayName: 'x' }],
      [sec, 'post', `/admin/accounts/${clerkId}/disable`, { disabled: '1' }],
      [sec, 'get', '/admin/audit'],
      [sec, 'get', '/admin/audit/export?format=jsonl'],
      [aud, 'get', '/admin/accounts'],
      [aud, 'get', '/admin/security'],
      [aud, 'post', `/admin/accounts/${clerkId}/grant`, { agencyId: '1', role: 'head' }],
      [aud, 'post', '/admin/security/unlock', { username: 'clerk' }],
      [agencyAdmin, 'get', '/admin/accounts'],
      [agencyAdmin, 'get', '/admin/security'],
      [agencyAdmin, 'get', '/admin/audit'],
    ];
    for (const [c, method, url, form] of forbidden) {
      const r = method === 'get' ? await c.get(url) : await c.post(url, form ?? {});
      assert.equal(r.status, 403, `${method} ${url}`);
    }
    // Business data: the security officer and the auditor see no agency's work.
    for (const c of [sec, aud]) {
      const queue = await c.get('/admin/applications');
      assert.ok(queue.status === 403 || !/永安镇/.test(queue.body), 'no business data');
    }
    // Each role opens its own page.
    assert.equal((await sys.get('/admin/accounts')).status, 200);
    assert.equal((await sec.get('/admin/security')).status, 200);
    assert.equal((await aud.get('/admin/audit')).status, 200);
    assert.equal((await aud.get('/admin/audit/export?format=csv')).status, 200);
  });

  test('三员分立: no account holds two of the roles, nobody grants himself, officer and auditor hold no agency role — in the service and in the database', async () => {
    const sys = await as(t, 'sysadmin');
    const sec = await as(t, 'secadmin');
    const [sysId, secId, audId, clerkId] = [await idOf('sysadmin'), await idOf('secadmin'), await idOf('auditor'), await idOf('clerk')];
    const second = await sec.post(`/admin/security/accounts/${sysId}/role`, { role: 'auditor' });
    assert.equal(second.status, 403);
    assert.match(second.body, /一个账号只能担任三员中的一个/);
    assert.equal((await sec.post(`/admin/security/accounts/${secId}/role`, { role: 'auditor' })).status, 403, 'not to oneself');
    assert.equal((await sec.post(`/admin/security/accounts/${clerkId}/role`, { role: 'auditor' })).status, 403, 'an agency role excludes the auditor');
    const agencyId = '1';
    assert.equal((await sys.post(`/admin/accounts/${sysId}/grant`, { agencyId, role: 'head' })).status, 403, 'no grant to oneself');
    assert.equal((await sys.post(`/admin/accounts/${audId}/grant`, { agencyId, role: 'head' })).status, 403, 'the auditor takes no agency role');
    assert.equal((await sys.post(`/admin/accounts/${audId}/disable`, { disabled: '1' })).status, 403, 'the three are the officer’s to manage');
    // The database refuses a second role and a self-grant by itself.
    await assert.rejects(t.db.kysely.insertInto('platform_roles').values({ user_id: sysId, role: 'auditor', granted_by: secId, granted_at: new Date().toISOString() }).execute());
    await assert.rejects(t.db.kysely.insertInto('platform_roles').values({ user_id: clerkId, role: 'sysadmin', granted_by: clerkId, granted_at: new Date().toISOString() }).execute());
    // The officer assigns a role to an account without one: the system administrator's new account.
    const made = await sys.post('/admin/accounts', { username: 'audit2', displayName: '第二审计员' });
    assert.equal(made.status, 201);
    const audit2 = await idOf('audit2');
    assert.equal((await sec.post(`/admin/security/accounts/${audit2}/role`, { role: 'auditor' })).status, 303);
    const row = await t.db.kysely.selectFrom('platform_roles').selectAll().where('user_id', '=', audit2).executeTakeFirstOrThrow();
    assert.deepEqual([row.role, row.granted_by], ['auditor', secId]);
    assert.equal((await audited('platform_role.grant')).length, 1);
    // ... and removes it.
    assert.equal((await sec.post(`/admin/security/accounts/${audit2}/role`, { role: '' })).status, 303);
    assert.equal(await t.db.kysely.selectFrom('platform_roles').select('role').where('user_id', '=', audit2).executeTakeFirst(), undefined);
  });

  test('the security officer resets a password: shown once, sessions end, the account must change it', async () => {
    const user = await as(t, 'head');
    const sec = await as(t, 'secadmin');
    const r = await sec.post(`/admin/security/accounts/${await idOf('head')}/reset`, {});
    assert.equal(r.status, 200);
    const pw = /<p class="code">([^<]+)<\/p>/.exec(r.body)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(pw);
    assert.equal((await user.get('/admin')).status, 303, 'the old session ended');
    assert.equal((await new Client(t.app, nextIp()).login('head')).status, 401, 'the old password is gone');
    assert.equal((await new Client(t.app, nextIp()).login('head', pw)).headers.location, '/admin/password');
    assert.equal((await audited('password.reset')).length, 1);
  });

  test('the system administrator grants, revokes, disables and enables; a disabled account’s sessions end', async () => {
    const sys = await as(t, 'sysadmin');
    const target = await as(t, 'clerk');
    const clerkId = await idOf('clerk');
    const agency = await t.db.kysely.selectFrom('agencies').select('id').where('name', '=', '新华村民委员会').executeTakeFirstOrThrow();
    assert.equal((await sys.post(`/admin/accounts/${clerkId}/grant`, { agencyId: String(agency.id), role: 'clerk' })).status, 303);
    assert.match((await target.get('/admin')).body, /新华村民委员会/);
    assert.equal((await sys.post(`/admin/accounts/${clerkId}/revoke`, { agencyId: String(agency.id), role: 'clerk' })).status, 303);
    assert.doesNotMatch((await target.get('/admin')).body, /新华村民委员会/);
    assert.equal((await sys.post(`/admin/accounts/${clerkId}/disable`, { disabled: '1' })).status, 303);
    assert.equal((await target.get('/admin')).status, 303);
    assert.equal((await new Client(t.app, nextIp()).login('clerk')).status, 401);
    assert.equal((await sys.post(`/admin/accounts/${clerkId}/disable`, { disabled: '0' })).status, 303);
    assert.equal((await new Client(t.app, nextIp()).login('clerk')).status, 303);
    assert.deepEqual((await audited('user.disable')).map((a) => a.subject_id), [String(clerkId)]);
  });

  test('bad input on every new form is refused with a Chinese reason', async () => {
    const sys = await as(t, 'sysadmin');
    const sec = await as(t, 'secadmin');
    const clerkId = await idOf('clerk');
    const cases: [Client, string, Record<string, string>, number, RegExp][] = [
      [sys, '/admin/accounts', { username: 'a b', displayName: 'x' }, 422, /用户名只能包含字母、数字/],
      [sys, '/admin/accounts', { username: 'okname', displayName: '' }, 422, /请填写姓名/],
      [sys, '/admin/accounts', { username: 'okname', displayName: 'x', email: 'not-mail' }, 422, /电子邮箱格式不正确/],
      [sys, '/admin/accounts', { username: 'okname', displayName: 'x', agencyId: '1' }, 422, /机关和角色须同时选择/],
      [sys, '/admin/accounts', { username: 'okname', displayName: 'x', agencyId: '999999', role: 'clerk' }, 422, /请选择有效的机关/],
      [sys, '/admin/accounts', { username: 'okname', displayName: 'x', agencyId: '1', role: 'king' }, 422, /请选择有效的角色/],
      [sys, '/admin/accounts', { username: 'clerk', displayName: 'x' }, 422, /已被使用/],
      [sys, `/admin/accounts/${clerkId}/grant`, { agencyId: 'abc', role: 'clerk' }, 422, /请选择有效的机关/],
      [sys, `/admin/accounts/${clerkId}/grant`, { agencyId: '1', role: 'root' }, 422, /请选择有效的角色/],
      [sys, `/admin/accounts/${clerkId}/revoke`, { agencyId: '1', role: 'head' }, 404, /没有这个角色/],
      [sys, `/admin/accounts/${clerkId}/revoke`, { agencyId: 'x', role: 'head' }, 422, /请选择有效的机关/],
      [sys, `/admin/accounts/${clerkId}/disable`, { disabled: 'yes' }, 422, /停用或启用/],
      [sys, '/admin/accounts/99999/disable', { disabled: '1' }, 404, /没有这个账号/],
      [sys, '/admin/accounts/abc/disable', { disabled: '1' }, 404, /没有这个账号/],
      [sec, '/admin/security/policy', { passwordMinLength: '4', passwordClasses: '3', passwordHistory: '5', passwordMaxAgeDays: '90', lockoutThreshold: '5', lockoutMinutes: '30' }, 422, /密码最短长度应为8–64/],
      [sec, '/admin/security/policy', { passwordMinLength: '12', passwordClasses: '5', passwordHistory: '99', passwordMaxAgeDays: '7', lockoutThreshold: 'abc', lockoutMinutes: '0' }, 422, /字符类别数应为2–4[\s\S]*账号锁定时长应为5–1440/],
      [sec, '/admin/security/policy', { passwordMinLength: '12' }, 422, /请填写此项/],
      [sec, `/admin/security/accounts/${clerkId}/role`, { role: 'root' }, 422, /请选择有效的三员角色/],
      [sec, '/admin/security/accounts/99999/reset', {}, 404, /没有这个账号/],
      [sec, '/admin/security/unlock', { username: '' }, 422, /用户名无效/],
    ];
    for (const [c, url, form, status, reason] of cases) {
      const r = await c.post(url, form);
      assert.equal(r.status, status, `${url} ${JSON.stringify(form)}`);
      assert.match(r.body, reason, `${url} ${JSON.stringify(form)}`);
    }
    assert.equal(await t.db.kysely.selectFrom('users').select('id').where('username', '=', 'okname').executeTakeFirst(), undefined);
    assert.equal((await t.db.kysely.selectFrom('security_settings').select('id').execute()).length, 2, 'only the two valid saves of the expiry test');
  });

  test('the auditor searches by time, actor, action and object with paging, and exports CSV (BOM) and JSON lines — each export audited', async () => {
    const now = new Date().toISOString();
    const rows = Array.from({ length: 60 }, (_, i) => ({ at: now, user_id: null, agency_id: null, action: 'test.paging', subject_type: 'user', subject_id: i === 7 ? 'obj-7' : 'obj', details: JSON.stringify({ i, note: '=cmd|x' }), ip: '10.8.0.1' }));
    await t.db.kysely.insertInto('audit_log').values(rows).execute();
    const aud = await as(t, 'auditor');
    const p1 = await aud.get('/admin/audit?action=test.paging');
    assert.match(p1.body, /共 60 条，第 1\/2 页/);
    assert.match(p1.body, /下一页/);
    const p2 = await aud.get('/admin/audit?action=test.paging&page=2');
    assert.match(p2.body, /第 2\/2 页/);
    assert.equal((p2.body.match(/<td>test\.paging<\/td>/g) ?? []).length, 10);
    assert.match((await aud.get('/admin/audit?action=test.&subjectType=user&subjectId=obj-7')).body, /共 1 条/);
    const byActor = await aud.get('/admin/audit?actor=auditor&action=login.success');
    assert.match(byActor.body, /共 [1-9]\d* 条/);
    assert.doesNotMatch(byActor.body, /test\.paging/);
    const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    assert.match((await aud.get(`/admin/audit?action=test.paging&from=${tomorrow}`)).body, /共 0 条/);
    assert.match((await aud.get(`/admin/audit?action=test.paging&to=${tomorrow}`)).body, /共 60 条/);
    for (const [q, reason] of [
      ['from=2026-13-45', /起始日期格式不正确/],
      ['from=2026-03-02&to=2026-03-01', /截止日期不能早于起始日期/],
      ['actor=%3Cscript%3E', /用户名格式不正确/],
      ['action=DROP%20TABLE', /操作格式不正确/],
    ] as const) {
      const r = await aud.get(`/admin/audit?${q}`);
      assert.equal(r.status, 422, q);
      assert.match(r.body, reason);
    }

    const csv = await aud.get('/admin/audit/export?format=csv&action=test.paging');
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/);
    assert.ok(csv.body.startsWith('\uFEFF编号,时间（北京时间）'));
    const lines = csv.body.trimEnd().split('\r\n');
    assert.equal(lines.length, 61);
    assert.doesNotMatch(csv.body, /,"?=cmd/, 'no formula injection');
    const jsonl = await aud.get('/admin/audit/export?format=jsonl&action=test.paging&subjectId=obj-7');
    const items = jsonl.body.trimEnd().split('\n').map((l) => JSON.parse(l) as { subjectId: string; details: { i: number } });
    assert.deepEqual(items.map((x) => [x.subjectId, x.details.i]), [['obj-7', 7]]);
    assert.equal((await aud.get('/admin/audit/export?format=xml')).status, 422);
    assert.equal((await aud.get('/admin/audit/export?format=csv&from=bad')).status, 422);
    const exports = (await audited('audit.export')).map((e) => JSON.parse(e.details!) as { format: string; rows: number; filter: { action?: string } }).filter((e) => e.filter.action === 'test.paging');
    assert.deepEqual(exports.map((e) => [e.format, e.rows]), [['csv', 60], ['jsonl', 1]]);
  });
});
