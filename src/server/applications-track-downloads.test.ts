/**
 * The applicant's downloads through the tracking door (issue 3 item 4: "letters addressed to
 * them"), over HTTP (app.inject), on SQLite or PostgreSQL (TEST_DATABASE_URL):
 *
 *   POST /track/letter      a letter addressed to the applicant (.docx, read back with mammoth)
 *   POST /track/attachment  an attachment marked for the applicant
 *
 * Both check the tracking number + 查询码 again on every request; anything wrong (the pair, an
 * attachment not marked for them or of another case, the third party's letter, no CSRF token)
 * is refused with the lookup form's one generic message and nothing of the case.
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
      basis: '条例第三十六条第（二）项',
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
});
