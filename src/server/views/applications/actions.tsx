/**
 * One small form per next action of a case (StaffApplicationView.actions). Each posts to
 * /admin/applications/:id/actions/:event with the version the page was rendered from, so that a
 * change made meanwhile by someone else is refused (409) instead of overwritten. Actions the
 * actor may not take are shown greyed, with the reason.
 */
import {
  actionFor,
  CONSULTATION_KIND_LABELS,
  FEE_METHOD_LABELS,
  OPINION_LABELS,
  OUTCOME_BASIS_HINTS,
  outcomeRowLabel,
  outcomeRowsFor,
  replyGroundLabel,
  type TransitionEvent,
} from '../../../applications/application.js';
import { groundsForOutcome } from '../../../letters/kinds.js';
import type { NextAction, StaffApplicationView } from '../../../applications/application.presenter.js';
import { LIMITS } from '../../../applications/application.schema.js';
import { MAX_EXTENSION_WORKING_DAYS } from '../../../applications/clock.js';
import { REVIEW_KIND_LABELS, REVIEW_RESULT_LABELS } from '../../../applications/reconsideration.js';
import { ErrorSummary, SelectField, TextArea, TextField, type FormErrors, type FormValues } from './fields.js';

type Options = ReadonlyArray<readonly [string, string]>;

export interface ActionField {
  name: string;
  label: string;
  kind: 'date' | 'text' | 'textarea' | 'select' | 'number';
  required?: boolean;
  max?: number;
  hint?: string;
  options?: (v: StaffApplicationView) => Options;
  /** Pre-filled value (e.g. today for the event's date). */
  initial?: (v: StaffApplicationView) => string;
}

const today = (v: StaffApplicationView) => v.clocks.today;
const note: ActionField = { name: 'note', label: '备注（内部）', kind: 'textarea', max: LIMITS.note, hint: '仅工作人员可见，不写入告知书。' };
const dateField = (label: string, name = 'date', hint?: string): ActionField => ({ name, label, kind: 'date', required: true, initial: today, ...(hint ? { hint } : {}) });
const entries = (labels: Readonly<Record<string, string>>): Options => Object.entries(labels);

/** Outcome rows a reply can choose today (3.6.1 and 3.6.2 are reached only by recording the lapse). */
function replyRows(v: StaffApplicationView): Options {
  const { format, rows } = outcomeRowsFor(v.clocks.today);
  return rows.filter((r) => r.id !== '3.6.1' && r.id !== '3.6.2').map((r) => [r.id, `${r.id} ${outcomeRowLabel(format, r.id) ?? r.label}`] as const);
}

/** The reply grounds (答复依据) of those rows, each under its row: 3.1 and 3.4.1 have two. */
function replyGroundOptions(v: StaffApplicationView): Options {
  return replyRows(v).flatMap(([row]) => groundsForOutcome(row).map((g) => [g.id, `${row} ${replyGroundLabel(g.id)}`] as const));
}

export const GROUND_HINT = '办理结果为3.1或3.4.1时须选择（两种答复依据的答复书内容和所引条款不同；法律依据已写明其中一项的可不选）；其他办理结果只有一种答复依据，可不选。将用于答复书。';

const pendingReviews = (v: StaffApplicationView): Options =>
  v.reviewCases.filter((r) => r.result === null).map((r) => [String(r.id), `#${r.id} ${r.kindLabel}（${r.filedOn}提起${r.caseNumber ? `，${r.caseNumber}` : ''}）`] as const);

const correctedReviews = (v: StaffApplicationView): Options =>
  v.reviewCases.filter((r) => r.result === 'corrected').map((r) => [String(r.id), `#${r.id} ${r.kindLabel}（${r.decidedOn ?? ''}审结：${r.resultLabel}）`] as const);

export const BASIS_HINT = `可不填：按所选答复依据的条款填写（未选答复依据时按办理结果的常用依据，例如 3.4.2 填“${OUTCOME_BASIS_HINTS['3.4.2']}”）；“其他”须填写。`;

