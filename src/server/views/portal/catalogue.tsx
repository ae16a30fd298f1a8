/**
 * 法定主动公开内容: a column's catalogue, browsed by 条例 category, year of publication and
 * publishing agency (the column's agency and those below it), newest first, in pages. The filter
 * form works without script (GET).
 */
import type { LawCategory } from '../../../catalogue/categories.js';
import type { AgencyRow } from '../../../portal/columns.js';
import type { PublicListRow } from '../../../portal/public-catalogue.js';
import { Layout } from '../layout.js';
import { Breadcrumbs, ColumnNav, columnTrail, columnUrl, DocList, Pager } from './common.js';

export interface CatalogueFilters {
  category?: LawCategory | undefined;
  year?: number | undefined;
  dept?: AgencyRow | undefined;
}

export interface CataloguePageProps {
  column: AgencyRow;
  filters: CatalogueFilters;
  categories: { own: LawCategory[]; others: LawCategory[] };
  years: readonly number[];
  agencies: ReadonlyArray<{ agency: AgencyRow; count: number }>;
  rows: readonly PublicListRow[];
  total: number;
  page: number;
  pages: number;
  /** The deepest page served (a list may have more pages; they are found by filtering). */
  lastPage?: number;
}

/** A count as the page shows it: 1,234,567. */
export const countText = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The query string of a catalogue page (filters and page). */
export function catalogueQuery(f: CatalogueFilters, page?: number): string {
  const p = new URLSearchParams();
  if (f.category) p.set('category', f.category.id);
  if (f.year !== undefined) p.set('year', String(f.year));
  if (f.dept) p.set('dept', String(f.dept.id));
  if (page && page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function CataloguePage(p: CataloguePageProps) {
  const { column, filters } = p;
  const base = `${columnUrl(column.id)}/catalogue`;
  const heading = filters.category?.label ?? '法定主动公开内容';
  const browsable = Math.min(p.pages, p.lastPage ?? p.pages);
  const described = [filters.year !== undefined ? `${filters.year}年` : null, filters.dept ? filters.dept.name : null].filter(Boolean).join(' · ');
  return (
    <Layout title={`${heading} - ${column.name}`} area="portal">
      <Breadcrumbs trail={columnTrail(column, { label: '法定主动公开内容', href: base }, ...(filters.category ? [{ label: filters.category.label }] : []))} />
      <h1>{heading}</h1>
      <ColumnNav columnId={column.id} current="catalogue" />
      {filters.category ? <p class="muted">{filters.category.basis}</p> : null}
      <form method="get" action={base} class="filters" aria-label="筛选目录">
        <div class="field">
          <label for="f-category">信息类别</label>
          <select id="f-category" name="category">
            <option value="">全部类别</option>
            <optgroup label={column.name}>
              {p.categories.own.map((c) => (
                <option key={c.id} value={c.id} selected={filters.category?.id === c.id}>
                  {c.label}
                </option>
              ))}
            </optgroup>
            {p.categories.others.length ? (
              <optgroup label="下属机关（单位）的其他类别">
                {p.categories.others.map((c) => (
                  <option key={c.id} value={c.id} selected={filters.category?.id === c.id}>
                    {c.label}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </div>
        <div class="field">
          <label for="f-year">年度</label>
          <select id="f-year" name="year">
            <option value="">全部年度</option>
            {p.years.map((y) => (
              <option key={y} value={String(y)} selected={filters.year === y}>
                {y}年
              </option>
            ))}
          </select>
        </div>
        {p.agencies.length > 1 ? (
          <div class="field">
            <label for="f-dept">发布机关</label>
            <select id="f-dept" name="dept">
              <option value="">全部机关</option>
              {p.agencies.map(({ agency, count }) => (
                <option key={agency.id} value={String(agency.id)} selected={filters.dept?.id === agency.id}>
                  {agency.name}（{countText(count)}）
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="buttons">
          <button type="submit">筛选</button>
        </div>
      </form>
      <p role="status">
        {described ? `${described}：` : ''}共 {countText(p.total)} 条{p.pages > 1 ? `，第 ${p.page} 页，共 ${countText(p.pages)} 页` : ''}。
        {browsable < p.pages ? `可翻阅前 ${browsable} 页；查找更早的信息，请按年度、类别或发布机关筛选，或使用检索。` : ''}
        {filters.category ? (
          <>
            {' '}
            <a href={`${columnUrl(column.id)}/feed.atom?category=${encodeURIComponent(filters.category.id)}`} type="application/atom+xml">
              订阅本类别（Atom）
            </a>
          </>
        ) : null}
      </p>
      {p.rows.length ? <DocList rows={p.rows} /> : <p>没有符合条件的信息。</p>}
      <Pager current={p.page} pages={browsable} href={(n) => `${base}${catalogueQuery(filters, n)}`} />
    </Layout>
  );
}
