/**
 * Factories for the check tests: valid reports of both formats (tables that add up, complete prose
 * quoting them, a good title), the ParseInfo a text import of them would give, and the seed's
 * situation (test/fixtures/reports/seed-2020-yongan.txt) built by hand.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Finding } from '../finding.js';
import { APPLICANT_COLUMN_IDS, FORMATS, REVIEW_PART_IDS, SECTION_IDS } from '../format.js';
import { emptyParseInfo, type ParseInfo } from '../parse-info.js';
import { filledReport, type Report } from '../report.js';
import { SECTION_NUMERALS } from './context.js';

export type AppCells = Record<string, Partial<Record<string, number>>>;

/** Sets table 三 cells (others stay as they are) and recomputes every row's total. */
export function setApplications(r: Report, cells: AppCells): Report {
  for (const [row, cols] of Object.entries(cells)) for (const [c, v] of Object.entries(cols)) r.applications[row]![c] = v!;
  for (const row of Object.values(r.applications)) {
    if (APPLICANT_COLUMN_IDS.every((c) => typeof row[c] === 'number'))
      row['total'] = APPLICANT_COLUMN_IDS.reduce((s, c) => s + (row[c] as number), 0);
  }
  return r;
}

/** Sets one review group's parts and its total. */
export function setReview(r: Report, group: string, parts: { upheld?: number; corrected?: number; other?: number; pending?: number }): Report {
  const g = r.reviews[group]!;
  for (const p of REVIEW_PART_IDS) g[p] = parts[p as keyof typeof parts] ?? 0;
  g['total'] = REVIEW_PART_IDS.reduce((s, p) => s + (g[p] as number), 0);
  return r;
}

/**
 * Applications used by the valid reports: 8 new + 1 carried = 8 closed + 1 carried on.
 * 自然人: 6 new, 1 carried in; 3 公开, 1 部分公开, 1 第三方合法权益, 0 …; 1 carried out.
 * 商业企业: 2 new; 1 公开, 1 不掌握.
 */
const APPS: AppCells = {
  '1': { natural_person: 6, commercial: 2 },
  '2': { natural_person: 1 },
  '3.1': { natural_person: 3, commercial: 1 },
  '3.2': { natural_person: 1 },
  '3.3.4': { natural_person: 1 },
  '3.4.1': { natural_person: 1, commercial: 1 },
  '3.7': { natural_person: 6, commercial: 2 },
  '4': { natural_person: 1 },
};

export const VALID_SECTION_1 = [
  '（一）主动公开情况',
  '本年度通过政府门户网站主动公开政府信息356条，及时更新政府信息公开指南和目录。',
  '（二）依申请公开情况',
  '本年度共收到政府信息公开申请8件，上年结转1件。其中予以公开4件，部分公开1件，不予公开1件，无法提供2件，共办结8件，结转下年度1件。',
  '（三）政府信息管理',
  '严格落实公开前保密审查，全年未发生泄密事件。',
  '（四）平台建设',
  '依托政府门户网站政府信息公开专栏，及时更新各类信息，方便群众查询。',
  '（五）监督保障',
  '全年发生政府信息公开行政复议1起，结果维持；未发生行政诉讼。将政务公开纳入年度考核，定期开展检查。',
].join('\n');

export const VALID_SECTION_5 = [
  '存在的主要问题：一是公开内容的全面性和时效性有待提高；二是工作人员业务水平有待加强。',
  '下一步，我们将加强队伍建设，开展业务培训，进一步提升信息公开水平，及时回应社会关切。',
].join('\n');

/** A valid 2019-format report (year 2020) of a town that trips no rule. */
export function validReport2019(): Report {
  const r = filledReport('2019', '临河县青山镇人民政府', 2020, 0);
  r.proactive['rules'] = { made: 0, published: 0, total_published: 0 };
  r.proactive['normative_documents'] = { made: 3, published: 3, total_published: 12 };
  r.proactive['licensing'] = { items_last_year: 12, change: -2, decisions: 140 };
  r.proactive['procurement'] = { projects: 6, amount: { value: 251000, unit: '元' } };
  setApplications(r, APPS);
  setReview(r, 'reconsideration', { upheld: 1 });
  r.sections = { '1': VALID_SECTION_1, '5': VALID_SECTION_5, '6': '无。' };
  return r;
}

