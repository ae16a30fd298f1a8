/**
 * The back office of uploaded report files (/admin/report-uploads), through HTTP on SQLite or
 * PostgreSQL: upload (multipart, CSRF in the action URL), findings, return with a note, re-upload,
 * accept; bad files and bad forms re-rendered with Chinese reasons; who sees what.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportReport } from '../reports/export/index.js';
import type { Report } from '../reports/report.js';
import { renderReportText } from '../reports/text/render.js';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { multipart } from '../../test/support/multipart.js';
import { randomReport, rng } from '../../test/support/reports.js';

/** The server's "now": 2025-02-10 (the 2024 reports are being sent). */
const NOW = new Date('2025-02-10T10:00:00+08:00');

function townReport(seed: number): Report {
  const rep = randomReport(rng(seed), '2021');
  rep.agency = '市中区永安镇人民政府';
  rep.year = 2024;
  return rep;
}

async function upload(c: Client, fields: Record<string, string>, file: { name: string; data: Buffer }, opts: { csrf?: boolean } = {}) {
  const token = opts.csrf === false ? '' : `?_csrf=${encodeURIComponent(await c.csrf())}`;
  const body = multipart(fields, file);
  const r = await c.app.inject({
    method: 'POST',
    url: `/admin/report-uploads${token}`,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': body.contentType },
    payload: body.payload,
    remoteAddress: c.ip,
  });
  return { status: r.statusCode, body: r.body, headers: r.headers };
}

const idOf = (location: unknown) => Number(/\/admin\/report-uploads\/(\d+)/.exec(String(location))![1]);

