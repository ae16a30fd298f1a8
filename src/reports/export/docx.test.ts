import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mammoth from 'mammoth';
import { rng } from '../../../test/support/reports.js';
import type { FormatId } from '../format.js';
import { canonicalReport, emptyReport, type Report } from '../report.js';
import { parseReportText } from '../text/parse.js';
import { REPORT_DOCX_FONTS, renderReportDocx } from './docx.js';
import { ReportExportError } from './errors.js';
import { htmlToText } from './html-text.js';
import { reportLayout, reportTables } from './layout.js';
import { docxPart, docxTables, randomReports, seedReport, singleBreaks, sparseReport, tablesOf } from './test-helpers.js';

const FMTS: FormatId[] = ['2019', '2021'];

/** .docx → mammoth's raw text → the text importer (the lossy route: see the tests' names). */
async function viaRawText(docx: Buffer): Promise<Report> {
  const { value } = await mammoth.extractRawText({ buffer: docx });
  return parseReportText(value).report;
}

/** .docx → mammoth's HTML (empty paragraphs kept) → htmlToText → the text importer (the exact route). */
async function viaHtml(docx: Buffer): Promise<Report> {
  const { value } = await mammoth.convertToHtml({ buffer: docx }, { ignoreEmptyParagraphs: false });
  return parseReportText(htmlToText(value)).report;
}

