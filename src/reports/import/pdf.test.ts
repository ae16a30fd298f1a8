import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { drawnPdf, fixturePdf, gridRects, passwordPdf, reportFixtures, type DrawnText } from '../../../test/support/report-fixtures.js';
import { rng } from '../../../test/support/reports.js';
import { PdfRenderer, chromiumPath } from '../export/pdf.js';
import { renderReportHtml } from '../export/html.js';
import { randomReports, seedReport, sparseReport } from '../export/test-helpers.js';
import { canonicalReport, reportToJson, type Report } from '../report.js';
import { importReportBytes } from './index.js';
import { closePdfImporter, pdfToText, unlinkFontPrograms } from './pdf.js';
import { readPdfRules } from './pdf-engine.js';
import { ContentRules } from './pdf-rules.js';

/** Rules in a comparable form (rounded, sorted). */
const rulesKey = (pages: { hs: { y: number; x0: number; x1: number }[]; vs: { x: number; y0: number; y1: number }[] }[]) =>
  pages.map((r) => ({
    hs: r.hs.map((h) => [h.y, h.x0, h.x1].map((v) => v.toFixed(2)).join(' ')).sort(),
    vs: r.vs.map((v) => [v.x, v.y0, v.y1].map((x) => x.toFixed(2)).join(' ')).sort(),
  }));

/** The rules read from the content streams are exactly those of pdf.js's operator list. */
async function sameRules(pdf: Uint8Array): Promise<number> {
  const content = await readPdfRules(pdf, 'content');
  assert.deepEqual(rulesKey(content), rulesKey(await readPdfRules(pdf, 'pdfjs')));
  return content.reduce((n, r) => n + r.hs.length + r.vs.length, 0);
}

