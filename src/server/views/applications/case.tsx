/**
 * The case page (GET /admin/applications/:id): the application with the applicant's data (staff
 * who may read the agency only), every clock with its explanation, warnings and violations, the
 * timeline, review cases, letters and one form per next action.
 */
import { Fragment } from 'preact';
import { EVENT_LABELS, type EventType } from '../../../applications/application.js';
import type { StaffApplicationView } from '../../../applications/application.presenter.js';
import type { ExplainedDate, SideDeadline } from '../../../applications/clock.js';
import { displaySecret } from '../../../applications/tracking.js';
import { Layout, type PageUser } from '../layout.js';
import { ActionForms, ACTION_FIELDS, type Submission } from './actions.js';
import type { CaseLetterLink } from './letters.js';

export interface IntakeFlash {
  trackingNumber: string;
  secret: string;
}

export interface CasePageProps {
  user: PageUser;
  csrfToken: string;
  view: StaffApplicationView;
  letters: CaseLetterLink[];
  /** A message after a successful action (role=status). */
  notice?: string | null;
  /** The tracking number and 查询码 right after intake (shown once). */
  intake?: IntakeFlash | null;
  /** The refused submission, re-shown with its values and errors. */
  submission?: Submission | null;
  /** Why it was refused (the error's message). */
  error?: string | null;
  /** The refused submission's action is not available any more: show what was typed. */
  orphan?: boolean;
}

