/**
 * Findings of the report checks (shared/docs/DOMAIN.md §4.5). Rule ids are part of the public
 * interface: F1–F4 form, C1–C3 cells, T1–T6 table arithmetic, P1–P3 prose, D1–D2 deadlines and
 * versions, R1 agreement with the case records.
 */
import type { SectionId } from './format.js';

export type RuleId =
  | 'F1'
  | 'F2'
  | 'F3'
  | 'F4'
  | 'C1'
  | 'C2'
  | 'C3'
  | 'T1'
  | 'T2'
  | 'T3'
  | 'T4'
  | 'T5'
  | 'T6'
  | 'P1'
  | 'P2'
  | 'P3'
  | 'D1'
  | 'D2'
  | 'R1';

export type Severity = 'error' | 'warning';

export interface RuleDef {
  id: RuleId;
  severity: Severity;
  /** One line in Chinese: what the rule checks. */
  title: string;
}

export const RULES: Readonly<Record<RuleId, RuleDef>> = {
  F1: { id: 'F1', severity: 'error', title: '报告格式与年度相符（2019–2020年用2019版，2021年起用2021版）' },
  F2: { id: 'F2', severity: 'error', title: '六个部分齐全且顺序正确' },
  F3: { id: 'F3', severity: 'error', title: '表二、三、四的行列齐全且使用规定标签' },
  F4: { id: 'F4', severity: 'error', title: '标题写明机关、年度和“政府信息公开工作年度报告”' },
  C1: { id: 'C1', severity: 'error', title: '表格无空白单元格（0须写明）' },
  C2: { id: 'C2', severity: 'error', title: '数值为非负整数（本年增/减与金额除外）' },
  C3: { id: 'C3', severity: 'warning', title: '2021版第（八）项收费金额按万元看不合常理（疑似按元填写）' },
  T1: { id: 'T1', severity: 'error', title: '表三各列：第一项加第二项之和等于第三项加第四项之和' },
  T2: { id: 'T2', severity: 'error', title: '表三各行：总计等于六类申请人之和' },
  T3: { id: 'T3', severity: 'error', title: '表三各列：（七）总计等于各办理结果之和' },
  T4: { id: 'T4', severity: 'error', title: '表四各组：总计等于维持、纠正、其他、尚未审结之和' },
  T5: { id: 'T5', severity: 'warning', title: '上年结转数等于上一年度报告的结转下年度数' },
  T6: { id: 'T6', severity: 'warning', title: '2021版第（一）项：现行有效件数 = 上年现行有效件数 + 本年制发 − 本年废止' },
  P1: { id: 'P1', severity: 'warning', title: '正文中的数字与表格一致' },
  P2: { id: 'P2', severity: 'warning', title: '正文与上一年度或其他机关的报告雷同（照抄）' },
  P3: { id: 'P3', severity: 'warning', title: '第五部分内容具体；第六部分无事项时明确写“无”' },
  D1: { id: 'D1', severity: 'error', title: '在法定期限前公布（部门1月31日，政府3月31日）' },
  D2: { id: 'D2', severity: 'warning', title: '公布后修改须有新版本和修改说明' },
  R1: { id: 'R1', severity: 'error', title: '表三与系统中的案件记录一致' },
};

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** Section id '1'…'6', 'title' for the title, or null for the whole report. */
  section: SectionId | 'title' | null;
  /** Row id (e.g. '3.7', 'enforcement', 'reconsideration') or null. */
  row: string | null;
  /** Column id (e.g. 'total', 'decisions', 'upheld') or null. */
  column: string | null;
  /** The Chinese labels of section, row and column, as in the official format. */
  labels: { section: string | null; row: string | null; column: string | null };
  /** What is wrong, in Chinese. */
  message: string;
  /** For arithmetic rules: the value the rule expects and the value found. */
  expected?: number | null;
  actual?: number | null;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

const RULE_ORDER = Object.keys(RULES) as RuleId[];

/** Sorts findings by rule order, then section, row and column, keeping the order otherwise. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RULE_ORDER.indexOf(a.f.rule) - RULE_ORDER.indexOf(b.f.rule) || a.i - b.i)
    .map((x) => x.f);
}
