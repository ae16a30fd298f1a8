import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReportText } from './parse.js';
import { joinTitleLines, parseTitle, yearFromDigits } from './title.js';

describe('parseTitle', () => {
  it('reads agency and year in the forms offices write', () => {
    assert.deepEqual(parseTitle('市中区永安镇政府2020年度政府信息公开工作年度报告'), { agency: '市中区永安镇政府', year: 2020, yearBlank: false });
    assert.deepEqual(parseTitle('2022年XX区人民政府政府信息公开工作年度报告'), { agency: 'XX区人民政府', year: 2022, yearBlank: false });
    assert.deepEqual(parseTitle('XX市人民政府办公室关于2021年政府信息公开工作年度报告'), { agency: 'XX市人民政府办公室', year: 2021, yearBlank: false });
    assert.deepEqual(parseTitle('二〇二〇年度XX局政府信息公开工作年度报告'), { agency: 'XX局', year: 2020, yearBlank: false });
    assert.deepEqual(parseTitle('XX局××××年度政府信息公开工作年度报告'), { agency: 'XX局', year: null, yearBlank: true });
  });

  it('takes no piece of a title broken inside a word for an agency', () => {
    // …政府信息公开工 / 作年度报告; …政府信息 / 公开工作年度报告; XX县人民 / 政府2020年度…; …政府20 / 20年度…
    for (const piece of ['作年度报告', '公开工作年度报告', '政府2020年度政府信息公开工作年度报告', '20年度政府信息公开工作年度报告', '工作年度报告']) {
      assert.equal(parseTitle(piece).agency, null, piece);
    }
    assert.equal(parseTitle('政府2020年度政府信息公开工作年度报告').year, 2020);
    assert.equal(parseTitle('省政府2020年度政府信息公开工作年度报告').agency, '省政府');
  });

  it('reads years in Arabic, full-width and Chinese digits', () => {
    assert.equal(yearFromDigits('２０２１'), 2021);
    assert.equal(yearFromDigits('二〇二一'), 2021);
    assert.equal(yearFromDigits('1899'), null);
  });
});

describe('joinTitleLines', () => {
  it('joins the lines of a wrapped title: nothing between Chinese characters, a space between Latin words', () => {
    assert.equal(joinTitleLines(['市中区永安镇人民政府2020年度政府信息公', '开工作年度报告']), '市中区永安镇人民政府2020年度政府信息公开工作年度报告');
    assert.equal(joinTitleLines([' XX县人民 ', '', '政府2021年度政府信息公开工作年度报告']), 'XX县人民政府2021年度政府信息公开工作年度报告');
    assert.equal(joinTitleLines(['Annual report of the', 'XX bureau']), 'Annual report of the XX bureau');
  });
});

describe('a title broken inside a word, read by the text importer', () => {
  for (const [first, second] of [
    ['临河县青山镇人民政府2020年度政府信息公开工', '作年度报告'],
    ['临河县青山镇人民政府2020年度政府信息', '公开工作年度报告'],
    ['临河县青山镇人民', '政府2020年度政府信息公开工作年度报告'],
    ['临河县青山镇人民政府20', '20年度政府信息公开工作年度报告'],
  ]) {
    it(`${first} / ${second}`, () => {
      const { report, info } = parseReportText(`${first}\n${second}\n一、总体情况\n本年度未收到政府信息公开申请。\n二、主动公开政府信息情况\n`);
      assert.equal(report.agency, '临河县青山镇人民政府');
      assert.equal(report.year, 2020);
      assert.equal(info.title, '临河县青山镇人民政府2020年度政府信息公开工作年度报告');
    });
  }
});
