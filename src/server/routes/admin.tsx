/**
 * The back office home: who is logged in, with which roles, where; the platform pages of the
 * actor's 三员 role (账号管理, 安全管理, 审计日志) and the account's own password change.
 */
import type { FastifyInstance } from 'fastify';
import { agenciesWhere, mayPlatform, PLATFORM_ROLE_LABELS, ROLE_LABELS } from '../../accounts/policy.js';
import { agencyNames } from '../../agencies/agency.repository.js';
import { chinaDate } from '../../applications/application.service.js';
import { requireActor, sendPage } from '../app.js';
import { queueCounts, serviceDeps } from '../views/applications/desk.js';
import { listForStaff } from '../../catalogue/catalogue.service.js';
import { mayKeepWords } from '../../catalogue/words.js';
import { catalogueDeps } from '../views/catalogue/desk.js';
import { Layout } from '../views/layout.js';
import { listReports, REPORT_STATUS_LABELS } from '../../reports/store/annual-report.service.js';
import { reportDeps } from './reports-admin.js';
import { supervisionHomeCard } from './supervision.js';

export function registerAdminRoutes(app: FastifyInstance): void {
  app.get('/admin', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const names = await agencyNames(app.deps.db.kysely, [...actor.access.keys()]);
    const rows = [...actor.access.entries()].sort((a, b) => a[0] - b[0]);
    const administered = agenciesWhere(actor, 'administer').sort((a, b) => a - b);
    // The application desk: how many open cases, how many overdue (the queue's own counts).
    const deps = serviceDeps(app);
    const desk = agenciesWhere(actor, 'read').length ? await queueCounts(app.deps.db, actor, chinaDate(deps.now?.() ?? new Date())) : null;
    // The catalogue: what awaits the actor's review, what is unpublished, what is unpublished past
    // its 20-working-day limit (items already published late are history: the list's 超期 filter).
    const count = async (filter: string) => (await listForStaff(app.deps.db, catalogueDeps(app), actor, { filter, limit: 1 })).total;
    const catalogue = actor.access.size ? { toReview: await count('to_review'), open: await count('open'), overdue: await count('overdue') } : null;
    const keepsWords = await mayKeepWords(app.deps.db.kysely, actor);
    // The annual reports of last year: what awaits the actor's review, and where the reports of
    // the agencies the actor handles stand (a report is due in January or March).
    const rDeps = reportDeps(app);
    const lastYear = Number(chinaDate(rDeps.now?.() ?? new Date()).slice(0, 4)) - 1;
    const reportRows = actor.access.size ? await listReports(app.deps.db, rDeps, actor, lastYear) : [];
    const handled = new Set(agenciesWhere(actor, 'handle'));
    const awaiting = reportRows.filter((r) => r.awaitingMe);
    const mine = reportRows.filter((r) => handled.has(r.agencyId));
    const supervision = await supervisionHomeCard(app, actor);
    return sendPage(
      reply,
      <Layout title="工作台" area="admin" user={actor} csrfToken={req.csrfToken}>
        <h1>工作台</h1>
        <p>您好，{actor.displayName}。</p>
        {(req.query as Record<string, unknown>).password === 'changed' ? (
          <p class="flash" role="status">
            密码已修改。
          </p>
        ) : null}
        {actor.platformRole ? (
          <>
            <h2>平台管理（{PLATFORM_ROLE_LABELS[actor.platformRole]}）</h2>
            <ul class="action-links">
              {mayPlatform(actor, 'manage_accounts') ? (
                <li>
                  <a href="/admin/accounts">账号管理</a>
                  创建账号、授予和撤销机关业务角色、停用账号
                </li>
              ) : null}
              {mayPlatform(actor, 'manage_security') ? (
                <li>
                  <a href="/admin/security">安全管理</a>
                  安全策略、账号解锁、密码重置、三员角色
                </li>
              ) : null}
              {mayPlatform(actor, 'read_audit') ? (
                <li>
                  <a href="/admin/audit">审计日志</a>
                  查询、导出
                </li>
              ) : null}
            </ul>
          </>
        ) : null}
        {desk ? (
          <>
            <h2>依申请公开</h2>
            <ul class="action-links">
              <li>
                <a href="/admin/applications">申请工作队列</a>
                办理中 {desk.open} 件
                {desk.overdue > 0 ? (
                  <>
                    ，<strong class="overdue">其中已逾期 {desk.overdue} 件</strong>
                  </>
                ) : (
                  '，无逾期'
                )}
              </li>
              {agenciesWhere(actor, 'handle').length ? (
                <li>
                  <a href="/admin/applications/new">登记申请</a>
                  当面、邮寄、传真、电子邮件提交的申请
                </li>
              ) : null}
            </ul>
          </>
        ) : null}
        {catalogue ? (
          <>
            <h2>主动公开</h2>
            <ul class="action-links">
              {agenciesWhere(actor, 'review').length || catalogue.toReview ? (
                <li>
                  <a href="/admin/catalogue?filter=to_review">待我审核</a>
                  {catalogue.toReview} 条
                </li>
              ) : null}
              <li>
                <a href="/admin/catalogue">未发布的信息</a>
                {catalogue.open} 条
                {catalogue.overdue > 0 ? (
                  <>
                    ，<a href="/admin/catalogue?filter=overdue"><strong class="overdue">超过公开时限仍未发布 {catalogue.overdue} 条</strong></a>
                  </>
                ) : (
                  '，无超期'
                )}
              </li>
              {agenciesWhere(actor, 'handle').length ? (
                <li>
                  <a href="/admin/catalogue/new">起草新信息</a>
                  起草、上传附件、提交审核
                </li>
              ) : null}
              {keepsWords ? (
                <li>
                  <a href="/admin/catalogue/words">敏感词和易错词</a>
                  提交审核前的词表检查
                </li>
              ) : null}
            </ul>
          </>
        ) : null}
        {awaiting.length || mine.length ? (
          <>
            <h2>年度报告</h2>
            <ul class="action-links">
              {awaiting.length ? (
                <li>
                  <a href={`/admin/reports?year=${lastYear}`}>待我审核的{lastYear}年度报告</a>
                  {awaiting.length} 份
                </li>
              ) : null}
              {mine.map((r) => (
                <li key={r.agencyId}>
                  <a href={r.reportId ? `/admin/reports/${r.reportId}` : `/admin/reports?year=${lastYear}`}>
                    {r.agencyName}
                    {lastYear}年度报告
                  </a>
                  {r.status === 'late' ? <strong class="overdue">{REPORT_STATUS_LABELS[r.status]}</strong> : REPORT_STATUS_LABELS[r.status]}
                  {r.status === 'published' ? `（${r.publishedOn}）` : `，公布期限 ${r.deadline}`}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {supervision}
        {administered.length ? (
          <>
            <h2>机关设置</h2>
            <ul class="action-links">
              {administered.map((id) => (
                <li key={id}>
                  <a href={`/admin/agencies/${id}/letters`}>告知书设置：{names.get(id) ?? `#${id}`}</a>
                  文号前缀、行政复议机关、人民法院
                </li>
              ))}
              {administered.map((id) => (
                <li key={`c${id}`}>
                  <a href={`/admin/agencies/${id}/catalogue`}>目录设置：{names.get(id) ?? `#${id}`}</a>
                  机构代码、审核流程、索引号格式
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <p>
          <a href="/admin/password">修改密码</a>
        </p>
        <h2>我的权限</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">机关</th>
              <th scope="col">角色</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([id, roles]) => (
              <tr key={id}>
                <td>{names.get(id) ?? `#${id}`}</td>
                <td>{[...roles].map((r) => ROLE_LABELS[r]).join('、')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });
}
