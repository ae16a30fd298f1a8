/**
 * Parts shared by the pages of the public column (政府信息公开专栏): breadcrumbs, the column's
 * sub-column navigation (国办公开办函〔2019〕61号: 政府信息公开指南 / 政府信息公开制度 / 法定主动公开
 * 内容 / 政府信息公开年报), the list of items, the pager, and formatting.
 */
import type { ComponentChildren } from 'preact';
import { lawCategory, VALIDITY_LABELS } from '../../../catalogue/categories.js';
import type { PublicListRow } from '../../../portal/public-catalogue.js';

export const XXGK = '/xxgk';
export const columnUrl = (agencyId: number) => `${XXGK}/${agencyId}`;
export const itemUrl = (itemId: number) => `${XXGK}/items/${itemId}`;
/** Every published annual report (政府信息公开年报), newest year first. */
export const REPORTS = `${XXGK}/reports`;
/** A column's annual reports (its own and those of the agencies in its subtree). */
export const columnReportsUrl = (agencyId: number) => `${columnUrl(agencyId)}/reports`;
/** The one canonical page of an agency's annual report for a year. */
export const reportUrl = (agencyId: number, year: number) => `${REPORTS}/${agencyId}/${year}`;

export interface Crumb {
  label: string;
  href?: string;
}

export function Breadcrumbs({ trail }: { trail: readonly Crumb[] }) {
  return (
    <nav aria-label="当前位置" class="crumbs">
      <ol>
        {trail.map((c, i) => (
          <li key={i}>
            {c.href && i < trail.length - 1 ? (
              <a href={c.href}>{c.label}</a>
            ) : (
              <span aria-current={i === trail.length - 1 ? 'page' : undefined}>{c.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** The column's breadcrumb trail: 首页 › 政府信息公开 › <column> (› more). */
export function columnTrail(column: { id: number; name: string }, ...more: Crumb[]): Crumb[] {
  return [{ label: '首页', href: '/' }, { label: '政府信息公开', href: XXGK }, { label: column.name, href: columnUrl(column.id) }, ...more];
}

export type ColumnSection = 'home' | 'guide' | 'rules' | 'catalogue' | 'reports' | 'search' | 'complaint';

/** The sub-columns of a column, the current one marked. */
export function ColumnNav({ columnId, current }: { columnId: number; current: ColumnSection }) {
  const links: Array<[ColumnSection, string, string]> = [
    ['home', '专栏首页', columnUrl(columnId)],
    ['guide', '政府信息公开指南', `${columnUrl(columnId)}/guide`],
    ['rules', '政府信息公开制度', `${columnUrl(columnId)}/rules`],
    ['catalogue', '法定主动公开内容', `${columnUrl(columnId)}/catalogue`],
    ['reports', '政府信息公开年报', columnReportsUrl(columnId)],
    ['search', '检索', `${XXGK}/search?column=${columnId}`],
  ];
  return (
    <nav class="column-nav" aria-label="专栏栏目">
      <ul>
        {links.map(([key, label, href]) => (
          <li key={key}>
            <a href={href} aria-current={key === current ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Day({ iso }: { iso: string | null | undefined }) {
  return iso ? <time datetime={iso}>{iso}</time> : <span class="muted">—</span>;
}

export function categoryLabel(id: string): string {
  return lawCategory(id)?.label ?? id;
}

export function validityLabel(id: string): string {
  return Object.hasOwn(VALIDITY_LABELS, id) ? VALIDITY_LABELS[id as keyof typeof VALIDITY_LABELS] : id;
}

/** The items of a list page: title link, then the catalogue data a reader scans for. */
export function DocList({ rows, showAgency = true }: { rows: readonly PublicListRow[]; showAgency?: boolean }) {
  return (
    <ol class="doc-list">
      {rows.map((r) => (
        <li key={r.id}>
          <a href={itemUrl(r.id)} class="doc-title">
            {r.title}
          </a>
          <p class="doc-meta">
            <span>
              发布日期：
              <Day iso={r.publishedOn} />
            </span>
            {showAgency ? <span>发布机构：{r.publisher}</span> : null}
            {r.docNumber ? <span>文号：{r.docNumber}</span> : null}
            {r.indexNumber ? <span>索引号：{r.indexNumber}</span> : null}
            {r.validity !== 'valid' ? <span class="badge">{validityLabel(r.validity)}</span> : null}
          </p>
        </li>
      ))}
    </ol>
  );
}

/** Previous / next page links with the position; `href(n)` builds page n's URL. */
export function Pager({ current, pages, href }: { current: number; pages: number; href: (n: number) => string }) {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label="分页">
      {current > 1 ? (
        <a href={href(current - 1)} rel="prev">
          上一页
        </a>
      ) : (
        <span class="muted">上一页</span>
      )}
      <span>
        第 {current} 页，共 {pages} 页
      </span>
      {current < pages ? (
        <a href={href(current + 1)} rel="next">
          下一页
        </a>
      ) : (
        <span class="muted">下一页</span>
      )}
    </nav>
  );
}

const MEDIA_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel',
  'application/ofd': 'OFD',
  'image/jpeg': 'JPEG 图片',
  'image/png': 'PNG 图片',
  'text/plain': '文本',
};

export function mediaLabel(mediaType: string): string {
  return MEDIA_LABELS[mediaType.split(';')[0]!.trim()] ?? '文件';
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A flash message after a successful form (Post/Redirect/Get). */
export function Flash({ children }: { children: ComponentChildren }) {
  return (
    <p class="flash" role="status">
      {children}
    </p>
  );
}
