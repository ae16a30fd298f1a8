import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyReport } from '../report.js';
import { checkReport } from './index.js';
import { assertFinding, ofRule, textInfo, validReport2019, validReport2021 } from './test-helpers.js';

const S2 = '二、主动公开政府信息情况';
const S3 = '三、收到和处理政府信息公开申请情况';
const S4 = '四、政府信息公开行政复议、行政诉讼情况';

describe('C1 no blank cells', () => {
  it('a blank cell in each table, by position and label', () => {
    const r = validReport2019();
    r.proactive['enforcement']!['decisions'] = null;
    r.applications['3.5.2']!['research'] = null;
    r.reviews['litigation_direct']!['pending'] = null;
    const fs = ofRule(checkReport(r), 'C1');
    assert.equal(fs.length, 3);
    assertFinding(fs[0], {
      rule: 'C1',
      severity: 'error',
      section: '2',
      row: 'enforcement',
      column: 'decisions',
      labels: { section: S2, row: '第二十条第（六）项 行政强制', column: '处理决定数量' },
      says: ['第二部分「第二十条第（六）项 行政强制」行「处理决定数量」列为空白', '没有则填 0'],
    });
    assertFinding(fs[1], {
      rule: 'C1',
      severity: 'error',
      section: '3',
      row: '3.5.2',
      column: 'research',
      labels: { section: S3, row: '2.重复申请', column: '科研机构' },
      says: ['第三部分「2.重复申请」行「科研机构」列为空白'],
    });
    assertFinding(fs[2], {
      rule: 'C1',
      severity: 'error',
      section: '4',
      row: 'litigation_direct',
      column: 'pending',
      labels: { section: S4, row: '未经复议直接起诉', column: '尚未审结' },
      says: ['第四部分「未经复议直接起诉」的「尚未审结」栏为空白'],
    });
  });

  it('the importer’s note is quoted: placeholder, unreadable text, absent cell', () => {
    const r = validReport2019();
    r.proactive['penalty']!['items_last_year'] = null;
    r.proactive['penalty']!['change'] = null;
    r.proactive['penalty']!['decisions'] = null;
    const info = textInfo(r);
    info.cells = [
      { section: '2', row: 'penalty', column: 'items_last_year', problem: 'blank', raw: '—', line: 50 },
      { section: '2', row: 'penalty', column: 'change', problem: 'unreadable', raw: '约5', line: 50 },
      { section: '2', row: 'penalty', column: 'decisions', problem: 'missing', raw: null, line: 50 },
    ];
    const fs = ofRule(checkReport(r, { info }), 'C1');
    assert.equal(fs.length, 3);
    assert.equal(fs[0]!.message, '第二部分「第二十条第（六）项 行政处罚」行「上一年项目数量」列写作「—」，应填写数字，没有则填 0。');
    assert.match(fs[1]!.message, /写作「约5」，无法识别为数字/);
    assert.match(fs[2]!.message, /「处理决定数量」列缺少单元格/);
  });

  it('a blank amount (2019 采购总金额, 2021 收费金额)', () => {
    const a = validReport2019();
    a.proactive['procurement']!['amount'] = null;
    const fa = ofRule(checkReport(a), 'C1');
    assert.equal(fa.length, 1);
    assertFinding(fa[0], {
      rule: 'C1',
      severity: 'error',
      section: '2',
      row: 'procurement',
      column: 'amount',
      labels: { section: S2, row: '第二十条第（九）项 政府集中采购', column: '采购总金额' },
      says: ['应填写金额（写明单位）'],
    });
    const b = validReport2021();
    b.proactive['fees']!['amount_wan_yuan'] = null;
    const fb = ofRule(checkReport(b), 'C1');
    assert.equal(fb.length, 1);
    assert.equal(fb[0]!.labels.column, '本年收费金额（单位：万元）');
  });

  it('an empty report: every cell is blank', () => {
    const r = emptyReport('2021', '临河县教育局', 2022);
    // 2021: 二 has 2×3 + 1 + 2 + 1 = 10 cells, 三 25 rows × 7, 四 3 × 5.
    assert.equal(ofRule(checkReport(r), 'C1').length, 10 + 25 * 7 + 15);
  });
});

