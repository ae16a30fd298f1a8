/**
 * The classifications a catalogue item carries (DOMAIN.md §2):
 *
 * - the 条例 category: what the law requires to be published proactively — the 15 items of
 *   条例第20条 for every agency, plus 第21条's items for county/city governments and for town
 *   governments. An item belongs to exactly one; its two-digit code is the 类别号 segment of the
 *   索引号 unless the agency's pattern says otherwise.
 * - the 主题分类 (subject): the State Council's subject classification of documents. (verify: the
 *   list below is the top level of 国务院公文主题词表 as commonly used on government sites; it is
 *   data, and an agency may use only part of it.)
 * - 公开属性 and 有效性, with their labels.
 */
import type { AgencyKind } from '../db/schema.js';

export interface LawCategory {
  /** Stable id: 'art20.1' … 'art20.15', 'art21.county.N', 'art21.town.N'. */
  id: string;
  /** The two-digit 类别号 used in the 索引号 by default. */
  code: string;
  label: string;
  /** The article and item, for citations: 条例第20条第（一）项. */
  basis: string;
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];

const ART20 = [
  '行政法规、规章和规范性文件',
  '机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名',
  '国民经济和社会发展规划、专项规划、区域规划及相关政策',
  '国民经济和社会发展统计信息',
  '办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果',
  '实施行政处罚、行政强制的依据、条件、程序以及具有一定社会影响的行政处罚决定',
  '财政预算、决算信息',
  '行政事业性收费项目及其依据、标准',
  '政府集中采购项目的目录、标准及实施情况',
  '重大建设项目的批准和实施情况',
  '扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况',
  '突发公共事件的应急预案、预警信息及应对情况',
  '环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况',
  '公务员招考的职位、名额、报考条件等事项以及录用结果',
  '其他依法应当主动公开的政府信息',
];

/** 条例第21条: county/city governments (设区的市级、县级人民政府及其部门). */
const ART21_COUNTY = ['市政建设', '公共服务', '公益事业', '土地征收', '房屋征收', '治安管理', '社会救助'];
/** 条例第21条: town governments (乡（镇）人民政府). */
const ART21_TOWN = ['贯彻落实农业农村政策', '农田水利工程建设运营', '农村土地承包经营权流转', '宅基地使用情况审核', '土地征收', '房屋征收', '筹资筹劳', '社会救助'];

export const LAW_CATEGORIES: readonly LawCategory[] = [
  ...ART20.map((label, i) => ({
    id: `art20.${i + 1}`,
    code: String(i + 1).padStart(2, '0'),
    label,
    basis: `条例第20条第（${NUMERALS[i]}）项`,
  })),
  ...ART21_COUNTY.map((label, i) => ({ id: `art21.county.${i + 1}`, code: String(16 + i), label, basis: '条例第21条（县级以上人民政府）' })),
  ...ART21_TOWN.map((label, i) => ({ id: `art21.town.${i + 1}`, code: String(31 + i), label, basis: '条例第21条（乡镇人民政府）' })),
];

const BY_ID = new Map(LAW_CATEGORIES.map((c) => [c.id, c]));

export function lawCategory(id: string): LawCategory | undefined {
  return BY_ID.get(id);
}

/**
 * The categories an agency of this kind publishes under: 第20条 for all; 第21条's county items for
 * governments and their departments, its town items for towns and streets (and the villages
 * whose items the town publishes).
 */
export function categoriesFor(kind: AgencyKind): LawCategory[] {
  const county = kind === 'government' || kind === 'department';
  const town = kind === 'town' || kind === 'street' || kind === 'village' || kind === 'community';
  return LAW_CATEGORIES.filter((c) => c.id.startsWith('art20.') || (county && c.id.startsWith('art21.county.')) || (town && c.id.startsWith('art21.town.')));
}

/** 主题分类 (verify, see above). */
export const SUBJECTS = [
  '综合政务',
  '国民经济管理、国有资产监管',
  '财政、金融、审计',
  '国土资源、能源',
  '农业、林业、水利',
  '工业、交通',
  '商贸、海关、旅游',
  '市场监管、安全生产监管',
  '城乡建设、环境保护',
  '科技、教育',
  '文化、广电、新闻出版',
  '卫生、体育',
  '人口与计划生育、妇女儿童工作',
  '劳动、人事、监察',
  '公安、安全、司法',
  '民政、扶贫、救灾',
  '民族、宗教',
  '对外事务',
  '港澳台侨工作',
  '国防',
  '其他',
] as const;

export const DISCLOSURE_LABELS = { active: '主动公开', on_request: '依申请公开', withheld: '不予公开' } as const;
export type Disclosure = keyof typeof DISCLOSURE_LABELS;

export const VALIDITY_LABELS = { valid: '有效', expired: '失效', repealed: '废止' } as const;
export type Validity = keyof typeof VALIDITY_LABELS;