export const ACTION_FIELDS: Record<TransitionEvent, ActionField[]> = {
  confirmed: [dateField('确认日期', 'confirmedOn', '与申请人双方确认之日，即收到申请之日（条例第31条第（三）项）。'), note],
  correction_requested: [
    dateField('告知补正日期', 'date', '应自收到申请之日起7个工作日内一次性告知（条例第30条）。'),
    { name: 'deadline', label: '补正期限', kind: 'date', required: true, hint: '申请人提交补正的最后一天。' },
    { name: 'items', label: '需要补正的事项', kind: 'textarea', required: true, max: LIMITS.letterText, hint: '一次性写明全部需要补正的事项，每行一项；将写入补正告知书。' },
    note,
  ],
  correction_received: [
    dateField('收到补正日期', 'date', '答复期限自本日起重新计算（条例第30条）。'),
    { name: 'description', label: '补正后的信息描述', kind: 'textarea', max: LIMITS.description, hint: '申请人改写了所需信息的描述时填写，将替换原描述。' },
    note,
  ],
  correction_lapsed: [dateField('认定逾期未补正日期', 'date', '补正期限届满之后才能认定。'), note],
  consultation_started: [
    { name: 'kind', label: '征求意见对象', kind: 'select', required: true, options: () => entries(CONSULTATION_KIND_LABELS) },
    dateField('发出征求意见书日期'),
    { name: 'letterReceivedOn', label: '对方收到征求意见书日期', kind: 'date', hint: '已知时填写：对方提出意见的15个工作日自次日起算（条例第32条、第34条）。' },
    { name: 'party', label: '被征求意见的第三方或机关', kind: 'text', required: true, max: LIMITS.party },
    note,
  ],
  opinion_received: [
    { name: 'kind', label: '征求意见对象', kind: 'select', required: true, options: () => entries(CONSULTATION_KIND_LABELS) },
    dateField('收到意见日期'),
    { name: 'opinion', label: '意见', kind: 'select', required: true, options: () => entries(OPINION_LABELS) },
    note,
  ],
  extended: [
    dateField('延期决定日期', 'date', '须在原答复期限内决定并告知申请人（条例第33条）。'),
    { name: 'days', label: '延长工作日数', kind: 'number', required: true, hint: `最多${MAX_EXTENSION_WORKING_DAYS}个工作日，只能延长一次。`, initial: () => String(MAX_EXTENSION_WORKING_DAYS) },
    { name: 'reason', label: '延期理由', kind: 'textarea', required: true, max: LIMITS.letterText, hint: '将写入延期答复告知书。' },
    note,
  ],
  fee_notified: [
    dateField('发出收费通知日期'),
    { name: 'noticeReceivedOn', label: '申请人收到收费通知日期', kind: 'date', required: true },
    { name: 'method', label: '计费方式', kind: 'select', required: true, options: () => entries(FEE_METHOD_LABELS) },
    { name: 'quantity', label: '件数或页数', kind: 'number', required: true, hint: '按件计收：本申请是申请人本自然月内的第几件；按量计收：页数（国办函〔2020〕109号）。' },
    note,
  ],
  fee_paid: [dateField('缴费日期'), note],
  fee_lapsed: [dateField('认定逾期未缴费日期', 'date', '缴费期限届满之后才能认定。'), note],
  replied: [
    dateField('答复日期'),
    { name: 'outcomeRow', label: '办理结果', kind: 'select', required: true, options: replyRows, hint: '每件申请计入年度报告的一个办理结果（按答复年度的报告格式）。' },
    { name: 'ground', label: '答复依据', kind: 'select', options: replyGroundOptions, hint: GROUND_HINT },
    { name: 'basis', label: '法律依据', kind: 'text', max: LIMITS.basis, hint: BASIS_HINT },
    { name: 'summary', label: '答复内容摘要', kind: 'textarea', max: LIMITS.letterText, hint: '将写入答复书的“具体说明”。' },
    note,
  ],
  withdrawn: [dateField('撤回日期'), note],
  review_filed: [
    { name: 'kind', label: '类型', kind: 'select', required: true, options: () => entries(REVIEW_KIND_LABELS) },
    dateField('提起日期', 'filedOn'),
    { name: 'body', label: '复议机关或人民法院', kind: 'text', max: LIMITS.party },
    { name: 'caseNumber', label: '案号', kind: 'text', max: LIMITS.caseNumber },
    note,
  ],
  review_decided: [
    { name: 'reviewCaseId', label: '复议或诉讼记录', kind: 'select', required: true, options: pendingReviews },
    { name: 'result', label: '结果', kind: 'select', required: true, options: () => entries(REVIEW_RESULT_LABELS) },
    dateField('审结日期', 'decidedOn'),
    note,
  ],
  reopened: [
    { name: 'reviewCaseId', label: '复议或诉讼记录', kind: 'select', required: true, options: correctedReviews },
    dateField('收到决定或判决日期'),
    { name: 'dueOn', label: '重新答复期限', kind: 'date', hint: '决定或判决确定了期限时填写；不填则为20个工作日（条例第33条）。' },
    note,
  ],
};

