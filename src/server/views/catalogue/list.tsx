/**
 * The catalogue list of the back office (GET /admin/catalogue): the filters of listForStaff
 * (未发布 / 待我审核 / 已发布 / 超期 / 全部), text search, pagination, and each item's publication
 * clock — working days left, or how far past the 20 working days it is, in red.
 */
import { STAFF_FILTERS } from '../../../catalogue/catalogue.schema.js';
import type { StaffListItemOut } from '../../../catalogue/catalogue.presenter.js';
import { ErrorSummary, SelectField, TextField, type FormErrors } from '../applications/fields.js';
import { Layout, type PageUser } from '../layout.js';
import { listQuery, type ListFilters, type ListPage } from './desk.js';

export interface ListPageProps {
  user: PageUser;
  csrfToken: string;
  filters: ListFilters;
  page: ListPage | null;
  errors: FormErrors;
  /** The actor may draft somewhere. */
  canDraft: boolean;
  /** The actor reads several agencies (the agency column is shown). */
  many: boolean;
}

const FILTER_IDS: Record<string, string> = { filter: 'f-filter', q: 'f-q' };
const FILTER_LABELS: Record<string, string> = { filter: '范围', q: '搜索', offset: '页码', limit: '每页条数' };

export function CatalogueListPage(p: ListPageProps) {
  const f = p.filters;
  return (
    <Layout title="主动公开" area="admin" user={p.user} csrfToken={p.csrfToken}>
      <h1>主动公开信息</h1>
      <p class="actions-bar">
        {p.canDraft ? (
          <a class="button" href="/admin/catalogue/new">
            起草新信息
          </a>
        ) : null}
        <span class="muted">信息应自形成或者变更之日起20个工作日内公开（条例第二十六条），公开前须经审核（条例第十七条）。</span>
      </p>
      <form method="get" action="/admin/catalogue" class="filters" role="search" aria-label="筛选信息">
        <ErrorSummary errors={p.errors} ids={FILTER_IDS} labels={FILTER_LABELS} title="筛选条件有误：" />
        <SelectField id="f-filter" name="filter" label="范围" value={f.filter || 'open'} placeholder={null} options={Object.entries(STAFF_FILTERS)} error={p.errors.filter} />
        <TextField id="f-q" name="q" type="search" label="搜索" hint="名称、索引号或文号中的文字" value={f.q} maxLength={100} error={p.errors.q} />
        <div class="field buttons">
          <button type="submit">筛选</button> <a href="/admin/catalogue">清除筛选</a>
        </div>
      </form>
      {p.page ? <Results filters={f} page={p.page} many={p.many} /> : null}
    </Layout>
  );
}

function Results({ filters, page, many }: { filters: ListFilters; page: ListPage; many: boolean }) {
  const pages = Math.max(1, Math.ceil(page.total / page.limit)) + (page.totalCapped ? 1 : 0);
  const current = Math.floor(page.offset / page.limit) + 1;
  return (
    <>
      <p class="muted">
        今天是 {page.today}。共 {page.total}
        {page.totalCapped ? ' 余' : ''} 条{page.total > 0 ? `，第 ${current} 页` : ''}。未发布的按公开期限先后排列。
      </p>
      {page.items.length === 0 ? (
        <p>没有符合条件的信息。</p>
      ) : (
        <div class="table-wrap" role="region" aria-label="信息列表" tabindex={0}>
          <table class="queue">
            <caption>主动公开信息（{STAFF_FILTERS[filters.filter as keyof typeof STAFF_FILTERS] ?? STAFF_FILTERS.open}）</caption>
            <thead>
              <tr>
                <th scope="col">名称</th>
                {many ? <th scope="col">机关</th> : null}
                <th scope="col">索引号</th>
                <th scope="col">状态</th>
                <th scope="col">形成日期</th>
                <th scope="col">公开期限</th>
                <th scope="col">剩余工作日</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((it) => (
                <Row key={it.id} it={it} many={many} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 ? <Pager filters={filters} current={current} pages={pages} /> : null}
    </>
  );
}

function Row({ it, many }: { it: StaffListItemOut; many: boolean }) {
  const overdue = it.remainingWorkingDays !== null && it.remainingWorkingDays < 0;
  return (
    <tr class={overdue ? 'overdue' : undefined}>
      <th scope="row">
        <a href={`/admin/catalogue/${it.id}`}>{it.title}</a>
        {it.versionNumber > 1 ? <span class="muted small">（第{it.versionNumber}版）</span> : null}
      </th>
      {many ? <td data-label="机关">{it.agencyName}</td> : null}
      <td data-label="索引号">{it.indexNumber ?? <span class="muted">发布时生成</span>}</td>
      <td data-label="状态">
        {it.stateLabel}
        {it.state === 'in_review' ? <span class="muted small">（第{it.reviewLevel}级）</span> : null}
        {it.withdrawn ? (
          <>
            {' '}
            <strong class="badge badge-overdue">已撤回</strong>
          </>
        ) : null}
        {it.state === 'published' && it.late ? (
          <>
            {' '}
            <strong class="badge badge-overdue">超期发布</strong>
          </>
        ) : null}
      </td>
      <td data-label="形成日期">{it.formedOn}</td>
      <td data-label="公开期限">{it.state === 'published' ? <span class="muted">{it.publishedOn}发布</span> : it.dueOn}</td>
      <td data-label="剩余工作日">
        {it.remainingWorkingDays === null ? (
          '—'
        ) : overdue ? (
          <strong class="overdue">已超期{-it.remainingWorkingDays}个工作日</strong>
        ) : (
          String(it.remainingWorkingDays)
        )}
      </td>
    </tr>
  );
}

function Pager({ filters, current, pages }: { filters: ListFilters; current: number; pages: number }) {
  const href = (n: number) => `/admin/catalogue${listQuery(filters, { page: String(n) })}`;
  return (
    <nav class="pager" aria-label="分页">
      {current > 1 ? (
        <a href={href(current - 1)} rel="prev">
          上一页
        </a>
      ) : (
        <span class="muted">上一页</span>
      )}
      <span>第 {current} 页</span>
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
