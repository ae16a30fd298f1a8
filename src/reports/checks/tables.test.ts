import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkReport } from './index.js';
import { assertFinding, ofRule, rules, validReport2019, validReport2021 } from './test-helpers.js';

const S2 = '二、主动公开政府信息情况';
const S3 = '三、收到和处理政府信息公开申请情况';
const S4 = '四、政府信息公开行政复议、行政诉讼情况';

describe('T1 row 1 + row 2 = row 3.7 + row 4', () => {
  it('a column that does not add up', () => {
    const r = validReport2019();
    r.applications['2']!['commercial'] = 1; // 2 + 1 ≠ 2 + 0
    r.applications['2']!['total'] = 2;
    const fs = checkReport(r);
    // The total column does not add up either, and the prose (上年结转1件) now disagrees: P1.
    assert.deepEqual(rules(fs), ['T1', 'T1', 'P1']);
    assert.equal(fs[1]!.column, 'total');
    assertFinding(fs[0], {
      rule: 'T1',
      severity: 'error',
      section: '3',
      row: null,
      column: 'commercial',
      labels: { section: S3, row: null, column: '商业企业' },
      expected: 3,
      actual: 2,
      says: ['「商业企业」列：第一项加第二项之和为 3（本年新收 2 + 上年结转 1）', '第三项加第四项之和为 2'],
    });
  });

  it('a blank cell skips the column (C1 reports it)', () => {
    const r = validReport2019();
    r.applications['4']!['commercial'] = null;
    r.applications['2']!['commercial'] = 5;
    r.applications['2']!['total'] = 6;
    const fs = checkReport(r);
    assert.deepEqual(ofRule(fs, 'T1').map((f) => f.column), ['total']);
    assert.deepEqual(ofRule(fs, 'C1').map((f) => `${f.row}/${f.column}`), ['4/commercial']);
  });
});

describe('T2 total = the six applicant columns', () => {
  it('a row whose total is wrong', () => {
    const r = validReport2021();
    r.applications['3.1']!['total'] = 5;
    const fs = ofRule(checkReport(r), 'T2');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'T2',
      severity: 'error',
      section: '3',
      row: '3.1',
      column: 'total',
      labels: { section: S3, row: '（一）予以公开', column: '总计' },
      expected: 4,
      actual: 5,
      says: ['六类申请人之和为 4（自然人 3 + 商业企业 1 + 科研机构 0', '「总计」列却为 5'],
    });
  });
});

describe('T3 row 3.7 = the outcome rows', () => {
  it('a column whose 3.7 is wrong (2019 and 2021 outcome rows)', () => {
    for (const r of [validReport2019(), validReport2021()]) {
      r.applications['3.7']!['natural_person'] = 7;
      r.applications['3.7']!['total'] = 9;
      r.applications['4']!['natural_person'] = 0;
      r.applications['4']!['total'] = 0;
      const fs = checkReport(r);
      const t3 = ofRule(fs, 'T3');
      assert.equal(t3.length, 2);
      assertFinding(t3[0], {
        rule: 'T3',
        severity: 'error',
        section: '3',
        row: '3.7',
        column: 'natural_person',
        labels: { section: S3, row: '（七）总计', column: '自然人' },
        expected: 6,
        actual: 7,
        says: [r.format === '2019' ? '到「（六）其他处理」共 19 行' : '到「3.其他」共 21 行'],
      });
      assert.equal(t3[1]!.column, 'total');
    }
  });

  it('an outcome counted in 3.6.2 (2021) is summed', () => {
    const r = validReport2021();
    r.applications['3.6.2']!['natural_person'] = 1;
    r.applications['3.6.2']!['total'] = 1;
    r.applications['3.7']!['natural_person'] = 7;
    r.applications['3.7']!['total'] = 9;
    r.applications['1']!['natural_person'] = 7;
    r.applications['1']!['total'] = 9;
    r.sections['1'] = r.sections['1']!.replace('申请8件', '申请9件').replace('办结8件', '办结9件');
    assert.deepEqual(checkReport(r), []);
  });
});

