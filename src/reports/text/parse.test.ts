import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ReportInputError } from '../errors.js';
import { FORMATS } from '../format.js';
import { isAmount, validateReportJson } from '../report.js';
import { decodeReportBytes } from './decode.js';
import { canonicalProse, parseReportText } from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/reports/${name}`, import.meta.url));
const text = (name: string) => fixture(name).toString('utf8');

/** Every value of a table, flattened. */
function values(t: Record<string, Record<string, unknown>>): unknown[] {
  return Object.values(t).flatMap((r) => Object.values(r));
}

function allZero(t: Record<string, Record<string, unknown>>, except: string[] = []): void {
  for (const [row, cells] of Object.entries(t)) {
    if (except.includes(row)) continue;
    for (const [col, v] of Object.entries(cells)) assert.equal(isAmount(v) ? v.value : v, 0, `${row}.${col}`);
  }
}

describe('parseReportText — the seed (2020 town report, one cell per line)', () => {
  const { report, info } = parseReportText(text('seed-2020-yongan.txt'));

  it('reads agency, year and format from the title and labels', () => {
    assert.equal(report.agency, '市中区永安镇政府');
    assert.equal(report.year, 2020);
    assert.equal(report.format, '2019');
    assert.equal(info.title, '市中区永安镇政府2020年度政府信息公开工作年度报告');
    assert.equal(info.formatBy, 'labels');
    assert.ok(info.formatEvidence['2019'] >= 9);
    assert.equal(info.formatEvidence['2021'], 0);
    assert.deepEqual(info.foreignLabels, []);
  });

  it('reads every table cell: zeros, and the three blank cells of 行政强制', () => {
    allZero(report.applications);
    allZero(report.reviews);
    allZero(report.proactive, ['enforcement']);
    assert.deepEqual(report.proactive['enforcement'], { items_last_year: null, change: null, decisions: null });
    assert.deepEqual(report.proactive['procurement'], { projects: 0, amount: { value: 0, unit: null } });
    assert.deepEqual(
      info.cells.map((c) => [c.section, c.row, c.column, c.problem, c.raw, c.line]),
      [
        ['2', 'enforcement', 'items_last_year', 'blank', '', 55],
        ['2', 'enforcement', 'change', 'blank', '', 56],
        ['2', 'enforcement', 'decisions', 'blank', '', 57],
      ],
    );
  });

  it('reads the prose sections', () => {
    assert.ok(report.sections['1']!.startsWith('一是健全组织网络'));
    assert.ok(report.sections['1']!.includes('\n二是规范公开程序'));
    assert.ok(report.sections['5']!.includes('街道'));
    assert.ok(report.sections['5']!.startsWith('2020年，我镇政府信息公开工作'));
    assert.equal(report.sections['6'], '无');
  });

  it('records the six headings in order, nothing missing, nothing truncated', () => {
    assert.deepEqual(
      info.headings.map((h) => [h.section, h.numeral, h.line]),
      [
        ['1', '一', 2],
        ['2', '二', 5],
        ['3', '三', 83],
        ['4', '四', 345],
        ['5', '五', 392],
        ['6', '六', 397],
      ],
    );
    assert.equal(info.headings[0]!.text, '一、总体情况');
    assert.equal(info.headings[4]!.text, '五、存在的主要问题及改进情况');
    assert.equal(info.truncated, null);
    assert.deepEqual(info.missingRows, []);
    assert.deepEqual(info.missingColumns, []);
    assert.deepEqual(info.extraRows, []);
    assert.deepEqual(info.notes, []);
  });

  it('gives a report that passes the JSON schema', () => {
    assert.deepEqual(validateReportJson(JSON.parse(JSON.stringify(report))), report);
  });

  it('reads the same without the TAB prefixes (blank cells become empty lines) and with CRLF', () => {
    const seed = text('seed-2020-yongan.txt');
    const noTabs = parseReportText(seed.replace(/^\t/gm, ''));
    assert.deepEqual(noTabs.report, report);
    assert.deepEqual(noTabs.info.cells.map((c) => [c.row, c.column, c.problem]), info.cells.map((c) => [c.row, c.column, c.problem]));
    assert.deepEqual(parseReportText(seed.replace(/\n/g, '\r\n')).report, report);
  });

  it('reads the GBK-encoded copy the same way', () => {
    const decoded = decodeReportBytes(fixture('seed-2020-yongan.gbk.txt'));
    assert.equal(decoded.encoding, 'gb18030');
    assert.deepEqual(decoded.notes, ['按 GB18030/GBK 解码']);
    // The GBK copy has ASCII spaces where the seed has U+2002 (GBK has no U+2002).
    assert.equal(decoded.text, text('seed-2020-yongan.txt').replace(/\u2002/g, ' '));
    const gbk = parseReportText(decoded.text);
    assert.deepEqual(gbk.report, report);
    assert.equal(gbk.info.cells.length, 3);
  });
});

describe('parseReportText — hand-made fixtures', () => {
  it('a valid 2021 report in markdown pipe tables', () => {
    const { report, info } = parseReportText(text('valid-2021-pipe.txt'));
    assert.equal(report.format, '2021');
    assert.equal(report.agency, '青山县人民政府办公室');
    assert.equal(report.year, 2021);
    assert.equal(info.title, '青山县人民政府办公室关于2021年政府信息公开工作年度报告');
    assert.deepEqual(report.proactive, {
      rules: { issued: 0, repealed: 0, in_force: 0 },
      normative_documents: { issued: 5, repealed: 1, in_force: 23 },
      licensing: { decisions: 356 },
      penalty: { decisions: 12 },
      enforcement: { decisions: 0 },
      fees: { amount_wan_yuan: 0.35 },
    });
    assert.deepEqual(report.applications['1'], { natural_person: 12, commercial: 2, research: 0, public_interest: 0, legal_services: 0, other: 0, total: 14 });
    assert.deepEqual(report.applications['3.3.4'], { natural_person: 0, commercial: 1, research: 0, public_interest: 0, legal_services: 0, other: 0, total: 1 });
    assert.deepEqual(report.applications['3.7'], { natural_person: 10, commercial: 2, research: 0, public_interest: 0, legal_services: 0, other: 0, total: 12 });
    assert.deepEqual(report.applications['4']!.total, 3);
    assert.deepEqual(report.applications['3.6.3']!.total, 0);
    assert.deepEqual(report.reviews, {
      reconsideration: { upheld: 1, corrected: 0, other: 0, pending: 1, total: 2 },
      litigation_direct: { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 },
      litigation_after: { upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 },
    });
    // Leading full-width indentation trimmed, the double empty line collapsed to one.
    assert.equal(
      report.sections['1'],
      '2021年，县政府办公室认真贯彻落实《条例》，扎实推进政府信息公开工作。\n（一）主动公开\n全年主动公开政府信息1,236条。\n\n（二）依申请公开\n全年共收到政府信息公开申请14件，上年结转1件，办结12件，结转下年度3件。',
    );
    assert.equal(report.sections['6'], '本年度未收取信息处理费。');
    assert.deepEqual(info.headings.map((h) => h.section), ['1', '2', '3', '4', '5', '6']);
    assert.deepEqual(info.formatEvidence, { '2019': 0, '2021': 7 });
    assert.deepEqual([info.cells, info.missingRows, info.missingColumns, info.extraRows, info.notes], [[], [], [], [], []]);
    assert.equal(info.truncated, null);
  });

  it('a 2021 report in the seed layout: artefacts before the title, headers over two lines, 3000元 converted', () => {
    const { report, info } = parseReportText(text('seed-layout-2021.txt'));
    assert.equal(report.format, '2021');
    assert.equal(report.agency, '临河县教育局');
    assert.equal(report.year, 2022);
    assert.equal(info.title, '2022年临河县教育局政府信息公开工作年度报告');
    assert.deepEqual(report.proactive['normative_documents'], { issued: 1, repealed: 0, in_force: 4 });
    assert.deepEqual(report.proactive['licensing'], { decisions: 8 });
    assert.deepEqual(report.proactive['penalty'], { decisions: 2 });
    assert.deepEqual(report.proactive['fees'], { amount_wan_yuan: 0.3 });
    assert.deepEqual(info.notes, ['第56行“行政事业性收费”的本年收费金额（单位：万元）写作“3000元”，已按万元折算为0.3']);
    assert.equal(report.applications['3.6.1']!.natural_person, 1);
    assert.equal(report.applications['3.6.2']!.total, 0);
    assert.equal(report.applications['3.7']!.total, 3);
    assert.equal(report.applications['1']!.total, 3);
    assert.equal(values(report.applications).filter((v) => v === null).length, 0);
    allZero(report.reviews);
    assert.ok(report.sections['1']!.startsWith('（一）主动公开情况\n一是完善工作机制'));
    assert.equal(info.headings.length, 6);
    assert.deepEqual([info.cells, info.missingRows, info.missingColumns, info.extraRows], [[], [], [], []]);
  });

  it('a 2019 report: two-line title, full-width digits, units, placeholders, unreadable cells, amount in 万元', () => {
    const { report, info } = parseReportText(text('fullwidth-2019.txt'));
    assert.equal(report.format, '2019');
    assert.equal(info.title, '南湖区民政局2020年政府信息公开工作年度报告');
    assert.equal(report.agency, '南湖区民政局');
    assert.equal(report.year, 2020);
    assert.deepEqual(report.proactive, {
      rules: { made: 0, published: 0, total_published: 0 },
      normative_documents: { made: 2, published: 2, total_published: 1234 },
      licensing: { items_last_year: 12, change: null, decisions: null },
      other_services: { items_last_year: 5, change: -2, decisions: 1020 },
      penalty: { items_last_year: null, change: 0, decisions: null },
      enforcement: { items_last_year: 0, change: null, decisions: null },
      fees: { items_last_year: null, change: null },
      procurement: { projects: 3, amount: { value: 12.5, unit: '万元' } },
    });
    assert.deepEqual(
      info.cells.map((c) => [c.section, c.row, c.column, c.problem, c.raw]),
      [
        ['2', 'licensing', 'change', 'blank', '—'],
        ['2', 'licensing', 'decisions', 'blank', '/'],
        ['2', 'penalty', 'items_last_year', 'unreadable', '约5'],
        ['2', 'penalty', 'decisions', 'unreadable', '三'],
        ['2', 'enforcement', 'change', 'blank', ''],
        ['2', 'enforcement', 'decisions', 'blank', '／'],
        ['2', 'fees', 'items_last_year', 'blank', '无'],
        ['2', 'fees', 'change', 'blank', '——'],
        ['3', '4', 'total', 'blank', ''],
      ],
    );
    assert.deepEqual(report.applications['1'], { natural_person: 1, commercial: 0, research: 0, public_interest: 0, legal_services: 0, other: 0, total: 1 });
    assert.equal(report.applications['3.1']!.natural_person, 1);
    assert.equal(report.applications['3.6']!.total, 0);
    allZero(report.reviews);
    assert.equal(info.headings[4]!.text, '五、政府信息公开工作存在的主要问题及改进情况');
    assert.equal(report.sections['6'], '无。');
    assert.deepEqual([info.missingRows, info.missingColumns, info.extraRows, info.notes], [[], [], [], []]);
  });

  it('a truncated document (stops inside table 三)', () => {
    const { report, info } = parseReportText(text('truncated-2020.txt'));
    assert.equal(report.format, '2019');
    assert.deepEqual(report.applications['3.5.2'], { natural_person: 0, commercial: 0, research: 0, public_interest: 0, legal_services: null, other: null, total: null });
    assert.deepEqual(
      info.cells.filter((c) => c.problem === 'missing').map((c) => [c.row, c.column, c.raw]),
      [
        ['3.5.2', 'legal_services', null],
        ['3.5.2', 'other', null],
        ['3.5.2', 'total', null],
      ],
    );
    assert.deepEqual(
      info.missingRows.map((r) => r.row),
      ['3.5.3', '3.5.4', '3.5.5', '3.6', '3.7', '4', 'reconsideration', 'litigation_direct', 'litigation_after'],
    );
    // Missing rows are not also listed cell by cell.
    assert.ok(!info.cells.some((c) => c.row === '3.5.3' || c.section === '4'));
    assert.deepEqual(info.truncated, {
      line: 277,
      message: '在表三中结束：表三缺少自“3.要求提供公开出版物”起6行和3个单元格；缺少第四、五、六部分',
    });
    assert.deepEqual(info.headings.map((h) => h.section), ['1', '2', '3']);
    assert.deepEqual([report.sections['5'], report.sections['6']], [null, null]);
    // Every row and column is still in the JSON, null where missing.
    assert.deepEqual(Object.keys(report.applications).sort(), FORMATS['2019'].applicationRows.map((r) => r.id).sort());
    assert.deepEqual(report.reviews['litigation_after'], { upheld: null, corrected: null, other: null, pending: null, total: null });
  });

  it('a document in neither format (a meeting notice) is refused', () => {
    assert.throws(
      () => parseReportText(text('notice-not-a-report.txt')),
      (e: unknown) => e instanceof ReportInputError && e.message.startsWith('无法识别：既不是2019版也不是2021版政府信息公开工作年度报告'),
    );
  });

  it('a 2021 report written with the 2019 labels parses as the 2019 format', () => {
    const { report, info } = parseReportText(text('year2021-labels2019.txt'));
    assert.equal(report.format, '2019');
    assert.equal(report.year, 2021);
    assert.equal(report.agency, '东城街道办事处');
    assert.equal(info.formatBy, 'labels');
    assert.deepEqual(info.formatEvidence, { '2019': 10, '2021': 1 });
    assert.deepEqual(info.foreignLabels, ['行政规范性文件']);
    assert.deepEqual(report.proactive['normative_documents'], { made: 1, published: 1, total_published: 6 });
    assert.deepEqual(report.proactive['penalty'], { items_last_year: 3, change: -1, decisions: 25 });
    assert.deepEqual(report.proactive['procurement'], { projects: 6, amount: { value: 251000, unit: '元' } });
    allZero(report.applications);
    assert.deepEqual([info.cells, info.missingRows, info.missingColumns], [[], [], []]);
  });

  it('local extra rows are noted and ignored', () => {
    const { report, info } = parseReportText(text('extra-rows-2021.txt'));
    assert.equal(report.format, '2021');
    assert.equal(report.agency, '西关街道办事处');
    assert.equal(report.year, 2022);
    assert.deepEqual(info.extraRows, [
      { section: '2', label: '政务新媒体发布信息', line: 9 },
      { section: '3', label: '其中：网上申请', line: 25 },
    ]);
    assert.deepEqual(report.proactive['normative_documents'], { issued: 0, repealed: 0, in_force: 2 });
    assert.equal(report.applications['1']!.natural_person, 4);
    assert.equal(report.applications['2']!.natural_person, 0);
    assert.deepEqual([info.cells, info.missingRows, info.missingColumns], [[], [], []]);
  });

  it('tab-separated rows; no year in the title (found in the text); artefacts, page numbers, form feed', () => {
    const { report, info } = parseReportText(text('tab-rows-2021.txt'));
    assert.equal(report.format, '2021');
    assert.equal(report.agency, '北林县卫生健康委员会');
    assert.equal(report.year, 2021);
    assert.deepEqual(info.notes, ['标题中没有年度，按正文推断为2021年']);
    assert.deepEqual(report.proactive['licensing'], { decisions: 1024 });
    assert.deepEqual(report.proactive['fees'], { amount_wan_yuan: 12.75 });
    assert.deepEqual(report.applications['3.4.1'], { natural_person: 0, commercial: 1, research: 0, public_interest: 0, legal_services: 0, other: 0, total: 1 });
    assert.deepEqual(report.applications['3.7']!.total, 2);
    assert.deepEqual(report.reviews['reconsideration'], { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 });
    assert.equal(report.sections['1'], '（一）主动公开情况\n2021年，主动公开政府信息326条。\n\n（二）依申请公开情况\n全年收到政府信息公开申请2件。');
    assert.equal(report.sections['6'], '无');
    assert.equal(info.headings[5]!.text, '六、其他需要报告的事项');
    assert.deepEqual([info.cells, info.missingRows, info.missingColumns, info.extraRows], [[], [], [], []]);
  });
});

describe('parseReportText — variants', () => {
  const head = (title: string) => `${title}\n一、总体情况\n无\n`;

  for (const [title, agency, year] of [
    ['市中区永安镇政府2020年度政府信息公开工作年度报告', '市中区永安镇政府', 2020],
    ['2022年XX区人民政府政府信息公开工作年度报告', 'XX区人民政府', 2022],
    ['XX市人民政府办公室关于2021年政府信息公开工作年度报告', 'XX市人民政府办公室', 2021],
    ['二〇二一年度XX县司法局政府信息公开工作年度报告', 'XX县司法局', 2021],
    ['ＸＸ局２０２３年度政府信息公开工作年度报告', 'ＸＸ局', 2023],
    ['××××年度政府信息公开工作年度报告', null, null],
  ] as const) {
    it(`title ${title}`, () => {
      const { report, info } = parseReportText(`\n[bookmark: x]\n- 1 -\n第1页 共3页\n\f${head(title)}二、主动公开政府信息情况\n`);
      assert.equal(report.agency, agency);
      assert.equal(report.year, year);
      assert.equal(info.title, title);
    });
  }

  it('a title over two lines (agency / year and document)', () => {
    const { report, info } = parseReportText(`XX局\n2021年政府信息公开工作年度报告\n${head('').slice(1)}二、主动公开政府信息情况\n`);
    assert.equal(info.title, 'XX局2021年政府信息公开工作年度报告');
    assert.deepEqual([report.agency, report.year], ['XX局', 2021]);
  });

  it('no table labels at all: the format follows the year and everything is missing', () => {
    const { report, info } = parseReportText('XX局2020年度政府信息公开工作年度报告\n一、总体情况\n本年度工作平稳。\n二、主动公开政府信息情况\n（略）\n');
    assert.equal(report.format, '2019');
    assert.equal(info.formatBy, 'year');
    assert.deepEqual(info.formatEvidence, { '2019': 0, '2021': 0 });
    assert.equal(info.missingRows.length, 8 + 23 + 3);
    assert.ok(values(report.applications).every((v) => v === null));
    assert.ok(info.notes.some((n) => n.includes('按年度（2020年）定为2019版格式')));
    assert.equal(info.truncated, null);
  });

  it('does not take table-三 row labels or prose sub-headings for section headings', () => {
    const doc = [
      'XX局2021年度政府信息公开工作年度报告',
      '一、总体情况',
      '（一）主动公开情况',
      '一是加强领导。',
      '二、加强队伍建设。',
      '三、收到和处理政府信息公开申请情况',
      '一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0',
      '三、本年度办理结果',
      '四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0',
      '四、政府信息公开行政复议、行政诉讼情况',
    ].join('\n');
    const { info, report } = parseReportText(doc);
    assert.deepEqual(info.headings.map((h) => [h.section, h.line]), [
      ['1', 2],
      ['3', 6],
      ['4', 10],
    ]);
    assert.equal(report.sections['1'], '（一）主动公开情况\n一是加强领导。\n二、加强队伍建设。');
    assert.equal(report.applications['1']!.total, 0);
    assert.equal(report.applications['4']!.total, 0);
  });

  it('records headings out of order and keeps wording variants', () => {
    const doc = ['XX局2021年度政府信息公开工作年度报告', '一、总体情况', 'a', '三、收到和处理政府信息公开申请情况', '二、主动公开政府信息情况', '五、存在的问题和改进措施', 'b', '六、其他事项', '无'].join('\n');
    const { info, report } = parseReportText(doc);
    assert.deepEqual(info.headings.map((h) => h.section), ['1', '3', '2', '5', '6']);
    assert.equal(info.headings[3]!.text, '五、存在的问题和改进措施');
    assert.deepEqual(report.sections, { '1': 'a', '5': 'b', '6': '无' });
  });

  it('reads a table whose section heading is missing (the table ends the prose)', () => {
    const doc = ['XX局2020年度政府信息公开工作年度报告', '一、总体情况', '工作平稳。', '第二十条第（一）项', '信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量', '规章 | 1 | 2 | 3'].join('\n');
    const { report, info } = parseReportText(doc);
    assert.equal(report.sections['1'], '工作平稳。');
    assert.deepEqual(report.proactive['rules'], { made: 1, published: 2, total_published: 3 });
    assert.equal(report.format, '2019');
    assert.ok(info.truncated);
  });

  it('a 2019 amount with a unit in the header; 2021 amounts in 元 and 千元 converted', () => {
    const r19 = parseReportText('XX局2020年度政府信息公开工作年度报告\n第二十条第（九）项\n信息内容 | 采购项目数量 | 采购总金额（万元）\n政府集中采购 | 2 | 25.1\n');
    assert.deepEqual(r19.report.proactive['procurement'], { projects: 2, amount: { value: 25.1, unit: '万元' } });
    const r19b = parseReportText('XX局2020年度政府信息公开工作年度报告\n第二十条第（九）项\n信息内容 | 采购项目数量 | 采购总金额\n政府集中采购 | 2个 | 251000元\n');
    assert.deepEqual(r19b.report.proactive['procurement'], { projects: 2, amount: { value: 251000, unit: '元' } });
    const r21 = parseReportText('XX局2021年度政府信息公开工作年度报告\n第二十条第（八）项\n信息内容 | 本年收费金额（单位：元）\n行政事业性收费 | 1500\n');
    assert.deepEqual(r21.report.proactive['fees'], { amount_wan_yuan: 0.15 });
    assert.equal(r21.info.notes.length, 1);
  });

  it('a row shorter than its header: the rest is missing; a header without a column maps to the columns it names', () => {
    const doc = [
      'XX局2021年度政府信息公开工作年度报告',
      '三、收到和处理政府信息公开申请情况',
      '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况',
      ' | 自然人 | 法人或其他组织 |  |  |  | 总计',
      ' |  | 商业企业 | 科研机构 | 法律服务机构 | 其他',
      '一、本年新收政府信息公开申请数量 | 1 | 2 | 3 | 4 | 5 | 15',
      '二、上年结转政府信息公开申请数量 | 1 | 2',
      '四、政府信息公开行政复议、行政诉讼情况',
    ].join('\n');
    const { report, info } = parseReportText(doc);
    assert.deepEqual(info.missingColumns, [{ section: '3', block: null, column: 'public_interest', label: '社会公益组织' }]);
    assert.deepEqual(report.applications['1'], { natural_person: 1, commercial: 2, research: 3, public_interest: null, legal_services: 4, other: 5, total: 15 });
    assert.deepEqual(report.applications['2'], { natural_person: 1, commercial: 2, research: null, public_interest: null, legal_services: null, other: null, total: null });
    assert.deepEqual(
      info.cells.filter((c) => c.row === '2').map((c) => [c.column, c.problem]),
      ['research', 'public_interest', 'legal_services', 'other', 'total'].map((c) => [c, 'missing']),
    );
    assert.ok(!info.cells.some((c) => c.row === '1'));
  });

  it('table 四 written as one row per group', () => {
    const doc = [
      'XX局2021年度政府信息公开工作年度报告',
      '四、政府信息公开行政复议、行政诉讼情况',
      ' | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计',
      '行政复议 | 1 | 0 | 0 | 0 | 1',
      '未经复议直接起诉 | 0 | 0 | 0 | 2 | 2',
      '复议后起诉 | 0 | — | 0 | 0 | 0',
    ].join('\n');
    const { report, info } = parseReportText(doc);
    assert.deepEqual(report.reviews, {
      reconsideration: { upheld: 1, corrected: 0, other: 0, pending: 0, total: 1 },
      litigation_direct: { upheld: 0, corrected: 0, other: 0, pending: 2, total: 2 },
      litigation_after: { upheld: 0, corrected: null, other: 0, pending: 0, total: 0 },
    });
    assert.deepEqual(info.cells, [{ section: '4', row: 'litigation_after', column: 'corrected', problem: 'blank', raw: '—', line: 6 }]);
  });

  it('text in a table section that is not a table is ignored but noted', () => {
    const doc = [
      'XX局2021年度政府信息公开工作年度报告',
      '二、主动公开政府信息情况',
      '本年度主动公开信息情况见下表。',
      '第二十条第（五）项',
      '信息内容 | 本年处理决定数量',
      '行政许可 | 7',
    ].join('\n');
    const { report, info } = parseReportText(doc);
    assert.deepEqual(report.proactive['licensing'], { decisions: 7 });
    assert.deepEqual(info.notes, [
      '表格中没有区分两种格式的标签，按年度（2021年）定为2021版格式',
      '第二部分有1处表格以外的文字未读取（第3行：“本年度主动公开信息情况见下表。”）',
    ]);
  });

  it('only digits are values: a blank is never filled with 0', () => {
    const doc = 'XX局2021年度政府信息公开工作年度报告\n第二十条第（六）项\n信息内容 | 本年处理决定数量\n行政处罚 | \n行政强制 | 不详\n';
    const { report, info } = parseReportText(doc);
    assert.deepEqual(report.proactive['penalty'], { decisions: null });
    assert.deepEqual(report.proactive['enforcement'], { decisions: null });
    assert.deepEqual(info.cells.map((c) => [c.row, c.problem, c.raw]), [
      ['penalty', 'blank', ''],
      ['enforcement', 'unreadable', '不详'],
    ]);
  });

  it('canonicalProse trims lines, collapses empty lines, drops artefacts and page numbers', () => {
    assert.equal(canonicalProse('\n\n\u3000\u3000第一段。  \n\n\n\t第二段。\r\n- 2 -\n[image: a.png]\n第三段[bookmark: _GoBack]\n\n'), '第一段。\n\n第二段。\n第三段');
    assert.equal(canonicalProse(' \n\u3000\n'), null);
    assert.equal(canonicalProse('无'), '无');
  });
});

describe('parseReportText — size', () => {
  // Speed is measured by `npm run bench`, never asserted here.
  it('reads a large text (≈ 20 MB): long prose and a long run of extra cells', () => {
    const seed = text('seed-2020-yongan.txt');
    const filler = '根据工作安排，进一步加强政府信息公开工作，全面提升公开质量和实效。\n'.repeat(200_000);
    const cells = '\t0\n'.repeat(300_000);
    const doc = seed.replace('五、存在的主要问题及改进情况\n', `五、存在的主要问题及改进情况\n${filler}`).replace('\t0\n\n\n\u2002\n五、', `\t0\n${cells}\n\n\u2002\n五、`);
    assert.ok(Buffer.byteLength(doc) > 20_000_000);
    const { report, info } = parseReportText(doc);
    assert.equal(report.reviews['litigation_after']!.total, 0);
    assert.ok(report.sections['5']!.length > 6_000_000);
    assert.ok(info.notes.length < 10);
  });
});
