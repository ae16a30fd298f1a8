/**
 * The annual reports of a year in the back office (GET /admin/reports?year=): one row per agency
 * the user reads (and those whose reports the user reviews), with where its report stands — 未开始,
 * 编制中, 审核中, 已退回修改, 已公布, 逾期未公布 —, the deadline (31 January; a government's own report
 * 31 March), the publication date, a 待我审核 marker, and a button to start the report where the user
 * may handle the agency's work.
 */
import { REPORT_STATUS_LABELS, type ReportListRow } from '../../../reports/store/annual-report.service.js';
import { ErrorSummary, type FormErrors } from '../applications/fields.js';
import { Layout, type PageUser } from '../layout.js';

export interface ReportsListProps {
  user: PageUser;
  csrfToken: string;
  year: number;
  /** The years offered in the selector (newest first). */
  years: readonly number[];
  rows: readonly ReportListRow[] | null;
  /** Agencies where the user may start a report. */
  mayCreate: ReadonlySet<number>;
  today: string;
  errors: FormErrors;
  /** A refused creation: its message. */
  error?: string | null;
}

const IDS: Record<string, string> = { year: 'f-year', agencyId: 'f-year' };
const LABELS: Record<string, string> = { year: '年度', agencyId: '机关' };

export function ReportsListPage(p: ReportsListProps) {
  const mine = p.rows?.filter((r) => r.awaitingMe).length ?? 0;
  return (
    <Layout title={`${p.year}年度政府信息公开工作年度报告`} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin">工作台</a> › 年度报告
      </p>
      <h1>政府信息公开工作年度报告</h1>
      <p>
        <a href={`/admin/report-uploads?year=${p.year}`}>报送的报告文件</a>：下级机关以 Word、PDF、网页等文件报送的年度报告，在此检查、接受或退回。
      </p>
      <p class="muted">
        表格（第二、三、四部分）由系统根据案件记录、政府信息公开目录和录入的数字生成；工作人员撰写第一、五、六部分，经审核后在公开平台公布。各机关应于次年1月31日前公布上一年度的报告，县级以上人民政府的报告于3月31日前公布（条例第四十九条）。
      </p>
      <form method="get" action="/admin/reports" class="filters" aria-label="选择年度">
        <ErrorSummary errors={p.errors} ids={IDS} labels={LABELS} title={p.error ?? '请求有误：'}>
          {p.error && Object.keys(p.errors).length === 0 ? <p>请从下表中选择您可以编制的机关。</p> : null}
        </ErrorSummary>
        <div class={p.errors.year ? 'field has-error' : 'field'}>
          <label for="f-year">年度</label>
          <select id="f-year" name="year" aria-invalid={p.errors.year ? 'true' : undefined}>
            {p.years.map((y) => (
              <option key={y} value={String(y)} selected={y === p.year}>
                {y}年度
              </option>
            ))}
          </select>
        </div>
        <div class="field buttons">
          <button type="submit">查看</button>
        </div>
      </form>
      {p.rows ? (
        <>
          <p class="muted">
            今天是 {p.today}。{mine ? <strong>有 {mine} 份报告等待您审核。</strong> : null}
          </p>
          {p.rows.length === 0 ? (
            <p>您没有可以查看年度报告的机关。</p>
          ) : (
            <div class="table-wrap" role="region" aria-label="各机关的年度报告" tabindex={0}>
              <table class="queue">
                <caption>{p.year}年度各机关的政府信息公开工作年度报告</caption>
                <thead>
                  <tr>
                    <th scope="col">机关</th>
                    <th scope="col">状态</th>
                    <th scope="col">公布期限</th>
                    <th scope="col">公布日期</th>
                    <th scope="col">办理</th>
                  </tr>
                </thead>
                <tbody>
                  {p.rows.map((r) => (
                    <Row key={r.agencyId} r={r} p={p} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </Layout>
  );
}

function Row({ r, p }: { r: ReportListRow; p: ReportsListProps }) {
  const late = r.status === 'late';
  return (
    <tr class={late ? 'overdue' : undefined}>
      <th scope="row">{r.reportId ? <a href={`/admin/reports/${r.reportId}`}>{r.agencyName}</a> : r.agencyName}</th>
      <td data-label="状态">
        {late ? <strong class="overdue">{REPORT_STATUS_LABELS[r.status]}</strong> : REPORT_STATUS_LABELS[r.status]}
        {r.awaitingMe ? (
          <>
            {' '}
            <strong class="badge">待我审核</strong>
          </>
        ) : null}
        {r.publishedLate ? (
          <>
            {' '}
            <strong class="badge badge-overdue">逾期公布</strong>
          </>
        ) : null}
      </td>
      <td data-label="公布期限">{r.deadline}</td>
      <td data-label="公布日期">{r.publishedOn ?? '—'}</td>
      <td data-label="办理">
        {r.reportId ? (
          <a href={`/admin/reports/${r.reportId}`}>{r.awaitingMe ? '审核' : '查看'}</a>
        ) : p.mayCreate.has(r.agencyId) ? (
          <form method="post" action="/admin/reports" class="inline">
            <input type="hidden" name="_csrf" value={p.csrfToken} />
            <input type="hidden" name="agencyId" value={String(r.agencyId)} />
            <input type="hidden" name="year" value={String(r.year)} />
            <button type="submit" aria-label={`编制${r.agencyName}${r.year}年度报告`}>
              开始编制
            </button>
          </form>
        ) : (
          <span class="muted">尚未编制</span>
        )}
      </td>
    </tr>
  );
}
