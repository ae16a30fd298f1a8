import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mammoth from 'mammoth';
import { fixtureDocx, reportFixtures } from '../../../test/support/report-fixtures.js';
import { rng } from '../../../test/support/reports.js';
import { makeZip } from '../../../test/support/zip.js';
import { ReportInputError } from '../errors.js';
import { renderReportDocx } from '../export/docx.js';
import { htmlToText } from '../export/html-text.js';
import { randomReports, seedReport, sparseReport } from '../export/test-helpers.js';
import { canonicalReport, reportToJson } from '../report.js';
import { parseReportText } from '../text/parse.js';
import { docxToText, documentXmlToHtml } from './docx.js';
import { importReportBytes } from './index.js';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** A document.xml with the given body (WordprocessingML, prefix w:). */
const doc = (body: string, prefix = 'w') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${prefix}:document xmlns:${prefix}="${W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><${prefix}:body>${body}</${prefix}:body></${prefix}:document>`;
const p = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const tc = (text: string, props = '') => `<w:tc><w:tcPr>${props}</w:tcPr>${text === '' ? '<w:p/>' : p(text)}</w:tc>`;
const docx = (xml: string) => makeZip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'word/document.xml', data: xml, deflate: true }]);

/** The route the export tests take: mammoth's HTML, then htmlToText. */
async function viaMammoth(bytes: Buffer): Promise<string> {
  const { value } = await mammoth.convertToHtml({ buffer: bytes }, { ignoreEmptyParagraphs: false });
  return htmlToText(value);
}

describe('docxToText', () => {
  it('paragraphs, runs, tabs, line breaks, empty paragraphs; entities stay as they are', () => {
    const xml = doc(
      `${p('标题')}<w:p/><w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>甲</w:t></w:r><w:r><w:tab/><w:t>乙 &amp; 丙</w:t><w:br/><w:t>丁</w:t></w:r></w:p>` +
        `<w:p><w:r><w:t>A</w:t><w:noBreakHyphen/><w:t>B</w:t><w:br w:type="page"/></w:r></w:p>${p('尾')}`,
    );
    assert.equal(docxToText(docx(xml)).text, '标题\n\n甲 乙 & 丙\n丁\nA-B\n尾\n');
  });

  it('a cell merged down (w:vMerge) or across (w:gridSpan, w:hMerge) appears once, where it starts', () => {
    const xml = doc(
      '<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>' +
        `<w:tr>${tc('合并', '<w:gridSpan w:val="2"/>')}${tc('右')}</w:tr>` +
        `<w:tr>${tc('行', '<w:vMerge w:val="restart"/>')}${tc('1')}${tc('')}</w:tr>` +
        `<w:tr>${tc('', '<w:vMerge/>')}${tc('2')}${tc('3')}</w:tr>` +
        `<w:tr>${tc('旧', '<w:hMerge w:val="restart"/>')}${tc('', '<w:hMerge/>')}${tc('4')}</w:tr>` +
        '</w:tbl>',
    );
    assert.equal(docxToText(docx(xml)).text, '\t合并\n\t右\n\n\t行\n\t1\n\t\n\n\t2\n\t3\n\n\t旧\n\t4\n');
    assert.match(documentXmlToHtml(xml), /<td colspan="2"><p>合并<\/p><\/td>/);
  });

  it('labels in two paragraphs of one cell are one label; a nested table is flattened into its cell', () => {
    const xml = doc(`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>本年新</w:t></w:r></w:p><w:p><w:r><w:t>制作数量</w:t></w:r></w:p></w:tc>${tc('5')}</w:tr></w:tbl>`);
    assert.equal(docxToText(docx(xml)).text, '\t本年新制作数量\n\t5\n');
  });

  it('skips hidden text, deleted and moved-away text, the fallback of alternate content; reads inserted text and text boxes', () => {
    const xml = doc(
      '<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>显示</w:t></w:r>' +
        '<w:del><w:r><w:delText>删除</w:delText></w:r></w:del><w:ins><w:r><w:t>插入</w:t></w:r></w:ins>' +
        '<w:moveFrom><w:r><w:t>移走</w:t></w:r></w:moveFrom><w:moveTo><w:r><w:t>移来</w:t></w:r></w:moveTo></w:p>' +
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>' +
        '<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>',
    );
    const r = docxToText(docx(xml));
    assert.equal(r.text, '显示插入移来\n文本框\n');
    assert.deepEqual(r.notes, ['文档含有修订痕迹，已按接受全部修订后的文字读取']);
  });

  it('reports what it cannot read: images, embedded objects, altChunks, notes, comments', () => {
    const xml = doc(
      '<w:p><w:r><w:drawing><a:graphic><a:blip r:embed="rId5"/></a:graphic></w:drawing></w:r><w:r><w:object/></w:r>' +
        '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:commentReference w:id="0"/></w:r></w:p><w:altChunk r:id="rId9"/>',
    );
    assert.deepEqual(docxToText(docx(xml)).notes, [
      '文档中有1张图片，图片中的文字未读取',
      '文档中嵌入了1个对象（如 Excel 表格），其中的内容未读取',
      '文档中嵌入了1段其他格式的内容（altChunk），未读取',
      '文档中有1处脚注或尾注，其内容未读取',
      '文档中有1条批注，未读取',
    ]);
  });

  it('reads documents whose WordprocessingML prefix is not w:, and UTF-16 XML', () => {
    const xml = doc('<ns0:p><ns0:r><ns0:t>正文</ns0:t></ns0:r></ns0:p>', 'ns0');
    assert.equal(docxToText(docx(xml)).text, '正文\n');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc(p('正文')).replace('UTF-8', 'UTF-16'), 'utf16le')]);
    const r = docxToText(docx(utf16 as unknown as string));
    assert.equal(r.text, '正文\n');
    assert.equal(r.encoding, 'utf-16le');
  });

  it('refuses a zip without the document part and a part that is not WordprocessingML', () => {
    assert.throws(() => docxToText(makeZip([{ name: 'word/styles.xml', data: '<x/>' }])), (e: unknown) => e instanceof ReportInputError && /缺少正文部分/.test(e.message));
    assert.throws(() => docxToText(docx('<html/>')), (e: unknown) => e instanceof ReportInputError && /不是 Word 文档/.test(e.message));
  });
});

describe('the .docx importer and mammoth agree', () => {
  it('on the fixtures (Word-style merges, extra rows, split runs, a seal image)', async () => {
    for (const fx of reportFixtures()) {
      const bytes = await fixtureDocx(fx);
      assert.equal(docxToText(bytes).text, await viaMammoth(bytes), fx.id);
    }
  });

  it('on the exports of the seed and of random and sparse reports of both formats, which read back exactly', async () => {
    const r = rng(71);
    const reports = [seedReport(), ...randomReports('2019', 3, 73), ...randomReports('2021', 3, 74), sparseReport(r, '2019'), sparseReport(r, '2021')];
    for (const rep of reports) {
      const bytes = await renderReportDocx(rep);
      const text = docxToText(bytes).text;
      assert.equal(text, await viaMammoth(bytes));
      assert.equal(reportToJson(parseReportText(text).report), reportToJson(canonicalReport(rep)));
      const imported = await importReportBytes(bytes);
      assert.equal(reportToJson(imported.report), reportToJson(canonicalReport(rep)));
      // Nothing the .docx importer could not read (the parser may still note a blank year).
      assert.deepEqual(imported.info.notes.filter((n) => n.startsWith('文档')), []);
    }
  });
});
