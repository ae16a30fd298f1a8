import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORMAT_2019, FORMAT_2021 } from '../format.js';
import { headerUnit, readCell } from './cells.js';
import { matchHeading } from './headings.js';
import { classifyLabel } from './labels.js';
import { parseTitle, yearFromText } from './title.js';

describe('readCell: only digits are values', () => {
  const cases: [string, ReturnType<typeof readCell>][] = [
    ['0', { kind: 'value', value: 0, unit: null }],
    ['\u3000\u30000', { kind: 'value', value: 0, unit: null }],
    ['\u20020 ', { kind: 'value', value: 0, unit: null }],
    ['１２', { kind: 'value', value: 12, unit: null }],
    ['１ ２３４', { kind: 'value', value: 1234, unit: null }],
    ['1,234', { kind: 'value', value: 1234, unit: null }],
    ['１，２３４', { kind: 'value', value: 1234, unit: null }],
    ['12.5', { kind: 'value', value: 12.5, unit: null }],
    ['１２．５', { kind: 'value', value: 12.5, unit: null }],
    ['-3', { kind: 'value', value: -3, unit: null }],
    ['－3', { kind: 'value', value: -3, unit: null }],
    ['−3', { kind: 'value', value: -3, unit: null }],
    ['+2', { kind: 'value', value: 2, unit: null }],
    ['5件', { kind: 'value', value: 5, unit: '件' }],
    ['3 个', { kind: 'value', value: 3, unit: '个' }],
    ['2项', { kind: 'value', value: 2, unit: '项' }],
    ['25.1万元', { kind: 'value', value: 25.1, unit: '万元' }],
    ['251,000元', { kind: 'value', value: 251000, unit: '元' }],
    ['1.5e-7', { kind: 'value', value: 1.5e-7, unit: null }],
    ['', { kind: 'blank' }],
    ['\u3000', { kind: 'blank' }],
    ['—', { kind: 'blank' }],
    ['——', { kind: 'blank' }],
    ['-', { kind: 'blank' }],
    ['/', { kind: 'blank' }],
    ['／', { kind: 'blank' }],
    ['无', { kind: 'blank' }],
    ['""', { kind: 'blank' }],
    ['“”', { kind: 'blank' }],
    ['约5', { kind: 'unreadable' }],
    ['三', { kind: 'unreadable' }],
    ['5左右', { kind: 'unreadable' }],
    ['1,23', { kind: 'unreadable' }],
    ['1.', { kind: 'unreadable' }],
    ['规章', { kind: 'unreadable' }],
  ];
  for (const [raw, want] of cases) it(JSON.stringify(raw), () => assert.deepEqual(readCell(raw), want));

  it('reads the unit a header states', () => {
    assert.equal(headerUnit('采购总金额（万元）'), '万元');
    assert.equal(headerUnit('本年收费金额（单位：万元）'), '万元');
    assert.equal(headerUnit('本年收费金额(单位:元)'), '元');
    assert.equal(headerUnit('采购总金额'), null);
  });
});

describe('labels', () => {
  it('recognises every official label of both formats', () => {
    for (const f of [FORMAT_2019, FORMAT_2021]) {
      for (const b of f.proactive) {
        assert.deepEqual(classifyLabel(b.label).hit, { t: 'block', id: b.id });
        for (const r of b.rows) assert.deepEqual(classifyLabel(r.label).hit, { t: 'prow', id: r.id }, r.label);
        for (const c of b.columns) assert.deepEqual(classifyLabel(c.label).hit, { t: 'pcol' }, c.label);
      }
      for (const r of f.applicationRows) {
        const hit = classifyLabel(r.label).hit;
        const want = r.id === '3.7' ? { t: 'total' } : r.id === '3.6.3' ? { t: 'other' } : { t: 'arow', id: r.id };
        assert.deepEqual(hit, want, r.label);
      }
      for (const g of f.reviewGroups) assert.deepEqual(classifyLabel(g.label).hit, { t: 'rgroup', id: g.id });
    }
    assert.deepEqual(classifyLabel('本年增减').hit, { t: 'pcol' });
    assert.equal(classifyLabel('本年度未发生行政复议。').hit, null);
  });
});

