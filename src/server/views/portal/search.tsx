/**
 * The search page of the platform (条例第24条 信息检索): a GET form, scoped to a column or to all,
 * and its results (public items only, newest first), with a Chinese message for an empty, too
 * long or otherwise unusable query.
 */
import type { AgencyRow } from '../../../portal/columns.js';
import type { PublicListRow } from '../../../portal/public-catalogue.js';
import { Layout } from '../layout.js';
import { Breadcrumbs, ColumnNav, columnTrail, DocList, Pager, XXGK } from './common.js';

export interface SearchPageProps {
  column: AgencyRow | null;
  columns: readonly AgencyRow[];
  q: string;
  /** A message about the query (empty, too long …); results are then absent. */
  error: string | null;
  result: { rows: readonly PublicListRow[]; total: number; totalCapped: boolean; page: number; pages: number } | null;
}

export function searchQuery(q: string, column: AgencyRow | null, page?: number): string {
  const p = new URLSearchParams({ q });
  if (column) p.set('column', String(column.id));
  if (page && page > 1) p.set('page', String(page));
  return `?${p.toString()}`;
}

export function SearchPage({ column, columns, q, error, result }: SearchPageProps) {
  const title = q && result ? `检索：${q}` : '检索';
  return (
    <Layout title={`${error ? '错误：' : ''}${title}`} area="portal">
      <Breadcrumbs trail={column ? columnTrail(column, { label: '检索' }) : [{ label: '首页', href: '/' }, { label: '政府信息公开', href: XXGK }, { label: '检索' }]} />
      <h1>检索政府信息</h1>
      {column ? <ColumnNav columnId={column.id} current="search" /> : null}
      <form method="get" action={`${XXGK}/search`} class="stack search-form" role="search">
        {error ? (
          <div class="error-summary" role="alert" aria-labelledby="search-error-title" tabindex={-1}>
            <h2 id="search-error-title">未能检索</h2>
            <p id="search-q-error">{error}</p>
          </div>
        ) : null}
        <div class={`field${error ? ' has-error' : ''}`}>
          <label for="search-q">检索词</label>
          <p class="hint" id="search-q-hint">
            信息名称、文号、索引号或正文、附件中的文字；多个词用空格分开，须同时出现。
          </p>
          <input
            id="search-q"
            name="q"
            type="search"
            value={q}
            maxLength={200}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'search-q-hint search-q-error' : 'search-q-hint'}
          />
        </div>
        <div class="field">
          <label for="search-column">范围</label>
          <select id="search-column" name="column">
            <option value="">全部专栏</option>
            {columns.map((c) => (
              <option key={c.id} value={String(c.id)} selected={column?.id === c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">检索</button>
      </form>
      {result ? (
        <section aria-labelledby="results-title">
          <h2 id="results-title">检索结果</h2>
          <p role="status">
            {column ? `在${column.name}专栏中` : '在全部专栏中'}检索“{q}”，共 {result.total}{result.totalCapped ? ' 余' : ''} 条{result.pages > 1 ? `，第 ${result.page} 页，共 ${result.totalCapped ? `${result.pages} 余` : result.pages} 页` : ''}。
          </p>
          {result.rows.length ? <DocList rows={result.rows} /> : <p>没有找到符合条件的信息。可以换用较短或不同的词语，或者浏览目录。</p>}
          <Pager current={result.page} pages={result.pages} href={(n) => `${XXGK}/search${searchQuery(q, column, n)}`} />
        </section>
      ) : null}
    </Layout>
  );
}
