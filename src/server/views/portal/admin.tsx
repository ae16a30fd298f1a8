/**
 * The back office of the public column: the hub (/admin/xxgk), the feedback list and one
 * feedback with its reply form (/admin/feedback), and an agency's 制度 list (administrators).
 * Feedback text is the public's: rendered escaped like everything else, kept in pre-wrap blocks.
 */
import type { PageUser } from '../layout.js';
import { Layout } from '../layout.js';
import { FEEDBACK_KIND_LABELS, FEEDBACK_STATE_LABELS, MAX_REPLY, type StaffFeedback } from '../../../portal/feedback.js';
import { ErrorSummary, TextArea, TextField, type FormErrors, type FormValues } from '../public/fields.js';
import { columnUrl, Flash, itemUrl, Pager } from './common.js';

export interface HubColumn {
  id: number;
  name: string;
  /** Unanswered feedback the actor can see, for this column's agencies. */
  administers: boolean;
}

export function PortalHubPage({ user, csrfToken, columns, unanswered }: { user: PageUser; csrfToken: string; columns: readonly HubColumn[]; unanswered: number }) {
  return (
    <Layout title="公开专栏" area="admin" user={user} csrfToken={csrfToken}>
      <h1>政府信息公开专栏</h1>
      <ul class="action-links">
        <li>
          <a href="/admin/feedback">社会评议</a>
          公众对信息的评价和投诉，待答复 {unanswered} 条
        </li>
      </ul>
      <h2>各机关专栏</h2>
      {columns.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">专栏</th>
              <th scope="col">设置</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={columnUrl(c.id)}>{c.name}</a>
                </td>
                <td>{c.administers ? <a href={`/admin/xxgk/${c.id}/rules`}>政府信息公开制度</a> : <span class="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>您没有可查看的专栏。</p>
      )}
    </Layout>
  );
}

export interface FeedbackListFilters {
  kind: string;
  state: string;
  page: number;
}

