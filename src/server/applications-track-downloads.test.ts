/**
 * The applicant's downloads through the tracking door (issue 3 item 4: "letters addressed to
 * them"), over HTTP (app.inject), on SQLite or PostgreSQL (TEST_DATABASE_URL):
 *
 *   POST /track/letter      a letter addressed to the applicant (.docx, read back with mammoth)
 *   POST /track/attachment  an attachment marked for the applicant
 *
 * Both check the tracking number + 查询码 again on every request; anything wrong (the pair, an
 * attachment not marked for them or of another case, the third party's letter, no CSRF token)
 * is refused with the lookup form's one generic message and nothing of the case. The same
 * downloads through the JSON API (POST /api/v1/track/letter, /api/v1/track/attachment) make the
 * same checks under the same rate limit, and every download served, page or API, is audited
 * (user id null, the address, by: applicant; nothing personal, never the 查询码).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mammoth from 'mammoth';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { calendar, PERSON, personInput } from '../../test/support/application-fixtures.js';
import { testDialect } from '../../test/support/db.js';
import type { Actor } from '../accounts/policy.js';
import { findUserByUsername, loadActor } from '../accounts/user.repository.js';
import { chinaDate, recordOpinion, registerByStaff, reply, startConsultation } from '../applications/application.service.js';
import { addAttachment } from '../attachments/attachment.service.js';
import { LIMITS as RATE_LIMITS } from '../security/rate-limit.js';

const NOT_FOUND = '未找到，请核对申请编号和查询码';
const THIRD_PARTY = '永兴建筑工程有限公司';
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);

describe(`public tracking downloads (${testDialect})`, () => {
  let t: TestApp;
  let clerk: Actor;
  /** The applicant's case: registered, a third party consulted, replied; two attachments. */
  const mine = { id: 0, trackingNumber: '', secret: '', forMe: 0, notForMe: 0 };
  /** Another applicant's case with a file marked for ITS applicant. */
  const theirs = { id: 0, trackingNumber: '', secret: '', forThem: 0 };
  let ipSeq = 0;
  const client = () => new Client(t.app, `10.88.${Math.floor(ipSeq / 200)}.${(ipSeq++ % 200) + 1}`);

  before(async () => {
    t = await openTestApp();
    clerk = (await loadActor(t.db.kysely, (await findUserByUsername(t.db.kysely, 'clerk'))!.id))!;
    const yongan = (await t.db.kysely.selectFrom('agencies').select('id').where('name', '=', '永安镇人民政府').executeTakeFirstOrThrow()).id;
    const today = chinaDate(new Date());
    const deps = { calendar };
    const intake = (overrides: Record<string, unknown> = {}) => registerByStaff(t.db, deps, clerk, { ...personInput(yongan, overrides), channel: 'in_person', submittedOn: today });

    const a = await intake();
    Object.assign(mine, { id: a.applicationId, trackingNumber: a.trackingNumber, secret: a.secret });
    const version = async (id: number) => (await t.db.kysely.selectFrom('applications').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
    await startConsultation(t.db, deps, clerk, { applicationId: a.applicationId, version: await version(a.applicationId), kind: 'third_party', date: today, party: THIRD_PARTY });
    await recordOpinion(t.db, deps, clerk, { applicationId: a.applicationId, version: await version(a.applicationId), kind: 'third_party', date: today, opinion: 'consent' });
    await reply(t.db, deps, clerk, {
      applicationId: a.applicationId,
      version: await version(a.applicationId),
      date: today,
      outcomeRow: '3.1',
      ground: 'already_public',
      basis: '条例第三十六条第（一）项',
      summary: '所申请信息予以公开',
    });
    const files = t.app.deps.files;
    mine.forMe = (await addAttachment(t.db, files, clerk, { applicationId: a.applicationId, filename: '招标文件.pdf', bytes: pdf('for the applicant'), forApplicant: true })).id;
    mine.notForMe = (await addAttachment(t.db, files, clerk, { applicationId: a.applicationId, filename: '内部审批单.pdf', bytes: pdf('internal only'), kind: 'incoming', forApplicant: false })).id;

    const b = await intake({ applicantName: '赵六', idType: 'other', idNumber: 'P7654321' });
    Object.assign(theirs, { id: b.applicationId, trackingNumber: b.trackingNumber, secret: b.secret });
    theirs.forThem = (await addAttachment(t.db, files, clerk, { applicationId: b.applicationId, filename: '他人的文件.pdf', bytes: pdf('for the other applicant'), forApplicant: true })).id;
  });
  after(async () => {
    await t.close();
  });

  /** A download form as the page sends it; the raw bytes of the answer. */
  async function download(c: Client, url: string, fields: Record<string, string>, opts: { csrf?: boolean } = {}) {
    const body = { ...fields };
    if (opts.csrf !== false) body._csrf = await c.csrf();
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(body).toString(),
      remoteAddress: c.ip,
    });
  }

  /** A refusal: the generic message, nothing of the case, no file. */
  function assertRefused(r: Awaited<ReturnType<typeof download>>, status: number, what: string) {
    assert.equal(r.statusCode, status, `${what}: ${r.body.slice(0, 300)}`);
    assert.equal(r.headers['content-disposition'], undefined, `${what}: no file`);
    assert.match(String(r.headers['content-type']), /^(text\/html|application\/json)/, what);
    for (const leak of [PERSON.applicantName, THIRD_PARTY, '招标文件', '内部审批单', '他人的文件', 'for the', 'internal only', mine.secret, theirs.secret]) {
      assert.ok(!r.body.includes(leak), `${what}: does not leak ${leak}`);
    }
    assert.doesNotMatch(r.body, /case-state/, what);
    if (status === 404) assert.ok(r.body.includes(NOT_FOUND), `${what}: the generic message`);
  }

  test('the result page offers the applicant\'s letters and files as POST forms, never the third party\'s letter or unmarked files', async () => {
    const c = client();
    const page = await c.post('/track', { trackingNumber: mine.trackingNumber, secret: mine.secret });
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    const forms = [...page.body.matchAll(/<form method="post" action="(\/track\/[a-z]+)"[^]*?<\/form>/g)];
    const offered = forms.map((m) => `${m[1]} ${/name="(kind|attachmentId)" value="([^"]+)"/.exec(m[0])?.[2]}`).sort();
    assert.deepEqual(offered, ['/track/attachment ' + mine.forMe, '/track/letter acceptance', '/track/letter reply'].sort());
    for (const m of forms) {
      assert.match(m[0], /name="_csrf" value="[^"]+"/);
      assert.ok(m[0].includes(`name="trackingNumber" value="${mine.trackingNumber}"`));
      assert.ok(m[0].includes(`name="secret" value="${mine.secret}"`), 'the 查询码 the applicant typed, in a hidden field');
    }
    // The 查询码 appears only inside those forms (never in a link or as text).
    assert.equal(page.body.split(mine.secret).length - 1, forms.length);
    assert.ok(!page.body.includes(`?`.concat('secret')));
    assert.ok(page.body.includes('招标文件.pdf'));
    assert.ok(!page.body.includes('内部审批单'));
    assert.ok(!page.body.includes(THIRD_PARTY));
    assert.ok(!page.body.includes(PERSON.applicantName) && !page.body.includes(PERSON.idNumber));
  });

  test('the applicant downloads the reply letter (.docx addressed to them) and the acceptance receipt', async () => {
    const c = client();
    const r = await download(c, '/track/letter', { trackingNumber: mine.trackingNumber, secret: mine.secret, kind: 'reply' });
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(String(r.headers['content-type']), /wordprocessingml/);
    assert.match(String(r.headers['content-disposition']), /^attachment; filename="[^"]+\.docx"; filename\*=UTF-8''/);
    assert.ok(decodeURIComponent(String(r.headers['content-disposition'])).includes(mine.trackingNumber));
    const text = (await mammoth.extractRawText({ buffer: r.rawPayload })).value;
    assert.ok(text.includes('永安镇人民政府'), 'the agency signs it');
    assert.ok(text.includes(PERSON.applicantName), 'addressed to the applicant');
    assert.ok(!text.includes(THIRD_PARTY), 'nothing about the third party');

    // Typed as the applicant might (lower case, no hyphen): the same letter.
    const again = await download(c, '/track/letter', { trackingNumber: ` ${mine.trackingNumber} `, secret: mine.secret.toLowerCase(), kind: 'acceptance' });
    assert.equal(again.statusCode, 200);
    assert.ok((await mammoth.extractRawText({ buffer: again.rawPayload })).value.includes('永安镇人民政府'));
  });

  test('the applicant downloads the attachment marked for them', async () => {
    const r = await download(client(), '/track/attachment', { trackingNumber: mine.trackingNumber, secret: mine.secret, attachmentId: String(mine.forMe) });
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
    assert.match(String(r.headers['cache-control']), /no-store/);
    assert.equal(r.headers['content-type'], 'application/pdf');
    assert.match(String(r.headers['content-disposition']), /^attachment; /);
    assert.ok(decodeURIComponent(String(r.headers['content-disposition'])).includes('招标文件.pdf'));
    assert.deepEqual(r.rawPayload, pdf('for the applicant'));
  });

  test('refused with the generic 404: the third party\'s letter, unknown kinds, unmarked or other cases\' files, a wrong 查询码', async () => {
    const c = client();
    const pair = { trackingNumber: mine.trackingNumber, secret: mine.secret };
    const attempts: Array<[string, string, Record<string, string>]> = [
      ['the third party letter', '/track/letter', { ...pair, kind: 'third_party' }],
      ['a letter the case does not have', '/track/letter', { ...pair, kind: 'extension' }],
      ['an unknown kind', '/track/letter', { ...pair, kind: '../../etc/passwd' }],
      ['no kind', '/track/letter', pair],
      ['a wrong 查询码 (letter)', '/track/letter', { ...pair, secret: 'AAAA-AAAA', kind: 'reply' }],
      ['another case\'s 查询码 (letter)', '/track/letter', { ...pair, secret: theirs.secret, kind: 'reply' }],
      ['no 查询码', '/track/letter', { trackingNumber: mine.trackingNumber, kind: 'reply' }],
      ['an attachment not marked for the applicant', '/track/attachment', { ...pair, attachmentId: String(mine.notForMe) }],
      ['another case\'s attachment id', '/track/attachment', { ...pair, attachmentId: String(theirs.forThem) }],
      ['that case\'s number with my 查询码', '/track/attachment', { trackingNumber: theirs.trackingNumber, secret: mine.secret, attachmentId: String(theirs.forThem) }],
      ['a wrong 查询码 (attachment)', '/track/attachment', { ...pair, secret: 'AAAA-AAAA', attachmentId: String(mine.forMe) }],
      ['no such attachment', '/track/attachment', { ...pair, attachmentId: '999999999' }],
      ['a huge id', '/track/attachment', { ...pair, attachmentId: '99999999999999999999' }],
      ['a malformed id', '/track/attachment', { ...pair, attachmentId: '1 OR 1=1' }],
    ];
    for (const [what, url, fields] of attempts) assertRefused(await download(c, url, fields), 404, what);
  });

  test('without a CSRF token both downloads are refused (403), even with the right pair', async () => {
    const c = client();
    await c.csrf(); // the visitor has the CSRF cookie: only the token is missing
    const letter = await download(c, '/track/letter', { trackingNumber: mine.trackingNumber, secret: mine.secret, kind: 'reply' }, { csrf: false });
    assertRefused(letter, 403, 'letter without CSRF');
    const file = await download(c, '/track/attachment', { trackingNumber: mine.trackingNumber, secret: mine.secret, attachmentId: String(mine.forMe) }, { csrf: false });
    assertRefused(file, 403, 'attachment without CSRF');
    const wrong = await download(c, '/track/attachment', { _csrf: 'forged', trackingNumber: mine.trackingNumber, secret: mine.secret, attachmentId: String(mine.forMe) }, { csrf: false });
    assertRefused(wrong, 403, 'attachment with a forged CSRF token');
  });

  test(`downloads count against the tracking limit (${RATE_LIMITS.track.max} per address): then 429, even with the right pair`, async () => {
    const guesser = client();
    for (let i = 0; i < RATE_LIMITS.track.max; i++) {
      const url = i % 2 ? '/track/letter' : '/track/attachment';
      const r = await download(guesser, url, { trackingNumber: mine.trackingNumber, secret: `ZZZZ${String(i).padStart(4, '2')}`, kind: 'reply', attachmentId: String(mine.forMe) });
      assert.equal(r.statusCode, 404);
    }
    const r = await download(guesser, '/track/attachment', { trackingNumber: mine.trackingNumber, secret: mine.secret, attachmentId: String(mine.forMe) });
    assertRefused(r, 429, 'over the limit');
    assert.ok(Number(r.headers['retry-after']) > 0);
    assert.match(r.body, /提交过于频繁/);
    // The lookup shares the budget of the address.
    assert.equal((await guesser.post('/track', { trackingNumber: mine.trackingNumber, secret: mine.secret })).status, 429);
    // The applicant, from another address, still gets the file.
    assert.equal((await download(client(), '/track/attachment', { trackingNumber: mine.trackingNumber, secret: mine.secret, attachmentId: String(mine.forMe) })).statusCode, 200);
  });

  /** A JSON API request with the client's cookies and CSRF header (unless csrf: false). */
  async function api(c: Client, url: string, body: unknown, opts: { csrf?: boolean } = {}) {
    await c.csrf();
    const headers: Record<string, string> = { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/json' };
    if (opts.csrf !== false) headers['x-csrf-token'] = c.cookies.get('gk_csrf')!;
    return t.app.inject({ method: 'POST', url, headers, payload: JSON.stringify(body), remoteAddress: c.ip });
  }

  const audits = async (action: string) =>
    (await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).where('subject_id', '=', String(mine.id)).orderBy('id').execute()).map((a) => ({
      ...a,
      details: JSON.parse(a.details ?? '{}') as Record<string, unknown>,
    }));

  test('the applicant\'s letter uses the ground the reply recorded (already public, 第（一）项), not the row\'s default', async () => {
    const r = await download(client(), '/track/letter', { trackingNumber: mine.trackingNumber, secret: mine.secret, kind: 'reply' });
    assert.equal(r.statusCode, 200);
    const text = (await mammoth.extractRawText({ buffer: r.rawPayload })).value;
    assert.match(text, /您申请获取的政府信息已经主动公开/);
    assert.match(text, /第三十六条第（一）项/);
    assert.doesNotMatch(text, /属于可以公开的政府信息/);
  });

  test('every download through the page is audited: user id null, the address, by applicant; nothing personal, never the 查询码', async () => {
    const before = { letters: (await audits('letter.download')).length, files: (await audits('attachment.download')).length };
    const c = client();
    for (let i = 0; i < 2; i++) assert.equal((await download(c, '/track/letter', { trackingNumber: mine.trackingNumber, secret: mine.secret, kind: 'reply' })).statusCode, 200);
    assert.equal((await download(c, '/track/attachment', { trackingNumber: mine.trackingNumber, secret: mine.secret, attachmentId: String(mine.forMe) })).statusCode, 200);
    // Refused downloads are not downloads.
    assert.equal((await download(c, '/track/letter', { trackingNumber: mine.trackingNumber, secret: 'AAAA-AAAA', kind: 'reply' })).statusCode, 404);
    assert.equal((await download(c, '/track/attachment', { trackingNumber: mine.trackingNumber, secret: mine.secret, attachmentId: String(mine.notForMe) })).statusCode, 404);

    const letters = (await audits('letter.download')).slice(before.letters);
    const files = (await audits('attachment.download')).slice(before.files);
    assert.equal(letters.length, 2, 'the second download too, not only the one that allocated the number');
    assert.equal(files.length, 1);
    for (const a of [...letters, ...files]) {
      assert.equal(a.user_id, null);
      assert.equal(a.ip, c.ip);
      assert.equal(a.subject_type, 'application');
      assert.equal(a.details.by, 'applicant');
      assert.equal(a.details.via, 'page');
      const text = JSON.stringify(a);
      for (const leak of [...Object.values(PERSON), mine.secret, '招标文件', THIRD_PARTY]) assert.ok(!text.includes(leak), `the audit log does not hold ${leak}`);
    }
    assert.equal(letters[0]!.details.kind, 'reply');
    assert.equal(letters[0]!.details.ground, 'already_public');
    assert.match(String(letters[0]!.details.docNumber), /〔\d{4}〕第\d+号$/);
    assert.equal(files[0]!.details.attachmentId, mine.forMe);
  });

  test('the JSON API: POST /api/v1/track/letter and /track/attachment with the pair in the body; the same refusals, the same audit (via api)', async () => {
    const c = client();
    const pair = { tracking_number: mine.trackingNumber, secret: mine.secret };
    const before = { letters: (await audits('letter.download')).length, files: (await audits('attachment.download')).length };

    // The case as the API shows it says what can be downloaded.
    const tracked = await api(c, '/api/v1/track', pair);
    assert.equal(tracked.statusCode, 200);
    const view = tracked.json() as { letters: Array<{ type: string; download: { kind: string; seq: number } | null }>; attachments: Array<{ id: number; filename: string }> };
    assert.deepEqual(view.letters.map((l) => l.download), [{ kind: 'acceptance', seq: 1 }, null, { kind: 'reply', seq: 1 }], 'the third party consultation has no letter for the applicant');
    assert.deepEqual(view.attachments.map((a) => [a.id, a.filename]), [[mine.forMe, '招标文件.pdf']]);

    const letter = await api(c, '/api/v1/track/letter', { ...pair, kind: 'reply' });
    assert.equal(letter.statusCode, 200, letter.body.slice(0, 300));
    assert.equal(letter.headers['cache-control'], 'no-store');
    assert.match(String(letter.headers['content-type']), /wordprocessingml/);
    assert.match(String(letter.headers['content-disposition']), /^attachment; /);
    const text = (await mammoth.extractRawText({ buffer: letter.rawPayload })).value;
    assert.ok(text.includes(PERSON.applicantName) && text.includes('永安镇人民政府'));
    const page = await download(client(), '/track/letter', { trackingNumber: mine.trackingNumber, secret: mine.secret, kind: 'reply' });
    const number = (s: string) => /〔\d{4}〕第\d+号/.exec(s)?.[0];
    assert.equal(number(text), number((await mammoth.extractRawText({ buffer: page.rawPayload })).value), 'the same number as the page\'s copy');
    assert.equal((await api(c, '/api/v1/track/letter', { ...pair, kind: 'reply', seq: 1 })).statusCode, 200);

    const file = await api(c, '/api/v1/track/attachment', { ...pair, attachment_id: mine.forMe });
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.match(String(file.headers['cache-control']), /no-store/);
    assert.deepEqual(file.rawPayload, pdf('for the applicant'));

    // Refused with the one generic 404 (JSON), whatever is wrong.
    const refusals: Array<[string, string, Record<string, unknown>]> = [
      ['a wrong 查询码', '/api/v1/track/letter', { ...pair, secret: 'AAAAAAAA', kind: 'reply' }],
      ['another case\'s 查询码', '/api/v1/track/letter', { ...pair, secret: theirs.secret, kind: 'reply' }],
      ['a letter the case does not have', '/api/v1/track/letter', { ...pair, kind: 'extension' }],
      ['a second reply that does not exist', '/api/v1/track/letter', { ...pair, kind: 'reply', seq: 2 }],
      ['an attachment not marked for the applicant', '/api/v1/track/attachment', { ...pair, attachment_id: mine.notForMe }],
      ['another case\'s attachment', '/api/v1/track/attachment', { ...pair, attachment_id: theirs.forThem }],
      ['no such attachment', '/api/v1/track/attachment', { ...pair, attachment_id: 999999999 }],
    ];
    for (const [what, url, body] of refusals) {
      const r = await api(c, url, body);
      assert.equal(r.statusCode, 404, `${what}: ${r.body.slice(0, 200)}`);
      assert.deepEqual(r.json(), { error: NOT_FOUND }, what);
      assert.equal(r.headers['content-disposition'], undefined, what);
    }
    // Malformed bodies: 422 per field (before any lookup); the third party's letter is not a kind the applicant may ask for.
    const bad = await api(c, '/api/v1/track/letter', { ...pair, kind: 'third_party', seq: 0 });
    assert.equal(bad.statusCode, 422);
    assert.match((bad.json() as { fields: Record<string, string> }).fields.kind!, /告知书种类应为：登记回执（acceptance）/);
    assert.match((bad.json() as { fields: Record<string, string> }).fields.seq!, /告知书序号不能小于1/);
    const badId = await api(c, '/api/v1/track/attachment', { ...pair, attachment_id: 'one' });
    assert.equal(badId.statusCode, 422);
    assert.match((badId.json() as { fields: Record<string, string> }).fields.attachment_id!, /文件应为整数/);
    // CSRF as every API call.
    assert.equal((await api(c, '/api/v1/track/letter', { ...pair, kind: 'reply' }, { csrf: false })).statusCode, 403);

    const letters = (await audits('letter.download')).slice(before.letters);
    const files = (await audits('attachment.download')).slice(before.files);
    assert.deepEqual(letters.map((a) => [a.user_id, a.ip, a.details.by, a.details.via]), [
      [null, c.ip, 'applicant', 'api'],
      [null, letters[1]!.ip, 'applicant', 'page'],
      [null, c.ip, 'applicant', 'api'],
    ]);
    assert.deepEqual(files.map((a) => [a.user_id, a.ip, a.details.by, a.details.via]), [[null, c.ip, 'applicant', 'api']]);
  });

  test(`API downloads share the tracking limit of the address with the page (${RATE_LIMITS.track.max}): then 429 with Retry-After`, async () => {
    const guesser = client();
    for (let i = 0; i < RATE_LIMITS.track.max; i++) {
      const r = i % 2
        ? await api(guesser, '/api/v1/track/letter', { tracking_number: mine.trackingNumber, secret: `ZZZZ${String(i).padStart(4, '2')}`, kind: 'reply' })
        : await download(guesser, '/track/attachment', { trackingNumber: mine.trackingNumber, secret: `ZZZZ${String(i).padStart(4, '2')}`, attachmentId: String(mine.forMe) });
      assert.equal(r.statusCode, 404);
    }
    for (const [url, body] of [
      ['/api/v1/track/letter', { tracking_number: mine.trackingNumber, secret: mine.secret, kind: 'reply' }],
      ['/api/v1/track/attachment', { tracking_number: mine.trackingNumber, secret: mine.secret, attachment_id: mine.forMe }],
    ] as const) {
      const r = await api(guesser, url, body);
      assert.equal(r.statusCode, 429, url);
      assert.ok(Number(r.headers['retry-after']) > 0);
      assert.match((r.json() as { error: string }).error, /提交过于频繁/);
      assert.equal(r.headers['content-disposition'], undefined);
    }
  });

  test('the OpenAPI document lists both download endpoints: JSON bodies with the pair, a file as the answer', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const letter = doc.paths['/api/v1/track/letter'].post;
    const file = doc.paths['/api/v1/track/attachment'].post;
    assert.equal(letter.security, undefined, 'public');
    assert.deepEqual(Object.keys(letter.requestBody.content['application/json'].schema.properties).sort(), ['kind', 'secret', 'seq', 'tracking_number']);
    assert.deepEqual(Object.keys(file.requestBody.content['application/json'].schema.properties).sort(), ['attachment_id', 'secret', 'tracking_number']);
    assert.deepEqual(letter.responses['200'].content['application/vnd.openxmlformats-officedocument.wordprocessingml.document'].schema, { type: 'string', format: 'binary' });
    assert.ok(file.responses['200'].content['application/octet-stream']);
    assert.ok(letter.responses['404'] && file.responses['404']);
    assert.match(letter.summary, /记入审计日志/);
  });
});
