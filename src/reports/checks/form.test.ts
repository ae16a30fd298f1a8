import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyParseInfo } from '../parse-info.js';
import { filledReport } from '../report.js';
import { checkReport } from './index.js';
import { assertFinding, ofRule, textInfo, validReport2019, validReport2021 } from './test-helpers.js';

const NO_LABELS = { section: null, row: null, column: null };
const TITLE = { section: 'title' as const, row: null, column: null, labels: { section: '标题', row: null, column: null } };

describe('F1 format matches the year', () => {
  it('a 2021 report in the 2019 layout names the 2019 labels', () => {
    const r = filledReport('2019', '临河县教育局', 2021, 0);
    r.sections = validReport2019().sections;
    const fs = ofRule(checkReport(r), 'F1');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'F1',
      severity: 'error',
      section: null,
      row: null,
      column: null,
      labels: NO_LABELS,
      says: ['2021年度的报告应使用2021版格式', '国办公开办函〔2021〕30号', '使用的是2019版格式', '「本年新制作数量」'],
    });
  });

  it('a 2020 report in the 2021 layout is wrong too', () => {
    const r = validReport2021();
    r.year = 2020;
    const fs = ofRule(checkReport(r), 'F1');
    assert.equal(fs.length, 1);
    assert.match(fs[0]!.message, /2020年度的报告应使用2019版格式.*「本年制发件数」/);
  });

  it('with ParseInfo, the labels the importer saw are named', () => {
    const r = validReport2019();
    r.year = 2022;
    const info = textInfo(r, '临河县青山镇人民政府2022年政府信息公开工作年度报告');
    info.foreignLabels = ['本年增/减', '采购总金额'];
    const fs = ofRule(checkReport(r, { info }), 'F1');
    assert.equal(fs.length, 1);
    assert.match(fs[0]!.message, /例如「本年增\/减」「采购总金额」/);
  });

  it('labels of both layouts mixed is F1 even when the layout fits the year', () => {
    const r = validReport2021();
    const info = textInfo(r);
    info.foreignLabels = ['本年新制作数量'];
    const fs = ofRule(checkReport(r, { info }), 'F1');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'F1',
      severity: 'error',
      section: null,
      row: null,
      column: null,
      labels: NO_LABELS,
      says: ['本报告使用2021版格式', '混有2019版格式的标签「本年新制作数量」'],
    });
  });

  it('no year: F1 cannot decide, F4 reports the missing year', () => {
    const r = validReport2019();
    r.year = null;
    const fs = checkReport(r);
    assert.deepEqual(ofRule(fs, 'F1'), []);
    assert.equal(ofRule(fs, 'F4').length, 1);
  });

  it('a year before 2019 has no current national format', () => {
    const r = validReport2019();
    r.year = 2018;
    const fs = ofRule(checkReport(r), 'F1');
    assert.equal(fs.length, 1);
    assert.match(fs[0]!.message, /2018年度没有适用的现行全国格式/);
  });

  it('2019, 2020 in the 2019 layout and 2021 on in the 2021 layout pass', () => {
    for (const y of [2019, 2020]) {
      const r = validReport2019();
      r.year = y;
      assert.deepEqual(ofRule(checkReport(r), 'F1'), []);
    }
    for (const y of [2021, 2025]) {
      const r = validReport2021();
      r.year = y;
      assert.deepEqual(ofRule(checkReport(r), 'F1'), []);
    }
  });
});

