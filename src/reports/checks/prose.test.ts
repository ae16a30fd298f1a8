import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '../report.js';
import { agencyKind, checkReport, parseNumeral, proseSimilarity } from './index.js';
import {
  assertFinding,
  ofRule,
  seedProse,
  setReview,
  VALID_SECTION_1,
  VALID_SECTION_5,
  validReport2019,
  validReport2021,
} from './test-helpers.js';

const S3 = '三、收到和处理政府信息公开申请情况';
const S4 = '四、政府信息公开行政复议、行政诉讼情况';

/**
 * The valid 2019 report (tables: new 8, carried in 1, 公开 4, 部分公开 1, 不予公开 1, 无法提供 2,
 * 不予处理 0, closed 8, carried on 1; 行政复议 1 upheld; 行政诉讼 0) with section 一 replaced.
 */
function p1(text: string, edit?: (r: Report) => void) {
  const r = validReport2019();
  r.sections['1'] = text;
  edit?.(r);
  return ofRule(checkReport(r), 'P1');
}

describe('parseNumeral', () => {
  it('reads Arabic and Chinese numerals', () => {
    const cases: [string, number | null][] = [
      ['0', 0],
      ['15', 15],
      ['１５', 15],
      ['一', 1],
      ['两', 2],
      ['十', 10],
      ['十五', 15],
      ['二十', 20],
      ['二十三', 23],
      ['一百零五', 105],
      ['三百二十', 320],
      ['两千零二十', 2020],
      ['二〇二〇', 2020],
      ['零', 0],
      ['十百', null],
      ['五五十', null],
      ['', null],
      ['1a', null],
    ];
    for (const [s, n] of cases) assert.equal(parseNumeral(s), n, s);
  });
});

