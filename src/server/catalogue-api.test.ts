/**
 * The staff JSON API of the catalogue (/api/v1/catalogue…) on SQLite or PostgreSQL: the same
 * rules as the pages — session cookie and x-csrf-token, 422 with fields, 409 on a stale version,
 * 403 without the role, 404 for what one may not see — and its OpenAPI description.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, findUserByUsername, grantRole } from '../accounts/user.repository.js';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import { multipart } from '../../test/support/multipart.js';
import { cjkPdf } from '../../test/support/pdf.js';
import { fakeDocx } from '../../test/support/zip.js';

type Json = Record<string, unknown> & { error?: string; fields?: Record<string, string> };

describe(`catalogue staff API (${testDialect})`, () => {
  let t: TestApp;
  let village: number;
  let ip = 0;
  const client = async (user?: string) => {
    const c = new Client(t.app, `10.79.0.${++ip}`);
    if (user) assert.equal((await c.login(user)).status, 303);
    return c;
  };
  const cookie = (c: Client) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  async function api(c: Client, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, opts: { csrf?: boolean } = {}) {
    const r = await t.app.inject({
      method,
      url,
      headers: {
        cookie: cookie(c),
        ...(method !== 'GET' ? { 'content-type': 'application/json', ...(opts.csrf === false ? {} : { 'x-csrf-token': await c.csrf() }) } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      remoteAddress: c.ip,
    });
    return { status: r.statusCode, json: r.json() as Json };
  }
  async function uploadApi(c: Client, id: number, version: number, file: { name: string; data: Buffer }) {
    const { payload, contentType } = multipart({ version: String(version) }, file);
    const r = await t.app.inject({ method: 'POST', url: `/api/v1/catalogue/${id}/files`, headers: { cookie: cookie(c), 'content-type': contentType, 'x-csrf-token': await c.csrf() }, payload, remoteAddress: c.ip });
    return { status: r.statusCode, json: r.json() as Json };
  }
  const draft = (over: Record<string, unknown> = {}) => ({
    agencyId: village,
    title: 'API-起草的信息',
    summary: '接口起草',
    category: 'art20.7',
    subject: '财政、金融、审计',
    formedOn: '2026-11-16',
    ...over,
  });

  before(async () => {
    t = await openTestApp();
    t.app.deps.now = () => new Date('2026-11-16T10:00:00+08:00');
    village = (await t.db.kysely.selectFrom('agencies').select('id').where('name', '=', '永安村民委员会').executeTakeFirstOrThrow()).id;
    const edu = (await t.db.kysely.selectFrom('agencies').select('id').where('name', '=', '市中区教育局').executeTakeFirstOrThrow()).id;
    const id = await createUser(t.db.kysely, { username: 'edu', displayName: '教育局 信息员', passwordHash: (await findUserByUsername(t.db.kysely, 'clerk'))!.password_hash });
    await grantRole(t.db.kysely, id, edu, 'clerk');
  });
  after(async () => {
    await t?.close();
  });

  test('draft → upload → submit → return → update → submit → approve twice → published; revise, discard, withdraw', async () => {
    const clerk = await client('village');
    let r = await api(clerk, 'POST', '/api/v1/catalogue', draft());
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const id = r.json.itemId as number;
    assert.equal(r.json.state, 'draft');
    let version = r.json.version as number;

    const up = await uploadApi(clerk, id, version, { name: '明细.pdf', data: cjkPdf(['财务收支明细']) });
    assert.equal(up.status, 200, JSON.stringify(up.json));
    const file = up.json.file as { id: number; searchable: boolean; filename: string };
    assert.equal(file.searchable, true);
    assert.equal(file.filename, '明细.pdf');
    version = up.json.version as number;
    const bomb = await uploadApi(clerk, id, version, { name: '炸弹.docx', data: fakeDocx([{ name: 'word/media/x.xml', data: Buffer.alloc(20 * 1024 * 1024), deflate: true }]) });
    assert.equal(bomb.status, 422);
    assert.match(bomb.json.fields!.file!, /压缩炸弹/);
    const big = await uploadApi(clerk, id, version, { name: '大.pdf', data: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(6 * 1024 * 1024)]) });
    assert.equal(big.status, 413);
    assert.match(big.json.error!, /文件过大/);

    r = await api(clerk, 'POST', `/api/v1/catalogue/${id}/submit`, { version: version - 1 });
    assert.equal(r.status, 409);
    assert.equal(r.json.error, '该信息已被他人修改，请刷新后重试（您的修改未保存）');
    r = await api(clerk, 'POST', `/api/v1/catalogue/${id}/submit`, { version });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.findings, []);
    version = r.json.version as number;

    const reviewer = await client('reviewer');
    r = await api(reviewer, 'GET', '/api/v1/catalogue?filter=to_review');
    assert.deepEqual((r.json.items as Array<{ id: number }>).map((i) => i.id), [id]);
    r = await api(reviewer, 'POST', `/api/v1/catalogue/${id}/review`, { version, conclusion: 'returned', basis: '条例第二十条' });
    assert.equal(r.status, 422);
    assert.equal(r.json.fields?.comment, '退回修改须写明需要修改的内容');
    r = await api(reviewer, 'POST', `/api/v1/catalogue/${id}/review`, { version, conclusion: 'returned', basis: '条例第二十条', comment: '请补充' });
    assert.equal(r.json.state, 'returned');
    version = r.json.version as number;

    r = await api(clerk, 'PUT', `/api/v1/catalogue/${id}`, { ...draft({ body: '补充后的正文' }), version });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    r = await api(clerk, 'POST', `/api/v1/catalogue/${id}/submit`, { version: r.json.version });
    version = r.json.version as number;
    r = await api(reviewer, 'POST', `/api/v1/catalogue/${id}/review`, { version, conclusion: 'approved', basis: '同意' });
    r = await api(await client('head'), 'POST', `/api/v1/catalogue/${id}/review`, { version: r.json.version, conclusion: 'approved', basis: '同意' });
    assert.equal(r.json.state, 'published');
    version = r.json.version as number;

    r = await api(clerk, 'GET', `/api/v1/catalogue/${id}`);
    assert.equal(r.status, 200);
    const item = r.json as { indexNumber: string; version: number; can: Record<string, boolean>; versions: Array<{ state: string; body: string; reviews: Array<{ round: number; level: number; conclusion: string; comment: string | null; reviewer: string }>; files: unknown[] }> };
    assert.equal(item.indexNumber, '543704020040000301-07-2026-0001');
    assert.equal(item.version, version);
    assert.deepEqual(item.can, { edit: false, submit: false, review: false, revise: true, discard: false, withdraw: false });
    assert.equal(item.versions[0]!.state, 'published');
    assert.equal(item.versions[0]!.body, '补充后的正文');
    assert.equal(item.versions[0]!.files.length, 1);
    assert.deepEqual(
      item.versions[0]!.reviews.map((x) => [x.round, x.level, x.conclusion, x.comment, x.reviewer]),
      [
        [1, 1, 'returned', '请补充', '永安镇 审核人'],
        [2, 1, 'approved', null, '永安镇 审核人'],
        [2, 2, 'approved', null, '永安镇党政办 负责人'],
      ],
    );
    assert.equal(JSON.stringify(item).includes('author_id'), false, 'no raw rows');

    const dl = await t.app.inject({ method: 'GET', url: `/api/v1/catalogue/${id}/files/${file.id}`, headers: { cookie: cookie(clerk) } });
    assert.equal(dl.statusCode, 200);
    assert.equal(dl.headers['content-type'], 'application/pdf');

    r = await api(clerk, 'POST', `/api/v1/catalogue/${id}/revise`, { version });
    assert.equal(r.json.state, 'draft');
    r = await api(clerk, 'POST', `/api/v1/catalogue/${id}/files/${file.id}/remove`, { version: r.json.version });
    assert.equal(r.status, 404, 'the published version keeps its file');
    const copy = (await api(clerk, 'GET', `/api/v1/catalogue/${id}`)).json as { version: number; versions: Array<{ files: Array<{ id: number }> }> };
    r = await api(clerk, 'POST', `/api/v1/catalogue/${id}/files/${copy.versions[0]!.files[0]!.id}/remove`, { version: copy.version });
    assert.equal(r.status, 200);
    r = await api(clerk, 'POST', `/api/v1/catalogue/${id}/discard`, { version: r.json.version });
    assert.equal(r.json.state, 'discarded');
    r = await api(clerk, 'POST', `/api/v1/catalogue/${id}/withdraw`, { version: r.json.version, reason: '误发' });
    assert.equal(r.status, 403);
    r = await api(await client('head'), 'POST', `/api/v1/catalogue/${id}/withdraw`, { version: (await api(clerk, 'GET', `/api/v1/catalogue/${id}`)).json.version, reason: '误发' });
    assert.equal(r.status, 200);
    assert.equal(((await api(clerk, 'GET', `/api/v1/catalogue/${id}`)).json.withdrawn as { reason: string }).reason, '误发');
  });

  test('the rules: login, CSRF, fields, visibility, roles; the list with its clock; documented in OpenAPI', async () => {
    const anon = await client();
    assert.equal((await api(anon, 'GET', '/api/v1/catalogue')).status, 401);
    const clerk = await client('village');
    let r = await api(clerk, 'POST', '/api/v1/catalogue', draft(), { csrf: false });
    assert.equal(r.status, 403);
    assert.match(r.json.error!, /CSRF/);
    r = await api(clerk, 'POST', '/api/v1/catalogue', draft({ title: '', category: 'art21.county.1', formedOn: '2026-13-01', disclosure: 'x' }));
    assert.equal(r.status, 422);
    assert.equal(r.json.fields?.title, '请填写名称');
    assert.match(r.json.fields?.formedOn ?? '', /信息形成（变更）日期/);
    assert.match(r.json.fields?.disclosure ?? '', /公开属性「x」无效/);
    r = await api(clerk, 'POST', '/api/v1/catalogue', draft({ title: 'API-超期', formedOn: '2026-09-01' }));
    const late = r.json.itemId as number;
    r = await api(clerk, 'GET', '/api/v1/catalogue?filter=late');
    const row = (r.json.items as Array<{ id: number; late: boolean; remainingWorkingDays: number; stateLabel: string }>).find((i) => i.id === late)!;
    assert.equal(row.late, true);
    assert.ok(row.remainingWorkingDays < 0);
    assert.equal(row.stateLabel, '草稿');
    assert.equal((await api(clerk, 'GET', '/api/v1/catalogue?filter=nope')).status, 422);

    const edu = await client('edu');
    assert.equal((await api(edu, 'GET', `/api/v1/catalogue/${late}`)).status, 404);
    assert.equal((await api(edu, 'PUT', `/api/v1/catalogue/${late}`, { ...draft(), version: 1 })).status, 404);
    assert.equal((await api(edu, 'POST', `/api/v1/catalogue/${late}/submit`, { version: 1 })).status, 404);
    assert.equal(((await api(edu, 'GET', '/api/v1/catalogue?filter=all')).json.items as unknown[]).length, 0);
    assert.equal((await api(edu, 'POST', '/api/v1/catalogue', draft())).status, 403, "drafting for another agency");
    assert.equal((await api(await client('supervisor'), 'POST', `/api/v1/catalogue/${late}/submit`, { version: 1 })).status, 403);
    assert.equal((await api(clerk, 'GET', '/api/v1/catalogue/abc')).status, 404);

    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const [path, method] of [
      ['/api/v1/catalogue', 'get'],
      ['/api/v1/catalogue', 'post'],
      ['/api/v1/catalogue/{id}', 'get'],
      ['/api/v1/catalogue/{id}', 'put'],
      ['/api/v1/catalogue/{id}/submit', 'post'],
      ['/api/v1/catalogue/{id}/review', 'post'],
      ['/api/v1/catalogue/{id}/revise', 'post'],
      ['/api/v1/catalogue/{id}/discard', 'post'],
      ['/api/v1/catalogue/{id}/withdraw', 'post'],
      ['/api/v1/catalogue/{id}/files', 'post'],
      ['/api/v1/catalogue/{id}/files/{fileId}', 'get'],
    ] as const) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
      assert.ok(doc.paths[path][method].security, `${path} needs a session`);
    }
    const review = doc.paths['/api/v1/catalogue/{id}/review'].post.requestBody.content['application/json'].schema;
    assert.ok(review.properties.version && review.properties.conclusion && review.properties.basis);
    const upload = doc.paths['/api/v1/catalogue/{id}/files'].post.requestBody.content['multipart/form-data'].schema;
    assert.deepEqual(upload.required, ['version', 'file']);
    assert.ok(doc.paths['/api/v1/catalogue/{id}/files'].post.responses[413]);
  });
});