const CHROMIUM = chromiumPath();
const noChromium: string | false = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-wqy-zenhei, or set GONGKAI_CHROMIUM)`;

after(() => closePdfImporter());

/** The text a PDF is laid out as for the text importer. */
const layoutOf = (pdf: Uint8Array) => pdfToText(pdf, (t) => t);

/** Texts centred in the cells of a grid (x and y: the cell's left and top rules). */
function inCell(x0: number, x1: number, yTop: number, s: string, size = 10, line = 0): DrawnText {
  const w = [...s].length * size;
  return { x: (x0 + x1) / 2 - w / 2, y: yTop + 14 + line * 12, size, s };
}

describe('the PDF layout (pages drawn by hand, no Chromium)', () => {
  // A ruled table: header labels wrapped inside their cells, a blank cell, a cell merged down over
  // two rows, a cell merged across three columns, one text run drawn across a column rule.
  const xs = [60, 200, 300, 400, 500];
  const ys = [140, 170, 190, 210, 230, 250, 270];
  const merged = (col: number, row: number) => !((col === 2 || col === 3) && row === 4); // row 4: one cell over columns 1–3
  const across = (row: number, col: number) => !(row === 3 && col === 0); // rows 2–3, column 0: one cell
  const page1: DrawnText[] = [
    { x: 60, y: 40, size: 9, s: '市中区人民政府门户网站' },
    { x: 60, y: 80, size: 20, s: '永安镇人民政府2020年度政府信息公' },
    { x: 60, y: 104, size: 20, s: '开工作年度报告' },
    { x: 60, y: 130, size: 12, s: '二、主动公开政府信息情况' },
    inCell(60, 200, 140, '信息内容'),
    inCell(200, 300, 140, '本年新', 10, 0),
    inCell(200, 300, 140, '制作数量', 10, 1),
    inCell(300, 400, 140, '本年新公开数量'),
    inCell(400, 500, 140, '对外公开总数量'),
    inCell(60, 200, 170, '规章'),
    inCell(200, 300, 170, '0'),
    inCell(400, 500, 170, '3'),
    inCell(60, 200, 200, '规范性文件'),
    inCell(200, 300, 190, '1'),
    inCell(300, 400, 190, '2'),
    inCell(400, 500, 190, '3'),
    inCell(200, 300, 210, '4'),
    inCell(300, 400, 210, '5'),
    inCell(400, 500, 210, '6'),
    inCell(60, 200, 230, '合计'),
    inCell(200, 500, 230, '跨三列'),
    inCell(60, 200, 250, '行政许可'),
    { x: 240, y: 264, size: 10, s: '7　　　　　　　　8' },
    inCell(400, 500, 250, '9'),
    { x: 280, y: 820, size: 10, s: '— 1 —' },
  ];
  // Page 2: the running header again, a paragraph broken at the right margin, page number.
  const page2: DrawnText[] = [
    { x: 60, y: 40, size: 9, s: '市中区人民政府门户网站' },
    { x: 60, y: 100, size: 12, s: '五、存在的主要问题及改进情况' },
    { x: 84, y: 130, size: 12, s: '一是公开内容的全面性和时效性有待提高；二是工作人员业务' },
    { x: 60, y: 150, size: 12, s: '水平有待加强。' },
    { x: 84, y: 170, size: 12, s: '下一步，我们将加强队伍建设。' },
    { x: 280, y: 820, size: 10, s: '— 2 —' },
  ];
  const pdf = drawnPdf([
    { texts: page1, rects: gridRects(xs, ys, merged, across) },
    { texts: page2, rects: [] },
  ]);

  it('rebuilds a ruled table: wrapped labels, blank and merged cells, a run across a rule; joins the title and the paragraph; drops headers and page numbers', async () => {
    const t = await layoutOf(pdf);
    assert.equal(
      t.text,
      [
        '永安镇人民政府2020年度政府信息公开工作年度报告',
        '二、主动公开政府信息情况',
        '',
        ...['信息内容', '本年新制作数量', '本年新公开数量', '对外公开总数量'].map((c) => `\t${c}`),
        '',
        ...['规章', '0', '', '3'].map((c) => `\t${c}`),
        '',
        ...['规范性文件', '1', '2', '3'].map((c) => `\t${c}`),
        '',
        ...['4', '5', '6'].map((c) => `\t${c}`),
        '',
        ...['合计', '跨三列'].map((c) => `\t${c}`),
        '',
        ...['行政许可', '7', '8', '9'].map((c) => `\t${c}`),
        '',
        '五、存在的主要问题及改进情况',
        '一是公开内容的全面性和时效性有待提高；二是工作人员业务水平有待加强。',
        '下一步，我们将加强队伍建设。',
        '',
      ].join('\n'),
    );
    assert.deepEqual(t.notes, []);
  });

  it('reads the same from a PDF 1.5 file (object stream, compressed streams, cross-reference stream with a predictor)', async () => {
    const compressed = drawnPdf(
      [
        { texts: page1, rects: gridRects(xs, ys, merged, across) },
        { texts: page2, rects: [] },
      ],
      { compressed: true },
    );
    assert.ok(compressed.includes('/Type /XRef') && compressed.includes('/Type /ObjStm') && !compressed.includes('\nxref\n'));
    assert.equal((await layoutOf(compressed)).text, (await layoutOf(pdf)).text);
  });

  it('reads the rules from the content streams exactly as pdf.js draws them', async () => {
    assert.ok((await sameRules(pdf)) > 20);
    assert.ok((await sameRules(drawnPdf([{ texts: page1, rects: gridRects(xs, ys, merged, across) }], { compressed: true }))) > 20);
    // An encrypted file is left to pdf.js.
    assert.equal(ContentRules.open(passwordPdf()), null);
  });

  it('splits a line of a table without rules into TAB cells, and says that blanks cannot be told', async () => {
    const t = await layoutOf(drawnPdf([{ texts: [{ x: 60, y: 100, size: 10, s: '其他对外管理服务事项' }, { x: 200, y: 100, size: 10, s: '12' }, { x: 300, y: 100, size: 10, s: '3' }] }]));
    assert.equal(t.text, '其他对外管理服务事项\t12\t3\n');
    assert.deepEqual(t.notes, ['PDF 第1页有没有框线的表格，按文字位置读取：空白单元格和折行的标签可能无法识别']);
  });

  it('says which pages have no text', async () => {
    const t = await layoutOf(drawnPdf([{ texts: [{ x: 60, y: 100, size: 12, s: '一、总体情况本年度未收到申请' }] }, { texts: [] }]));
    assert.deepEqual(t.notes, ['PDF 第2页没有文字（可能是扫描页或图片），未读取']);
  });
});

describe('unlinkFontPrograms', () => {
  it('blanks the references to embedded font programs in place, and nothing else', () => {
    const src = Buffer.from('<< /Type /FontDescriptor /FontFile2 12 0 R /Flags 4 >> << /FontFile3 7 0 R >> << /FontFile 9 0 R >> (/FontFile2 is text)', 'latin1');
    const out = Buffer.from(unlinkFontPrograms(src)!);
    assert.equal(out.length, src.length);
    assert.equal(out.toString('latin1'), '<< /Type /FontDescriptor                   /Flags 4 >> <<                  >> <<                 >> (/FontFile2 is text)');
    assert.equal(unlinkFontPrograms(Buffer.from('%PDF-1.4 no fonts')), null);
    // The input is not changed.
    assert.ok(src.toString('latin1').includes('/FontFile2 12 0 R'));
  });
});

describe('PDFs printed by Chromium', { skip: noChromium }, () => {
  const renderer = new PdfRenderer();
  after(() => renderer.close());

  const exact = async (rep: Report) => {
    const pdf = await renderer.print(renderReportHtml(rep));
    const r = await importReportBytes(pdf);
    assert.equal(r.format, 'pdf');
    assert.equal(r.info.source, 'pdf');
    assert.equal(reportToJson(r.report), reportToJson(canonicalReport(rep)));
  };

  it('the PDF export of the seed reads back exactly (tables, prose, title), where its plain text layer gives 75–82 % of the cells', async () => {
    await exact(seedReport());
  });

  it('the PDF exports of random and sparse reports of both formats read back exactly', async () => {
    const r = rng(91);
    for (const rep of [...randomReports('2019', 2, 92), ...randomReports('2021', 2, 93), sparseReport(r, '2019'), sparseReport(r, '2021')]) await exact(rep);
  });

  it('the rules read from the content streams are pdf.js’s (the seed’s export, a portal page)', async () => {
    assert.ok((await sameRules(await renderer.print(renderReportHtml(seedReport())))) > 300);
    assert.ok((await sameRules(await fixturePdf(reportFixtures()[1]!, renderer))) > 300);
  });

  it('a title the page broke inside a word is one title again', async () => {
    const fx = reportFixtures().find((f) => f.title === 'one-line')!;
    const r = await importReportBytes(await fixturePdf(fx, renderer));
    assert.equal(r.info.title, `${fx.report.agency}${fx.report.year}年度政府信息公开工作年度报告`);
  });

  it('a table over three pages whose header rows repeat on each page is one table', async () => {
    const fx = reportFixtures().find((f) => f.repeatHeaders)!;
    const pdf = await fixturePdf(fx, renderer);
    const t = await layoutOf(pdf);
    assert.equal(t.text.split('\n').filter((l) => l === '\t申请人情况').length, 1);
    assert.equal(reportToJson((await importReportBytes(pdf)).report), reportToJson(fx.report));
  });
});
