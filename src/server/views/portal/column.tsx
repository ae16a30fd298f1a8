/**
 * The platform page (/xxgk: every column) and a column's home (/xxgk/:agency): the sub-columns of
 * 国办公开办函〔2019〕61号, the 条例 categories with their counts, the newest items, the ways to
 * follow and to comment, and the links to the 政府信息公开年报 (routes/portal-reports.tsx).
 */
import type { LawCategory } from '../../../catalogue/categories.js';
import type { AgencyRow } from '../../../portal/columns.js';
import type { PublicListRow } from '../../../portal/public-catalogue.js';
import { Layout } from '../layout.js';
import { countText } from './catalogue.js';
import { Breadcrumbs, ColumnNav, columnReportsUrl, columnTrail, columnUrl, DocList, REPORTS, XXGK } from './common.js';

export interface ColumnTreeNode {
  column: AgencyRow;
  /** Agencies without a column whose items this column holds (villages, communities). */
  members: string[];
  children: ColumnTreeNode[];
}

function SearchBox({ columnId, label }: { columnId?: number; label: string }) {
  return (
    <form method="get" action={`${XXGK}/search`} class="search-box" role="search">
      <label for="search-q">{label}</label>
      <div class="search-row">
        <input id="search-q" name="q" type="search" maxLength={100} />
        {columnId !== undefined ? <input type="hidden" name="column" value={String(columnId)} /> : null}
        <button type="submit">检索</button>
      </div>
    </form>
  );
}

function ColumnTree({ nodes }: { nodes: readonly ColumnTreeNode[] }) {
  return (
    <ul class="column-tree">
      {nodes.map((n) => (
        <li key={n.column.id}>
          <a href={columnUrl(n.column.id)}>{n.column.name}</a>
          {n.members.length ? <span class="muted small">（含{n.members.join('、')}发布的信息）</span> : null}
          {n.children.length ? <ColumnTree nodes={n.children} /> : null}
        </li>
      ))}
    </ul>
  );
}

export function PlatformPage({ tree }: { tree: readonly ColumnTreeNode[] }) {
  return (
    <Layout title="政府信息公开专栏" area="portal">
      <Breadcrumbs trail={[{ label: '首页', href: '/' }, { label: '政府信息公开' }]} />
      <h1>政府信息公开</h1>
      <p>
        依据《中华人民共和国政府信息公开条例》第二十四条，本平台集中发布各行政机关主动公开的政府信息，提供检索、查阅和下载。每个行政机关设一个专栏，含政府信息公开指南、政府信息公开制度和法定主动公开内容。
      </p>
      <SearchBox label="检索全部专栏" />
      <p>
        <a href={REPORTS}>政府信息公开年报</a>：各机关公布的政府信息公开工作年度报告。
      </p>
      <h2>各机关专栏</h2>
      {tree.length ? <ColumnTree nodes={tree} /> : <p>尚未登记行政机关。</p>}
    </Layout>
  );
}

export interface CategoryGroup {
  heading: string;
  categories: ReadonlyArray<{ category: LawCategory; count: number }>;
}

export interface ColumnHomeProps {
  column: AgencyRow;
  groups: readonly CategoryGroup[];
  latest: readonly PublicListRow[];
  total: number;
  ruleCount: number;
  takesApplications: boolean;
}

export function CategoryList({ columnId, group }: { columnId: number; group: CategoryGroup }) {
  return (
    <ul class="category-list">
      {group.categories.map(({ category, count }) => (
        <li key={category.id}>
          <a href={`${columnUrl(columnId)}/catalogue?category=${encodeURIComponent(category.id)}`}>{category.label}</a>
          <span class="count">
            {countText(count)} <span class="visually-hidden">条</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

export function ColumnHomePage({ column, groups, latest, total, ruleCount, takesApplications }: ColumnHomeProps) {
  const base = columnUrl(column.id);
  return (
    <Layout title={`${column.name} 政府信息公开`} area="portal">
      <Breadcrumbs trail={columnTrail(column)} />
      <h1>{column.name} 政府信息公开</h1>
      <ColumnNav columnId={column.id} current="home" />
      <SearchBox columnId={column.id} label="检索本专栏" />
      <div class="column-grid">
        <section aria-labelledby="s-guide">
          <h2 id="s-guide">政府信息公开指南</h2>
          <p>政府信息的分类、目录编排、获取方式，以及政府信息公开工作机构的地址、办公时间和联系方式。</p>
          <p>
            <a href={`${base}/guide`}>阅读政府信息公开指南</a>
          </p>
        </section>
        <section aria-labelledby="s-rules">
          <h2 id="s-rules">政府信息公开制度</h2>
          <p>{ruleCount ? `本机关的政府信息公开工作制度 ${ruleCount} 项，及所依据的法规。` : '本机关政府信息公开工作所依据的法规；本机关尚未在本专栏登载自己的工作制度。'}</p>
          <p>
            <a href={`${base}/rules`}>查看政府信息公开制度</a>
          </p>
        </section>
        <section aria-labelledby="s-reports">
          <h2 id="s-reports">政府信息公开年报</h2>
          <p>本机关（含下属机关）每年公布的政府信息公开工作年度报告，可下载 Word、PDF 等格式。</p>
          <p>
            <a href={columnReportsUrl(column.id)}>查看政府信息公开年报</a>
          </p>
        </section>
      </div>
      <section aria-labelledby="s-content">
        <h2 id="s-content">法定主动公开内容</h2>
        <p>
          按《中华人民共和国政府信息公开条例》规定的类别编排，共 {countText(total)} 条。<a href={`${base}/catalogue`}>浏览全部目录</a>
        </p>
        {groups.map((g, i) => (
          <section key={g.heading} aria-labelledby={`s-group-${i}`}>
            <h3 id={`s-group-${i}`}>{g.heading}</h3>
            <CategoryList columnId={column.id} group={g} />
          </section>
        ))}
      </section>
      <section aria-labelledby="s-latest">
        <h2 id="s-latest">最新信息</h2>
        {latest.length ? <DocList rows={latest} /> : <p>本专栏尚未发布信息。</p>}
      </section>
      <section aria-labelledby="s-more">
        <h2 id="s-more">订阅、申请和评议</h2>
        <ul class="action-links">
          <li>
            <a href={`${base}/feed.atom`} type="application/atom+xml">
              订阅本专栏（Atom）
            </a>
            <span class="hint">用阅读器订阅本专栏发布的新信息</span>
          </li>
          {takesApplications ? (
            <li>
              <a href={`/apply?agency=${column.id}`}>依申请公开</a>
              <span class="hint">本专栏没有您需要的信息时，可以向本机关申请公开</span>
            </li>
          ) : null}
          <li>
            <a href={`${base}/complaint`}>意见和投诉</a>
            <span class="hint">对本机关政府信息公开工作的意见、建议和投诉</span>
          </li>
        </ul>
      </section>
    </Layout>
  );
}
