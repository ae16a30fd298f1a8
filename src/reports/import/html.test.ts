import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeGbk, fixtureHtml, reportFixtures } from '../../../test/support/report-fixtures.js';
import { ReportInputError } from '../errors.js';
import { renderReportHtml } from '../export/html.js';
import { randomReports, seedReport } from '../export/test-helpers.js';
import { canonicalReport, reportToJson } from '../report.js';
import { declaredCharset, decodeHtml, htmlReportText, htmlTitle } from './html.js';
import { importReportBytes } from './index.js';
import { pageTitle, trimToReport } from './trim.js';

const PAGE = '<html><head><meta charset="%s"><title>题</title></head><body><p>政府信息公开</p></body></html>';
const page = (charset: string) => PAGE.replace('%s', charset);

describe('decodeHtml', () => {
  it('finds the declared charset in <meta charset>, http-equiv and the XML declaration', () => {
    assert.equal(declaredCharset(Buffer.from(page('GB2312'))), 'gb2312');
    assert.equal(declaredCharset(Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=gbk" />')), 'gbk');
    assert.equal(declaredCharset(Buffer.from('<?xml version="1.0" encoding="UTF-8"?><html>')), 'utf-8');
    assert.equal(declaredCharset(Buffer.from('<html><body>')), null);
  });

  it('decodes by the declaration (GBK family as GB18030, UTF-8, Big5)', () => {
    const gbk = decodeHtml(encodeGbk(page('gb2312')), { maxBytes: 1e6 });
    assert.equal(gbk.encoding, 'gb18030');
    assert.ok(gbk.html.includes('<p>政府信息公开</p>'));
    assert.deepEqual(gbk.notes, ['按网页声明的编码 gb2312 解码']);
    const utf8 = decodeHtml(Buffer.from(page('utf-8')), { maxBytes: 1e6 });
    assert.deepEqual([utf8.encoding, utf8.notes], ['utf-8', []]);
    const big5 = decodeHtml(Buffer.from([...Buffer.from('<meta charset="big5"><p>'), 0xa4, 0xa4, 0xa4, 0xe5, ...Buffer.from('</p>')]), { maxBytes: 1e6 });
    assert.equal(big5.encoding, 'big5');
    assert.ok(big5.html.includes('<p>中文</p>'));
  });

  it('overrules a declaration the bytes contradict, and says so', () => {
    // Saved as UTF-8, still declaring gb2312 (as after a site migration).
    const a = decodeHtml(Buffer.from(page('gb2312')), { maxBytes: 1e6 });
    assert.equal(a.encoding, 'utf-8');
    assert.deepEqual(a.notes, ['网页声明的编码为 gb2312，但内容是 UTF-8，已按 UTF-8 解码']);
    // Saved as GBK, declaring UTF-8.
    const b = decodeHtml(encodeGbk(page('utf-8')), { maxBytes: 1e6 });
    assert.equal(b.encoding, 'gb18030');
    assert.ok(b.html.includes('政府信息公开'));
    assert.deepEqual(b.notes, ['网页声明的编码 utf-8 与内容不符，已按 GB18030/GBK 解码']);
    // An unsupported declaration: the text detection decides.
    const c = decodeHtml(encodeGbk(page('iso-8859-1')), { maxBytes: 1e6 });
    assert.equal(c.encoding, 'gb18030');
    assert.deepEqual(c.notes, ['网页声明的编码 iso-8859-1 不受支持，已按 GB18030/GBK 解码']);
  });

  it('without a declaration: UTF-8, else GB18030; a byte-order mark wins; UTF-16 with or without one', async () => {
    const plain = '<html><body><p>政府信息公开</p></body></html>';
    assert.equal(decodeHtml(Buffer.from(plain), { maxBytes: 1e6 }).encoding, 'utf-8');
    assert.deepEqual(decodeHtml(encodeGbk(plain), { maxBytes: 1e6 }), { html: plain, encoding: 'gb18030', notes: ['按 GB18030/GBK 解码'] });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(page('gbk'))]);
    assert.equal(decodeHtml(bom, { maxBytes: 1e6 }).encoding, 'utf-8');
    const le = Buffer.from(plain, 'utf16le');
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), le]) {
      // A page with no report, but read as HTML in UTF-16: the refusal names the page.
      const r = await importReportBytes(bytes).catch((e: unknown) => e);
      assert.ok(r instanceof ReportInputError && r.message.startsWith('无法识别：网页中'), String(r));
    }
    const be = Buffer.from(plain, 'utf16le').swap16();
    assert.equal(decodeHtml(be, { maxBytes: 1e6, utf16: 'utf-16be' }).html, plain);
  });
});