describe('C2 value kinds', () => {
  it('a negative count', () => {
    const r = validReport2019();
    r.reviews['reconsideration']!['upheld'] = -1;
    r.reviews['reconsideration']!['total'] = -1;
    const fs = ofRule(checkReport(r), 'C2');
    assert.equal(fs.length, 2);
    assertFinding(fs[0], {
      rule: 'C2',
      severity: 'error',
      section: '4',
      row: 'reconsideration',
      column: 'upheld',
      labels: { section: S4, row: '行政复议', column: '结果维持' },
      actual: -1,
      says: ['「结果维持」栏为 -1，是负数'],
    });
  });

  it('a decimal count', () => {
    const r = validReport2019();
    r.proactive['licensing']!['decisions'] = 2.5;
    const fs = ofRule(checkReport(r), 'C2');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'C2',
      severity: 'error',
      section: '2',
      row: 'licensing',
      column: 'decisions',
      labels: { section: S2, row: '第二十条第（五）项 行政许可', column: '处理决定数量' },
      actual: 2.5,
      says: ['为 2.5，不是整数'],
    });
  });

  it('本年增/减 may be negative but not a decimal', () => {
    const r = validReport2019();
    r.proactive['fees']!['change'] = -3;
    assert.deepEqual(ofRule(checkReport(r), 'C2'), []);
    r.proactive['fees']!['change'] = 1.5;
    const fs = ofRule(checkReport(r), 'C2');
    assert.equal(fs.length, 1);
    assert.equal(fs[0]!.column, 'change');
    assert.match(fs[0]!.message, /本年增\/减应为整数/);
  });

  it('amounts are decimals ≥ 0', () => {
    const a = validReport2019();
    a.proactive['procurement']!['amount'] = { value: 25.1, unit: '万元' };
    assert.deepEqual(ofRule(checkReport(a), 'C2'), []);
    a.proactive['procurement']!['amount'] = { value: -25.1, unit: '万元' };
    const fa = ofRule(checkReport(a), 'C2');
    assert.equal(fa.length, 1);
    assert.equal(fa[0]!.actual, -25.1);
    assert.match(fa[0]!.message, /金额不能为负/);
    const b = validReport2021();
    b.proactive['fees']!['amount_wan_yuan'] = -0.5;
    const fb = ofRule(checkReport(b), 'C2');
    assert.equal(fb.length, 1);
    assertFinding(fb[0], {
      rule: 'C2',
      severity: 'error',
      section: '2',
      row: 'fees',
      column: 'amount_wan_yuan',
      labels: { section: S2, row: '第二十条第（八）项 行政事业性收费', column: '本年收费金额（单位：万元）' },
      actual: -0.5,
    });
  });
});

describe('C3 2021 amount plausible as 万元', () => {
  const FEES = {
    rule: 'C3' as const,
    severity: 'warning' as const,
    section: '2' as const,
    row: 'fees',
    column: 'amount_wan_yuan',
    labels: { section: S2, row: '第二十条第（八）项 行政事业性收费', column: '本年收费金额（单位：万元）' },
  };

  it('10,000 万元 or more looks like 元', () => {
    const r = validReport2021();
    r.proactive['fees']!['amount_wan_yuan'] = 125000;
    const fs = ofRule(checkReport(r), 'C3');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], { ...FEES, actual: 125000, says: ['为 125000 万元', '若按元填写，应换算为万元', '即 12.5 万元'] });
    r.proactive['fees']!['amount_wan_yuan'] = 9999.99;
    assert.deepEqual(ofRule(checkReport(r), 'C3'), []);
  });

  it('the threshold is an option', () => {
    const r = validReport2021();
    r.proactive['fees']!['amount_wan_yuan'] = 600;
    assert.equal(ofRule(checkReport(r, { c3ThresholdWanYuan: 500 }), 'C3').length, 1);
    assert.equal(ofRule(checkReport(r), 'C3').length, 0);
  });

  it('more than four decimal places (less than one yuan)', () => {
    const r = validReport2021();
    r.proactive['fees']!['amount_wan_yuan'] = 0.00005;
    const fs = ofRule(checkReport(r), 'C3');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], { ...FEES, actual: 0.00005, says: ['小数超过四位'] });
    for (const ok of [0, 0.0001, 12.3456, 1.1, 0.3]) {
      r.proactive['fees']!['amount_wan_yuan'] = ok;
      assert.deepEqual(ofRule(checkReport(r), 'C3'), [], String(ok));
    }
  });

  it('only the 2021 format', () => {
    const r = validReport2019();
    r.proactive['procurement']!['amount'] = { value: 251000000, unit: '元' };
    assert.deepEqual(ofRule(checkReport(r), 'C3'), []);
  });
});
