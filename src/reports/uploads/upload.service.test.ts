/**
 * Reports uploaded as files, on SQLite or PostgreSQL (TEST_DATABASE_URL): upload (read in a
 * worker, checked, stored), return to the agency with a note, re-upload, accept (with a reason
 * when there are errors), the roll-up counting the accepted file; who may do what; bad files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../accounts/policy.js';
import { ForbiddenError } from '../../accounts/policy.js';
import { collectGarbage } from '../../attachments/gc.js';
import { createFileStore, type FileStore } from '../../attachments/store.js';
import type { Db } from '../../db/database.js';
import { ConflictError, NotFoundError, StateError } from '../../errors.js';
import { ValidationError } from '../../validation.js';
import { agency, user } from '../../../test/support/application-fixtures.js';
import { openTestDb } from '../../../test/support/db.js';
import { randomReport, rng } from '../../../test/support/reports.js';
import { exportReport } from '../export/index.js';
import { generateRollup } from '../generate/index.js';
import { reportToJson, type Report } from '../report.js';
import { renderReportText } from '../text/render.js';
import { decideUpload, getUpload, listUploads, openUploadFile, uploadableAgencies, uploadReport, type UploadDeps } from './upload.service.js';

const YEAR = 2024;

/** A 2024 report of an agency whose tables add up. */
function reportOf(name: string, seed: number): Report {
  const rep = randomReport(rng(seed), '2021');
  rep.agency = name;
  rep.year = YEAR;
  return rep;
}

async function rejects<T extends Error>(p: Promise<unknown>, type: new (...a: never[]) => T, message?: RegExp): Promise<T> {
  let caught: unknown;
  await p.catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof type, `expected ${type.name}, got ${String(caught)}`);
  if (message) assert.match((caught as Error).message, message);
  return caught as T;
}