/** A valid 2021-format report (year 2022) of a county department that trips no rule. */
export function validReport2021(): Report {
  const r = filledReport('2021', '临河县教育局', 2022, 0);
  r.proactive['rules'] = { issued: 0, repealed: 0, in_force: 0 };
  r.proactive['normative_documents'] = { issued: 3, repealed: 1, in_force: 20 };
  r.proactive['licensing'] = { decisions: 120 };
  r.proactive['penalty'] = { decisions: 30 };
  r.proactive['enforcement'] = { decisions: 2 };
  r.proactive['fees'] = { amount_wan_yuan: 12.5 };
  setApplications(r, APPS);
  setReview(r, 'reconsideration', { upheld: 1 });
  r.sections = { '1': VALID_SECTION_1, '5': VALID_SECTION_5, '6': '本年度未收取信息处理费。无其他需要报告的事项。' };
  return r;
}

/** The ParseInfo of a clean text import of `r`: a title, the six official headings in order. */
export function textInfo(r: Report, title: string | null = `${r.agency}${r.year}年政府信息公开工作年度报告`): ParseInfo {
  const info = emptyParseInfo('text');
  const f = FORMATS[r.format];
  info.title = title;
  info.headings = SECTION_IDS.map((id, i) => ({
    section: id,
    text: f.sections.find((s) => s.id === id)!.label,
    line: 2 + i * 20,
    numeral: SECTION_NUMERALS[id],
  }));
  info.formatEvidence = { '2019': r.format === '2019' ? 9 : 0, '2021': r.format === '2021' ? 7 : 0 };
  return info;
}

// ---------------------------------------------------------------------------------------------
// The seed

const SEED_PATH = new URL('../../../test/fixtures/reports/seed-2020-yongan.txt', import.meta.url);

/** The prose sections 一, 五, 六 of the seed, copied from the fixture by its headings. */
export function seedProse(): { '1': string; '5': string; '6': string } {
  const lines = readFileSync(SEED_PATH, 'utf8').split(/\r?\n/);
  const at = (prefix: string) => lines.findIndex((l) => l.replace(/^\[bookmark: _GoBack\]/, '').startsWith(prefix));
  const slice = (from: number, to: number) => lines.slice(from + 1, to).join('\n').trim();
  return {
    '1': slice(at('一、'), at('二、')),
    '5': slice(at('五、'), at('六、')),
    '6': slice(at('六、'), lines.length),
  };
}

/** The seed as its importer should read it: 2019 format, year 2020, all zeros but 行政强制 blank. */
export function seedReport(): Report {
  const r = filledReport('2019', '市中区永安镇政府', 2020, 0);
  r.proactive['enforcement'] = { items_last_year: null, change: null, decisions: null };
  r.sections = seedProse();
  return r;
}

export function seedInfo(): ParseInfo {
  const info = emptyParseInfo('text');
  info.title = '市中区永安镇政府2020年度政府信息公开工作年度报告';
  info.headings = [
    { section: '1', text: '一、总体情况', line: 2, numeral: '一' },
    { section: '2', text: '二、主动公开政府信息情况', line: 5, numeral: '二' },
    { section: '3', text: '三、收到和处理政府信息公开申请情况', line: 114, numeral: '三' },
    { section: '4', text: '四、政府信息公开行政复议、行政诉讼情况', line: 338, numeral: '四' },
    { section: '5', text: '五、存在的主要问题及改进情况', line: 382, numeral: '五' },
    { section: '6', text: '六、其他需要报告的事项', line: 387, numeral: '六' },
  ];
  info.formatEvidence = { '2019': 9, '2021': 0 };
  info.cells = (['items_last_year', 'change', 'decisions'] as const).map((column) => ({
    section: '2' as const,
    row: 'enforcement',
    column,
    problem: 'blank' as const,
    raw: '',
    line: 58,
  }));
  return info;
}

// ---------------------------------------------------------------------------------------------
// Assertions

/** A finding as a test expects it: every field but the message, which must contain `says`. */
export interface ExpectedFinding {
  rule: Finding['rule'];
  severity: Finding['severity'];
  section: Finding['section'];
  row: string | null;
  column: string | null;
  labels: Finding['labels'];
  expected?: number | null;
  actual?: number | null;
  says?: readonly string[];
}

export function assertFinding(f: Finding | undefined, e: ExpectedFinding): void {
  assert.ok(f, `no finding, expected ${e.rule}`);
  const { says = [], ...fields } = e;
  const { message, ...rest } = f;
  assert.deepEqual(rest, fields);
  for (const s of says) assert.ok(message.includes(s), `message「${message}」should contain「${s}」`);
}

export function ofRule(fs: readonly Finding[], rule: Finding['rule']): Finding[] {
  return fs.filter((f) => f.rule === rule);
}

/** Rule ids of the findings, in order (for compact assertions). */
export function rules(fs: readonly Finding[]): string[] {
  return fs.map((f) => f.rule);
}
