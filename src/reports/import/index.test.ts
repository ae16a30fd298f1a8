import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  brokenPdf,
  emptyPdf,
  fixtureDocx,
  fixtureHtml,
  fixtureHtmlGbk,
  fixturePdf,
  oldDoc,
  pageWithoutReport,
  passwordPdf,
  randomBytes,
  reportFixtures,
  ruleIds,
  scannedPdf,
  truncated,
  xlsxZip,
  zipBombDeclared,
  zipBombLying,
  type ReportFixture,
} from '../../../test/support/report-fixtures.js';
import { ReportInputError } from '../errors.js';
import { PdfRenderer, chromiumPath } from '../export/pdf.js';
import { reportToJson } from '../report.js';
import { renderReportText } from '../text/render.js';
import { closePdfImporter, detectFormat, importReportBytes, importReportFile, type ImportFormat } from './index.js';

const CHROMIUM = chromiumPath();
const noChromium: string | false = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-wqy-zenhei, or set GONGKAI_CHROMIUM)`;

const FIXTURES = reportFixtures();

interface Doc {
  kind: string;
  format: ImportFormat;
  encoding: string;
  bytes: Uint8Array;
}

/** Every document made of a fixture report, but the PDF (which needs Chromium). */
async function documents(fx: ReportFixture): Promise<Doc[]> {
  return [
    { kind: '.docx', format: 'docx', encoding: 'utf-8', bytes: await fixtureDocx(fx) },
    { kind: 'HTML page (UTF-8)', format: 'html', encoding: 'utf-8', bytes: Buffer.from(fixtureHtml(fx)) },
    { kind: 'HTML page (GBK)', format: 'html', encoding: 'gb18030', bytes: fixtureHtmlGbk(fx) },
    { kind: 'text', format: 'text', encoding: 'utf-8', bytes: Buffer.from(renderReportText(fx.report)) },
    { kind: 'report JSON', format: 'json', encoding: 'utf-8', bytes: Buffer.from(reportToJson(fx.report)) },
  ];
}

/** Imports a document and checks it against its source: the same report JSON and the expected findings. */
async function checkImport(fx: ReportFixture, doc: Doc): Promise<void> {
  assert.equal(detectFormat(doc.bytes), doc.format);
  const r = await importReportBytes(doc.bytes, { name: `${fx.id}.${doc.format}` });
  assert.equal(r.format, doc.format);
  assert.equal(r.encoding, doc.encoding);
  assert.equal(r.info.source, doc.format);
  // Cell for cell (and the prose, title, year and format): the same report JSON.
  assert.equal(reportToJson(r.report), reportToJson(fx.report), `${fx.id} from ${doc.kind}`);
  if (doc.format === 'json') return;
  assert.deepEqual(ruleIds(r.report, r.info), fx.rules, `${fx.id} from ${doc.kind}: findings`);
  assert.deepEqual(r.info.missingRows, []);
  assert.equal(r.info.truncated, null);
  // The local extra row is seen and left out (the .docx and the page have it; the text render does not).
  const extra = r.info.extraRows.map((x) => x.label);
  assert.deepEqual(extra, fx.extraRow && doc.format !== 'text' ? ['其中：网上申请'] : []);
}

describe('importReportBytes: every importer reads every fixture back as its source report', () => {
  it('the fixtures cover both formats, with and without errors', () => {
    assert.deepEqual([...new Set(FIXTURES.map((f) => f.format))].sort(), ['2019', '2021']);
    for (const format of ['2019', '2021']) {
      assert.ok(FIXTURES.some((f) => f.format === format && f.rules.some((r) => /^[CT]/.test(r))), `${format} with errors`);
      assert.ok(FIXTURES.some((f) => f.format === format && f.rules.length === 0), `${format} without errors`);
    }
  });

  for (const fx of FIXTURES) {
    it(`${fx.id} (${fx.format}${fx.rules.length ? `; ${[...new Set(fx.rules)].join(' ')}` : ''}): .docx, HTML (UTF-8, GBK), text, JSON`, async () => {
      for (const doc of await documents(fx)) await checkImport(fx, doc);
    });
  }

  describe('PDF printed by Chromium from the page', { skip: noChromium }, () => {
    const renderer = new PdfRenderer();
    after(async () => {
      await renderer.close();
      await closePdfImporter();
    });
    for (const fx of FIXTURES) {
      it(`${fx.id} (${fx.format})`, async () => {
        await checkImport(fx, { kind: 'PDF', format: 'pdf', encoding: 'pdf', bytes: await fixturePdf(fx, renderer) });
      });
    }
  });
});

describe('importReportBytes: what the importers say they could not read', () => {
  it('a .docx: its image; a page: the navigation above the title and the footer below the report', async () => {
    const fx = FIXTURES[0]!;
    const d = await importReportBytes(await fixtureDocx(fx));
    assert.ok(d.info.notes.includes('文档中有1张图片，图片中的文字未读取'), d.info.notes.join('|'));
    const h = await importReportBytes(Buffer.from(fixtureHtml(fx)));
    assert.ok(h.info.notes.some((n) => /^网页在报告标题之前的\d+行（导航、发布信息等）未读取$/.test(n)), h.info.notes.join('|'));
    assert.ok(h.info.notes.some((n) => /^网页在报告正文之后的\d+行（页脚、相关链接等）未读取$/.test(n)), h.info.notes.join('|'));
    const g = await importReportBytes(fixtureHtmlGbk(fx));
    assert.equal(g.info.notes[0], '按网页声明的编码 gb2312 解码');
  });

  it('a page whose title is only in <title>: read from there, and said so', async () => {
    const fx = FIXTURES.find((f) => f.title === 'page-title')!;
    const r = await importReportBytes(Buffer.from(fixtureHtml(fx)));
    assert.equal(r.info.title, `${fx.report.agency}${fx.report.year}年度政府信息公开工作年度报告`);
    assert.ok(r.info.notes.includes(`正文中没有找到报告标题，按网页标题“${r.info.title}”读取`), r.info.notes.join('|'));
  });
});

/** Asserts a ReportInputError of one Chinese line matching `re`. */
async function refuses(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ReportInputError, `not a ReportInputError: ${String(e)}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one line');
    assert.match(e.message, /[\u4e00-\u9fff]/, 'in Chinese');
    return true;
  });
}