/** Why an action is greyed out. */
export function refusalReason(event: TransitionEvent): string {
  return actionFor(event) === 'approve_extension'
    ? '只有负责人可以批准延期（条例第33条：经政府信息公开工作机构负责人同意）。'
    : '您对该机关只有查看权限，不能办理。';
}

/** The submission being re-shown after an error: which action, what was typed, what was wrong. */
export interface Submission {
  event: TransitionEvent;
  values: FormValues;
  errors: FormErrors;
}

export function ActionForms({ view, csrfToken, submission }: { view: StaffApplicationView; csrfToken: string; submission: Submission | null }) {
  if (view.actions.length === 0) return <p>该申请当前没有可以办理的事项。</p>;
  return (
    <div class="action-list">
      {view.actions.map((a) => (
        <ActionForm key={a.event} action={a} view={view} csrfToken={csrfToken} submission={submission?.event === a.event ? submission : null} />
      ))}
    </div>
  );
}

function ActionForm({ action, view, csrfToken, submission }: { action: NextAction; view: StaffApplicationView; csrfToken: string; submission: Submission | null }) {
  const id = `act-${action.event}`;
  if (!action.permitted) {
    return (
      <section class="card action disabled" id={id} aria-labelledby={`${id}-h`}>
        <h3 id={`${id}-h`}>{action.label}</h3>
        <p class="muted">{refusalReason(action.event)}</p>
      </section>
    );
  }
  const fields = ACTION_FIELDS[action.event];
  const values = submission?.values;
  const errors = submission?.errors ?? {};
  const ids = Object.fromEntries(fields.map((f) => [f.name, `${id}-${f.name}`]));
  const labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));
  return (
    <section class={submission ? 'card action active' : 'card action'} id={id} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{action.label}</h3>
      <form method="post" action={`/admin/applications/${view.id}/actions/${action.event}`} class="stack" novalidate>
        <ErrorSummary errors={errors} ids={ids} labels={labels} />
        <input type="hidden" name="_csrf" value={csrfToken} />
        <input type="hidden" name="version" value={String(view.version)} />
        {fields.map((f) => {
          const common = {
            id: ids[f.name]!,
            name: f.name,
            label: f.label,
            hint: f.hint,
            error: errors[f.name],
            required: f.required ?? false,
            value: values ? (values[f.name] ?? '') : (f.initial?.(view) ?? ''),
          };
          switch (f.kind) {
            case 'textarea':
              return <TextArea key={f.name} {...common} maxLength={f.max} rows={3} />;
            case 'select': {
              const options = f.options?.(view) ?? [];
              return <SelectField key={f.name} {...common} options={options} placeholder={options.length === 1 && f.required ? null : '请选择'} />;
            }
            case 'number':
              return <TextField key={f.name} {...common} type="text" inputMode="numeric" maxLength={12} />;
            case 'date':
              return <TextField key={f.name} {...common} type="date" />;
            default:
              return <TextField key={f.name} {...common} maxLength={f.max} />;
          }
        })}
        <button type="submit">提交「{action.label}」</button>
      </form>
    </section>
  );
}
