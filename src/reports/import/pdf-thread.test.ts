/**
 * pdf.js (the legacy build pdf-parse loads) replaces built-ins process-wide when it loads —
 * Array.prototype.push and JSON.parse among them, each many times slower than the engine's own.
 * The PDF importer runs it in a thread of its own, so that importing a PDF slows nothing else in
 * the process. This file must not load pdf-parse itself (no import of export/test-helpers).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { drawnPdf, gridRects } from '../../../test/support/report-fixtures.js';
import { ReportInputError } from '../errors.js';
import { closePdfImporter, importReportBytes } from './index.js';

after(() => closePdfImporter());

describe('the PDF importer’s pdf.js thread', () => {
  it('leaves this thread’s built-ins alone', async () => {
    assert.equal((globalThis as { pdfjsLib?: unknown }).pdfjsLib, undefined, 'pdf.js was loaded by this test file already');
    const push = Array.prototype.push;
    const parse = JSON.parse;
    const pdf = drawnPdf([
      {
        texts: [
          { x: 60, y: 80, size: 20, s: '永安镇人民政府2020年度政府信息公开工作年度报告' },
          { x: 60, y: 120, size: 12, s: '二、主动公开政府信息情况' },
          { x: 70, y: 154, size: 10, s: '第二十条第（一）项' },
        ],
        rects: gridRects([60, 300], [140, 170]),
      },
    ]);
    const r = await importReportBytes(pdf);
    assert.equal(r.report.agency, '永安镇人民政府');
    assert.equal(Array.prototype.push, push);
    assert.equal(JSON.parse, parse);
    assert.equal((globalThis as { pdfjsLib?: unknown }).pdfjsLib, undefined);
  });

  it('is started again after closePdfImporter, and a PDF read meanwhile fails clearly rather than hanging', async () => {
    const pdf = drawnPdf([{ texts: [{ x: 60, y: 80, size: 20, s: '某某局2021年度政府信息公开工作年度报告' }, { x: 60, y: 120, size: 12, s: '一、总体情况' }, { x: 84, y: 140, size: 12, s: '本年度未收到政府信息公开申请。' }] }]);
    const reading = assert.rejects(importReportBytes(pdf), (e: unknown) => e instanceof ReportInputError && e.message === 'PDF 读取已中止');
    await closePdfImporter();
    await reading;
    const again = await importReportBytes(pdf);
    assert.equal(again.report.agency, '某某局');
  });
});