describe('reports uploaded as files: return, re-upload, accept, roll-up', () => {
  let db: Db;
  let store: FileStore;
  let deps: UploadDeps;
  let county: number;
  let town: number;
  let bureau: number;
  let townClerk: Actor;
  let bureauClerk: Actor;
  let countyReviewer: Actor;
  let countyClerk: Actor;
  let supervisor: Actor;
  let outsider: Actor;

  before(async () => {
    db = await openTestDb();
    store = createFileStore(mkdtempSync(join(tmpdir(), 'gongkai-uploads-')));
    deps = { store, now: () => new Date('2025-01-20T10:00:00+08:00') };
    const tag = Math.random().toString(36).slice(2, 8);
    county = await agency(db, `临河县人民政府${tag}`, 'government', null);
    town = await agency(db, `临河县永安镇人民政府${tag}`, 'town', county);
    bureau = await agency(db, `临河县教育局${tag}`, 'department', county);
    const elsewhere = await agency(db, `北林县人民政府${tag}`, 'government', null);
    townClerk = await user(db, '镇信息员', [[town, 'clerk']]);
    bureauClerk = await user(db, '局信息员', [[bureau, 'clerk']]);
    countyReviewer = await user(db, '县政府办审核人', [[county, 'reviewer']]);
    countyClerk = await user(db, '县政府办信息员', [[county, 'clerk']]);
    supervisor = await user(db, '县督查', [[county, 'supervisor']]);
    outsider = await user(db, '外县审核人', [[elsewhere, 'reviewer']]);
  });
  after(async () => {
    await db?.close();
  });

  test('upload → findings → returned with a note → fixed file re-uploaded → accepted → counted in the roll-up', async () => {
    const bad = reportOf('临河县永安镇人民政府', 1);
    bad.applications['3.7']!.total = (bad.applications['3.7']!.total ?? 0) + 3; // T2, T3 …
    const docx = (await exportReport(bad, 'docx')).bytes;
    const first = await uploadReport(db, deps, townClerk, { agencyId: town, year: YEAR }, { name: '永安镇2024年报.docx', bytes: docx });
    assert.equal(first.state, 'submitted');
    assert.equal(first.fileType, 'docx');
    assert.ok(first.errors > 0);
    assert.ok(first.findings.some((f) => f.rule === 'T3'));
    assert.equal(first.mayDecide, false, 'the agency does not decide on its own report');
    assert.deepEqual(first.report.applications['3.7'], bad.applications['3.7']);

    // The county's reviewer sees it, accepting needs a reason (errors), returns it with a note.
    const seen = await getUpload(db, countyReviewer, first.id);
    assert.equal(seen.mayDecide, true);
    await rejects(decideUpload(db, deps, countyReviewer, first.id, { version: seen.version, decision: 'accept' }), ValidationError, /有 \d+ 项错误/);
    await rejects(decideUpload(db, deps, countyReviewer, first.id, { version: seen.version, decision: 'return' }), ValidationError, /退回时请写明/);
    await rejects(decideUpload(db, deps, townClerk, first.id, { version: seen.version, decision: 'return', note: '自己退回' }), ForbiddenError);
    await rejects(decideUpload(db, deps, supervisor, first.id, { version: seen.version, decision: 'return', note: '督查只读' }), ForbiddenError);
    await rejects(decideUpload(db, deps, outsider, first.id, { version: seen.version, decision: 'return', note: '外县' }), NotFoundError);
    await rejects(decideUpload(db, deps, countyReviewer, first.id, { version: seen.version + 5, decision: 'return', note: '旧页面' }), ConflictError);
    const returned = await decideUpload(db, deps, countyReviewer, first.id, { version: seen.version, decision: 'return', note: '第三部分总计与各项之和不符，请核对后重新报送。' });
    assert.equal(returned.state, 'returned');
    assert.equal(returned.decisionNote, '第三部分总计与各项之和不符，请核对后重新报送。');
    await rejects(decideUpload(db, deps, countyReviewer, first.id, { version: returned.version, decision: 'accept', note: '改主意' }), StateError);
    const townView = await getUpload(db, townClerk, first.id);
    assert.equal(townView.state, 'returned');
    assert.equal(townView.mayUpload, true);

    // The fixed file, as HTML this time.
    const good = reportOf('临河县永安镇人民政府', 1);
    const html = (await exportReport(good, 'html')).bytes;
    const second = await uploadReport(db, deps, townClerk, { agencyId: town, year: YEAR }, { name: '永安镇2024年报（修改）.html', bytes: html });
    assert.equal(second.errors, 0, JSON.stringify(second.findings));
    assert.equal((await getUpload(db, townClerk, first.id)).state, 'returned', 'a returned file stays returned');
    assert.deepEqual(second.history.map((h) => [h.id, h.state, h.decisionNote]), [[first.id, 'returned', '第三部分总计与各项之和不符，请核对后重新报送。']]);
    const accepted = await decideUpload(db, deps, countyReviewer, second.id, { version: second.version, decision: 'accept' });
    assert.equal(accepted.state, 'accepted');
    assert.equal(accepted.decidedBy?.id, countyReviewer.userId);

    // The roll-up counts the town by its file.
    const rollup = await generateRollup(db, { agencyId: county, year: YEAR });
    assert.deepEqual(rollup.report.applications['1'], good.applications['1']);
    assert.deepEqual(rollup.report.reviews['reconsideration'], good.reviews['reconsideration']);
    assert.ok(rollup.included.some((a) => a.id === town));
    assert.ok(rollup.warnings.some((w) => /报送并已接受的报告文件/.test(w)));
    // Section 二: the town's figures are entered figures whose source is the file (the county
    // and the bureau have entered none yet, so the sum is still open).
    const lic = rollup.sources.proactive['licensing']!['decisions']!;
    const fromFile = lic.entries?.find((e) => e.agencyId === town);
    assert.equal(fromFile?.value, good.proactive['licensing']!['decisions']);
    assert.match(fromFile!.note, /永安镇2024年报（修改）\.html/);
    assert.ok(!lic.missing?.some((a) => a.id === town));

    // The file downloads as it was uploaded (audited); the collector keeps it.
    const f = await openUploadFile(db, deps, countyReviewer, second.id, '127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of f.stream) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(html));
    assert.equal(f.mediaType, 'text/html');
    const gc = await collectGarbage(db, store, { minAgeMs: 0 });
    assert.equal(gc.removed, 0);
    const audits = await db.kysely.selectFrom('audit_log').select('action').where('subject_type', '=', 'report_upload').execute();
    assert.deepEqual(
      audits.map((a) => a.action).sort(),
      ['report_upload.accept', 'report_upload.download', 'report_upload.return', 'report_upload.submit', 'report_upload.submit'].sort(),
    );
  });

  test('the supervisor’s office may upload on an agency’s behalf; lists show each side its own', async () => {
    const rep = reportOf('临河县教育局', 2);
    const u = await uploadReport(db, deps, countyReviewer, { agencyId: bureau, year: YEAR }, { name: '教育局.txt', bytes: Buffer.from(renderReportText(rep)) });
    assert.equal(u.uploadedBy.id, countyReviewer.userId);
    assert.deepEqual((await listUploads(db, bureauClerk, YEAR)).map((r) => r.agencyId), [bureau]);
    assert.deepEqual(new Set((await listUploads(db, countyReviewer, YEAR)).map((r) => r.agencyId)), new Set([bureau, town]));
    assert.deepEqual(await listUploads(db, outsider, YEAR), []);
    assert.deepEqual((await uploadableAgencies(db, bureauClerk)).map((a) => a.id), [bureau]);
    assert.deepEqual(new Set((await uploadableAgencies(db, countyReviewer)).map((a) => a.id)), new Set([town, bureau]));
    // An accepted report with errors: only with the reason written.
    const withErrors = reportOf('临河县教育局', 3);
    withErrors.proactive['enforcement']!['decisions'] = null;
    const v = await uploadReport(db, deps, bureauClerk, { agencyId: bureau, year: YEAR }, { name: '教育局（第二版）.json', bytes: Buffer.from(reportToJson(withErrors)) });
    assert.equal((await getUpload(db, bureauClerk, u.id)).state, 'superseded');
    const ok = await decideUpload(db, deps, countyReviewer, v.id, { version: v.version, decision: 'accept', note: '行政强制由县执法局统一报告，本局无此项。' });
    assert.equal(ok.decisionNote, '行政强制由县执法局统一报告，本局无此项。');
  });

  test('bad uploads: a Chinese reason, nothing stored', async () => {
    const before = await db.kysely.selectFrom('report_uploads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const good = Buffer.from(renderReportText(reportOf('临河县永安镇人民政府', 4)));
    const cases: [Actor, unknown, { name: string; bytes: Uint8Array } | null, new (...a: never[]) => Error, RegExp][] = [
      [townClerk, { agencyId: town, year: YEAR }, null, ValidationError, /请选择报告文件/],
      [townClerk, { agencyId: town, year: YEAR }, { name: 'x.txt', bytes: Buffer.alloc(0) }, ValidationError, /请选择报告文件/],
      [townClerk, { agencyId: town, year: YEAR }, { name: 'x.doc', bytes: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]) }, ValidationError, /\.doc|旧版/],
      [townClerk, { agencyId: town, year: YEAR }, { name: 'x.pdf', bytes: Buffer.from('%PDF-1.4 broken') }, ValidationError, /PDF/],
      [townClerk, { agencyId: town, year: YEAR }, { name: 'notice.txt', bytes: Buffer.from('关于做好春节期间安全生产工作的通知\n各村：请做好安全生产工作。') }, ValidationError, /无法识别/],
      [townClerk, { agencyId: town, year: 2023 }, { name: 'r.txt', bytes: good }, ValidationError, /2024年度的，不是所选的2023年度/],
      [townClerk, { agencyId: town, year: 2025 }, { name: 'r.txt', bytes: good }, ValidationError, /尚未结束/],
      [townClerk, { agencyId: town, year: 'x' }, { name: 'r.txt', bytes: good }, ValidationError, /报告年度/],
      [townClerk, { agencyId: bureau, year: YEAR }, { name: 'r.txt', bytes: good }, NotFoundError, /未找到该机关/],
      [supervisor, { agencyId: town, year: YEAR }, { name: 'r.txt', bytes: good }, ForbiddenError, /报送/],
      [countyReviewer, { agencyId: county, year: YEAR }, { name: 'r.txt', bytes: good }, ValidationError, /没有上级机关/],
      [countyClerk, { agencyId: 99_999_999, year: YEAR }, { name: 'r.txt', bytes: good }, NotFoundError, /未找到该机关/],
    ];
    for (const [actor, input, file, type, message] of cases) {
      await rejects(uploadReport(db, deps, actor, input, file), type, message);
    }
    const after = await db.kysely.selectFrom('report_uploads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });

  test('a file whose reading never ends is stopped and refused', async () => {
    // 400 pages of text in a PDF would take a while; a timeout of 1 ms refuses anything.
    const bytes = Buffer.from(renderReportText(reportOf('临河县永安镇人民政府', 5)));
    await rejects(uploadReport(db, { ...deps, importTimeoutMs: 1 }, townClerk, { agencyId: town, year: YEAR }, { name: 'slow.txt', bytes }), ValidationError, /读取超过/);
  });
});
