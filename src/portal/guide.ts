/**
 * The 政府信息公开指南 of a column, generated from the agency's own records (条例第12条: the
 * guide covers the classification of government information, how the catalogue is arranged, how
 * to obtain information, and the disclosure office's name, address, hours, phone, fax and online
 * contact; it must be kept current — generated on each request, it always is).
 *
 * Nothing is invented: a contact detail the agency has not registered is reported as missing
 * (the page says so), never filled with a plausible default. What the guide states about the law
 * (the categories, time limits, fees, remedies) is the 条例's own text, cited by article.
 */
import { DEFAULT_INDEX_PATTERN } from '../catalogue/index-number.js';
import type { LawCategory } from '../catalogue/categories.js';
import type { AgencyRow, AgencyTree } from './columns.js';

export interface GuideContact {
  label: string;
  /** null: not registered by the agency. */
  value: string | null;
  kind?: 'email' | 'phone';
}

export interface Guide {
  agency: { id: number; name: string; kind: AgencyRow['kind'] };
  /** The parent agency's name (the 上一级行政机关 of 条例第51条), if any. */
  parentName: string | null;
  office: {
    name: string | null;
    contacts: GuideContact[];
    /** The labels of what is missing (empty when complete). */
    missing: string[];
  };
  categories: { own: LawCategory[]; others: LawCategory[] };
  /** How 索引号 are formed here, in words. */
  indexNumber: { pattern: string; words: string; codeMissing: boolean };
  /** The agencies below whose items are in this column (villages of a town, departments …). */
  members: string[];
  /** Administrative organs take applications (条例第27条); a village's column would not. */
  takesApplications: boolean;
  /** The agency's configured 行政复议机关 and 人民法院 (null: not configured). */
  reviewBody: string | null;
  court: string | null;
}

/** The 索引号 pattern in words, with the agency's 机构代码 where the pattern uses it. */
export function describeIndexPattern(pattern: string | null, code: string | null): { pattern: string; words: string; codeMissing: boolean } {
  const p = pattern?.trim() || DEFAULT_INDEX_PATTERN;
  let codeMissing = false;
  const words = p.replace(/\{(code|category|year|serial(?::(\d+))?)\}/g, (_m, name: string, digits?: string) => {
    if (name === 'code') {
      if (!code) codeMissing = true;
      return code ? `机构代码（${code}）` : '机构代码';
    }
    if (name === 'category') return '类别号';
    if (name === 'year') return '年度';
    return `流水号（${digits ?? 4}位）`;
  });
  return { pattern: p, words, codeMissing };
}

const blank = (s: string | null | undefined): string | null => (s && s.trim() ? s.trim() : null);

export function buildGuide(tree: AgencyTree, column: AgencyRow, takesApplications: boolean): Guide {
  const contacts: GuideContact[] = [
    { label: '办公地址', value: blank(column.office_address) },
    { label: '办公时间', value: blank(column.office_hours) },
    { label: '联系电话', value: blank(column.office_phone), kind: 'phone' },
    { label: '传真号码', value: blank(column.office_fax) },
    { label: '电子邮箱', value: blank(column.office_email), kind: 'email' },
    { label: '邮政编码', value: blank(column.postcode) },
  ];
  const name = blank(column.office_name);
  const missing = [...(name ? [] : ['机构名称']), ...contacts.filter((c) => c.value === null).map((c) => c.label)];
  const parent = column.parent_id === null ? undefined : tree.get(column.parent_id);
  return {
    agency: { id: column.id, name: column.name, kind: column.kind },
    parentName: parent?.name ?? null,
    office: { name, contacts, missing },
    categories: tree.categoriesOf(column.id),
    indexNumber: describeIndexPattern(column.index_pattern, blank(column.code)),
    members: tree
      .subtree(column.id)
      .slice(1)
      .map((a) => a.name),
    takesApplications,
    reviewBody: blank(column.review_body),
    court: blank(column.court),
  };
}