describe('P1 numbers in the prose agree with the tables', () => {
  it('收到…申请 X件 → row 1 total, with the exact finding', () => {
    const fs = p1('本年度共收到政府信息公开申请10件，均已按时答复。');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P1',
      severity: 'warning',
      section: '3',
      row: '1',
      column: 'total',
      labels: { section: S3, row: '一、本年新收政府信息公开申请数量', column: '总计' },
      expected: 10,
      actual: 8,
      says: [
        '第一部分「一、总体情况」写「本年度共收到政府信息公开申请10件」',
        '第三部分「一、本年新收政府信息公开申请数量」行「总计」列为 8',
      ],
    });
  });

  it('recognises the common phrasings (each one wrong by design)', () => {
    const cases: [string, string | null, number, number][] = [
      ['本年新收政府信息公开申请数量为十件。', '1', 10, 8],
      ['共收到十二件政府信息公开申请。', '1', 12, 8],
      ['全年受理依申请公开申请两件。', '1', 2, 8],
      ['全年共受理群众提出的政府信息公开申请9件。', '1', 9, 8],
      ['上年结转政府信息公开申请3件。', '2', 3, 1],
      ['对收到的申请，予以公开5件。', '3.1', 5, 4],
      ['依申请部分公开2件。', '3.2', 2, 1],
      ['依申请部分予以公开3件。', '3.2', 3, 1],
      ['申请中不予公开3件。', null, 3, 1],
      ['申请中无法提供1件。', null, 1, 2],
      ['申请中不予处理1件。', null, 1, 0],
      ['收到的申请已全部办结，共办结9件。', '3.7', 9, 8],
      ['已答复申请7件。', '3.7', 7, 8],
      ['申请结转下年度继续办理2件。', '4', 2, 1],
    ];
    for (const [text, row, expected, actual] of cases) {
      const fs = p1(text);
      assert.equal(fs.length, 1, text);
      assert.equal(fs[0]!.section, '3', text);
      assert.equal(fs[0]!.row, row, text);
      assert.equal(fs[0]!.column, 'total', text);
      assert.equal(fs[0]!.expected, expected, text);
      assert.equal(fs[0]!.actual, actual, text);
    }
  });

  it('a sum of outcome rows is named as such', () => {
    const fs = p1('申请中不予公开3件。');
    assertFinding(fs[0], {
      rule: 'P1',
      severity: 'warning',
      section: '3',
      row: null,
      column: 'total',
      labels: { section: S3, row: '（三）不予公开', column: '总计' },
      expected: 3,
      actual: 1,
      says: ['第三部分「（三）不予公开」各项（「1.属于国家秘密」至「8.属于行政查询事项」）「总计」列之和为 1'],
    });
  });

  it('行政复议 / 行政诉讼 X件/起', () => {
    let fs = p1('发生政府信息公开行政复议案件两起。');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P1',
      severity: 'warning',
      section: '4',
      row: 'reconsideration',
      column: 'total',
      labels: { section: S4, row: '行政复议', column: '总计' },
      expected: 2,
      actual: 1,
    });
    fs = p1('行政复议1起，行政诉讼1件。');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P1',
      severity: 'warning',
      section: '4',
      row: null,
      column: 'total',
      labels: { section: S4, row: '行政诉讼', column: '总计' },
      expected: 1,
      actual: 0,
      says: ['「未经复议直接起诉」与「复议后起诉」的「总计」栏之和为 0'],
    });
    fs = p1('本年度被提起1起行政诉讼。');
    assert.equal(fs.length, 1);
    assert.equal(fs[0]!.expected, 1);
  });

  it('negative statements', () => {
    let fs = p1('本年度未收到政府信息公开申请。');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P1',
      severity: 'warning',
      section: '3',
      row: '1',
      column: 'total',
      labels: { section: S3, row: '一、本年新收政府信息公开申请数量', column: '总计' },
      expected: 0,
      actual: 8,
      says: ['写「本年度未收到政府信息公开申请」'],
    });
    assert.equal(p1('全年没有收到申请。').length, 1);
    fs = p1('全年未发生因政府信息公开引起的行政复议和行政诉讼案件。');
    assert.equal(fs.length, 1, 'litigation is 0 in the table: only the reconsideration disagrees');
    assert.equal(fs[0]!.row, 'reconsideration');
    assert.equal(fs[0]!.expected, 0);
    fs = p1('未发生行政诉讼。', (r) => setReview(r, 'litigation_after', { pending: 1 }));
    assert.equal(fs.length, 1);
    assert.equal(fs[0]!.labels.row, '行政诉讼');
    assert.equal(fs[0]!.actual, 1);
    assert.equal(p1('无政府信息公开行政复议。').length, 1);
    fs = p1('本年度未收到行政复议申请。');
    assert.deepEqual(
      fs.map((f) => f.row),
      ['reconsideration'],
      'a reconsideration application is not an information-disclosure application (row 1)',
    );
    assert.deepEqual(
      p1('未发生行政复议，行政诉讼0件。').map((f) => f.row),
      ['reconsideration'],
      'the negation stops at the comma; litigation 0 agrees',
    );
    assert.deepEqual(p1('行政复议1件，未发生行政诉讼。'), []);
  });

  it('均获维持 and the like: every non-zero group must be all upheld', () => {
    let fs = p1('行政复议2件，均获维持。', (r) => setReview(r, 'reconsideration', { upheld: 1, corrected: 1 }));
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P1',
      severity: 'warning',
      section: '4',
      row: 'reconsideration',
      column: 'upheld',
      labels: { section: S4, row: '行政复议', column: '结果维持' },
      expected: 2,
      actual: 1,
      says: ['写「行政复议2件，均获维持」', '「总计」为 2，「结果维持」为 1'],
    });
    fs = p1('涉及的行政诉讼案件全部维持。', (r) => {
      setReview(r, 'litigation_direct', { upheld: 1, pending: 1 });
      setReview(r, 'reconsideration', { corrected: 1 });
    });
    assert.deepEqual(
      fs.map((f) => f.row),
      ['litigation_direct'],
      'only litigation is spoken of; a group with total 0 is fine',
    );
    assert.deepEqual(p1('行政复议1件，结果均维持。'), []);
  });

  it('agreeing prose gives nothing (the valid reports, Chinese numerals)', () => {
    assert.deepEqual(p1(VALID_SECTION_1), []);
    assert.deepEqual(p1('本年度共收到政府信息公开申请八件，上年结转一件，予以公开四件。'), []);
  });

  it('numbers in sections 五 and 六 are checked too', () => {
    const r = validReport2019();
    r.sections['6'] = '本年度收到政府信息公开申请3件。';
    assert.equal(ofRule(checkReport(r), 'P1').length, 1);
  });

  it('one finding per disagreement, even when repeated', () => {
    assert.equal(p1('收到申请10件。\n再次说明，收到申请10件。').length, 1);
    assert.equal(p1('收到申请10件。\n收到申请11件。').length, 2);
  });

  it('a blank table cell is left to C1', () => {
    assert.deepEqual(
      p1('本年度共收到政府信息公开申请10件。', (r) => {
        r.applications['1']!['total'] = null;
      }),
      [],
    );
  });

  describe('false-positive guards', () => {
    const quiet: [string, string][] = [
      ['proactive items are not applications', '本年度主动公开政府信息1200条，依申请公开工作规范。'],
      ['主动予以公开', '本年度主动予以公开30件文件，依申请公开工作规范。'],
      ['予以公开 about proactive disclosure', '主动公开方面，对涉及群众切身利益的重要事项予以公开36件。依申请公开方面，收到申请8件。'],
      ['上年结转 earlier in the sentence, no 本年', '上年度结转申请1件，收到申请5件。'],
      ['收到…申请 about last year', '上年收到政府信息公开申请5件。'],
      ['another year', '2019年，我镇共收到政府信息公开申请5件。'],
      ['another year in the sentence', '与2019年相比，收到申请5件，有所减少。'],
      ['comparison', '收到申请数较上年增加3件。'],
      ['approximate', '全年收到申请10余件，近十件已办结。'],
      ['cumulative', '累计收到政府信息公开申请300件。'],
      ['since', '自2008年条例施行以来，共受理申请120件。'],
      ['a complaint, not an application', '截至目前，全镇并未收到有关政府信息公开引发的举报、投诉等不良后果。'],

      ['consultations', '接受群众咨询50件，已全部答复；答复咨询30件。'],
      ['每一件', '每一件申请都依法答复。'],
      ['working days', '申请均在15个工作日内答复。'],
      ['combined review count', '行政复议、行政诉讼共2件。'],
      ['one litigation group', '经复议后提起行政诉讼1件，直接提起行政诉讼1件。'],
      ['an outcome of reconsideration, not its total', '尚未审结的行政复议1件，被纠错的行政复议0件。'],
      ['a negation about the outcome', '未发生行政复议被纠错的情况。'],
      ['未经复议 is not a negation', '未经复议直接起诉的行政诉讼0件。'],
      ['部分予以公开 is 3.2, not 3.1', '依申请部分予以公开1件。'],
      ['a plan for next year', '2021年，我镇将力争按时办结申请100件。'],
      ['没有 + 维持 negated', '行政诉讼未全部维持。'],
    ];
    for (const [name, text] of quiet)
      it(name, () => {
        assert.deepEqual(p1(text), [], text);
      });

    it('本年 after 上年 puts the sentence back in this year', () => {
      assert.deepEqual(p1('上年结转申请1件，本年新收到申请8件。'), []);
      const fs = p1('上年结转申请1件，本年新收到申请9件。');
      assert.equal(fs.length, 1);
      assert.equal(fs[0]!.row, '1');
    });
  });
});

