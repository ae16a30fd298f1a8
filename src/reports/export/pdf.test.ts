import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { FORMATS, type FormatId } from '../format.js';
import { emptyReport, type Report } from '../report.js';
import { isPageNumber } from '../text/lines.js';
import { parseReportText } from '../text/parse.js';
import { PdfBusyError, PdfUnavailableError, ReportExportError } from './errors.js';
import { renderReportHtml } from './html.js';
import { reportLayout } from './layout.js';
import { PdfRenderer, chromiumPath, closePdfRenderer, renderReportPdf } from './pdf.js';
import { pdfText, randomReports, seedReport, valueTexts } from './test-helpers.js';

const CHROMIUM = chromiumPath();
const noChromium: string | false = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-wqy-zenhei, or set GONGKAI_CHROMIUM)`;

const squash = (s: string) => s.replace(/\s+/g, '');

/** The PDF's text lines without the page-number footers. */
function bodyLines(text: string): string[] {
  return text.split('\n').filter((l) => !isPageNumber(l));
}

const NUMBER = /^-?\d+(?:\.\d+)?(?:元|万元|千元|百万元|亿元)?$/;

/** Number tokens of the table sections (from heading 二 to heading 五), in reading order. */
function tableNumbers(lines: readonly string[], rep: Report): string[] {
  const f = FORMATS[rep.format];
  const from = lines.findIndex((l) => l.trim() === f.sections[1]!.label);
  const to = lines.findIndex((l) => l.trim() === f.sections[4]!.label);
  assert.ok(from >= 0 && to > from, 'headings 二 and 五 are lines of their own');
  return lines
    .slice(from + 1, to)
    .flatMap((l) => l.split(/\s+/))
    .filter((t) => NUMBER.test(t));
}

/** Counts the value cells the text importer reads back right from the PDF's text layer. */
function cellsReadBack(back: Report, rep: Report): { right: number; total: number } {
  let right = 0;
  let total = 0;
  for (const t of ['proactive', 'applications', 'reviews'] as const) {
    for (const [row, cols] of Object.entries(rep[t])) {
      for (const [col, v] of Object.entries(cols)) {
        total++;
        if (JSON.stringify((back[t] as Record<string, Record<string, unknown>>)[row]?.[col]) === JSON.stringify(v)) right++;
      }
    }
  }
  return { right, total };
}

/**
 * What the PDF's text layer reliably gives back (pdf-parse): every page numbered, the title, the six
 * headings, the prose (line breaks fall where the page wraps them), and every number cell of the
 * tables in table order. Not reliably: which cell a number belongs to, when a label wraps over
 * two lines (the next line then starts with the label's tail) or a cell is blank (nothing marks
 * it in the text layer): the tests report how many cells the text importer still reads right.
 */
async function checkPdf(pdf: Buffer, rep: Report): Promise<{ right: number; total: number }> {
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const { text, pages } = await pdfText(pdf);
  assert.ok(pages >= 1);
  // Page numbers 「— n —」, one per page, in order.
  const numbers = text.split('\n').filter((l) => /^— \d+ —$/.test(l.trim()));
  assert.deepEqual(
    numbers.map((l) => l.trim()),
    Array.from({ length: pages }, (_x, i) => `— ${i + 1} —`),
  );
  const lines = bodyLines(text);
  const all = squash(lines.join(''));
  const layout = reportLayout(rep);
  assert.ok(all.includes(squash(layout.title)), 'the title is in the text layer');
  for (const s of FORMATS[rep.format].sections) assert.ok(lines.some((l) => l.trim() === s.label), s.label);
  for (const p of Object.values(rep.sections)) if (p) assert.ok(all.includes(squash(p)), 'prose present');
  assert.deepEqual(tableNumbers(lines, rep), valueTexts(rep));
  const back = parseReportText(text).report;
  assert.equal(back.format, rep.format);
  assert.equal(back.year, rep.year);
  assert.equal(back.agency, rep.agency);
  return cellsReadBack(back, rep);
}

describe('renderReportPdf (Chromium)', { skip: noChromium }, () => {
  after(() => closePdfRenderer());

  it('the seed: Chinese text embedded, numbered pages, title, headings, prose and every number in order', async (t) => {
    const seed = seedReport();
    const pdf = await renderReportPdf(seed);
    const { right, total } = await checkPdf(pdf, seed);
    t.diagnostic(`seed: the text importer reads ${right} of ${total} cells back right from the PDF text`);
    // The PDF is tagged (accessible) and carries an outline of the headings.
    const raw = pdf.toString('latin1');
    assert.match(raw, /\/StructTreeRoot/);
    assert.match(raw, /\/Outlines/);
  });

  for (const format of ['2019', '2021'] as FormatId[]) {
    it(`random ${format} reports: the same, and the importer gets format, year and agency`, async (t) => {
      let right = 0;
      let total = 0;
      for (const rep of randomReports(format, 3, format === '2019' ? 61 : 62)) {
        const c = await checkPdf(await renderReportPdf(rep), rep);
        right += c.right;
        total += c.total;
      }
      t.diagnostic(`${format}: the text importer reads ${right} of ${total} cells back right from the PDF text`);
    });
  }

  it('prints HTML pages one after another in one warm browser, a few at a time', async () => {
    const r = new PdfRenderer({ concurrency: 2 });
    try {
      const html = renderReportHtml(emptyReport('2021', 'XX局', 2022));
      const pdfs = await Promise.all(Array.from({ length: 5 }, () => r.print(html)));
      for (const p of pdfs) assert.ok(squash((await pdfText(p)).text).includes('XX局2022年度政府信息公开工作年度报告'));
      const plain = await r.print(html, { pageNumbers: false });
      assert.ok(!(await pdfText(plain)).text.includes('— 1 —'));
    } finally {
      await r.close();
    }
    await assert.rejects(r.print('<p>x</p>'), /closed/);
  });

  it('gives up on a PDF that takes too long, and frees its place for the next', async () => {
    const r = new PdfRenderer({ concurrency: 1, timeoutMs: 20 });
    try {
      const big = renderReportHtml(emptyReport('2021', 'XX局', 2022)).replace('</main>', `${'<p>很长的文字。</p>'.repeat(20000)}</main>`);
      const results = await Promise.allSettled([r.print(big), r.print(big)]);
      for (const x of results) assert.ok(x.status === 'rejected' && /超时|Timeout/.test(String(x.reason)), String((x as PromiseRejectedResult).reason));
    } finally {
      await r.close();
    }
  });

  it('starts a new browser after closePdfRenderer', async () => {
    await renderReportPdf(emptyReport('2019', 'A局', 2020));
    await closePdfRenderer();
    const pdf = await renderReportPdf(emptyReport('2019', 'B局', 2020));
    assert.ok((await pdfText(pdf)).text.includes('B局'));
  });
});

describe('renderReportPdf without Chromium', () => {
  it('says in Chinese that Chromium is missing, with a typed error', async () => {
    const r = new PdfRenderer({ executablePath: '/nonexistent/chromium' });
    assert.equal(r.available(), false);
    await assert.rejects(r.print('<p>x</p>'), (e: unknown) => {
      assert.ok(e instanceof PdfUnavailableError);
      assert.equal(e.executablePath, '/nonexistent/chromium');
      assert.match(e.message, /^无法生成 PDF：找不到 Chromium 浏览器（\/nonexistent\/chromium）。.*GONGKAI_CHROMIUM/);
      return true;
    });
    await r.close();
  });

  it('takes the path from GONGKAI_CHROMIUM', () => {
    assert.equal(chromiumPath({ GONGKAI_CHROMIUM: '/opt/chromium/chrome' }), '/opt/chromium/chrome');
    assert.equal(chromiumPath({ GONGKAI_CHROMIUM: ' ' }), '/usr/bin/chromium');
    assert.equal(chromiumPath({}), '/usr/bin/chromium');
  });

  it('refuses more PDFs than the queue holds (PdfBusyError), and the queued ones still run', async () => {
    const r = new PdfRenderer({ executablePath: '/nonexistent/chromium', concurrency: 1, maxQueue: 1 });
    const results = await Promise.allSettled([r.print('a'), r.print('b'), r.print('c')]);
    assert.ok(results[0]!.status === 'rejected' && results[0]!.reason instanceof PdfUnavailableError);
    assert.ok(results[1]!.status === 'rejected' && results[1]!.reason instanceof PdfUnavailableError);
    assert.ok(results[2]!.status === 'rejected' && results[2]!.reason instanceof PdfBusyError);
    assert.match((results[2] as PromiseRejectedResult).reason.message, /稍后再试/);
  });

  it('refuses an invalid report before looking for Chromium', async () => {
    await assert.rejects(renderReportPdf({ format: '2019' } as unknown as Report), ReportExportError);
  });
});
