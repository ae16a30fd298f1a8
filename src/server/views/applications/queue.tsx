/** The work queue (GET /admin/applications): filters, the table sorted by due date, pagination. */
import type { QueueItemView } from '../../../applications/application.presenter.js';
import { QUEUE_STATE_FILTERS } from '../../../applications/application.schema.js';
import type { QueuePage } from '../../../applications/application.service.js';
import { Layout, type PageUser } from '../layout.js';
import { filterQuery, excerpt, type QueueFilters } from './desk.js';
import { CheckboxField, ErrorSummary, SelectField, TextField, type FormErrors } from './fields.js';

export interface QueuePageProps {
  user: PageUser;
  csrfToken: string;
  filters: QueueFilters;
  /** null when the filters were refused (errors says why). */
  page: QueuePage | null;
  errors: FormErrors;
  /** The agencies whose cases the actor may read: [id, name]. */
  agencies: ReadonlyArray<readonly [number, string]>;
  canRegister: boolean;
  /** QueueResults already rendered (the route caches it per data version); absent: rendered here. */
  resultsHtml?: string | undefined;
}

const FILTER_IDS: Record<string, string> = { state: 'f-state', agencyIds: 'f-agency', q: 'f-q', overdueOnly: 'f-overdue' };
const FILTER_LABELS: Record<string, string> = { state: '状态', agencyIds: '机关', q: '搜索', overdueOnly: '只看逾期', limit: '每页条数', offset: '起始位置' };

export function QueuePageView(p: QueuePageProps) {
  const { filters: f, page } = p;
  const many = p.agencies.length > 1;
  return (
    <Layout title="申请工作队列" area="admin" user={p.user} csrfToken={p.csrfToken}>
      <h1>申请工作队列</h1>
      <p class="actions-bar">
        {p.canRegister ? (
          <a class="button" href="/admin/applications/new">
            登记申请
          </a>
        ) : null}
        <a href={`/admin/applications/export.csv${filterQuery(f)}`}>导出当前筛选结果（CSV）</a>{' '}
        <a href={`/admin/applications/export.xlsx${filterQuery(f)}`}>导出当前筛选结果（Excel）</a>
      </p>

      <form method="get" action="/admin/applications" class="filters" role="search" aria-label="筛选申请">
        <ErrorSummary errors={p.errors} ids={FILTER_IDS} labels={FILTER_LABELS} title="筛选条件有误：" />
        <SelectField
          id="f-state"
          name="state"
          label="状态"
          value={f.state || 'open'}
          placeholder={null}
          options={Object.entries(QUEUE_STATE_FILTERS)}
          error={p.errors.state}
        />
        {many ? (
          <SelectField
            id="f-agency"
            name="agency"
            label="机关"
            value={f.agency}
            placeholder="全部机关"
            options={p.agencies.map(([id, name]) => [String(id), name] as const)}
            error={p.errors.agencyIds}
          />
        ) : null}
        <TextField id="f-q" name="q" type="search" label="搜索" hint="编号、申请人姓名或名称、申请内容中的文字" value={f.q} maxLength={100} error={p.errors.q} />
        <CheckboxField id="f-overdue" name="overdue" label="只看逾期" checked={f.overdue} />
        <div class="field buttons">
          <button type="submit">筛选</button> <a href="/admin/applications">清除筛选</a>
        </div>
      </form>

      {p.resultsHtml !== undefined ? (
        <div class="queue-results" dangerouslySetInnerHTML={{ __html: p.resultsHtml }} />
      ) : (
        <div class="queue-results">
          <QueueResults filters={f} page={page} many={many} />
        </div>
      )}
    </Layout>
  );
}

/**
 * The count, the table and the pager: a pure function of the page, the filters and whether the
 * actor reads several agencies, so the route can render it once per data version and reuse the HTML.
 */