describe('proseSimilarity', () => {
  const a = seedProse()['1'];
  it('1 for identical texts and for copies with other numbers and years', () => {
    assert.equal(proseSimilarity(a, a), 1);
    assert.equal(proseSimilarity('2019年收到申请3件，已全部办结。', '2020年收到申请15件，已全部办结。'), 1);
    assert.equal(proseSimilarity('收到申请，已办结。', '收到申请 已办结'), 1, 'punctuation and spaces do not count');
  });
  it('≥ 0.9 for a copy with a few words changed; low for another text', () => {
    const edited = a.replace('健全组织网络', '完善组织体系').replace('形成齐抓共管合力', '凝聚工作合力');
    const s = proseSimilarity(a, edited);
    assert.ok(s >= 0.9 && s < 1, String(s));
    assert.ok(proseSimilarity(a, seedProse()['5']) < 0.2);
    assert.ok(proseSimilarity(a, a.slice(0, Math.floor(a.length / 2))) < 0.9, 'half a text is not a copy');
  });
  it('0 when a text is empty', () => {
    assert.equal(proseSimilarity('', a), 0);
    assert.equal(proseSimilarity('。', '。'), 0);
  });
});

describe('P2 copying', () => {
  function lastYear(): Report {
    const p = validReport2019();
    p.year = 2019;
    return p;
  }

  it('(a) a section copied from last year’s report', () => {
    const prev = lastYear();
    prev.sections['1'] = seedProse()['1'];
    const r = validReport2019();
    r.sections['1'] = seedProse()['1'].replace('健全组织网络', '完善组织体系').replace('形成齐抓共管合力', '凝聚工作合力');
    const fs = ofRule(checkReport(r, { previous: prev }), 'P2');
    // Section 五 is identical in both (VALID_SECTION_5): flagged too; every compared section is
    // flagged, so no whole-prose finding.
    assert.equal(fs.length, 2);
    assertFinding(fs[0], {
      rule: 'P2',
      severity: 'warning',
      section: '1',
      row: null,
      column: null,
      labels: { section: '一、总体情况', row: null, column: null },
      says: ['与2019年度报告的同一部分相似度为 93%', '疑似照抄上一年度报告'],
    });
    assertFinding(fs[1], {
      rule: 'P2',
      severity: 'warning',
      section: '5',
      row: null,
      column: null,
      labels: { section: '五、政府信息公开工作存在的主要问题及改进情况', row: null, column: null },
      says: ['完全相同（相似度 100%）'],
    });
  });

  it('(a) rewritten prose is fine; short sections such as 无 are not compared', () => {
    const prev = lastYear();
    prev.sections['1'] = seedProse()['1'];
    prev.sections['5'] = seedProse()['5'].replace('结合街道实际情况', '结合本镇实际情况');
    const r = validReport2019(); // 六 is 无。 in both
    assert.deepEqual(ofRule(checkReport(r, { previous: prev }), 'P2'), []);
  });

  it('(a) the whole prose when no single section says it', () => {
    const prev = lastYear();
    const r = validReport2019();
    // Each section under 50 characters, together a copy.
    const parts = ['一是健全组织网络，形成齐抓共管合力，把政府信息公开作为重要工作来抓。', '下一步将加强队伍建设，提升信息公开水平，及时回应社会关切。', '无其他需要报告的事项，本年度未收取信息处理费用。'];
    prev.sections = { '1': parts[0]!, '5': parts[1]!, '6': parts[2]! };
    r.sections = { '1': parts[0]!, '5': parts[1]!, '6': parts[2]! };
    const fs = ofRule(checkReport(r, { previous: prev }), 'P2');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P2',
      severity: 'warning',
      section: null,
      row: null,
      column: null,
      labels: { section: null, row: null, column: null },
      says: ['正文（第一、五、六部分合计）与2019年度报告完全相同'],
    });
  });

  it('(b) the seed: a town whose section 五 speaks of 街道', () => {
    const r = validReport2019();
    r.agency = '市中区永安镇政府';
    r.sections['5'] = seedProse()['5'];
    const fs = ofRule(checkReport(r), 'P2');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P2',
      severity: 'warning',
      section: '5',
      row: null,
      column: null,
      labels: { section: '五、政府信息公开工作存在的主要问题及改进情况', row: null, column: null },
      says: ['写有「结合街道实际情况」', '本报告的机关「市中区永安镇政府」是镇，正文却出现“街道”', '疑似照抄自某街道的报告'],
    });
  });

  it('(b) other agency kinds', () => {
    const cases: [string, string, string][] = [
      ['东城街道办事处', '下一步，我镇将加强队伍建设，提升公开水平。', '“我镇”'],
      ['临河县教育局', '全镇各学校均设立公开栏。', '“全镇”'],
      ['临河县教育局', '我街道进一步完善公开目录。', '“我街”'],
      ['青山乡人民政府', '结合街道实际，规范公开内容。', '“街道”'],
      ['青山乡人民政府', '我镇进一步完善公开目录。', '“我镇”'],
      ['临河县人民政府', '我镇进一步完善公开目录。', '“我镇”'],
      ['青山镇人民政府', '我局进一步完善公开目录。', '“我局”'],
    ];
    for (const [agency, text, word] of cases) {
      const r = validReport2019();
      r.agency = agency;
      r.sections['1'] = `${VALID_SECTION_1}\n${text}`;
      const fs = ofRule(checkReport(r), 'P2');
      assert.equal(fs.length, 1, `${agency}: ${text}`);
      assert.ok(fs[0]!.message.includes(word), fs[0]!.message);
    }
  });

  it('(b) several traces in one section: one finding that counts them', () => {
    const r = validReport2019();
    r.agency = '东城街道办事处';
    r.sections['5'] = `${VALID_SECTION_5}\n我镇将加强培训。全镇各村居及时更新信息。`;
    const fs = ofRule(checkReport(r), 'P2');
    assert.equal(fs.length, 1);
    assert.match(fs[0]!.message, /（本部分共 2 处）/);
  });

  it('(b) guards: listings, physical streets, a government speaking of its streets', () => {
    const quiet: [string, string][] = [
      ['青山镇人民政府', '指导各镇（街道）做好公开工作，乡镇街道同步推进。'],
      ['青山镇人民政府', '公开栏设在街道两旁，同步开展街道卫生整治。'],
      ['青山镇人民政府', '健全镇村两级公开体系，完善全镇公开目录。'],
      ['临河县人民政府', '指导各街道办事处、全镇各村居做好公开工作。'],
      ['临河县教育局', '全县各学校、全市教育系统均设立公开栏。'],
      ['新华镇街道办事处', '我街进一步完善公开目录，本街道各社区及时更新。'],
      ['某某中心校', '我镇各学校及时更新。'], // unknown kind: nothing to compare
    ];
    for (const [agency, text] of quiet) {
      const r = validReport2019();
      r.agency = agency;
      r.sections['1'] = `${VALID_SECTION_1}\n${text}`;
      assert.deepEqual(ofRule(checkReport(r), 'P2'), [], `${agency}: ${text}`);
    }
  });

  it('(b) another year used as the reporting year', () => {
    const r = validReport2019(); // 2020
    r.sections['5'] = `2017年，我镇政府信息公开工作取得了新的成效。\n${VALID_SECTION_5}`;
    const fs = ofRule(checkReport(r), 'P2');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P2',
      severity: 'warning',
      section: '5',
      row: null,
      column: null,
      labels: { section: '五、政府信息公开工作存在的主要问题及改进情况', row: null, column: null },
      says: ['写「2017年，我镇政府信息公开工作取得了新的成效」', '把2017年当作报告年度，但本报告是2020年度报告'],
    });
    r.sections['5'] = VALID_SECTION_5;
    r.sections['1'] = `本年度报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。\n${VALID_SECTION_1}`;
    const f2 = ofRule(checkReport(r), 'P2');
    assert.equal(f2.length, 1);
    assert.equal(f2[0]!.section, '1');
    assert.match(f2[0]!.message, /统计期限自2019年/);
  });

  it('(b) years next to the report year and history are fine', () => {
    const r = validReport2019(); // 2020
    r.sections['5'] = `2020年，我镇政府信息公开工作取得了新的成效。\n2019年，我镇开展了培训。\n2021年，我镇将加强队伍建设。\n2008年以来，我镇坚持公开。\n${VALID_SECTION_5}`;
    r.sections['1'] = `本年度报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。\n${VALID_SECTION_1}`;
    assert.deepEqual(ofRule(checkReport(r), 'P2'), []);
  });

  it('agencyKind', () => {
    const cases: [string | null, string | null][] = [
      ['市中区永安镇政府', 'town'],
      ['市中区永安镇人民政府', 'town'],
      ['永安镇', 'town'],
      ['青山乡人民政府', 'township'],
      ['东城街道办事处', 'street'],
      ['东城街道', 'street'],
      ['临河县教育局', 'department'],
      ['临河县卫生健康委员会', 'department'],
      ['临河县人民政府办公室', 'department'],
      ['临河县人民政府', 'government'],
      ['市中区人民政府', 'government'],
      ['某某中心校', null],
      [null, null],
    ];
    for (const [a, k] of cases) assert.equal(agencyKind(a), k, String(a));
  });
});