/** An instant as China time, 2026-11-28 14:05. */
export function chinaTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${g('year')}-${g('month')}-${g('day')} ${g('hour')}:${g('minute')}`;
}

/** The clock's warnings name events by id (可记录 fee_lapsed): show their Chinese names. */
function humanize(text: string): string {
  return text.replace(/ ?\b([a-z]+(?:_[a-z]+)+)\b/g, (m, id: string) => (Object.hasOwn(EVENT_LABELS, id) ? `“${EVENT_LABELS[id as EventType]}”` : m));
}

const mark = (provisional: boolean) => (provisional ? '（推算）' : '');

function Explained({ d }: { d: ExplainedDate }) {
  return (
    <>
      <strong>{d.date}</strong>
      {mark(d.provisional)}
      <p class="explain">{d.text}</p>
      <p class="explain muted small">依据：{d.rule}</p>
    </>
  );
}

const SIDE_LABELS: Record<SideDeadline['kind'], string> = {
  third_party_opinion: '第三方提出意见期限',
  other_agency_opinion: '被征求意见机关提出意见期限',
  fee_payment: '缴费期限',
};

const SUSPEND_LABELS: Record<string, string> = { third_party: '征求第三方意见', other_agency: '征求其他机关意见', fee: '等待缴费' };

function Clocks({ view }: { view: StaffApplicationView }) {
  const c = view.clocks;
  const r = c.report;
  const statusClass = c.status === 'overdue' || c.status === 'replied_late' ? 'status overdue' : c.status === 'due_soon' ? 'status due-soon' : 'status';
  return (
    <section aria-labelledby="h-clocks">
      <h2 id="h-clocks">期限</h2>
      <p class={statusClass}>
        <strong>{c.statusText}</strong>
      </p>
      {c.provisional ? <p class="warning">部分日期为推算（相关年度的节假日安排尚未录入，按周一至周五计算），标有“（推算）”。</p> : null}
      {c.warnings.length ? (
        <ul class="warnings">
          {c.warnings.map((w, i) => (
            <li key={i} class="warning">
              {humanize(w)}
            </li>
          ))}
        </ul>
      ) : null}
      {c.violations.length ? (
        <div class="violations">
          <h3>违反期限规定</h3>
          <ul>
            {c.violations.map((v) => (
              <li key={v.code} class="error">
                {v.text}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {r ? (
        <dl class="clocks">
          <dt>收到申请之日</dt>
          <dd>
            <Explained d={r.receipt} />
          </dd>
          <dt>补正告知期限</dt>
          <dd>
            <Explained d={r.correction.noticeDue} />
            {r.correction.requestedOn ? (
              <p class={r.correction.noticeLate ? 'error' : undefined}>
                已于{r.correction.requestedOn}告知补正{r.correction.noticeLate ? '（超过7个工作日的告知期限）' : ''}
                {r.correction.deadline ? `，补正期限至${r.correction.deadline}` : ''}
                {r.correction.receivedOn ? `；${r.correction.receivedOn}收到补正` : ''}
                {r.correction.lapsedOn ? `；${r.correction.lapsedOn}认定逾期未补正` : ''}。
              </p>
            ) : null}
          </dd>
          <dt>答复期限</dt>
          <dd>
            {r.reply.due ? <Explained d={r.reply.due} /> : <p>{r.reply.pending ?? '—'}</p>}
            {r.reply.repliedOn ? <p class={r.reply.late ? 'error' : 'ok'}>{`已于${r.reply.repliedOn}答复${r.reply.late ? '（逾期）' : ''}`}</p> : null}
          </dd>
          {r.extension ? (
            <>
              <dt>延长答复期限</dt>
              <dd>
                <p class={r.extension.timely ? undefined : 'error'}>
                  {r.extension.date}
                  {r.extension.approvedBy ? `经${r.extension.approvedBy}批准` : ''}延长{r.extension.days}个工作日
                  {r.extension.mustDecideBy ? `（须在原答复期限${r.extension.mustDecideBy}前决定）` : ''}
                  {r.extension.timely ? '' : '：决定晚于原答复期限'}
                </p>
              </dd>
            </>
          ) : null}
          {r.suspensions.length ? (
            <>
              <dt>暂停计时</dt>
              <dd>
                <ul>
                  {r.suspensions.map((s, i) => (
                    <li key={i}>
                      {SUSPEND_LABELS[s.reason] ?? s.reason}：{s.from} 起{s.until ? `，${s.until} 止` : '，尚未恢复'}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
          {r.deadlines.map((d, i) => (
            <Fragment key={i}>
              <dt>{SIDE_LABELS[d.kind]}</dt>
              <dd>
                <Explained d={d.due} />
                {d.passed ? <p class="muted">已届满</p> : null}
              </dd>
            </Fragment>
          ))}
          {c.reopened ? (
            <>
              <dt>重新答复期限</dt>
              <dd>
                <strong>{c.reopened.due}</strong>
                {mark(c.reopened.provisional)}
                <p class="explain">{c.reopened.text}</p>
                <p class="explain muted small">依据：{c.reopened.rule}</p>
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}

function Meta({ view }: { view: StaffApplicationView }) {
  const d = view.dates;
  return (
    <dl class="meta">
      <dt>状态</dt>
      <dd>{view.state.label}</dd>
      <dt>受理机关</dt>
      <dd>{view.agency.name}</dd>
      <dt>提交方式</dt>
      <dd>{view.channel.label}</dd>
      <dt>提交或收到日期</dt>
      <dd>{d.submittedOn}</dd>
      {d.confirmedOn ? (
        <>
          <dt>确认日期</dt>
          <dd>{d.confirmedOn}</dd>
        </>
      ) : null}
      <dt>收到申请之日</dt>
      <dd>{d.receivedOn ?? '尚待确认'}</dd>
      <dt>答复期限</dt>
      <dd>
        {d.replyDueOn ?? '—'}
        {d.replyDueOn ? mark(view.clocks.provisional) : ''}
      </dd>
      {view.outcome ? (
        <>
          <dt>办理结果</dt>
          <dd>
            {view.outcome.label}（{view.outcome.row}）{view.outcome.basis ? `；依据：${view.outcome.basis}` : ''}
          </dd>
          {view.outcome.ground ? (
            <>
              <dt>答复依据</dt>
              <dd id="case-reply-ground">{view.outcome.ground.label}</dd>
            </>
          ) : null}
        </>
      ) : null}
      {d.closedOn ? (
        <>
          <dt>办结日期</dt>
          <dd>{d.closedOn}</dd>
        </>
      ) : null}
      <dt>版本</dt>
      <dd>{view.version}</dd>
    </dl>
  );
}

function Applicant({ view }: { view: StaffApplicationView }) {
  const a = view.applicant;
  const row = (label: string, value: string | null) =>
    value ? (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    ) : null;
  return (
    <dl class="meta">
      {row('申请人类型', a.typeLabel)}
      {row('姓名或名称', a.name)}
      {row('证件', `${a.idTypeLabel} ${a.idNumber}`)}
      {row('联系人', a.contactPerson)}
      {row('联系电话', a.phone)}
      {row('电子邮箱', a.email)}
      {row('通信地址', a.address)}
      {row('邮政编码', a.postcode)}
    </dl>
  );
}

function Request({ view }: { view: StaffApplicationView }) {
  const r = view.request;
  return (
    <dl class="meta">
      <dt>所需信息</dt>
      <dd class="pre">{r.description}</dd>
      {r.purpose ? (
        <>
          <dt>用途</dt>
          <dd class="pre">{r.purpose}</dd>
        </>
      ) : null}
      <dt>提供形式</dt>
      <dd>{r.provisionFormLabel}</dd>
      <dt>获取方式</dt>
      <dd>{r.deliveryLabel}</dd>
    </dl>
  );
}

function Timeline({ view }: { view: StaffApplicationView }) {
  return (
    <div class="table-wrap" role="region" aria-label="办理记录" tabindex={0}>
      <table class="timeline">
        <caption>办理记录（按登记顺序，不可修改）</caption>
        <thead>
          <tr>
            <th scope="col">日期</th>
            <th scope="col">事项</th>
            <th scope="col">内容</th>
            <th scope="col">记录人</th>
            <th scope="col">记录时间</th>
          </tr>
        </thead>
        <tbody>
          {view.timeline.map((e) => (
            <tr key={e.id}>
              <th scope="row">{e.date}</th>
              <td>{e.label}</td>
              <td class="pre">
                {e.summary}
                {e.note ? (
                  <>
                    <br />
                    <span class="muted">备注：{e.note}</span>
                  </>
                ) : null}
              </td>
              <td>{e.userName ?? '申请人（网上提交）'}</td>
              <td>{chinaTime(e.at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReviewCases({ view }: { view: StaffApplicationView }) {
  if (view.reviewCases.length === 0) return <p>没有行政复议或行政诉讼记录。</p>;
  return (
    <div class="table-wrap" role="region" aria-label="行政复议、行政诉讼" tabindex={0}>
      <table class="reviews">
        <caption>行政复议、行政诉讼</caption>
        <thead>
          <tr>
            <th scope="col">记录</th>
            <th scope="col">类型</th>
            <th scope="col">提起日期</th>
            <th scope="col">复议机关或法院</th>
            <th scope="col">案号</th>
            <th scope="col">结果</th>
            <th scope="col">审结日期</th>
          </tr>
        </thead>
        <tbody>
          {view.reviewCases.map((r) => (
            <tr key={r.id}>
              <th scope="row">#{r.id}</th>
              <td>{r.kindLabel}</td>
              <td>{r.filedOn}</td>
              <td>{r.body ?? '—'}</td>
              <td>{r.caseNumber ?? '—'}</td>
              <td>{r.resultLabel}</td>
              <td>{r.decidedOn ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What was typed in a form whose action is no longer available (so that nothing is lost). */
function Unsaved({ submission }: { submission: Submission }) {
  const labels = Object.fromEntries(ACTION_FIELDS[submission.event].map((f) => [f.name, f.label]));
  const shown = Object.entries(submission.values).filter(([k, v]) => k in labels && v.trim() !== '');
  return (
    <section class="card unsaved" aria-labelledby="h-unsaved">
      <h2 id="h-unsaved">未保存的内容</h2>
      <p>该事项在申请的当前状态下已不能办理。您填写的内容如下，请核对最新情况后另行处理：</p>
      <dl class="meta">
        {shown.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{labels[k]}</dt>
            <dd class="pre">{v}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

export function CasePage(p: CasePageProps) {
  const { view } = p;
  return (
    <Layout title={`申请 ${view.trackingNumber}`} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin">工作台</a> › <a href="/admin/applications">申请工作队列</a>
      </p>
      <h1>
        申请 {view.trackingNumber}
        <span class="muted small"> · {view.state.label}</span>
      </h1>
      <nav class="page-nav" aria-label="本页内容">
        <a href="#h-clocks">期限</a> <a href="#h-applicant">申请人</a> <a href="#h-timeline">办理记录</a> <a href="#h-letters">告知书</a> <a href="#h-actions">办理</a>
      </nav>
      {p.intake ? (
        <div class="flash" role="status">
          <p>
            <strong>已登记。</strong>受理编号：<strong class="code">{p.intake.trackingNumber}</strong>，查询码：
            <strong class="code">{displaySecret(p.intake.secret)}</strong>
          </p>
          <p>请将受理编号和查询码告知申请人（可写入登记回执）。查询码只显示这一次，系统不保存查询码本身。</p>
        </div>
      ) : null}
      {p.notice ? (
        <p class="flash" role="status">
          {p.notice}
        </p>
      ) : null}
      {p.error ? (
        <div class="error-summary" role="alert">
          <p>
            <strong>{p.error}</strong>
          </p>
          {p.submission && !p.orphan ? <p>本页已显示最新情况，您填写的内容保留在下方“{actionLabel(p)}”表单中，请核对后重新提交。</p> : null}
          {p.submission ? (
            <p>
              <a href={p.orphan ? '#h-unsaved' : `#act-${p.submission.event}`}>转到您填写的内容</a>
            </p>
          ) : null}
        </div>
      ) : null}
      {p.submission && p.orphan ? <Unsaved submission={p.submission} /> : null}

      <Meta view={view} />

      <Clocks view={view} />

      <section aria-labelledby="h-applicant">
        <h2 id="h-applicant">申请人</h2>
        <Applicant view={view} />
      </section>

      <section aria-labelledby="h-request">
        <h2 id="h-request">申请内容</h2>
        <Request view={view} />
      </section>

      <section aria-labelledby="h-timeline">
        <h2 id="h-timeline">办理记录</h2>
        <Timeline view={view} />
      </section>

      <section aria-labelledby="h-review">
        <h2 id="h-review">行政复议和行政诉讼</h2>
        <ReviewCases view={view} />
      </section>

      <section aria-labelledby="h-letters">
        <h2 id="h-letters">告知书</h2>
        {p.letters.length ? (
          <ul>
            {p.letters.map((l) => (
              <li key={l.href}>
                <a href={l.href} download>
                  {l.label}（Word）
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p>暂无告知书。</p>
        )}
      </section>

      <section aria-labelledby="h-actions">
        <h2 id="h-actions">办理</h2>
        <ActionForms view={view} csrfToken={p.csrfToken} submission={p.orphan ? null : (p.submission ?? null)} />
      </section>
    </Layout>
  );
}

function actionLabel(p: CasePageProps): string {
  return p.view.actions.find((a) => a.event === p.submission?.event)?.label ?? '';
}