describe('T4 review totals', () => {
  it('a group whose total is wrong', () => {
    const r = validReport2019();
    r.reviews['litigation_direct'] = { upheld: 1, corrected: 1, other: 0, pending: 1, total: 2 };
    const fs = ofRule(checkReport(r), 'T4');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'T4',
      severity: 'error',
      section: '4',
      row: 'litigation_direct',
      column: 'total',
      labels: { section: S4, row: '未经复议直接起诉', column: '总计' },
      expected: 3,
      actual: 2,
      says: ['结果维持 1 + 结果纠正 1 + 其他结果 0 + 尚未审结 1 = 3，「总计」却为 2'],
    });
  });
});

describe('T5 row 2 = last year’s row 4', () => {
  it('column by column, across formats (2020 report in 2019 format → 2021 report)', () => {
    const prev = validReport2019(); // 2020, row 4: 自然人 1, total 1
    prev.agency = '临河县教育局';
    prev.applications['4']!['commercial'] = 2;
    prev.applications['4']!['total'] = 3;
    const r = validReport2021();
    r.year = 2021;
    const fs = checkReport(r, { previous: prev });
    const t5 = ofRule(fs, 'T5');
    assert.equal(t5.length, 2);
    assertFinding(t5[0], {
      rule: 'T5',
      severity: 'warning',
      section: '3',
      row: '2',
      column: 'commercial',
      labels: { section: S3, row: '二、上年结转政府信息公开申请数量', column: '商业企业' },
      expected: 2,
      actual: 0,
      says: ['「商业企业」列为 0，但2020年度报告「四、结转下年度继续办理」行同列为 2'],
    });
    assert.equal(t5[1]!.column, 'total');
  });

  it('equal carry-over: no finding; not last year: skipped', () => {
    const prev = validReport2021();
    prev.year = 2021;
    const r = validReport2021(); // 2022, row 2 = prev row 4
    assert.deepEqual(ofRule(checkReport(r, { previous: prev }), 'T5'), []);
    prev.applications['4']!['natural_person'] = 5;
    prev.applications['4']!['total'] = 5;
    assert.equal(ofRule(checkReport(r, { previous: prev }), 'T5').length, 2);
    prev.year = 2020;
    assert.deepEqual(ofRule(checkReport(r, { previous: prev }), 'T5'), []);
    prev.year = null;
    assert.deepEqual(ofRule(checkReport(r, { previous: prev }), 'T5'), []);
  });
});

describe('T6 in_force = last year’s in_force + issued − repealed', () => {
  it('a 2021 report against a 2021 report', () => {
    const prev = validReport2021();
    prev.year = 2021;
    prev.proactive['normative_documents']!['in_force'] = 18; // 18 + 3 − 1 = 20 ✓
    prev.proactive['rules']!['in_force'] = 2; // 2 + 0 − 0 ≠ 0
    const r = validReport2021();
    const fs = ofRule(checkReport(r, { previous: prev }), 'T6');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'T6',
      severity: 'warning',
      section: '2',
      row: 'rules',
      column: 'in_force',
      labels: { section: S2, row: '第二十条第（一）项 规章', column: '现行有效件数' },
      expected: 2,
      actual: 0,
      says: ['2021年度报告的现行有效件数 2 + 本年制发 0 − 本年废止 0 = 2，「现行有效件数」却为 0'],
    });
  });

  it('skipped when last year used the 2019 format, or is not last year', () => {
    const prev = validReport2019();
    prev.year = 2021 - 1;
    const r = validReport2021();
    r.year = 2021;
    assert.deepEqual(ofRule(checkReport(r, { previous: prev }), 'T6'), []);
    const p21 = validReport2021();
    p21.year = 2019 + 1;
    p21.proactive['rules']!['in_force'] = 7;
    assert.deepEqual(ofRule(checkReport(validReport2021(), { previous: p21 }), 'T6'), []);
  });
});
