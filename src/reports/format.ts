/**
 * The two national layouts of the annual report (政府信息公开工作年度报告) as data.
 *
 * - 2019 format: 国办公开办函〔2019〕60号 (trial), used for report years 2019 and 2020.
 * - 2021 format: 国办公开办函〔2021〕30号, used from report year 2021.
 *
 * The ids (rows, columns, blocks, sections) are the project's public interface and are exactly
 * those of shared/docs/DOMAIN.md §4. Labels are the official cell texts; `keys` are the normalized
 * fragments by which an importer recognises a label that an office worded a little differently
 * (see `normalizeLabel`).
 */

export type FormatId = '2019' | '2021';
export const FORMAT_IDS: readonly FormatId[] = ['2019', '2021'];

/** The report sections (第五十条): ids '1' … '6'. */
export type SectionId = '1' | '2' | '3' | '4' | '5' | '6';
export const SECTION_IDS: readonly SectionId[] = ['1', '2', '3', '4', '5', '6'];
/** The sections written as prose (the others are tables). */
export type ProseSectionId = '1' | '5' | '6';
export const PROSE_SECTION_IDS: readonly ProseSectionId[] = ['1', '5', '6'];

export interface SectionDef {
  id: SectionId;
  /** Official heading, e.g. 一、总体情况. */
  label: string;
  numeral: string;
  /** A heading is recognised when its normalized text contains every fragment of one of these sets. */
  keys: readonly (readonly string[])[];
}

/** How a value cell is read and checked (C2). */
export type ValueKind =
  | 'count' // non-negative integer
  | 'change' // integer, may be negative (本年增/减)
  | 'amount' // a decimal amount with its unit kept: { value, unit } (2019 采购总金额)
  | 'amount_wan_yuan'; // a decimal number of 万元 (2021 （八） 本年收费金额)

export interface ColumnDef {
  id: string;
  label: string;
  keys: readonly string[];
  kind: ValueKind;
}

export interface RowDef {
  id: string;
  label: string;
  /** Normalized fragments that must all occur in the label cell. */
  keys: readonly string[];
  /** When true the label's core (without numbering) must equal keys[0] exactly (short labels such as 其他). */
  exact?: boolean;
}

export type ProactiveBlockId = '20.1' | '20.5' | '20.6' | '20.8' | '20.9';

export interface ProactiveBlock {
  id: ProactiveBlockId;
  /** 第二十条第（一）项 … */
  label: string;
  keys: readonly string[];
  rows: readonly RowDef[];
  columns: readonly ColumnDef[];
}

export interface ApplicationRowDef extends RowDef {
  /** Heading rows (三、本年度办理结果, （三）不予公开 …) that stand above this row in the table. */
  group: string | null;
  /** Outcome rows are summed into 3.7 (T3). */
  outcome: boolean;
}

