/**
 * The supervision dashboard page (GET /admin/supervision): the scope and filters (a GET form),
 * the totals, one row per agency with each figure linking to the list it counts where one exists,
 * sortable columns (links; aria-sort on the sorted one), the monthly trends as charts with their
 * data tables, and the e-mail reminders' state and last runs. Nothing personal about applicants or
 * complainants appears: counts and agency names only.
 */
import { AGENCY_KIND_LABELS } from '../../../agencies/agency.repository.js';
import { PROBLEMS, SORTS, type AgencyFigures, type Sort } from '../../../supervision/dashboard.js';
import { MAX_STALE_DAYS, PROBLEM_FILTERS, type DashboardQuery, type DashboardView, type RunSummary } from '../../../supervision/service.js';
import type { ScopedAgency } from '../../../supervision/scope.js';
import { ErrorSummary, SelectField, TextField, type FormErrors } from '../applications/fields.js';
import { Layout, type PageUser } from '../layout.js';
import { BarChart } from './charts.js';
import { SUPERVISION_CSS_URL } from './style.js';

export interface ReminderState {
  /** SMTP configured. */
  enabled: boolean;
  /** HH:MM, or null when the server does not send (CLI only). */
  time: string | null;
}

export interface DashboardPageProps {
  user: PageUser;
  csrfToken: string;
  /** The query as typed (re-shown in the form). */
  values: Readonly<Record<string, string>>;
  errors: FormErrors;
  /** Null when the query was refused. */
  view: DashboardView | null;
  /** Every agency the actor supervises (the scope choice). */
  agencies: readonly ScopedAgency[];
  /** GONGKAI_COLUMN_STALE_DAYS. */
  defaultStaleDays: number;
  reminders: ReminderState;
}

const FIELD_IDS = { agency: 's-agency', problem: 's-problem', sort: 's-sort', stale: 's-stale' };
const FIELD_LABELS = { agency: '机关', problem: '问题', sort: '排序', stale: '专栏更新阈值' };