describe('importReportBytes: bad inputs are refused with one Chinese line', () => {
  let docx: Buffer;
  before(async () => {
    docx = await fixtureDocx(FIXTURES[1]!);
  });
  after(() => closePdfImporter());

  it('an empty file', () => refuses(importReportBytes(new Uint8Array(0)), /^文件是空的（0 字节）$/));
  it('a file over maxBytes', () => refuses(importReportBytes(Buffer.from('x'.repeat(2048)), { maxBytes: 1024 }), /^文件过大：有 2\.0 KB，上限为 1\.0 KB$/));
  it('random bytes', () => refuses(importReportBytes(randomBytes(4096)), /二进制文件/));
  it('a truncated .docx', () => refuses(importReportBytes(truncated(docx), { name: 'report.docx' }), /^Word 文档（\.docx）已损坏/));
  it('a truncated zip without a name', () => refuses(importReportBytes(truncated(docx)), /已损坏.*zip/));
  it('an old .doc', () => refuses(importReportBytes(oldDoc(), { name: 'report.doc' }), /^不支持旧版 Word（\.doc）文件，请用 Word 或 WPS 另存为 \.docx 后再导入$/));
  it('a .docx whose document part declares more than 50 MB (zip bomb)', () => refuses(importReportBytes(zipBombDeclared()), /解压后有 51 MB，超过上限 50 MB，疑似压缩炸弹/));
  it('a .docx whose directory lies about the size (zip bomb)', () => refuses(importReportBytes(zipBombLying()), /解压后超过上限 50 MB，疑似压缩炸弹/));
  it('an Excel file', () => refuses(importReportBytes(xlsxZip()), /Excel（\.xlsx）/));
  it('a scanned PDF (an image, no text layer)', () => refuses(importReportBytes(scannedPdf()), /^该 PDF 没有文字层（可能是扫描件），无法读取$/));
  it('an empty PDF', () => refuses(importReportBytes(emptyPdf()), /^该 PDF 没有文字层（可能是扫描件），无法读取$/));
  it('a PDF with a password', () => refuses(importReportBytes(passwordPdf()), /^该 PDF 设置了打开密码/));
  it('a damaged PDF', () => refuses(importReportBytes(brokenPdf()), /^PDF 文件已损坏/));
  it('an HTML page with no report', () => refuses(importReportBytes(Buffer.from(pageWithoutReport())), /^无法识别：网页中没有找到政府信息公开工作年度报告/));
  it('a .docx with no report', async () => {
    const { makeZip } = await import('../../../test/support/zip.js');
    const xml = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>会议通知</w:t></w:r></w:p></w:body></w:document>';
    await refuses(importReportBytes(makeZip([{ name: 'word/document.xml', data: xml, deflate: true }])), /^无法识别：Word 文档中没有找到政府信息公开工作年度报告/);
  });
});

describe('importReportFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gongkai-import-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads a file of any kind, with its path', async () => {
    const fx = FIXTURES[3]!;
    const p = join(dir, 'report.docx');
    await writeFile(p, await fixtureDocx(fx));
    const r = await importReportFile(p);
    assert.equal(r.path, p);
    assert.equal(r.format, 'docx');
    assert.equal(reportToJson(r.report), reportToJson(fx.report));
  });

  it('says what is wrong with the path, as readReportFile does', async () => {
    await refuses(importReportFile(join(dir, 'nope.pdf')), /^文件不存在：/);
    await refuses(importReportFile(dir), /是目录，不是报告文件$/);
    const big = join(dir, 'big.html');
    await writeFile(big, 'x'.repeat(3000));
    await refuses(importReportFile(big, { maxBytes: 1000 }), /^文件过大：.*big\.html 有 2\.9 KB，上限为 1000 B$/);
  });

  it('says when the file cannot be read', { skip: process.getuid?.() === 0 && 'root reads every file' }, async () => {
    const p = join(dir, 'secret.txt');
    await writeFile(p, 'x');
    await chmod(p, 0o000);
    await refuses(importReportFile(p), /^没有读取权限：/);
  });
});