describe('back office of uploaded report files', () => {
  let t: TestApp;
  let town: number;
  let clerk: Client;
  let reviewer: Client;
  let village: Client;

  before(async () => {
    t = await openTestApp();
    t.app.deps.now = () => NOW;
    const agencies = await t.db.kysely.selectFrom('agencies').select(['id', 'name']).execute();
    town = agencies.find((a) => a.name === '永安镇人民政府')!.id;
    clerk = new Client(t.app, '10.0.0.11');
    reviewer = new Client(t.app, '10.0.0.12');
    village = new Client(t.app, '10.0.0.13');
    await clerk.login('clerk');
    await reviewer.login('district');
    await village.login('village');
  });
  after(async () => {
    await t?.close();
  });

  test('the list: last year by default, the form offers the user’s own agency', async () => {
    const r = await clerk.get('/admin/report-uploads');
    assert.equal(r.status, 200);
    assert.match(r.body, /报送的年度报告文件/);
    assert.match(r.body, /<option value="2024" selected>2024年度<\/option>/);
    assert.match(r.body, new RegExp(`<option value="${town}"[^>]*>永安镇人民政府</option>`));
    assert.match(r.body, /enctype="multipart\/form-data"/);
    const bad = await clerk.get('/admin/report-uploads?year=20x4');
    assert.equal(bad.status, 422);
    assert.match(bad.body, /年度应为2019年至2024年之间的四位数字/);
  });

  test('upload → findings → returned with a note → fixed file → accepted', async () => {
    const wrong = townReport(1);
    wrong.reviews['reconsideration']!.total = (wrong.reviews['reconsideration']!.total ?? 0) + 2; // T4
    const docx = (await exportReport(wrong, 'docx')).bytes;

    const noCsrf = await upload(clerk, { agencyId: String(town), year: '2024' }, { name: '年报.docx', data: docx }, { csrf: false });
    assert.equal(noCsrf.status, 403);

    const r = await upload(clerk, { agencyId: String(town), year: '2024' }, { name: '永安镇2024年报.docx', data: docx });
    assert.equal(r.status, 303);
    const id = idOf(r.headers.location);
    const page = await clerk.get(`/admin/report-uploads/${id}?done=uploaded`);
    assert.equal(page.status, 200);
    assert.match(page.body, /已上传并检查，等待上级机关审核/);
    assert.match(page.body, /待审核/);
    assert.match(page.body, /<span class="rule">T4<\/span>/);
    assert.doesNotMatch(page.body, /退回修改<\/button>/, 'the agency does not decide');

    // The district's reviewer: the list says it waits for them; a return needs a note.
    const list = await reviewer.get('/admin/report-uploads?year=2024');
    assert.match(list.body, /有 1 份报告等待您审核/);
    const form = await reviewer.get(`/admin/report-uploads/${id}`);
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!;
    const empty = await reviewer.post(`/admin/report-uploads/${id}/decide`, { version, decision: 'return', note: '' });
    assert.equal(empty.status, 422);
    assert.match(empty.body, /退回时请写明需要修改的内容/);
    const acceptWithErrors = await reviewer.post(`/admin/report-uploads/${id}/decide`, { version, decision: 'accept', note: '' });
    assert.equal(acceptWithErrors.status, 422);
    assert.match(acceptWithErrors.body, /项错误；如仍要接受，请写明理由/);
    const noToken = await reviewer.post(`/admin/report-uploads/${id}/decide`, { version, decision: 'return', note: 'x' }, { csrf: false });
    assert.equal(noToken.status, 403);
    const back = await reviewer.post(`/admin/report-uploads/${id}/decide`, { version, decision: 'return', note: '表四行政复议的总计与各项之和不符。' });
    assert.equal(back.status, 303);
    const stale = await reviewer.post(`/admin/report-uploads/${id}/decide`, { version, decision: 'accept', note: '再接受' });
    assert.equal(stale.status, 409);

    // The town sees the note and sends a fixed file (PDF-free: text).
    const returned = await clerk.get(`/admin/report-uploads/${id}`);
    assert.match(returned.body, /已退回/);
    assert.match(returned.body, /表四行政复议的总计与各项之和不符。/);
    assert.match(returned.body, /上传修改后的文件/);
    const fixed = await upload(clerk, { agencyId: String(town), year: '2024' }, { name: '永安镇2024年报（修改）.txt', data: Buffer.from(renderReportText(townReport(1))) });
    assert.equal(fixed.status, 303);
    const id2 = idOf(fixed.headers.location);
    assert.match((await clerk.get(`/admin/report-uploads/${id}`)).body, /<strong>已退回<\/strong>/);
    const f2 = await reviewer.get(`/admin/report-uploads/${id2}`);
    const v2 = /name="version" value="(\d+)"/.exec(f2.body)![1]!;
    const ok = await reviewer.post(`/admin/report-uploads/${id2}/decide`, { version: v2, decision: 'accept', note: '' });
    assert.equal(ok.status, 303);
    assert.match(String(ok.headers.location), /done=accepted/);
    assert.match((await clerk.get(`/admin/report-uploads/${id2}`)).body, /已接受/);

    // The file as uploaded; nobody outside sees any of it.
    const file = await reviewer.get(`/admin/report-uploads/${id}/file`);
    assert.equal(file.status, 200);
    assert.match(String(file.headers['content-disposition']), /attachment/);
    assert.equal((await village.get(`/admin/report-uploads/${id}`)).status, 404);
    assert.equal((await village.get(`/admin/report-uploads/${id}/file`)).status, 404);
    assert.equal((await village.post(`/admin/report-uploads/${id2}/decide`, { version: v2, decision: 'return', note: 'x' })).status, 404);
    assert.equal((await clerk.get('/admin/report-uploads/abc')).status, 404);
  });

  test('bad files and forms: the form again with a Chinese reason, nothing stored', async () => {
    const before = await t.db.kysely.selectFrom('report_uploads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const cases: [Record<string, string>, { name: string; data: Buffer }, number, RegExp][] = [
      [{ agencyId: String(town), year: '2024' }, { name: 'scan.pdf', data: Buffer.from('%PDF-1.4\n%%EOF') }, 422, /PDF/],
      [{ agencyId: String(town), year: '2024' }, { name: 'old.doc', data: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]) }, 422, /\.docx/],
      [{ agencyId: String(town), year: '2023' }, { name: 'r.txt', data: Buffer.from(renderReportText(townReport(2))) }, 422, /不是所选的2023年度/],
      [{ agencyId: '', year: '2024' }, { name: 'r.txt', data: Buffer.from(renderReportText(townReport(2))) }, 422, /请选择报送机关/],
      [{ agencyId: String(town), year: '2024' }, { name: '', data: Buffer.alloc(0) }, 400, /请选择要上传的文件/],
      [{ agencyId: String(town), year: '2024' }, { name: '<script>alert(1)</script>.txt', data: Buffer.from('<script>alert(1)</script>') }, 422, /无法识别/],
    ];
    for (const [fields, file, status, message] of cases) {
      const r = await upload(clerk, fields, file);
      assert.equal(r.status, status, `${file.name}: ${r.body.slice(0, 200)}`);
      assert.match(r.body, message, file.name);
      assert.doesNotMatch(r.body, /<script>alert/);
    }
    const after = await t.db.kysely.selectFrom('report_uploads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });
});