export function QueueResults({ filters: f, page, many }: { filters: QueueFilters; page: QueuePage | null; many: boolean }) {
  if (!page) return null;
  // Beyond the count cap there is always a next page.
  const pages = Math.max(1, Math.ceil(page.total / page.limit)) + (page.totalCapped ? 1 : 0);
  const current = Math.floor(page.offset / page.limit) + 1;
  return (
    <>
      <p class="muted">
        今天是 {page.today}。共 {page.total}{page.totalCapped ? ' 余' : ''} 件{page.total > 0 ? `，第 ${current} / ${page.totalCapped ? `${pages - 1} 余` : pages} 页` : ''}。逾期的排在最前，其次按期限先后排列。
      </p>
      {page.items.length === 0 ? (
        <p>没有符合条件的申请。</p>
      ) : (
        <div class="table-wrap" role="region" aria-label="申请列表" tabindex={0}>
          <table class="queue">
            <caption>申请列表（按期限排序）</caption>
            <thead>
              <tr>
                <th scope="col">编号</th>
                {many ? <th scope="col">机关</th> : null}
                <th scope="col">收到日期</th>
                <th scope="col">申请人类型</th>
                <th scope="col">摘要</th>
                <th scope="col">状态</th>
                <th scope="col">答复期限</th>
                <th scope="col">剩余工作日</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((it) => (
                <QueueRow key={it.id} it={it} many={many} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 ? <Pager filters={f} current={current} pages={pages} /> : null}
    </>
  );
}

function QueueRow({ it, many }: { it: QueueItemView; many: boolean }) {
  const dueSoon = !it.overdue && it.status === 'due_soon';
  const cls = it.overdue ? 'overdue' : dueSoon ? 'due-soon' : undefined;
  return (
    <tr class={cls}>
      <th scope="row">
        <a href={`/admin/applications/${it.id}`}>{it.trackingNumber}</a>
      </th>
      {many ? <td data-label="机关">{it.agency.name}</td> : null}
      <td data-label="收到日期">{it.receivedOn ?? `${it.submittedOn}（待确认）`}</td>
      <td data-label="申请人类型">{it.applicantTypeLabel}</td>
      <td data-label="摘要">{excerpt(it.descriptionExcerpt, 40)}</td>
      <td data-label="状态">
        {it.state.label}
        {it.overdue ? (
          <>
            {' '}
            <strong class="badge badge-overdue">已逾期</strong>
          </>
        ) : dueSoon ? (
          <>
            {' '}
            <strong class="badge badge-soon">即将到期</strong>
          </>
        ) : null}
        <br />
        <span class="muted small">{it.statusText}</span>
      </td>
      <td data-label="答复期限">
        {it.replyDueOn ?? '—'}
        {it.replyDueOn && it.provisional ? '（推算）' : ''}
        {it.extensionDays ? <span class="muted small">（已延长{it.extensionDays}个工作日）</span> : null}
      </td>
      <td data-label="剩余工作日">{remaining(it)}</td>
    </tr>
  );
}

function remaining(it: QueueItemView): string {
  if (it.remainingWorkingDays === null) return it.state.closed ? '—' : it.status === 'paused' ? '暂停计时' : '—';
  if (it.remainingWorkingDays < 0) return `已逾期${-it.remainingWorkingDays}个工作日`;
  return String(it.remainingWorkingDays);
}

function Pager({ filters, current, pages }: { filters: QueueFilters; current: number; pages: number }) {
  const href = (n: number) => `/admin/applications${filterQuery(filters, { page: String(n) })}`;
  return (
    <nav class="pager" aria-label="分页">
      {current > 1 ? <a href={href(current - 1)} rel="prev">上一页</a> : <span class="muted">上一页</span>}
      <span>
        第 {current} / {pages} 页
      </span>
      {current < pages ? <a href={href(current + 1)} rel="next">下一页</a> : <span class="muted">下一页</span>}
    </nav>
  );
}