describe('htmlReportText: the report inside a portal page', () => {
  it('cuts the navigation above the title and the footer below section 六', () => {
    const fx = reportFixtures()[0]!;
    const { text, notes } = htmlReportText(fixtureHtml(fx));
    const lines = text.split('\n');
    assert.equal(lines[0], fx.report.agency);
    assert.match(lines[1]!, /^2020年度政府信息公开工作年度报告$/);
    for (const junk of ['首页', '当前位置', '版权所有', '打印本页', 'ICP备', '分享到', '政府信息公开指南']) assert.ok(!text.includes(junk), junk);
    assert.equal(notes.length, 2);
  });

  it('uses <title> when the page has no title line, reduced to the part naming the report', () => {
    assert.equal(htmlTitle('<title> XX局2021年度政府信息公开工作年度报告 _ XX县人民政府 </title>'), 'XX局2021年度政府信息公开工作年度报告 _ XX县人民政府');
    assert.equal(pageTitle('XX局2021年度政府信息公开工作年度报告_XX县人民政府'), 'XX局2021年度政府信息公开工作年度报告');
    assert.equal(pageTitle('首页 - XX县人民政府'), null);
    const t = trimToReport('首页\n一、总体情况\n无\n', '网页', 'XX局2021年度政府信息公开工作年度报告|XX县');
    assert.deepEqual(t, { text: 'XX局2021年度政府信息公开工作年度报告\n首页\n一、总体情况\n无\n', notes: ['正文中没有找到报告标题，按网页标题“XX局2021年度政府信息公开工作年度报告”读取'] });
  });

  it('leaves a text without section headings as it is, and keeps a title broken over two lines whole', () => {
    assert.deepEqual(trimToReport('a\nb\n', '网页'), { text: 'a\nb\n', notes: [] });
    const t = trimToReport('导航\n菜单\nXX县人民政府办公室\n2021年度政府信息公开工作年度报告\n一、总体情况\n', '网页');
    assert.equal(t.text, 'XX县人民政府办公室\n2021年度政府信息公开工作年度报告\n一、总体情况\n');
  });

  it('reads a page laid out with tables (the report inside a layout table cell)', () => {
    const fx = reportFixtures()[1]!;
    const html = fixtureHtml(fx);
    assert.ok(/<table[^>]*class="layout"/.test(html) && /<td class="main"/.test(html));
    const { text } = htmlReportText(html);
    assert.ok(text.includes('\n\t第二十条第（一）项\n'), 'the report tables keep one cell per line');
  });

  it('reads the HTML export of the seed and of random reports exactly', async () => {
    for (const rep of [seedReport(), ...randomReports('2019', 2, 81), ...randomReports('2021', 2, 82)]) {
      const r = await importReportBytes(Buffer.from(renderReportHtml(rep)));
      assert.equal(r.format, 'html');
      assert.equal(reportToJson(r.report), reportToJson(canonicalReport(rep)));
      // The export is the report alone: nothing is cut.
      assert.deepEqual(r.info.notes.filter((n) => n.startsWith('网页')), []);
      // As a portal fragment too.
      const frag = await importReportBytes(Buffer.from(renderReportHtml(rep, { fragment: true })));
      assert.equal(reportToJson(frag.report), reportToJson(canonicalReport(rep)));
    }
  });
});
