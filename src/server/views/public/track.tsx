/**
 * Public tracking (申请查询): the lookup form (POST, so the 查询码 stays out of URLs and logs) and
 * the public view of a case. It shows only what PublicApplicationView holds: no personal data.
 */
import type { PublicApplicationView } from '../../../applications/application.presenter.js';
import { formatChineseDate, parseIsoDate } from '../../../calendar/date.js';
import { Layout } from '../layout.js';
import { ErrorSummary, TextField, type FormErrors, type FormValues } from './fields.js';

export const TRACK_FIELDS = ['trackingNumber', 'secret'] as const;

function TrackForm({ csrfToken, values, errors }: { csrfToken: string; values: FormValues; errors: FormErrors }) {
  return (
    <form method="post" action="/track" class="stack" novalidate>
      <input type="hidden" name="_csrf" value={csrfToken} />
      <TextField
        values={values}
        errors={errors}
        name="trackingNumber"
        label="申请编号"
        required
        maxLength={40}
        autocomplete="off"
        width="short"
        hint="提交申请后页面上显示的编号，例如 5-2026-000012。"
      />
      <TextField values={values} errors={errors} name="secret" label="查询码" required maxLength={20} autocomplete="off" width="short" hint="8位字母和数字，例如 ABCD-EF23；不区分大小写。" />
      <button type="submit">查询</button>
    </form>
  );
}

export interface TrackPageProps {
  csrfToken: string;
  values: FormValues;
  errors: FormErrors;
}

export function TrackPage({ csrfToken, values, errors }: TrackPageProps) {
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout title={`${hasErrors ? '错误：' : ''}申请查询`} area="portal">
      <h1>申请查询</h1>
      <ErrorSummary errors={errors} order={TRACK_FIELDS} title={errors._form ? '未能查询' : undefined} />
      <p>输入提交申请时得到的申请编号和查询码，查看办理进度、期限和受理机关发给您的告知书。查询结果不显示任何个人信息。</p>
      <TrackForm csrfToken={csrfToken} values={{ trackingNumber: values.trackingNumber ?? '' }} errors={errors} />
      <p class="hint">
        在工作人员处当面、邮寄或传真提交的申请，申请编号和查询码见受理机关给您的回执。查询码遗失的，请联系受理机关。
      </p>
    </Layout>
  );
}

function Day({ iso }: { iso: string }) {
  return <time datetime={iso}>{formatChineseDate(parseIsoDate(iso))}</time>;
}

export function CaseView({ view }: { view: PublicApplicationView }) {
  const estimated = view.provisional ? <span class="estimated">（推算）</span> : null;
  return (
    <Layout title="申请办理情况" area="portal">
      <h1>申请办理情况</h1>
      <div class="card">
        <dl class="meta">
          <dt>申请编号</dt>
          <dd class="code" id="case-tracking-number">
            {view.trackingNumber}
          </dd>
          <dt>受理机关</dt>
          <dd id="case-agency">{view.agencyName}</dd>
          <dt>办理状态</dt>
          <dd>
            <strong id="case-state">{view.state.label}</strong>
          </dd>
          <dt>说明</dt>
          <dd id="case-status-text">{view.statusText}</dd>
          <dt>提交日期</dt>
          <dd>
            <Day iso={view.submittedOn} />
          </dd>
          <dt>收到申请日期</dt>
          <dd id="case-received">{view.receivedOn ? <Day iso={view.receivedOn} /> : '尚待受理机关确认'}</dd>
          <dt>答复期限</dt>
          <dd id="case-reply-due">
            {view.replyDueOn ? (
              <>
                <Day iso={view.replyDueOn} />
                {estimated}
              </>
            ) : view.state.closed ? (
              '—'
            ) : (
              '确认收到申请后计算'
            )}
            {view.dueExplanation ? <p class="hint">{view.dueExplanation}</p> : null}
          </dd>
          {view.closedOn ? (
            <>
              <dt>办结日期</dt>
              <dd>
                <Day iso={view.closedOn} />
              </dd>
            </>
          ) : null}
          {view.outcome ? (
            <>
              <dt>办理结果</dt>
              <dd id="case-outcome">{view.outcome.label}</dd>
            </>
          ) : null}
        </dl>
        {view.provisional ? (
          <p class="hint">
            （推算）：有关年度的法定节假日安排尚未全部公布，该日期按已知规则推算，公布后可能调整。
          </p>
        ) : null}
      </div>

      <h2>告知书</h2>
      {view.letters.length === 0 ? (
        <p>暂无。</p>
      ) : (
        <ol class="letters">
          {view.letters.map((l, i) => (
            <li key={i} class="card">
              <h3>
                {l.title} <span class="muted">（<Day iso={l.date} />）</span>
              </h3>
              <p>{l.text}</p>
            </li>
          ))}
        </ol>
      )}
      <p>
        <a href="/track">查询其他申请</a> · <a href="/">返回首页</a>
      </p>
    </Layout>
  );
}

