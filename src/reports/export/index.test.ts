import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { emptyReport, validateReportJson, type Report } from '../report.js';
import { CONTENT_TYPES, EXPORT_FORMATS, ReportExportError, chromiumPath, closePdfRenderer, exportReport, isExportFormat, type ExportFormat } from './index.js';
import { seedReport } from './test-helpers.js';

const noChromium = existsSync(chromiumPath()) ? false : `Chromium not found at ${chromiumPath()}`;

const MAGIC: Record<ExportFormat, (b: Buffer) => boolean> = {
  json: (b) => b.toString('utf8').startsWith('{\n  "agency"'),
  html: (b) => b.toString('utf8').startsWith('<!DOCTYPE html>'),
  pdf: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  docx: (b) => b.subarray(0, 2).toString('latin1') === 'PK',
  xlsx: (b) => b.subarray(0, 2).toString('latin1') === 'PK',
};

describe('exportReport', () => {
  after(() => closePdfRenderer());

  for (const format of EXPORT_FORMATS) {
    it(`${format}: bytes, content type, extension and file name`, { skip: format === 'pdf' ? noChromium : false }, async () => {
      const seed = seedReport();
      const out = await exportReport(seed, format);
      assert.ok(MAGIC[format](out.bytes));
      assert.equal(out.contentType, CONTENT_TYPES[format]);
      assert.equal(out.fileExtension, format);
      assert.equal(out.fileName, `市中区永安镇政府2020年度政府信息公开工作年度报告.${format}`);
    });
  }

  it('json is the report JSON of DOMAIN.md §4.4 in official key order, and reads back to the same report', async () => {
    const seed = seedReport();
    const { bytes } = await exportReport(seed, 'json');
    const text = bytes.toString('utf8');
    assert.ok(text.indexOf('"3.7"') < text.indexOf('"4"'), 'row 4 after 3.7');
    assert.deepEqual(validateReportJson(JSON.parse(text)), seed);
  });

  it('names a report without agency or year plainly', async () => {
    const out = await exportReport(emptyReport('2021'), 'json');
    assert.equal(out.fileName, '政府信息公开工作年度报告.json');
  });

  it('refuses an unknown format and an invalid report with ReportExportError', async () => {
    assert.equal(isExportFormat('docx'), true);
    assert.equal(isExportFormat('doc'), false);
    await assert.rejects(exportReport(seedReport(), 'doc' as ExportFormat), (e: unknown) => e instanceof ReportExportError && /不支持的导出格式“doc”/.test(e.message));
    const bad = { ...seedReport(), year: -1 } as Report;
    for (const f of EXPORT_FORMATS) await assert.rejects(exportReport(bad, f), ReportExportError);
  });
});