describe('F2 six sections in order', () => {
  it('a missing heading: one finding per missing section', () => {
    const r = validReport2019();
    const info = textInfo(r);
    info.headings = info.headings.filter((h) => h.section !== '4' && h.section !== '6');
    const fs = ofRule(checkReport(r, { info }), 'F2');
    assert.equal(fs.length, 2);
    assertFinding(fs[0], {
      rule: 'F2',
      severity: 'error',
      section: '4',
      row: null,
      column: null,
      labels: { section: '四、政府信息公开行政复议、行政诉讼情况', row: null, column: null },
      says: ['缺少第四部分「四、政府信息公开行政复议、行政诉讼情况」'],
    });
    assertFinding(fs[1], {
      rule: 'F2',
      severity: 'error',
      section: '6',
      row: null,
      column: null,
      labels: { section: '六、其他需要报告的事项', row: null, column: null },
      says: ['缺少第六部分', '写“无”'],
    });
  });

  it('a truncated document says where it stops', () => {
    const r = validReport2019();
    const info = textInfo(r);
    info.headings = info.headings.slice(0, 5);
    info.truncated = { line: 90, message: '文档在第四部分表格中结束' };
    const fs = ofRule(checkReport(r, { info }), 'F2');
    assert.equal(fs.length, 1);
    assert.match(fs[0]!.message, /文档在第90行中断/);
  });

  it('out of order: names the order found', () => {
    const r = validReport2019();
    const info = textInfo(r);
    const [h1, h2, h3, ...rest] = info.headings;
    info.headings = [h1!, { ...h3!, line: 10 }, { ...h2!, line: 30 }, ...rest];
    const fs = ofRule(checkReport(r, { info }), 'F2');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'F2',
      severity: 'error',
      section: null,
      row: null,
      column: null,
      labels: NO_LABELS,
      says: ['本报告中的顺序为：一、三、二、四、五、六'],
    });
  });

  it('a duplicated heading', () => {
    const r = validReport2019();
    const info = textInfo(r);
    info.headings.push({ section: '6', text: '六、其他需要报告的事项', line: 200, numeral: '六' });
    const fs = ofRule(checkReport(r, { info }), 'F2');
    assert.equal(fs.length, 1);
    assert.equal(fs[0]!.section, '6');
    assert.match(fs[0]!.message, /出现了2次（第102行「六、其他需要报告的事项」、第200行/);
  });

  it('a misnumbered heading', () => {
    const r = validReport2019();
    const info = textInfo(r);
    info.headings[4] = { section: '5', text: '四、存在的主要问题及改进情况', line: 82, numeral: '四' };
    const fs = ofRule(checkReport(r, { info }), 'F2');
    assert.equal(fs.length, 1);
    assert.equal(fs[0]!.section, '5');
    assert.match(fs[0]!.message, /编号却是“四”。请改为“五、”/);
  });

  it('JSON: a null prose section is missing; 二/三/四 are always there', () => {
    const r = validReport2021();
    r.sections['5'] = null;
    const fs = checkReport(r);
    assert.equal(ofRule(fs, 'F2').length, 1);
    assert.equal(ofRule(fs, 'F2')[0]!.section, '5');
    assert.deepEqual(ofRule(fs, 'P3'), [], 'P3 does not repeat a missing section');
  });

  it('an info from the JSON importer is judged as JSON (no headings needed)', () => {
    const r = validReport2021();
    assert.deepEqual(checkReport(r, { info: emptyParseInfo('json') }), []);
  });
});

describe('F3 rows and columns with the official labels', () => {
  it('one finding per missing row and column; their cells are not repeated as C1', () => {
    const r = validReport2019();
    for (const c of Object.keys(r.applications['2']!)) r.applications['2']![c] = null;
    for (const row of ['rules', 'normative_documents']) r.proactive[row]!['published'] = null;
    r.reviews['litigation_after'] = { upheld: null, corrected: null, other: null, pending: null, total: null };
    const info = textInfo(r);
    info.missingRows = [
      { section: '3', row: '2', label: '二、上年结转政府信息公开申请数量' },
      { section: '4', row: 'litigation_after', label: '复议后起诉' },
    ];
    info.missingColumns = [{ section: '2', block: '20.1', column: 'published', label: '本年新公开数量' }];
    const fs = checkReport(r, { info });
    const f3 = ofRule(fs, 'F3');
    assert.equal(f3.length, 3);
    assertFinding(f3[0], {
      rule: 'F3',
      severity: 'error',
      section: '3',
      row: '2',
      column: null,
      labels: { section: '三、收到和处理政府信息公开申请情况', row: '二、上年结转政府信息公开申请数量', column: null },
      says: ['第三部分缺少「二、上年结转政府信息公开申请数量」行'],
    });
    assertFinding(f3[1], {
      rule: 'F3',
      severity: 'error',
      section: '4',
      row: 'litigation_after',
      column: null,
      labels: { section: '四、政府信息公开行政复议、行政诉讼情况', row: '复议后起诉', column: null },
      says: ['第四部分缺少「复议后起诉」一组'],
    });
    assertFinding(f3[2], {
      rule: 'F3',
      severity: 'error',
      section: '2',
      row: null,
      column: 'published',
      labels: { section: '二、主动公开政府信息情况', row: null, column: '本年新公开数量' },
      says: ['第二部分「第二十条第（一）项」缺少「本年新公开数量」列'],
    });
    assert.deepEqual(ofRule(fs, 'C1'), []);
  });

  it('local extra rows are allowed', () => {
    const r = validReport2019();
    const info = textInfo(r);
    info.extraRows = [{ section: '2', label: '第二十条第（十）项 其他', line: 40 }];
    assert.deepEqual(checkReport(r, { info }), []);
  });

  it('JSON without ParseInfo: no F3', () => {
    assert.deepEqual(ofRule(checkReport(validReport2019()), 'F3'), []);
  });
});

