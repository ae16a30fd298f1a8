/** The audit log page of the 安全审计员: filters, a page of entries (newest first), pager, exports. */
import type { Actor } from '../../../accounts/policy.js';
import { chinaTime, type AuditFilter, type AuditRow } from '../../../audit/audit-log.js';
import { ErrorSummary, TextField, type FormErrors, type FormValues } from '../applications/fields.js';
import { Layout } from '../layout.js';

const IDS = { from: 'f-from', to: 'f-to', actor: 'f-actor', action: 'f-action', subjectType: 'f-type', subjectId: 'f-id' };
const LABELS = { from: '起始日期', to: '截止日期', actor: '用户名', action: '操作', subjectType: '对象类型', subjectId: '对象编号' };

export function filterQuery(f: AuditFilter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface AuditPageProps {
  actor: Actor;
  csrfToken: string;
  filter: AuditFilter;
  values: FormValues;
  errors: FormErrors;
  result: { rows: AuditRow[]; total: number; page: number; pages: number } | null;
}

export function AuditPage(p: AuditPageProps) {
  const f = (name: keyof typeof IDS, hint?: string, type?: 'date' | 'search') => (
    <TextField id={IDS[name]} name={name} label={LABELS[name]} value={p.values[name]} error={p.errors[name]} hint={hint} type={type ?? 'search'} maxLength={64} />
  );
  const r = p.result;
  return (
    <Layout title="审计日志" area="admin" user={p.actor} csrfToken={p.csrfToken}>
      <h1>审计日志</h1>
      <p class="hint">安全审计员：查询和导出审计日志。日志只能追加，任何人不能修改或删除；超过保存期限的记录经归档后才能清理。每次导出都记入审计日志。</p>
      <ErrorSummary errors={p.errors} ids={IDS} labels={LABELS} />
      <form method="get" action="/admin/audit" class="filters">
        {f('from', '北京时间，含当日', 'date')}
        {f('to', '北京时间，含当日', 'date')}
        {f('actor', '操作人的用户名')}
        {f('action', '例如 login.failure；以 . 结尾表示前缀，例如 login.')}
        {f('subjectType', '例如 user、application')}
        {f('subjectId')}
        <button type="submit">查询</button>
      </form>
      {r ? (
        <>
          <p>
            共 {r.total} 条，第 {r.page}/{r.pages} 页。导出：<a href={`/admin/audit/export${filterQuery(p.filter, { format: 'csv' })}`}>CSV（Excel）</a>、
            <a href={`/admin/audit/export${filterQuery(p.filter, { format: 'jsonl' })}`}>JSON Lines</a>
          </p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">编号</th>
                  <th scope="col">时间（北京时间）</th>
                  <th scope="col">用户</th>
                  <th scope="col">操作</th>
                  <th scope="col">对象</th>
                  <th scope="col">详情</th>
                  <th scope="col">IP 地址</th>
                </tr>
              </thead>
              <tbody>
                {r.rows.map((x) => (
                  <tr key={x.id}>
                    <td>{x.id}</td>
                    <td>{chinaTime(x.at)}</td>
                    <td>{x.username ?? (x.userId === null ? '—' : `#${x.userId}`)}</td>
                    <td>{x.action}</td>
                    <td>{x.subjectType ? `${x.subjectType} ${x.subjectId ?? ''}` : '—'}</td>
                    <td class="small">{x.details ?? ''}</td>
                    <td>{x.ip ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {r.pages > 1 ? (
            <nav class="pager" aria-label="分页">
              {r.page > 1 ? <a href={`/admin/audit${filterQuery(p.filter, { page: String(r.page - 1) })}`}>上一页</a> : null}{' '}
              {r.page < r.pages ? <a href={`/admin/audit${filterQuery(p.filter, { page: String(r.page + 1) })}`}>下一页</a> : null}
            </nav>
          ) : null}
        </>
      ) : null}
    </Layout>
  );
}
