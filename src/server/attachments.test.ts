import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadActor } from '../accounts/user.repository.js';
import { registerByStaff } from '../applications/application.service.js';
import { WorkCalendar } from '../calendar/calendar.js';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import { fakeDocx } from '../../test/support/zip.js';

function multipart(fields: Record<string, string>, file: { name: string; data: Buffer; type?: string }) {
  const boundary = `----gk${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe(`attachments over HTTP (${testDialect})`, () => {
  let t: TestApp;
  let caseId: number;
  let otherCaseId: number;
  before(async () => {
    t = await openTestApp();
    const user = async (name: string) => (await loadActor(t.db.kysely, (await t.db.kysely.selectFrom('users').select('id').where('username', '=', name).executeTakeFirstOrThrow()).id))!;
    const deps = { calendar: WorkCalendar.builtin(), now: () => new Date('2026-03-02T10:00:00+08:00') };
    const agency = async (name: string) => (await t.db.kysely.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const input = (agencyId: number) => ({
      agencyId,
      applicantType: 'natural_person',
      applicantName: '李四',
      idType: 'other',
      idNumber: 'P1234567',
      contactPhone: '13900000000',
      description: '请公开永安镇2025年道路建设项目的招标文件',
      provisionForm: 'electronic',
      delivery: 'email',
      contactEmail: 'l4@example.com',
      channel: 'in_person',
      submittedOn: '2026-03-02',
    });
    caseId = (await registerByStaff(t.db, deps, await user('clerk'), input(await agency('永安镇人民政府')))).applicationId;
    // A case of another agency (市中区教育局), registered by the district administrator granted clerk there.
    const admin = await user('admin');
    await t.db.kysely.insertInto('user_roles').values({ user_id: admin.userId, agency_id: await agency('市中区教育局'), role: 'clerk' }).execute();
    otherCaseId = (await registerByStaff(t.db, deps, (await loadActor(t.db.kysely, admin.userId))!, input(await agency('市中区教育局')))).applicationId;
  });
  after(async () => {
    await t.close();
  });

  async function upload(c: Client, id: number, file: { name: string; data: Buffer }, opts: { csrf?: string | null; fields?: Record<string, string> } = {}) {
    const token = opts.csrf === undefined ? await c.csrf() : opts.csrf;
    const { payload, contentType } = multipart(opts.fields ?? { kind: 'provided', forApplicant: 'on' }, file);
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({
      method: 'POST',
      url: `/admin/applications/${id}/attachments${token ? `?_csrf=${encodeURIComponent(token)}` : ''}`,
      headers: { cookie, 'content-type': contentType, accept: 'application/json' },
      payload,
    });
  }

  test('a clerk uploads a PDF; it downloads as an attachment with a UTF-8 name; the audit log records it', async () => {
    const c = new Client(t.app, '10.2.0.1');
    await c.login('clerk');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF');
    const r = await upload(c, caseId, { name: '招标文件.pdf', data: pdf });
    assert.equal(r.statusCode, 200, r.body);
    const view = r.json();
    assert.equal(view.filename, '招标文件.pdf');
    assert.equal(view.forApplicant, true);
    const dl = await c.get(`/admin/attachments/${view.id}`);
    assert.equal(dl.status, 200);
    assert.equal(dl.body, pdf.toString());
    assert.match(String(dl.headers['content-disposition']), /^attachment; filename="[^"]*\.pdf"; filename\*=UTF-8''%E6%8B%9B/);
    assert.equal(dl.headers['content-type'], 'application/pdf');
    const log = await t.db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'attachment.add').execute();
    assert.equal(log.length, 1);
  });

  test('a .docx is accepted; a zip bomb inside a .docx, a lying extension and HTML are refused with a Chinese reason', async () => {
    const c = new Client(t.app, '10.2.0.2');
    await c.login('clerk');
    assert.equal((await upload(c, caseId, { name: '答复.docx', data: fakeDocx() })).statusCode, 200);
    const bomb = fakeDocx([{ name: 'word/media/image1.xml', data: Buffer.alloc(20 * 1024 * 1024), deflate: true }]);
    const cases: [string, Buffer, RegExp][] = [
      ['bomb.docx', bomb, /压缩/],
      ['report.pdf', Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), /可执行程序/],
      ['page.txt', Buffer.from('<html><script>alert(1)</script></html>'), /网页/],
    ];
    for (const [name, data, reason] of cases) {
      const r = await upload(c, caseId, { name, data });
      assert.equal(r.statusCode, 422, name);
      assert.match(r.json().fields.file, reason);
    }
    const count = await t.db.kysely.selectFrom('attachments').select('id').where('application_id', '=', caseId).execute();
    assert.equal(count.length, 2, 'only the PDF and the .docx were stored');
  });

  test('a file over the limit (100 MB) is refused with 413 and nothing is stored', async () => {
    const c = new Client(t.app, '10.2.0.3');
    await c.login('clerk');
    const before = (await t.db.kysely.selectFrom('attachments').select('id').execute()).length;
    const big = Buffer.alloc(100 * 1024 * 1024, 0x20);
    big.write('%PDF-1.4\n');
    const r = await upload(c, caseId, { name: 'big.pdf', data: big });
    assert.equal(r.statusCode, 413);
    assert.match(r.json().error, /文件过大/);
    assert.equal((await t.db.kysely.selectFrom('attachments').select('id').execute()).length, before);
  });

  test('without the CSRF token the upload is refused', async () => {
    const c = new Client(t.app, '10.2.0.4');
    await c.login('clerk');
    const r = await upload(c, caseId, { name: 'a.pdf', data: Buffer.from('%PDF-1.4') }, { csrf: null });
    assert.equal(r.statusCode, 403);
  });

  test("a clerk of 永安镇 can neither upload to nor download from another agency's case (404, nothing leaks)", async () => {
    const admin = new Client(t.app, '10.2.0.5');
    await admin.login('admin');
    const own = await upload(admin, otherCaseId, { name: '教育局.pdf', data: Buffer.from('%PDF-1.4 edu') });
    assert.equal(own.statusCode, 200, own.body);
    const c = new Client(t.app, '10.2.0.6');
    await c.login('clerk');
    const up = await upload(c, otherCaseId, { name: 'x.pdf', data: Buffer.from('%PDF-1.4') });
    assert.equal(up.statusCode, 404);
    const dl = await c.get(`/admin/attachments/${own.json().id}`);
    assert.equal(dl.status, 404);
    assert.doesNotMatch(dl.body, /教育局\.pdf|edu/);
    // The supervisor reads (downloads) but does not handle (upload).
    const sup = new Client(t.app, '10.2.0.7');
    await sup.login('supervisor');
    assert.equal((await sup.get(`/admin/attachments/${own.json().id}`)).status, 200);
    assert.equal((await upload(sup, otherCaseId, { name: 'y.pdf', data: Buffer.from('%PDF-1.4') })).statusCode, 404);
  });
});