/** The query string of a dashboard query (links keep the scope, filter, sort and threshold). */
export function queryString(q: DashboardQuery, over: Partial<Record<keyof DashboardQuery, string | number | undefined>> = {}): string {
  const p = new URLSearchParams();
  const merged: Record<string, string | number | undefined> = { agency: q.agency, problem: q.problem, sort: q.sort, stale: q.stale, ...over };
  for (const k of ['agency', 'problem', 'sort', 'stale']) {
    const v = merged[k];
    if (v !== undefined && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Ideographic spaces: the option list shows the tree. */
const indent = (level: number) => '\u3000'.repeat(Math.min(level, 6));

export function DashboardPage(p: DashboardPageProps) {
  const v = p.view;
  return (
    <Layout title="督查看板" area="admin" user={p.user} csrfToken={p.csrfToken}>
      <link rel="stylesheet" href={SUPERVISION_CSS_URL} />
      <h1>督查看板</h1>
      <p class="muted">
        下级机关政府信息公开工作的时效：逾期和即将到期的申请、超期未发布的主动公开信息、专栏更新、上一年度的年度报告、未答复的投诉。数字链接到对应的清单。
      </p>
      <form method="get" action="/admin/supervision" class="filters" role="search" aria-label="筛选机关">
        <ErrorSummary errors={p.errors} ids={FIELD_IDS} labels={FIELD_LABELS} title="查询条件有误：" />
        <SelectField
          id="s-agency"
          name="agency"
          label="机关"
          value={p.values.agency ?? ''}
          placeholder="我督查的全部机关"
          options={p.agencies.map((a) => [String(a.id), `${indent(a.level)}${a.name}`] as const)}
          error={p.errors.agency}
        />
        <SelectField id="s-problem" name="problem" label="问题" value={p.values.problem ?? ''} placeholder="全部机关" options={Object.entries(PROBLEM_FILTERS)} error={p.errors.problem} />
        <SelectField id="s-sort" name="sort" label="排序" value={p.values.sort ?? ''} placeholder={null} options={Object.entries(SORTS)} error={p.errors.sort} />
        <TextField
          id="s-stale"
          name="stale"
          type="number"
          label="专栏更新阈值（天）"
          hint={`超过这么多天没有发布新信息的专栏标为滞后（默认 ${p.defaultStaleDays} 天，1–${MAX_STALE_DAYS}）`}
          value={p.values.stale ?? ''}
          maxLength={3}
          inputMode="numeric"
          error={p.errors.stale}
        />
        <div class="field buttons">
          <button type="submit">查询</button> <a href="/admin/supervision">清除条件</a>
        </div>
      </form>
      {v ? <Results view={v} /> : null}
      {v ? <Trends view={v} /> : null}
      {v ? <Reminders runs={v.runs} state={p.reminders} /> : null}
    </Layout>
  );
}

function Results({ view: v }: { view: DashboardView }) {
  const q = v.query;
  const t = v.totals;
  return (
    <>
      <p>
        截至 {v.today}，共 {t.agencies} 个机关，<strong class={t.withProblems ? 'overdue' : 'ok'}>其中 {t.withProblems} 个存在问题</strong>
        {q.problem ? `；当前显示「${PROBLEM_FILTERS[q.problem]}」的 ${v.shown.length} 个` : ''}。
      </p>
      <ul class="totals" aria-label="合计">
        <li>逾期未答复申请 {t.overdue} 件</li>
        <li>5个工作日内到期 {t.dueSoon} 件</li>
        <li>超期未发布信息 {t.catalogueOverdue} 条</li>
        <li>
          专栏超过 {v.staleDays} 天未更新 {t.stale} 个
        </li>
        <li>
          {v.reportYear}年度报告逾期或被退回 {t.reportProblems} 个
        </li>
        <li>未答复投诉 {t.complaints} 件</li>
      </ul>
      <p class="downloads">
        导出本表：<a href={`/admin/supervision/export.xlsx${queryString(q)}`}>Excel（.xlsx）</a>
        {'\u3000'}
        <a href={`/admin/supervision/export.csv${queryString(q)}`}>CSV</a>
      </p>
      <div class="table-wrap" role="region" aria-labelledby="supervision-caption" tabindex={0}>
        <table class="supervision">
          <caption id="supervision-caption">
            各机关情况（{SORTS[q.sort ?? 'tree']}
            {q.problem ? `，${PROBLEM_FILTERS[q.problem]}` : ''}）
          </caption>
          <thead>
            <tr>
              <SortHeader q={q} sort="name" label="机关" />
              <SortHeader q={q} sort="overdue" label="逾期未答复申请" />
              <SortHeader q={q} sort="due_soon" label="5个工作日内到期" />
              <SortHeader q={q} sort="catalogue" label="超期未发布信息" />
              <SortHeader q={q} sort="stale" label="专栏最近更新" />
              <SortHeader q={q} sort="report" label={`${v.reportYear}年度报告`} />
              <SortHeader q={q} sort="complaints" label="未答复投诉" />
            </tr>
          </thead>
          <tbody>
            {v.shown.length ? (
              v.shown.map((r) => <Row key={r.agencyId} r={r} staleDays={v.staleDays} indentByLevel={(q.sort ?? 'tree') === 'tree'} />)
            ) : (
              <tr>
                <td colSpan={7}>没有符合条件的机关。</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <p class="muted small">
        逾期：办理中且答复期限已过（条例第三十三条）。即将到期：答复期限在今天至 {v.dueBy}（5个工作日）之间。超期未发布：自信息形成或变更之日起超过20个工作日仍未发布（条例第二十六条）。专栏最近更新：最近一次发布主动公开信息的日期（乡镇含所辖村居）。年度报告：{v.reportYear}年度，政府须于次年3月31日前、其他机关于1月31日前公布（条例第四十九条）。村居不受理申请、不编制年度报告，不计这两项。
      </p>
    </>
  );
}

/** A column header whose label sorts the table by it (the current sort marked with aria-sort). */
function SortHeader({ q, sort, label }: { q: DashboardQuery; sort: Sort; label: string }) {
  const current = (q.sort ?? 'tree') === sort;
  // Names and report states ascending (most urgent state first); counts and days descending.
  const ariaSort = current ? (sort === 'name' || sort === 'report' ? 'ascending' : 'descending') : undefined;
  return (
    <th scope="col" aria-sort={ariaSort}>
      <a href={`/admin/supervision${queryString(q, { sort })}`}>{label}</a>
    </th>
  );
}

const link = (href: string, n: number, unit: string, label: string) =>
  n > 0 ? (
    <a href={href} aria-label={`${label} ${n} ${unit}`}>
      <strong class="overdue">{n}</strong>
    </a>
  ) : (
    <span>0</span>
  );

function Row({ r, staleDays, indentByLevel }: { r: AgencyFigures; staleDays: number; indentByLevel: boolean }) {
  const na = (
    <span class="na">
      —<span class="visually-hidden">（村居不适用）</span>
    </span>
  );
  return (
    <tr class={r.problems.length ? 'problem' : undefined}>
      <th scope="row" class={indentByLevel ? `lvl-${Math.min(r.level, 5)}` : undefined}>
        {r.name}
        <span class="kind">{AGENCY_KIND_LABELS[r.kind]}</span>
        {r.problems.length ? <span class="visually-hidden">（{r.problems.map((k) => PROBLEMS[k]).join('、')}）</span> : null}
      </th>
      <td class="num">{r.organ ? link(`/admin/applications?agency=${r.agencyId}&overdue=1`, r.overdue, '件', `${r.name}逾期未答复申请`) : na}</td>
      <td class="num">
        {r.organ ? (
          r.dueSoon > 0 ? (
            <a href={`/admin/applications?agency=${r.agencyId}`} aria-label={`${r.name}即将到期申请 ${r.dueSoon} 件`}>
              {r.dueSoon}
            </a>
          ) : (
            '0'
          )
        ) : (
          na
        )}
      </td>
      <td class="num">{link('/admin/catalogue?filter=overdue', r.catalogueOverdue, '条', `${r.name}超期未发布信息`)}</td>
      <td>
        {r.lastPublishedOn ? (
          <>
            <a href={`/xxgk/${r.agencyId}`}>{r.lastPublishedOn}</a>
            {r.daysSinceUpdate === 0 ? '（今天）' : `（${r.daysSinceUpdate}天前）`}
          </>
        ) : (
          '从未发布'
        )}
        {r.stale ? (
          <>
            {' '}
            <strong class="overdue">超过{staleDays}天未更新</strong>
          </>
        ) : null}
      </td>
      <td>
        {r.report ? (
          <>
            <a href={r.report.reportId ? `/admin/reports/${r.report.reportId}` : `/admin/reports?year=${r.report.year}`}>
              {r.report.status === 'late' || r.report.status === 'returned' ? <strong class="overdue">{r.report.label}</strong> : r.report.label}
            </a>
            <span class="small muted">
              {r.report.status === 'published' ? `（${r.report.publishedOn}${r.report.publishedLate ? '，逾期公布' : ''}）` : `（期限 ${r.report.deadline}）`}
            </span>
          </>
        ) : (
          na
        )}
      </td>
      <td class="num">{link('/admin/feedback?kind=complaint&state=new', r.complaints, '件', `${r.name}未答复投诉`)}</td>
    </tr>
  );
}

function Trends({ view: v }: { view: DashboardView }) {
  const t = v.trends;
  return (
    <>
      <h2>近12个月趋势</h2>
      <BarChart
        id="chart-applications"
        title="政府信息公开申请：收到与逾期答复"
        description="每月收到的申请数和在答复期限之后才答复的申请数（按答复月份）。"
        months={t.months}
        series={[
          { label: '收到申请', values: t.received },
          { label: '逾期答复', values: t.repliedLate },
        ]}
        unit="件"
      />
      <BarChart
        id="chart-catalogue"
        title="主动公开：发布信息与超期发布"
        description="每月发布的信息（含新版本）和其中超过20个工作日才发布的。"
        months={t.months}
        series={[
          { label: '发布信息', values: t.published },
          { label: '超期发布', values: t.publishedLate },
        ]}
        unit="条"
      />
    </>
  );
}

const TRIGGER_LABELS: Record<string, string> = { schedule: '定时', cli: '命令行' };
const RUN_STATUS_LABELS: Record<string, string> = { running: '进行中', done: '已完成', partial: '部分失败', failed: '失败' };

function Reminders({ runs, state }: { runs: readonly RunSummary[]; state: ReminderState }) {
  const last = runs[0];
  return (
    <>
      <h2>邮件提醒</h2>
      <p>
        {state.enabled
          ? state.time
            ? `已启用：每个工作日北京时间 ${state.time} 向有待办事项的机关工作人员发送提醒，并向督查人员发送汇总。`
            : '已配置邮件服务器，但服务器不定时发送（GONGKAI_REMINDER_TIME=off），由命令 gongkai reminders send 发送。'
          : '未启用：没有配置邮件服务器（GONGKAI_SMTP_URL）。看板不受影响。'}{' '}
        工作人员在 <a href="/admin/reminders/email">提醒邮箱</a> 设置接收地址。
      </p>
      {runs.length ? (
        <div class="table-wrap" role="region" aria-labelledby="runs-caption" tabindex={0}>
          <table class="runs">
            <caption id="runs-caption">最近的发送记录</caption>
            <thead>
              <tr>
                <th scope="col">日期</th>
                <th scope="col">方式</th>
                <th scope="col">状态</th>
                <th scope="col">收件人</th>
                <th scope="col">已发送</th>
                <th scope="col">失败</th>
                <th scope="col">说明</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.runOn}</th>
                  <td>{TRIGGER_LABELS[r.trigger] ?? r.trigger}</td>
                  <td>{r.status === 'failed' || r.status === 'partial' ? <strong class="overdue">{RUN_STATUS_LABELS[r.status]}</strong> : RUN_STATUS_LABELS[r.status]}</td>
                  <td class="num">{r.recipients}</td>
                  <td class="num">{r.sent}</td>
                  <td class="num">{r.failed}</td>
                  <td class="small">
                    {r.error ?? ''}
                    <span class="muted">{` ${r.node}`}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">还没有发送记录。</p>
      )}
      {last && last.messages.length ? (
        <div class="table-wrap" role="region" aria-labelledby="messages-caption" tabindex={0}>
          <table class="runs">
            <caption id="messages-caption">{last.runOn} 发往本范围的提醒</caption>
            <thead>
              <tr>
                <th scope="col">收件人</th>
                <th scope="col">类型</th>
                <th scope="col">涉及机关</th>
                <th scope="col">结果</th>
              </tr>
            </thead>
            <tbody>
              {last.messages.map((m, i) => (
                <tr key={i}>
                  <th scope="row">{m.userName}</th>
                  <td>{m.kind === 'digest' ? '督查汇总' : '工作提醒'}</td>
                  <td>{m.agencyNames.join('、')}</td>
                  <td>{m.status === 'sent' ? '已发送' : <strong class="overdue">失败：{m.error ?? ''}</strong>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