describe('renderReportDocx', () => {
  it('the seed: merged header cells exactly as the format (w:gridSpan, w:vMerge), page numbers, A4, fonts on every run', async () => {
    const seed = seedReport();
    const docx = await renderReportDocx(seed);
    const xml = docxPart(docx, 'word/document.xml');
    const layout = reportTables(reportLayout(seed));
    const tables = docxTables(xml);
    assert.equal(tables.length, 3);
    tables.forEach((t, i) => {
      const l = layout[i]!;
      assert.equal(t.gridCols, l.columns);
      assert.ok(t.rowWidths.every((w) => w === l.columns), `table ${l.section}: every row is ${l.columns} grid columns wide`);
      assert.deepEqual(
        t.rows.map((r) => r.cells.map((c) => [c.text, c.colSpan, c.rowSpan])),
        l.rows.map((r) => r.cells.map((c) => [c.text, c.colSpan, c.rowSpan])),
      );
    });
    assert.ok(xml.includes('<w:vMerge w:val="restart"/>') && xml.includes('<w:vMerge w:val="continue"/>'));
    assert.ok(xml.includes('<w:gridSpan w:val="3"/>') && xml.includes('<w:gridSpan w:val="10"/>'));
    // Header rows of tables 三 and 四 repeat on a new page; no row splits across pages.
    assert.equal([...xml.matchAll(/<w:tblHeader\/>/g)].length, 6);
    assert.ok(!xml.includes('w:tblHeader w:val'));
    // A4 portrait, margins 37 / 26 / 35 / 28 mm.
    assert.match(xml, /<w:pgSz w:w="11906" w:h="16838"/);
    assert.match(xml, /<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/);
    // Page numbers: a PAGE field in the footer.
    const rels = docxPart(docx, 'word/_rels/document.xml.rels');
    const footer = /Target="(footer\d+\.xml)"/.exec(rels)![1]!;
    const fxml = docxPart(docx, `word/${footer}`);
    assert.match(fxml, /<w:instrText[^>]*>\s*PAGE\s*<\/w:instrText>/);
    assert.match(fxml, /<w:fldChar w:fldCharType="begin"\/>/);
    // Every run names its East-Asian font: 方正小标宋简体 (title), 黑体 (headings), 仿宋_GB2312 (prose), 宋体 (tables, page number).
    for (const part of [xml, fxml]) {
      const runs = [...part.matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)].map((m) => m[1]!);
      assert.ok(runs.length > 0);
      for (const r of runs) assert.match(r, /<w:rFonts [^>]*w:eastAsia="(方正小标宋简体|黑体|仿宋_GB2312|宋体)"/);
    }
    for (const f of [REPORT_DOCX_FONTS.title, REPORT_DOCX_FONTS.heading, REPORT_DOCX_FONTS.body, REPORT_DOCX_FONTS.table]) {
      assert.ok(xml.includes(`w:eastAsia="${f}"`), f);
    }
    // Fallbacks: the font table names each font's stand-in, and the document's default font is 宋体.
    const fonts = docxPart(docx, 'word/fontTable.xml');
    assert.match(fonts, /<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"\/><w:charset w:val="86"\/>/);
    assert.match(fonts, /<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"\/>/);
    // The title and headings carry the built-in styles.
    assert.match(docxPart(docx, 'word/styles.xml'), /<w:rPrDefault>[\s\S]*w:eastAsia="宋体"/);
    assert.match(xml, /<w:pStyle w:val="Title"\/>/);
    assert.equal([...xml.matchAll(/<w:pStyle w:val="Heading1"\/>/g)].length, 6);
    assert.match(docxPart(docx, 'docProps/core.xml'), /<dc:title>市中区永安镇政府2020年度政府信息公开工作年度报告<\/dc:title>/);
  });

  it('the seed reads back exactly through mammoth HTML, and its tables through mammoth raw text', async () => {
    const seed = seedReport();
    const docx = await renderReportDocx(seed);
    assert.deepEqual(await viaHtml(docx), seed);
    const raw = await viaRawText(docx);
    assert.deepEqual(tablesOf(raw), tablesOf(seed));
    // Raw text ends every paragraph with an empty line: the prose comes back with doubled line breaks.
    assert.deepEqual(singleBreaks(raw), seed.sections);
    assert.notDeepEqual(raw.sections, seed.sections);
  });

  for (const format of FMTS) {
    it(`random ${format} reports: exact through mammoth HTML; tables exact and prose up to doubled line breaks through raw text`, async () => {
      for (const rep of randomReports(format, 8, format === '2019' ? 31 : 32)) {
        const docx = await renderReportDocx(rep);
        assert.deepStrictEqual(await viaHtml(docx), canonicalReport(rep));
        const raw = await viaRawText(docx);
        assert.deepStrictEqual(tablesOf(raw), tablesOf(rep));
        assert.deepStrictEqual(singleBreaks(raw), singleBreaks(rep));
      }
    });

    it(`random ${format} reports with blank cells round-trip exactly through mammoth HTML`, async () => {
      const r = rng(format === '2019' ? 41 : 42);
      for (let i = 0; i < 8; i++) {
        const rep = sparseReport(r, format);
        const docx = await renderReportDocx(rep);
        assert.deepStrictEqual(await viaHtml(docx), rep);
        if (i === 0) {
          const t = docxTables(docxPart(docx, 'word/document.xml'));
          assert.deepEqual(
            t.map((x) => x.rows.map((row) => row.cells.map((c) => c.text))),
            reportTables(reportLayout(rep)).map((x) => x.rows.map((row) => row.cells.map((c) => c.text))),
          );
        }
      }
    });
  }

  it('raw text cannot place a blank cell: one cell per line with no marker reads [0, blank, 0] wherever the blank was', async () => {
    // What is known not to round-trip through mammoth.extractRawText (documented, not a bug of the export).
    const rep = randomReports('2019', 1, 5)[0]!;
    rep.proactive.rules = { made: 3, published: 4, total_published: null };
    const raw = await viaRawText(await renderReportDocx(rep));
    assert.deepEqual(raw.proactive.rules, { made: 3, published: null, total_published: 4 });
  });

  it('refuses an invalid report with ReportExportError', async () => {
    const bad = { ...emptyReport('2019', 'XX局', 2020), format: '2020' } as unknown as Report;
    await assert.rejects(renderReportDocx(bad), ReportExportError);
  });
});
