import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { injectError, randomReport, rng } from '../../../test/support/reports.js';
import { hasErrors, RULES } from '../finding.js';
import { checkReport } from './index.js';
import { assertFinding, ofRule, rules, seedInfo, seedReport, textInfo, validReport2019, validReport2021 } from './test-helpers.js';

describe('checkReport', () => {
  it('valid reports of both formats trip no rule (JSON and text import)', () => {
    for (const r of [validReport2019(), validReport2021()]) {
      assert.deepEqual(checkReport(r), [], r.format);
      assert.deepEqual(checkReport(r, { info: textInfo(r) }), [], `${r.format} with info`);
    }
  });

  it('valid reports with last year’s report trip no rule', () => {
    const prev = validReport2021();
    prev.year = 2021;
    prev.proactive['normative_documents']!['in_force'] = 18;
    prev.sections = {
      '1': '本年度依申请公开工作平稳有序，全年收到的申请均在法定期限内答复，未发生因答复不当引发的投诉。',
      '5': '主要问题是基层公开人员变动频繁、业务不熟。今后将建立岗位交接制度，组织专题培训，改进答复文书质量。',
      '6': '本年度未收取信息处理费。',
    };
    const r = validReport2021();
    assert.deepEqual(checkReport(r, { info: textInfo(r), previous: prev }), []);
  });

  it('the seed: C1 ×3 on 行政强制 and one P2 for 街道, nothing else', () => {
    const fs = checkReport(seedReport(), { info: seedInfo() });
    assert.deepEqual(rules(fs), ['C1', 'C1', 'C1', 'P2']);
    const cols = [
      ['items_last_year', '上一年项目数量'],
      ['change', '本年增/减'],
      ['decisions', '处理决定数量'],
    ];
    cols.forEach(([id, label], i) =>
      assertFinding(fs[i], {
        rule: 'C1',
        severity: 'error',
        section: '2',
        row: 'enforcement',
        column: id!,
        labels: { section: '二、主动公开政府信息情况', row: '第二十条第（六）项 行政强制', column: label! },
        says: [`第二部分「第二十条第（六）项 行政强制」行「${label}」列为空白`, '没有则填 0'],
      }),
    );
    assertFinding(fs[3], {
      rule: 'P2',
      severity: 'warning',
      section: '5',
      row: null,
      column: null,
      labels: { section: '五、政府信息公开工作存在的主要问题及改进情况', row: null, column: null },
      says: ['结合街道实际情况'],
    });
  });

  it('the seed as JSON (no ParseInfo): the same findings', () => {
    assert.deepEqual(rules(checkReport(seedReport())), ['C1', 'C1', 'C1', 'P2']);
  });

  it('every finding has its severity from RULES, and findings are sorted by rule', () => {
    const r = validReport2019();
    r.year = 2022; // F1
    r.sections['6'] = ''; // P3
    r.reviews['reconsideration']!['total'] = 5; // T4
    r.applications['3.1']!['research'] = null; // C1
    r.applications['1']!['other'] = -1; // C2, T1, T2 …
    const fs = checkReport(r, { info: textInfo(r, '临河县青山镇人民政府政府信息公开工作报告') }); // F4 ×2
    for (const f of fs) assert.equal(f.severity, RULES[f.rule].severity);
    const order = Object.keys(RULES);
    const idx = fs.map((f) => order.indexOf(f.rule));
    assert.deepEqual(idx, [...idx].sort((a, b) => a - b));
    assert.deepEqual([...new Set(rules(fs))], ['F1', 'F4', 'C1', 'C2', 'T1', 'T2', 'T4', 'P1', 'P3']);
    assert.ok(hasErrors(fs));
  });

  it('is pure: the report and options are not changed, the result is the same', () => {
    const r = seedReport();
    const info = seedInfo();
    const before = JSON.stringify([r, info]);
    const a = checkReport(r, { info, previous: validReport2019() });
    const b = checkReport(r, { info, previous: validReport2019() });
    assert.equal(JSON.stringify([r, info]), before);
    assert.deepEqual(a, b);
  });

  it('random consistent reports (test/support) trip nothing but a thin section 五; injected errors are found', () => {
    const r = rng(11);
    for (let i = 0; i < 300; i++) {
      const rep = randomReport(r);
      const fs = checkReport(rep);
      for (const f of fs) assert.ok(f.rule === 'P3' && f.section === '5' && f.message.includes('过于简单'), f.message);
      const kind = injectError(r, rep);
      const after = checkReport(rep);
      if (kind === 'T') assert.ok(ofRule(after, 'T1').length + ofRule(after, 'T3').length > 0);
      else assert.ok(ofRule(after, kind as 'C1' | 'C2').length > 0, kind);
    }
  });
});