describe('F4 title', () => {
  const withTitle = (title: string | null, r = validReport2019()) => ofRule(checkReport(r, { info: textInfo(r, title) }), 'F4');

  it('accepts the usual variants', () => {
    const r = validReport2019(); // 临河县青山镇人民政府, 2020
    for (const t of [
      '临河县青山镇人民政府2020年政府信息公开工作年度报告',
      '临河县青山镇人民政府2020年度政府信息公开工作年度报告',
      '临河县青山镇政府2020年度政府信息公开工作年度报告',
      '青山镇2020年政府信息公开工作年度报告',
      '2020年度临河县青山镇政府信息公开工作年度报告',
      '关于临河县青山镇人民政府2020年政府信息公开工作年度报告的',
      '关于印发《临河县青山镇人民政府2020年政府信息公开工作年度报告》的通知',
      '临河县青山镇人民政府2020年政府信息公开年度报告',
      '临河县青山镇人民政府二〇二〇年政府信息公开工作年度报告',
      '临河县青山镇人民政府 2020 年 政府信息公开工作年度报告',
      '《临河县青山镇人民政府2020年政府信息公开工作年度报告》',
    ])
      assert.deepEqual(withTitle(t, r), [], t);
  });

  it('no title', () => {
    const fs = withTitle(null);
    assert.equal(fs.length, 1);
    assertFinding(fs[0], { rule: 'F4', severity: 'error', ...TITLE, says: ['报告没有标题'] });
  });

  it('no year in the title', () => {
    const fs = withTitle('临河县青山镇人民政府政府信息公开工作年度报告');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], { rule: 'F4', severity: 'error', ...TITLE, says: ['没有写明年度', '（2020年）'] });
  });

  it('another year in the title', () => {
    const fs = withTitle('临河县青山镇人民政府2019年政府信息公开工作年度报告');
    assert.equal(fs.length, 1);
    assert.match(fs[0]!.message, /写的是2019年，但报告年度为2020年/);
  });

  it('no agency in the title', () => {
    const fs = withTitle('2020年政府信息公开工作年度报告');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], { rule: 'F4', severity: 'error', ...TITLE, says: ['没有写明机关名称', '临河县青山镇人民政府'] });
  });

  it('another agency in the title', () => {
    const fs = withTitle('临河县白水镇人民政府2020年政府信息公开工作年度报告');
    assert.equal(fs.length, 1);
    assert.match(fs[0]!.message, /机关「临河县白水镇人民政府」与报告机关「临河县青山镇人民政府」不一致/);
  });

  it('the wrong document type', () => {
    for (const [t, quoted] of [
      ['临河县青山镇人民政府2020年政府信息公开工作报告', '政府信息公开工作报告'],
      ['临河县青山镇人民政府2020年年度工作总结', '年度工作总结'],
      ['临河县青山镇人民政府2020年政务公开工作年度报告', '政务公开工作年度报告'],
    ] as const) {
      const fs = withTitle(t);
      assert.equal(fs.length, 1, t);
      assertFinding(fs[0], { rule: 'F4', severity: 'error', ...TITLE, says: [`称为「${quoted}」`, '应称为“政府信息公开工作年度报告”'] });
    }
    const fs = withTitle('临河县青山镇人民政府2020年情况说明');
    assert.equal(fs.length, 1);
    assert.match(fs[0]!.message, /没有“政府信息公开工作年度报告”字样/);
  });

  it('several problems give several findings', () => {
    assert.equal(withTitle('工作总结').length, 3);
  });

  it('without a title (JSON): agency and year must be known', () => {
    const r = validReport2019();
    r.agency = null;
    r.year = null;
    const fs = ofRule(checkReport(r), 'F4');
    assert.equal(fs.length, 2);
    assertFinding(fs[0], { rule: 'F4', severity: 'error', ...TITLE, says: ['未写明机关名称'] });
    assertFinding(fs[1], { rule: 'F4', severity: 'error', ...TITLE, says: ['未写明年度'] });
  });
});