export interface ReportFormat {
  id: FormatId;
  /** The document that defines the layout. */
  source: string;
  /** Report years the layout applies to (inclusive; `to` null = open-ended). */
  years: { from: number; to: number | null };
  sections: readonly SectionDef[];
  proactive: readonly ProactiveBlock[];
  applicationColumns: readonly ColumnDef[];
  applicationRows: readonly ApplicationRowDef[];
  reviewGroups: readonly RowDef[];
  reviewColumns: readonly ColumnDef[];
  /** Normalized labels that only this layout uses (for detecting the format from a text). */
  markers: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Shared parts

/** Header of the first column of every section-二 block. */
export const PROACTIVE_HEADER = '信息内容';
/** Header of section 三 (the official identity of the table). */
export const APPLICATIONS_IDENTITY = '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）';
export const APPLICANT_GROUP_LABEL = '申请人情况';
export const LEGAL_PERSON_GROUP_LABEL = '法人或其他组织';
export const OUTCOME_GROUP_LABEL = '三、本年度办理结果';
export const REVIEW_LITIGATION_LABEL = '行政诉讼';

const count = (id: string, label: string, keys: string[] = [normalizeLabel(label)]): ColumnDef => ({
  id,
  label,
  keys,
  kind: 'count',
});

export const APPLICATION_COLUMNS: readonly ColumnDef[] = [
  count('natural_person', '自然人'),
  count('commercial', '商业企业'),
  count('research', '科研机构'),
  count('public_interest', '社会公益组织'),
  count('legal_services', '法律服务机构'),
  count('other', '其他'),
  count('total', '总计'),
];
export type ApplicantColumnId =
  | 'natural_person'
  | 'commercial'
  | 'research'
  | 'public_interest'
  | 'legal_services'
  | 'other'
  | 'total';
/** The six applicant columns whose sum is `total` (T2). */
export const APPLICANT_COLUMN_IDS: readonly ApplicantColumnId[] = [
  'natural_person',
  'commercial',
  'research',
  'public_interest',
  'legal_services',
  'other',
];

export const REVIEW_GROUPS: readonly RowDef[] = [
  { id: 'reconsideration', label: '行政复议', keys: ['行政复议'] },
  { id: 'litigation_direct', label: '未经复议直接起诉', keys: ['未经复议'] },
  { id: 'litigation_after', label: '复议后起诉', keys: ['复议后起诉'] },
];
export type ReviewGroupId = 'reconsideration' | 'litigation_direct' | 'litigation_after';

export const REVIEW_COLUMNS: readonly ColumnDef[] = [
  count('upheld', '结果维持'),
  count('corrected', '结果纠正'),
  count('other', '其他结果'),
  count('pending', '尚未审结'),
  count('total', '总计'),
];
export type ReviewColumnId = 'upheld' | 'corrected' | 'other' | 'pending' | 'total';
/** The four columns whose sum is `total` (T4). */
export const REVIEW_PART_IDS: readonly ReviewColumnId[] = ['upheld', 'corrected', 'other', 'pending'];

function row(id: string, label: string, group: string | null, outcome: boolean, keys: string[], exact = false): ApplicationRowDef {
  return { id, label, group, outcome, keys, ...(exact ? { exact } : {}) };
}

const G3 = '三、本年度办理结果';
const G33 = '（三）不予公开';
const G34 = '（四）无法提供';
const G35 = '（五）不予处理';
const G36 = '（六）其他处理';

const ROWS_HEAD: ApplicationRowDef[] = [
  row('1', '一、本年新收政府信息公开申请数量', null, false, ['本年新收']),
  row('2', '二、上年结转政府信息公开申请数量', null, false, ['上年结转']),
  row('3.1', '（一）予以公开', G3, true, ['予以公开']),
  row('3.2', '（二）部分公开（区分处理的，只计这一情形，不计其他情形）', G3, true, ['部分公开']),
  row('3.3.1', '1.属于国家秘密', G33, true, ['国家秘密']),
  row('3.3.2', '2.其他法律行政法规禁止公开', G33, true, ['禁止公开']),
  row('3.3.3', '3.危及“三安全一稳定”', G33, true, ['三安全一稳定']),
  row('3.3.4', '4.保护第三方合法权益', G33, true, ['第三方合法权益']),
  row('3.3.5', '5.属于三类内部事务信息', G33, true, ['内部事务']),
  row('3.3.6', '6.属于四类过程性信息', G33, true, ['过程性信息']),
  row('3.3.7', '7.属于行政执法案卷', G33, true, ['行政执法案卷']),
  row('3.3.8', '8.属于行政查询事项', G33, true, ['行政查询']),
  row('3.4.1', '1.本机关不掌握相关政府信息', G34, true, ['不掌握']),
  row('3.4.2', '2.没有现成信息需要另行制作', G34, true, ['另行制作']),
  row('3.4.3', '3.补正后申请内容仍不明确', G34, true, ['仍不明确']),
  row('3.5.1', '1.信访举报投诉类申请', G35, true, ['信访']),
  row('3.5.2', '2.重复申请', G35, true, ['重复申请']),
  row('3.5.3', '3.要求提供公开出版物', G35, true, ['公开出版物']),
  row('3.5.4', '4.无正当理由大量反复申请', G35, true, ['大量反复']),
  row('3.5.5', '5.要求行政机关确认或重新出具已获取信息', G35, true, ['重新出具']),
];
const ROWS_TAIL: ApplicationRowDef[] = [
  row('3.7', '（七）总计', G3, false, ['总计']),
  row('4', '四、结转下年度继续办理', null, false, ['结转下年度']),
];

const SECTIONS_COMMON: Omit<SectionDef, 'label'>[] = [
  { id: '1', numeral: '一', keys: [['总体情况'], ['基本情况'], ['总体概述']] },
  { id: '2', numeral: '二', keys: [['主动公开']] },
  { id: '3', numeral: '三', keys: [['申请', '收到'], ['申请', '处理'], ['依申请']] },
  { id: '4', numeral: '四', keys: [['复议'], ['诉讼']] },
  { id: '5', numeral: '五', keys: [['问题'], ['改进']] },
  { id: '6', numeral: '六', keys: [['其他需要报告'], ['其他事项'], ['需要报告的事项']] },
];

function sections(labels: Record<SectionId, string>): SectionDef[] {
  return SECTIONS_COMMON.map((s) => ({ ...s, label: labels[s.id] }));
}

// ---------------------------------------------------------------------------------------------
// 2019 format (国办公开办函〔2019〕60号)

const COLS_2019_ITEMS: ColumnDef[] = [
  count('items_last_year', '上一年项目数量', ['上一年项目数量']),
  { id: 'change', label: '本年增/减', keys: ['增/减'], kind: 'change' },
  count('decisions', '处理决定数量', ['处理决定数量']),
];

export const FORMAT_2019: ReportFormat = {
  id: '2019',
  source: '国办公开办函〔2019〕60号',
  years: { from: 2019, to: 2020 },
  sections: sections({
    '1': '一、总体情况',
    '2': '二、主动公开政府信息情况',
    '3': '三、收到和处理政府信息公开申请情况',
    '4': '四、政府信息公开行政复议、行政诉讼情况',
    '5': '五、政府信息公开工作存在的主要问题及改进情况',
    '6': '六、其他需要报告的事项',
  }),
  proactive: [
    {
      id: '20.1',
      label: '第二十条第（一）项',
      keys: ['第二十条第(一)项'],
      rows: [
        { id: 'rules', label: '规章', keys: ['规章'], exact: true },
        { id: 'normative_documents', label: '规范性文件', keys: ['规范性文件'] },
      ],
      columns: [
        count('made', '本年新制作数量', ['新制作数量']),
        count('published', '本年新公开数量', ['新公开数量']),
        count('total_published', '对外公开总数量', ['公开总数量']),
      ],
    },
    {
      id: '20.5',
      label: '第二十条第（五）项',
      keys: ['第二十条第(五)项'],
      rows: [
        { id: 'licensing', label: '行政许可', keys: ['行政许可'] },
        { id: 'other_services', label: '其他对外管理服务事项', keys: ['其他对外管理服务'] },
      ],
      columns: COLS_2019_ITEMS,
    },
    {
      id: '20.6',
      label: '第二十条第（六）项',
      keys: ['第二十条第(六)项'],
      rows: [
        { id: 'penalty', label: '行政处罚', keys: ['行政处罚'] },
        { id: 'enforcement', label: '行政强制', keys: ['行政强制'] },
      ],
      columns: COLS_2019_ITEMS,
    },
    {
      id: '20.8',
      label: '第二十条第（八）项',
      keys: ['第二十条第(八)项'],
      rows: [{ id: 'fees', label: '行政事业性收费', keys: ['行政事业性收费'] }],
      columns: COLS_2019_ITEMS.slice(0, 2),
    },
    {
      id: '20.9',
      label: '第二十条第（九）项',
      keys: ['第二十条第(九)项'],
      rows: [{ id: 'procurement', label: '政府集中采购', keys: ['集中采购'] }],
      columns: [
        count('projects', '采购项目数量', ['采购项目数量']),
        { id: 'amount', label: '采购总金额', keys: ['采购总金额'], kind: 'amount' },
      ],
    },
  ],
  applicationColumns: APPLICATION_COLUMNS,
  applicationRows: [...ROWS_HEAD, row('3.6', '（六）其他处理', G3, true, ['其他处理']), ...ROWS_TAIL],
  reviewGroups: REVIEW_GROUPS,
  reviewColumns: REVIEW_COLUMNS,
  markers: ['新制作数量', '新公开数量', '公开总数量', '上一年项目数量', '增/减', '其他对外管理服务', '第二十条第(九)项', '集中采购', '采购总金额'],
};

// ---------------------------------------------------------------------------------------------
// 2021 format (国办公开办函〔2021〕30号)

const COLS_2021_DECISIONS: ColumnDef[] = [count('decisions', '本年处理决定数量', ['处理决定数量'])];

export const FORMAT_2021: ReportFormat = {
  id: '2021',
  source: '国办公开办函〔2021〕30号',
  years: { from: 2021, to: null },
  sections: sections({
    '1': '一、总体情况',
    '2': '二、主动公开政府信息情况',
    '3': '三、收到和处理政府信息公开申请情况',
    '4': '四、政府信息公开行政复议、行政诉讼情况',
    '5': '五、存在的主要问题及改进情况',
    '6': '六、其他需要报告的事项',
  }),
  proactive: [
    {
      id: '20.1',
      label: '第二十条第（一）项',
      keys: ['第二十条第(一)项'],
      rows: [
        { id: 'rules', label: '规章', keys: ['规章'], exact: true },
        { id: 'normative_documents', label: '行政规范性文件', keys: ['规范性文件'] },
      ],
      columns: [
        count('issued', '本年制发件数', ['制发件数']),
        count('repealed', '本年废止件数', ['废止件数']),
        count('in_force', '现行有效件数', ['现行有效件数']),
      ],
    },
    {
      id: '20.5',
      label: '第二十条第（五）项',
      keys: ['第二十条第(五)项'],
      rows: [{ id: 'licensing', label: '行政许可', keys: ['行政许可'] }],
      columns: COLS_2021_DECISIONS,
    },
    {
      id: '20.6',
      label: '第二十条第（六）项',
      keys: ['第二十条第(六)项'],
      rows: [
        { id: 'penalty', label: '行政处罚', keys: ['行政处罚'] },
        { id: 'enforcement', label: '行政强制', keys: ['行政强制'] },
      ],
      columns: COLS_2021_DECISIONS,
    },
    {
      id: '20.8',
      label: '第二十条第（八）项',
      keys: ['第二十条第(八)项'],
      rows: [{ id: 'fees', label: '行政事业性收费', keys: ['行政事业性收费'] }],
      columns: [{ id: 'amount_wan_yuan', label: '本年收费金额（单位：万元）', keys: ['收费金额'], kind: 'amount_wan_yuan' }],
    },
  ],
  applicationColumns: APPLICATION_COLUMNS,
  applicationRows: [
    ...ROWS_HEAD,
    row('3.6.1', '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请', G36, true, ['逾期不补正']),
    row('3.6.2', '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请', G36, true, ['缴纳费用']),
    row('3.6.3', '3.其他', G36, true, ['其他'], true),
    ...ROWS_TAIL,
  ],
  reviewGroups: REVIEW_GROUPS,
  reviewColumns: REVIEW_COLUMNS,
  markers: ['制发件数', '废止件数', '现行有效件数', '收费金额', '逾期不补正', '缴纳费用', '行政规范性文件'],
};

export const FORMATS: Readonly<Record<FormatId, ReportFormat>> = { '2019': FORMAT_2019, '2021': FORMAT_2021 };

/** The format a report for `year` must use (F1), or null for years before 2019 (no current format). */
export function formatForYear(year: number): FormatId | null {
  if (!Number.isInteger(year) || year < 2019) return null;
  return year <= 2020 ? '2019' : '2021';
}

/** The group headings of section 三 in a format, in table order. */
export function applicationGroups(format: ReportFormat): string[] {
  const out: string[] = [];
  for (const r of format.applicationRows) if (r.group && !out.includes(r.group)) out.push(r.group);
  return out;
}

export function sectionDef(format: ReportFormat, id: SectionId): SectionDef {
  const s = format.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id}`);
  return s;
}

/**
 * Normalizes a label for matching: NFKC (full-width → half-width), no white space of any kind,
 * straight and curly quotes removed, 、/．/. after a number unified to '.', and the slash of 增/减
 * unified. It is deliberately lossy: it is for comparing, never for display.
 */
export function normalizeLabel(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s\u00a0\u3000\u200b\ufeff]+/g, '')
    .replace(/["'“”‘’「」『』]/g, '')
    .replace(/[／]/g, '/')
    .replace(/^(\d+)[、.．,，]/, '$1.');
}

/**
 * The core of a row label: normalized, without its leading numbering such as 一、 （三） 3. or (3).
 */
export function labelCore(s: string): string {
  return normalizeLabel(s)
    .replace(/^[一二三四五六七八九十]+[、.]/, '')
    .replace(/^\([一二三四五六七八九十]+\)/, '')
    .replace(/^\d+\./, '');
}

/** Whether a cell text is the given row's label (keys all present; exact rows compare the core). */
export function matchesRow(cell: string, def: RowDef): boolean {
  if (def.exact) return labelCore(cell) === def.keys[0];
  const n = normalizeLabel(cell);
  return def.keys.every((k) => n.includes(k));
}

/** Whether a cell text is the given column's header. */
export function matchesColumn(cell: string, def: ColumnDef): boolean {
  const n = normalizeLabel(cell);
  if (def.id === 'other' && def.label === '其他') return labelCore(cell) === '其他';
  if (def.id === 'total') return labelCore(cell) === '总计';
  return def.keys.every((k) => n.includes(k));
}