export function feedbackListQuery(f: FeedbackListFilters, page?: number): string {
  const p = new URLSearchParams();
  if (f.kind) p.set('kind', f.kind);
  if (f.state) p.set('state', f.state);
  if (page && page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

const excerpt = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

function Rating({ f }: { f: StaffFeedback }) {
  if (f.kind !== 'rating') return <>{FEEDBACK_KIND_LABELS.complaint}</>;
  return <>{f.useful ? '有用' : '没用'}</>;
}

export function FeedbackListPage(p: {
  user: PageUser;
  csrfToken: string;
  filters: FeedbackListFilters;
  items: readonly StaffFeedback[];
  total: number;
  pages: number;
  errors: FormErrors;
}) {
  const { filters } = p;
  return (
    <Layout title="社会评议" area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin/xxgk">公开专栏</a> › 社会评议
      </p>
      <h1>社会评议</h1>
      <ErrorSummary errors={p.errors} order={['kind', 'state']} title="筛选条件有误" />
      <form method="get" action="/admin/feedback" class="filters" aria-label="筛选">
        <div class="field">
          <label for="f-kind">类型</label>
          <select id="f-kind" name="kind">
            <option value="">全部</option>
            {Object.entries(FEEDBACK_KIND_LABELS).map(([k, l]) => (
              <option key={k} value={k} selected={filters.kind === k}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-state">状态</label>
          <select id="f-state" name="state">
            <option value="">全部</option>
            {Object.entries(FEEDBACK_STATE_LABELS).map(([k, l]) => (
              <option key={k} value={k} selected={filters.state === k}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div class="buttons">
          <button type="submit">筛选</button>
        </div>
      </form>
      <p role="status">共 {p.total} 条（待答复的排在前面）。</p>
      {p.items.length ? (
        <div class="table-wrap" tabindex={0} role="region" aria-label="社会评议列表">
          <table class="feedback-list">
            <thead>
              <tr>
                <th scope="col">时间</th>
                <th scope="col">机关</th>
                <th scope="col">评价 / 类型</th>
                <th scope="col">内容</th>
                <th scope="col">状态</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((f) => (
                <tr key={f.id} class={f.state === 'new' ? 'returned' : undefined}>
                  <td>
                    <a href={`/admin/feedback/${f.id}`}>{f.createdAt.slice(0, 16).replace('T', ' ')}</a>
                  </td>
                  <td>{f.agencyName}</td>
                  <td>
                    <Rating f={f} />
                    {f.item ? <div class="small muted">{f.item.title ?? `信息 #${f.item.id}`}</div> : null}
                  </td>
                  <td class="pre">{f.body ? excerpt(f.body) : <span class="muted">（未填写意见）</span>}</td>
                  <td>{FEEDBACK_STATE_LABELS[f.state]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>没有符合条件的评议。</p>
      )}
      <Pager current={filters.page} pages={p.pages} href={(n) => `/admin/feedback${feedbackListQuery(filters, n)}`} />
    </Layout>
  );
}

export function FeedbackPage(p: { user: PageUser; csrfToken: string; f: StaffFeedback; values: FormValues; errors: FormErrors; notice: string | null; error: string | null }) {
  const { f } = p;
  return (
    <Layout title={`${p.error ? '错误：' : ''}评议 #${f.id}`} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin/xxgk">公开专栏</a> › <a href="/admin/feedback">社会评议</a> › #{f.id}
      </p>
      <h1>
        {FEEDBACK_KIND_LABELS[f.kind]} #{f.id}
      </h1>
      {p.notice ? <Flash>{p.notice}</Flash> : null}
      {p.error ? (
        <p class="error" role="alert">
          {p.error}
        </p>
      ) : null}
      <dl class="meta">
        <dt>机关</dt>
        <dd>{f.agencyName}</dd>
        <dt>提交时间</dt>
        <dd>{f.createdAt.slice(0, 19).replace('T', ' ')}（UTC）</dd>
        {f.item ? (
          <>
            <dt>评价的信息</dt>
            <dd>
              <a href={`/admin/catalogue/${f.item.id}`}>{f.item.title ?? `信息 #${f.item.id}`}</a>
              {f.item.version ? `（第 ${f.item.version} 版）` : ''} · <a href={itemUrl(f.item.id)}>公开页面</a>
            </dd>
            <dt>评价</dt>
            <dd>{f.useful ? '有用' : '没用'}</dd>
          </>
        ) : null}
        {f.kind === 'complaint' ? (
          <>
            <dt>姓名</dt>
            <dd>{f.contactName ?? <span class="muted">未填写</span>}</dd>
            <dt>联系电话</dt>
            <dd>{f.contactPhone ?? <span class="muted">未填写</span>}</dd>
          </>
        ) : null}
        <dt>状态</dt>
        <dd>{FEEDBACK_STATE_LABELS[f.state]}</dd>
      </dl>
      {f.kind === 'complaint' ? <p class="hint">姓名和联系电话属于个人信息，仅用于答复，不得公开。</p> : null}
      <h2>{f.kind === 'rating' ? '意见' : '投诉内容'}</h2>
      <div class="card pre">{f.body || <span class="muted">（未填写意见）</span>}</div>
      {f.reply ? (
        <>
          <h2>答复</h2>
          <div class="card pre">{f.reply}</div>
          <p class="small muted">
            {f.repliedBy ?? '—'} 答复于 {f.repliedAt?.slice(0, 19).replace('T', ' ')}（UTC）
          </p>
        </>
      ) : null}
      {f.canReply ? (
        <form method="post" action={`/admin/feedback/${f.id}/reply`} class="stack card" novalidate>
          <h2>{f.reply ? '修改答复' : '答复'}</h2>
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <input type="hidden" name="previous" value={f.repliedAt ?? ''} />
          <ErrorSummary errors={p.errors} order={['reply']} />
          <TextArea name="reply" label="答复内容" required values={p.values} errors={p.errors} maxLength={MAX_REPLY} rows={5} hint={f.kind === 'complaint' && f.contactPhone ? '答复内容记入本系统；请同时按投诉人留下的电话答复。' : '答复内容记入本系统。'} />
          <button type="submit">保存答复</button>
        </form>
      ) : (
        <p class="muted">您可以查看本评议，但答复须由本机关的信息员、审核人或负责人进行。</p>
      )}
    </Layout>
  );
}

export function RulesAdminPage(p: {
  user: PageUser;
  csrfToken: string;
  agency: { id: number; name: string };
  items: ReadonlyArray<{ id: number; indexNumber: string | null; title: string | null; isPublic: boolean }>;
  values: FormValues;
  errors: FormErrors;
  notice: string | null;
}) {
  return (
    <Layout title={`政府信息公开制度设置 - ${p.agency.name}`} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin/xxgk">公开专栏</a> › 政府信息公开制度
      </p>
      <h1>政府信息公开制度：{p.agency.name}</h1>
      {p.notice ? <Flash>{p.notice}</Flash> : null}
      <p>
        专栏的“政府信息公开制度”列出本机关已发布的制度文件。制度文件须先作为主动公开信息起草、审核并发布，再在此按索引号加入列表；撤回的信息自动不再显示。
        <a href={`${columnUrl(p.agency.id)}/rules`}>查看公开页面</a>
      </p>
      {p.items.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">索引号</th>
              <th scope="col">名称</th>
              <th scope="col">状态</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            {p.items.map((r) => (
              <tr key={r.id}>
                <td>{r.indexNumber ?? '—'}</td>
                <td>
                  <a href={`/admin/catalogue/${r.id}`}>{r.title ?? `信息 #${r.id}`}</a>
                </td>
                <td>{r.isPublic ? '公开中' : <span class="warning">未公开（不显示）</span>}</td>
                <td>
                  <form method="post" action={`/admin/xxgk/${p.agency.id}/rules/${r.id}/remove`} class="inline">
                    <input type="hidden" name="_csrf" value={p.csrfToken} />
                    <button type="submit" class="link">
                      移出列表<span class="visually-hidden">：{r.title ?? r.indexNumber ?? r.id}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>列表为空：公开页面显示“尚未登载本机关的政府信息公开工作制度”。</p>
      )}
      <form method="post" action={`/admin/xxgk/${p.agency.id}/rules`} class="stack card" novalidate>
        <h2>加入制度文件</h2>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <ErrorSummary errors={p.errors} order={['indexNumber']} />
        <TextField name="indexNumber" label="索引号" required values={p.values} errors={p.errors} maxLength={60} width="short" hint="本机关已发布的主动公开信息的索引号。" />
        <button type="submit">加入</button>
      </form>
    </Layout>
  );
}
