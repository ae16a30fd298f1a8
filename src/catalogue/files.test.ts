/**
 * Attachments of catalogue versions (files.ts) and their text for search (extract.ts), on SQLite
 * or PostgreSQL (TEST_DATABASE_URL), with the demo agencies and users and a real file store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import type { Actor } from '../accounts/policy.js';
import { createUser, findUserByUsername, grantRole, loadActor } from '../accounts/user.repository.js';
import { KINDS } from '../attachments/sniff.js';
import { createFileStore, type FileStore } from '../attachments/store.js';
import type { Db } from '../db/database.js';
import { seedDemo } from '../demo/seed.js';
import { calendar } from '../../test/support/application-fixtures.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { cjkPdf } from '../../test/support/pdf.js';
import { fakeDocx, makeZip } from '../../test/support/zip.js';
import { createDraft, review, revise, submit, type CatalogueDeps } from './catalogue.service.js';
import { docxText, extractText, MAX_TEXT_CHARS, xlsxText } from './extract.js';
import { addVersionFile, checkUpload, openPublicFile, openVersionFileForStaff, removeVersionFile } from './files.js';
import { publicFiles } from './visibility.js';

async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function wordDocx(paragraphs: string[][]): Promise<Buffer> {
  const doc = new Document({ sections: [{ children: paragraphs.map((runs) => new Paragraph({ children: runs.map((t) => new TextRun(t)) })) }] });
  return Packer.toBuffer(doc);
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('text for search', () => {
  test('.docx: the text runs, paragraphs on their own lines, tabs, entities', async () => {
    const docx = await wordDocx([['关于永安镇', '2026年财政预算 & <公示>'], ['第二段\t表格']]);
    assert.equal(await extractText(KINDS.docx, docx), '关于永安镇2026年财政预算 & <公示>\n第二段\t表格');
    const hand = makeZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: '<w:document><w:body><w:p><w:r><w:t xml:space="preserve">甲 &#x4E59; &amp; </w:t></w:r><w:r><w:br/><w:t>丙</w:t></w:r></w:p></w:body></w:document>', deflate: true },
    ]);
    assert.equal(docxText(hand), '甲 乙 & \n丙\n');
  });

  test('.xlsx: the shared strings; a file without them has none', () => {
    const x = makeZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'xl/sharedStrings.xml', data: '<sst><si><t>收入</t></si><si><r><t>支出</t></r><r><t>合计</t></r></si></sst>', deflate: true },
    ]);
    assert.equal(xlsxText(x), '收入\n支出合计');
    assert.equal(xlsxText(makeZip([{ name: 'xl/workbook.xml', data: '<workbook/>' }])), null);
  });

  test('PDF: Chinese text through the CMaps; a broken PDF gives null, never an error', async () => {
    const text = await extractText(KINDS.pdf, cjkPdf(['关于永安镇2026年财政预算的公示', '一、收入情况']));
    assert.equal(text, '关于永安镇2026年财政预算的公示\n一、收入情况');
    assert.equal(await extractText(KINDS.pdf, Buffer.from('%PDF-1.4\n这不是PDF')), null);
    assert.equal(await extractText(KINDS.pdf, cjkPdf(['截断']).subarray(0, 200)), null);
  });

  test('plain text is kept (bounded, without NUL); images have none', async () => {
    assert.equal(await extractText(KINDS.text, Buffer.from('第一行\r\n第二行\r\n')), '第一行\n第二行');
    const long = await extractText(KINDS.text, Buffer.from('长'.repeat(MAX_TEXT_CHARS + 10)));
    assert.equal(long?.length, MAX_TEXT_CHARS);
    assert.equal(await extractText(KINDS.png, PNG), null);
    assert.equal(await extractText(KINDS.docx, fakeDocx()), null, 'a document without text');
  });
});

describe('what may be attached', () => {
  const accepted: Array<[string, Buffer, string, string]> = [
    ['a PDF', cjkPdf(['公示']), '公示.pdf', 'pdf'],
    ['a .docx', fakeDocx(), '通知.DOCX', 'docx'],
    ['a PNG', PNG, '现场照片.png', 'png'],
    ['a JPEG named .jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), '照片.jpeg', 'jpg'],
    ['text', Buffer.from('说明'), '说明.txt', 'txt'],
    ['a name without extension', cjkPdf(['公示']), '公示', 'pdf'],
  ];
  for (const [what, bytes, name, ext] of accepted) {
    test(`accepts ${what}`, () => {
      const v = checkUpload(bytes, name);
      assert.ok(v.ok, JSON.stringify(v));
      assert.equal(v.kind.ext, ext);
    });
  }
  const refused: Array<[string, Buffer, string, RegExp]> = [
    ['a PNG named .pdf (the extension lies)', PNG, '批复.pdf', /扩展名 \.pdf 与文件内容（PNG 图片）不符/],
    ['a PDF named .docx', cjkPdf(['x']), '通知.docx', /扩展名 \.docx 与文件内容（PDF 文件）不符/],
    ['a program named .pdf', Buffer.from('MZ\x90\x00\x03\x00', 'latin1'), '批复.pdf', /可执行程序/],
    ['a zip bomb inside a .docx', fakeDocx([{ name: 'word/media/big.xml', data: Buffer.alloc(20 * 1024 * 1024), deflate: true }]), '通知.docx', /压缩/],
    ['a Word 97 file', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), '通知.doc', /另存为/],
    ['a web page', Buffer.from('<html><script>alert(1)</script></html>'), '页面.txt', /网页/],
  ];
  for (const [what, bytes, name, reason] of refused) {
    test(`refuses ${what}`, () => {
      const v = checkUpload(bytes, name);
      assert.equal(v.ok, false);
      if (!v.ok) assert.match(v.reason, reason);
    });
  }
});

describe(`attachments of catalogue versions (${testDialect})`, () => {
  let db: Db;
  let store: FileStore;
  let village: Actor;
  let reviewer: Actor;
  let head: Actor;
  let townClerk: Actor;
  let supervisor: Actor;
  let eduClerk: Actor;
  let yongan: number;
  const deps: CatalogueDeps = { calendar, now: () => new Date('2026-11-16T10:00:00+08:00') };
  const actor = async (username: string) => (await loadActor(db.kysely, (await findUserByUsername(db.kysely, username))!.id))!;
  const draft = (title: string) =>
    createDraft(db, deps, village, { agencyId: yongan, title, summary: '概述', category: 'art20.7', subject: '财政、金融、审计', formedOn: '2026-11-16' });
  const approve = (a: Actor, id: number, version: number) => review(db, deps, a, id, { version, conclusion: 'approved', basis: '同意公开' });
  const stored = () => readdirSync(store.dir, { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(String(f))).length;

  before(async () => {
    db = await openTestDb();
    await seedDemo(db.kysely);
    store = createFileStore(mkdtempSync(join(tmpdir(), 'gk-catfiles-')));
    village = await actor('village');
    reviewer = await actor('reviewer');
    head = await actor('head');
    townClerk = await actor('clerk');
    supervisor = await actor('supervisor');
    const ids = new Map((await db.kysely.selectFrom('agencies').select(['id', 'name']).execute()).map((a) => [a.name, a.id]));
    yongan = ids.get('永安村民委员会')!;
    const eduId = await createUser(db.kysely, { username: 'edu-clerk', displayName: '教育局 信息员', passwordHash: 'x' });
    await grantRole(db.kysely, eduId, ids.get('市中区教育局')!, 'clerk');
    eduClerk = (await loadActor(db.kysely, eduId))!;
  });
  after(async () => {
    await db.close();
  });

  test('added to the open version with its text; the item version moves; the public sees it only once published', async () => {
    const d = await draft('附件测试');
    const pdf = cjkPdf(['永安村财务公开明细表']);
    const r = await addVersionFile(db, store, deps, village, d.itemId, { version: d.version, filename: 'C:\\文件\\财务明细.pdf', bytes: pdf });
    assert.equal(r.version, d.version + 1);
    assert.deepEqual({ ...r.file, id: 0, createdAt: '' }, { id: 0, versionId: d.versionId, filename: '财务明细.pdf', mediaType: 'application/pdf', size: pdf.length, searchable: true, createdAt: '' });
    const row = await db.kysely.selectFrom('catalogue_files').select(['text', 'created_by']).where('id', '=', r.file.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { text: '永安村财务公开明细表', created_by: village.userId });
    // Staff who see the item download it (audited); the public does not, yet.
    const staff = await openVersionFileForStaff(db, store, reviewer, d.itemId, r.file.id, { ip: '10.0.0.9', via: 'page' });
    assert.deepEqual(await read(staff.stream), pdf);
    const log = await db.kysely.selectFrom('audit_log').select(['user_id', 'ip']).where('action', '=', 'catalogue.file_download').execute();
    assert.deepEqual(log, [{ user_id: reviewer.userId, ip: '10.0.0.9' }]);
    await assert.rejects(openPublicFile(db, store, d.itemId, r.file.id), /未找到该附件/);

    const s = await submit(db, deps, village, d.itemId, { version: r.version });
    // In review nothing changes, not even by its author.
    await assert.rejects(addVersionFile(db, store, deps, village, d.itemId, { version: s.version, filename: 'b.pdf', bytes: pdf }), /正在审核中，附件不能更改/);
    await assert.rejects(removeVersionFile(db, deps, village, d.itemId, r.file.id, { version: s.version }), /正在审核中/);
    await approve(head, d.itemId, (await approve(reviewer, d.itemId, s.version)).version);
    const pub = await openPublicFile(db, store, d.itemId, r.file.id);
    assert.equal(pub.file.filename, '财务明细.pdf');
    assert.deepEqual(await read(pub.stream), pdf);

    // A revision carries the files over; removing one from the new draft leaves the public one.
    const p = (await db.kysely.selectFrom('catalogue_items').select('version').where('id', '=', d.itemId).executeTakeFirstOrThrow()).version;
    const rv = await revise(db, deps, village, d.itemId, { version: p });
    const copied = await db.kysely.selectFrom('catalogue_files').select('id').where('version_id', '=', rv.versionId).executeTakeFirstOrThrow();
    await assert.rejects(removeVersionFile(db, deps, village, d.itemId, r.file.id, { version: rv.version }), /未找到该附件（只能删除未发布版本的附件）/);
    const rm = await removeVersionFile(db, deps, village, d.itemId, copied.id, { version: rv.version });
    assert.equal(rm.version, rv.version + 1);
    assert.equal((await publicFiles(db.kysely, d.itemId)).length, 1);
  });

  test('refused uploads store nothing: bad content, stale version, no permission, not visible', async () => {
    const d = await draft('拒绝上传');
    const before = stored();
    const bomb = fakeDocx([{ name: 'word/media/big.xml', data: Buffer.alloc(20 * 1024 * 1024), deflate: true }]);
    await assert.rejects(addVersionFile(db, store, deps, village, d.itemId, { version: d.version, filename: '通知.docx', bytes: bomb }), (e: Error & { fields?: Record<string, string> }) => /压缩/.test(e.fields?.file ?? ''));
    await assert.rejects(addVersionFile(db, store, deps, village, d.itemId, { version: d.version, filename: '照片.pdf', bytes: PNG }), /扩展名 \.pdf 与文件内容/);
    await assert.rejects(addVersionFile(db, store, deps, village, d.itemId, { version: d.version + 5, filename: 'a.pdf', bytes: cjkPdf(['x']) }), (e: Error) => e.name === 'ConflictError');
    await assert.rejects(addVersionFile(db, store, deps, supervisor, d.itemId, { version: d.version, filename: 'a.pdf', bytes: cjkPdf(['x']) }), /信息员、审核人或负责人/);
    await assert.rejects(addVersionFile(db, store, deps, townClerk, d.itemId, { version: d.version, filename: 'a.pdf', bytes: cjkPdf(['x']) }), /未找到该信息/);
    await assert.rejects(addVersionFile(db, store, deps, eduClerk, d.itemId, { version: d.version, filename: 'a.pdf', bytes: cjkPdf(['x']) }), /未找到该信息/);
    await assert.rejects(addVersionFile(db, store, deps, village, d.itemId, { version: 'x', filename: 'a.pdf', bytes: cjkPdf(['x']) }), /版本号/);
    assert.equal(stored(), before, 'no bytes in the store');
    assert.equal((await db.kysely.selectFrom('catalogue_files').select('id').where('version_id', '=', d.versionId).execute()).length, 0);
    assert.equal((await db.kysely.selectFrom('catalogue_items').select('version').where('id', '=', d.itemId).executeTakeFirstOrThrow()).version, d.version);
    // Downloads: another agency's clerk learns nothing.
    const ok = await addVersionFile(db, store, deps, village, d.itemId, { version: d.version, filename: 'a.txt', bytes: Buffer.from('说明') });
    await assert.rejects(openVersionFileForStaff(db, store, eduClerk, d.itemId, ok.file.id, { ip: null, via: 'api' }), /未找到该附件/);
    await assert.rejects(openVersionFileForStaff(db, store, village, d.itemId + 1000, ok.file.id, { ip: null, via: 'api' }), /未找到该附件/);
  });
});
