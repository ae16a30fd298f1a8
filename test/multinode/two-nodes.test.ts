/**
 * Two app processes on one database, as behind a load balancer without sticky sessions: whatever
 * one node accepts, the other knows at once. Sessions, CSRF tokens, one-time form tokens, rate
 * limits, login throttling and the rendered-page caches are all kept in (or checked against) the
 * database, and attachments in the shared data folder. Runs on SQLite (one file, two processes)
 * and on PostgreSQL (TEST_DATABASE_URL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/database.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { personInput } from '../support/application-fixtures.js';
import { HttpClient, sharedDatabase, startNode, type AppNode, type SharedDatabase } from '../support/nodes.js';

describe('two app processes on one database', () => {
  let shared: SharedDatabase;
  let a: AppNode;
  let b: AppNode;
  let db: Db;
  let yongan: number;

  before(async () => {
    shared = await sharedDatabase();
    // Rate limits on: they must hold across the nodes.
    const env = { ...shared.env, GONGKAI_RATE_LIMITS: '1' };
    a = await startNode(env); // the first node migrates and loads the demo data
    b = await startNode(env);
    db = await shared.open();
    const row = await db.kysely.selectFrom('agencies').select('id').where('name', '=', '永安镇人民政府').executeTakeFirstOrThrow();
    yongan = row.id;
  });

  after(async () => {
    await db?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await shared?.close();
  });

  test('a session made on one node works on the other, and logging out on one ends it on both', async () => {
    const c = new HttpClient();
    const csrf = await c.csrfOf(`${a.base}/login`);
    const login = await c.postForm(`${b.base}/login`, { username: 'clerk', password: DEMO_PASSWORD, next: '/admin' }, csrf);
    assert.equal(login.status, 303, 'the login form of node A is accepted by node B');
    for (const n of [a, b]) assert.equal((await c.request(`${n.base}/admin/applications`)).status, 200, n.base);
    const out = await c.postForm(`${a.base}/logout`, {}, await c.csrfOf(`${b.base}/admin`));
    assert.equal(out.status, 303);
    // The cookie is gone from this client; a copy of it (a stolen one) must be refused by both.
    const stolen = new HttpClient();
    stolen.cookies = new Map(c.cookies);
    const old = login.headers.getSetCookie().find((s) => s.startsWith('gk_session='))!.split(';')[0]!.split('=')[1]!;
    stolen.cookies.set('gk_session', old);
    for (const n of [a, b]) {
      const r = await stolen.request(`${n.base}/admin/applications`);
      assert.equal(r.status, 303, `${n.base} refuses the ended session`);
      assert.match(r.headers.get('location') ?? '', /^\/login/);
    }
  });

  test('an application submitted to one node is tracked on the other and listed for staff at once', async () => {
    const citizen = new HttpClient();
    const r = await citizen.apiPost(a.base, '/api/v1/applications', personInput(yongan, { description: '两节点测试：某村道路改造工程的招标文件' }));
    assert.equal(r.status, 200, r.text);
    const { tracking_number, secret } = r.json as { tracking_number: string; secret: string };
    const t = await new HttpClient().apiPost(b.base, '/api/v1/track', { tracking_number, secret });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.json.agency_name, '永安镇人民政府');

    // Staff on node B see it in the queue, although node B had rendered the queue before (its page
    // cache is checked against the database's data version on every request).
    const staff = new HttpClient();
    const csrf = await staff.csrfOf(`${b.base}/login`);
    assert.equal((await staff.postForm(`${b.base}/login`, { username: 'admin', password: DEMO_PASSWORD, next: '/admin' }, csrf)).status, 303);
    const before = await staff.request(`${b.base}/admin/applications`);
    assert.equal(before.status, 200);
    const second = await citizen.apiPost(a.base, '/api/v1/applications', personInput(yongan, { description: '两节点测试：第二份申请，应立即出现在另一节点的列表中' }));
    assert.equal(second.status, 200, second.text);
    const listed = await staff.request(`${b.base}/admin/applications`);
    assert.ok(listed.text.includes(String(second.json.tracking_number)), 'node B lists the application node A took a moment ago');
  });

  test('the one-time token of the web form is spent on both nodes: the same form sent to the other node creates nothing', async () => {
    const c = new HttpClient('203.0.113.9');
    const form = await c.request(`${a.base}/apply`);
    const token = /name="formToken" value="([^"]+)"/.exec(form.text)?.[1];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
    assert.ok(token && csrf);
    const fields = Object.fromEntries(Object.entries(personInput(yongan, { description: '两节点测试：同一表单提交两次' })).map(([k, v]) => [k, String(v)]));
    const count = async () => Number((await db.kysely.selectFrom('applications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const n0 = await count();
    const first = await c.postForm(`${a.base}/apply`, { ...fields, formToken: token }, csrf);
    assert.equal(first.status, 303, first.text.slice(0, 500));
    const again = await c.postForm(`${b.base}/apply`, { ...fields, formToken: token }, csrf);
    assert.notEqual(again.status, 500);
    assert.equal(await count(), n0 + 1, 'exactly one application from one form, whichever node got the copy');
  });

  test('rate limits and login throttling count the requests of both nodes together', async () => {
    // Submissions: 10 an hour per address (LIMITS.apply), whichever node takes them. Every client
    // here comes from 127.0.0.1 (the nodes do not trust X-Forwarded-For by default), and earlier
    // tests of this file already spent some of that address's allowance.
    const c = new HttpClient();
    let accepted = 0;
    let limited = 0;
    for (let i = 0; i < 12; i++) {
      const n = i % 2 ? b : a;
      const r = await c.apiPost(n.base, '/api/v1/applications', personInput(yongan, { description: `两节点限流测试第${i + 1}份` }));
      if (r.status === 200) accepted++;
      else if (r.status === 429) limited++;
      else assert.fail(`unexpected ${r.status}: ${r.text}`);
    }
    assert.ok(limited >= 2, `refused once the shared allowance is spent (accepted ${accepted}, refused ${limited})`);
    assert.ok(accepted <= 10, `at most 10 accepted in all (accepted ${accepted})`);

    // Five wrong passwords for one user, spread over both nodes: the sixth attempt is refused on
    // either node, even with the right password.
    const intruder = new HttpClient();
    for (let i = 0; i < 5; i++) {
      const n = i % 2 ? a : b;
      const csrf = await intruder.csrfOf(`${n.base}/login`);
      const r = await intruder.postForm(`${n.base}/login`, { username: 'reviewer', password: `wrong-${i}`, next: '/admin' }, csrf);
      assert.notEqual(r.status, 303, 'a wrong password does not log in');
    }
    for (const n of [a, b]) {
      const csrf = await intruder.csrfOf(`${n.base}/login`);
      const r = await intruder.postForm(`${n.base}/login`, { username: 'reviewer', password: DEMO_PASSWORD, next: '/admin' }, csrf);
      assert.equal(r.status, 429, `${n.base} refuses the locked user name`);
      assert.match(r.text, /登录失败次数过多/);
    }
  });

  test('both nodes are alive and ready; a node told to stop turns unready at once and drains while the other serves', async () => {
    for (const n of [a, b]) {
      assert.equal((await fetch(`${n.base}/healthz`)).status, 200);
      const ready = await fetch(`${n.base}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
      assert.ok(n.alive());
    }
    // A third node on the same database, probed by "the balancer", then stopped (SIGTERM).
    const c = await startNode({ ...shared.env, GONGKAI_DRAIN_SECONDS: '2' });
    try {
      assert.equal((await fetch(`${c.base}/readyz`)).status, 200);
      c.child.kill('SIGTERM');
      let unready = 0;
      for (let i = 0; i < 40 && unready === 0; i++) {
        const r = await fetch(`${c.base}/readyz`).catch(() => null);
        if (r?.status === 503) unready++;
        else await new Promise((res) => setTimeout(res, 25));
      }
      assert.equal(unready, 1, 'the stopping node answers /readyz 503 while it drains');
      // Still serving during the drain, and the others are untouched.
      assert.equal((await fetch(`${c.base}/healthz`).catch(() => null))?.status, 200);
      assert.equal((await fetch(`${a.base}/readyz`)).status, 200);
    } finally {
      await c.stop();
    }
    assert.ok(!c.alive());
  });
});