describe('P3 sections 五 and 六', () => {
  const five = (text: string) => {
    const r = validReport2019();
    r.sections['5'] = text;
    return ofRule(checkReport(r), 'P3');
  };
  const S5 = { section: '5' as const, row: null, column: null, labels: { section: '五、政府信息公开工作存在的主要问题及改进情况', row: null, column: null } };

  it('五 empty, 无, too short, without improvement', () => {
    let fs = five('  ');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], { rule: 'P3', severity: 'warning', ...S5, says: ['没有内容'] });
    fs = five('无。');
    assertFinding(fs[0], { rule: 'P3', severity: 'warning', ...S5, says: ['只写了「无。」'] });
    fs = five('下一步将继续加强信息公开工作。');
    assertFinding(fs[0], { rule: 'P3', severity: 'warning', ...S5, says: ['内容过于简单（仅 14 字'] });
    fs = five('本年度政府信息公开工作按照上级要求开展，各项工作有序推进，取得了良好的社会效果，群众满意度较高，公开质量稳步向好。');
    assertFinding(fs[0], { rule: 'P3', severity: 'warning', ...S5, says: ['没有写到问题或改进措施'] });
    assert.deepEqual(five(VALID_SECTION_5), []);
    assert.deepEqual(five(seedProse()['5']), []);
  });

  it('六 empty must say 无', () => {
    const r = validReport2019();
    r.sections['6'] = '';
    const fs = ofRule(checkReport(r), 'P3');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P3',
      severity: 'warning',
      section: '6',
      row: null,
      column: null,
      labels: { section: '六、其他需要报告的事项', row: null, column: null },
      says: ['是空白', '应明确写“无”'],
    });
    r.sections['6'] = '无';
    assert.deepEqual(ofRule(checkReport(r), 'P3'), []);
  });

  it('2021: 六 reports the information-processing fee (verify wording)', () => {
    const r = validReport2021();
    r.sections['6'] = '无。';
    const fs = ofRule(checkReport(r), 'P3');
    assert.equal(fs.length, 1);
    assertFinding(fs[0], {
      rule: 'P3',
      severity: 'warning',
      section: '6',
      row: null,
      column: null,
      labels: { section: '六、其他需要报告的事项', row: null, column: null },
      says: ['没有报告信息处理费的收取情况'],
    });
    for (const ok of ['本年度未收取信息处理费。', '本年度共收取信息处理费300元。', '本机关未发出收费通知。']) {
      r.sections['6'] = ok;
      assert.deepEqual(ofRule(checkReport(r), 'P3'), [], ok);
    }
    r.sections['6'] = '';
    const empty = ofRule(checkReport(r), 'P3');
    assert.equal(empty.length, 1);
    assert.match(empty[0]!.message, /应明确写“无”；2021版格式还应在此报告信息处理费/);
  });
});
