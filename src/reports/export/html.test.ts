import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '../../../test/support/reports.js';
import { FORMATS, type FormatId } from '../format.js';
import { canonicalReport, emptyReport, type Report } from '../report.js';
import { parseReportText } from '../text/parse.js';
import { ReportExportError } from './errors.js';
import { htmlToText } from './html-text.js';
import { REPORT_CSS, renderReportHtml } from './html.js';
import { placeCells, reportLayout, reportTables } from './layout.js';
import { htmlTables, randomReports, seedReport, sparseReport } from './test-helpers.js';

const FMTS: FormatId[] = ['2019', '2021'];

/** The HTML export read back by the project's own importer: HTML → text → parseReportText. */
function roundTrip(html: string): Report {
  return parseReportText(htmlToText(html)).report;
}

/** Structural checks of one exported page: language, headings, tables and their header associations. */
function checkStructure(html: string, rep: Report, fragment = false): void {
  const f = FORMATS[rep.format];
  if (!fragment) {
    assert.match(html, /^<!DOCTYPE html>\n<html lang="zh-CN">/);
    assert.match(html, /<meta charset="utf-8"\/>/);
    assert.ok(html.includes(`<title>`));
  } else {
    assert.ok(!html.includes('<html') && !html.includes('<body'));
  }
  assert.match(html, /<article class="gk-report" lang="zh-CN"/);
  const [titleTag, sectionTag] = fragment ? ['h2', 'h3'] : ['h1', 'h2'];
  assert.equal([...html.matchAll(new RegExp(`<${titleTag}\\b`, 'g'))].length, 1);
  const headings = [...html.matchAll(new RegExp(`<${sectionTag}\\b[^>]*>([^<]*)</${sectionTag}>`, 'g'))].map((m) => m[1]);
  assert.deepEqual(
    headings,
    f.sections.map((s) => s.label),
  );
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  const tables = htmlTables(html);
  assert.equal(tables.length, 3);
  const layout = reportTables(reportLayout(rep));
  tables.forEach((t, i) => {
    // Every row has the format's column count once spans are expanded, and the cells are the layout's.
    const columns = layout[i]!.columns;
    placeCells(t.rows, columns);
    assert.deepEqual(
      t.rows.map((r) => r.cells.map((c) => [c.text, c.colSpan, c.rowSpan])),
      layout[i]!.rows.map((r) => r.cells.map((c) => [c.text, c.colSpan, c.rowSpan])),
    );
    assert.ok(ids.includes(t.attrs.get('aria-labelledby')!), 'the table is named by its section heading');
    for (const c of t.rows.flatMap((r) => r.cells)) {
      if (c.tag === 'td') {
        const hs = c.attrs.get('headers')!.split(' ');
        assert.ok(hs.length >= 2);
        for (const h of hs) assert.ok(ids.includes(h), `headers → ${h}`);
      } else if (!c.text.startsWith('（本列数据')) {
        assert.match(c.attrs.get('scope') ?? '', /^(col|colgroup|row|rowgroup)$/, c.text);
      }
    }
  });
}

describe('renderReportHtml', () => {
  it('the seed: a complete accessible document that reads back to the same report', () => {
    const seed = seedReport();
    const html = renderReportHtml(seed);
    checkStructure(html, seed);
    assert.ok(html.includes('<title>市中区永安镇政府2020年度政府信息公开工作年度报告</title>'));
    assert.match(html, /@page \{ size: A4;/);
    assert.deepEqual(roundTrip(html), seed);
    // The blank row 行政强制 stays blank (null), never 0.
    assert.deepEqual(roundTrip(html).proactive.enforcement, { items_last_year: null, change: null, decisions: null });
  });

  for (const format of FMTS) {
    it(`random ${format} reports round-trip exactly: parse(htmlToText(html(r))) = r`, () => {
      for (const rep of randomReports(format, 40, format === '2019' ? 11 : 12)) {
        const html = renderReportHtml(rep);
        assert.deepStrictEqual(roundTrip(html), canonicalReport(rep));
      }
    });

    it(`random ${format} reports with blank cells, no year or agency, blank lines in the prose round-trip exactly`, () => {
      const r = rng(format === '2019' ? 21 : 22);
      for (let i = 0; i < 40; i++) {
        const rep = sparseReport(r, format);
        const html = renderReportHtml(rep);
        if (i < 5) checkStructure(html, rep);
        const { report, info } = parseReportText(htmlToText(html));
        assert.deepStrictEqual(report, rep);
        // Blank cells are read as blank cells (C1), not as missing ones.
        assert.ok(info.cells.every((c) => c.problem === 'blank'));
        assert.equal(info.missingRows.length + info.extraRows.length, 0);
      }
    });
  }

  it('escapes every text (agency, prose, units)', () => {
    const rep = emptyReport('2019', '<script>alert(1)</script>局', 2020);
    rep.sections['1'] = '<img src=x onerror=alert(1)> & “引号”';
    rep.proactive.procurement!.amount = { value: 5, unit: '<b>元' };
    const html = renderReportHtml(rep);
    assert.ok(!html.includes('<script>alert') && !html.includes('<img') && !html.includes('<b>元'));
    assert.ok(html.includes('&lt;script>alert(1)&lt;/script>局') || html.includes('&lt;script&gt;'));
    assert.ok(htmlToText(html).includes('<img src=x onerror=alert(1)> & “引号”'));
  });

  it('gives a fragment for the portal: the same article and tables, no document around it', () => {
    const seed = seedReport();
    const frag = renderReportHtml(seed, { fragment: true, idPrefix: 'r2020' });
    assert.match(frag, /^<article class="gk-report" lang="zh-CN" aria-labelledby="r2020-title">/);
    assert.ok(!frag.includes('<style'));
    checkStructure(frag, seed, true);
    assert.deepEqual(roundTrip(frag), seed);
    const doc = renderReportHtml(seed);
    assert.deepEqual(
      htmlTables(frag).map((t) => t.rows.map((r) => r.cells.map((c) => c.text))),
      htmlTables(doc).map((t) => t.rows.map((r) => r.cells.map((c) => c.text))),
    );
    const styled = renderReportHtml(seed, { fragment: true, inlineStyle: true, headingLevel: 3 });
    assert.ok(styled.startsWith('<style>') && styled.includes(REPORT_CSS.trim().slice(0, 40)));
    assert.match(styled, /<h3 class="gk-title"/);
    // Two reports on one page do not share ids.
    const a = new Set([...frag.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    const b = [...renderReportHtml(seed, { fragment: true, idPrefix: 'r2019' }).matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(b.every((id) => !a.has(id)));
  });

  it('prints on A4 without repeating table headers (they would repeat in the PDF text) and keeps small tables whole', () => {
    assert.match(REPORT_CSS, /@media print[\s\S]*thead \{ display: table-row-group;/);
    assert.match(REPORT_CSS, /table\.gk-t4 \{ break-inside: avoid; \}/);
    assert.ok(REPORT_CSS.split('\n').every((l) => l === '' || l.startsWith('.gk-report') || l.startsWith('@media') || l.startsWith('}') || l.startsWith('  .gk-report')));
  });

  it('refuses an invalid report with ReportExportError', () => {
    const bad = { ...emptyReport('2021', 'XX局', 2022), applications: {} } as unknown as Report;
    assert.throws(() => renderReportHtml(bad), ReportExportError);
    assert.throws(() => renderReportHtml(null as unknown as Report), ReportExportError);
  });
});