describe('matchHeading', () => {
  const none = new Set<never>();
  const cases: [string, string | null][] = [
    ['一、总体情况', '1'],
    ['[bookmark] 一、总体情况', null],
    ['一．总体情况', '1'],
    ['一 总体情况', '1'],
    ['二、主动公开政府信息情况', '2'],
    ['三、收到和处理政府信息公开申请情况', '3'],
    ['三、依申请公开情况', '3'],
    ['四、政府信息公开行政复议、行政诉讼情况', '4'],
    ['五、存在的主要问题及改进情况', '5'],
    ['五、政府信息公开工作存在的主要问题及改进情况', '5'],
    ['六、其他需要报告的事项', '6'],
    ['六、其他需要报告的事项：无', '6'],
    ['总体情况', '1'],
    ['（一）主动公开情况', null],
    ['一是健全组织网络，形成齐抓共管合力。', null],
    ['一、本年新收政府信息公开申请数量', null],
    ['二、上年结转政府信息公开申请数量', null],
    ['三、本年度办理结果', null],
    ['四、结转下年度继续办理', null],
    ['二、加强队伍建设。', null],
    ['主动公开', null],
    ['二、主动公开政府信息情况 | 0', null],
  ];
  for (const [line, want] of cases) it(line, () => assert.equal(matchHeading(line, none, 0)?.section ?? null, want));

  it('recognises a section once, and keyword headings only in order', () => {
    assert.equal(matchHeading('一、总体情况', new Set(['1']), 1), null);
    assert.equal(matchHeading('三、依申请公开情况', new Set(['1', '2', '3', '4']), 4), null);
    // An official heading out of order is still a heading (F2 reports the order).
    assert.equal(matchHeading('二、主动公开政府信息情况', new Set(['1', '3']), 3)?.section, '2');
    assert.deepEqual(matchHeading('六、其他需要报告的事项：无', none, 0), { section: '6', numeral: '六', text: '六、其他需要报告的事项', rest: '无' });
  });
});

describe('title', () => {
  it('parses agency and year', () => {
    assert.deepEqual(parseTitle('市中区永安镇政府2020年度政府信息公开工作年度报告'), { agency: '市中区永安镇政府', year: 2020, yearBlank: false });
    assert.deepEqual(parseTitle('XX局2021年政府信息公开工作年度报告'), { agency: 'XX局', year: 2021, yearBlank: false });
    assert.deepEqual(parseTitle('2022年XX区人民政府政府信息公开工作年度报告'), { agency: 'XX区人民政府', year: 2022, yearBlank: false });
    assert.deepEqual(parseTitle('XX市人民政府办公室关于2021年政府信息公开工作年度报告'), { agency: 'XX市人民政府办公室', year: 2021, yearBlank: false });
    assert.deepEqual(parseTitle('XX局政府信息公开工作年度报告'), { agency: 'XX局', year: null, yearBlank: false });
    assert.deepEqual(parseTitle('XX局××××年度政府信息公开工作年度报告'), { agency: 'XX局', year: null, yearBlank: true });
    assert.deepEqual(parseTitle('二〇二〇年度政府信息公开工作年度报告'), { agency: null, year: 2020, yearBlank: false });
  });

  it('finds the year in the text: the statistics period first, else the most named year', () => {
    assert.equal(yearFromText(['本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。', '2022年将继续…', '2022年…'], 0, 3), 2021);
    assert.equal(yearFromText(['2020年，我局…', '2020年全年…', '2021年1月印发'], 0, 3), 2020);
    assert.equal(yearFromText(['没有年份'], 0, 1), null);
  });
});
