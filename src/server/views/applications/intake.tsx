/**
 * Staff intake (GET/POST /admin/applications/new): an application received in person, by post,
 * fax or e-mail (条例第31条 sets the receipt date by channel). The fields follow 条例第29条第二款.
 */
import {
  APPLICANT_TYPE_LABELS,
  DELIVERY_LABELS,
  ID_TYPE_LABELS,
  PROVISION_FORM_LABELS,
  STAFF_CHANNEL_LABELS,
} from '../../../applications/application.js';
import { LIMITS } from '../../../applications/application.schema.js';
import { Layout, type PageUser } from '../layout.js';
import { ErrorSummary, SelectField, TextArea, TextField, type FormErrors, type FormValues } from './fields.js';

export const INTAKE_LABELS: Record<string, string> = {
  agencyId: '受理机关',
  channel: '提交方式',
  submittedOn: '提交、签收或收到日期',
  confirmedOn: '确认日期',
  applicantType: '申请人类型',
  applicantName: '申请人姓名或名称',
  idType: '证件类型',
  idNumber: '证件号码',
  contactPerson: '联系人姓名',
  contactPhone: '联系电话',
  contactEmail: '电子邮箱',
  contactAddress: '通信地址',
  postcode: '邮政编码',
  description: '所需政府信息的名称、文号或特征性描述',
  purpose: '用途',
  provisionForm: '信息的提供形式',
  delivery: '获取信息的方式',
  note: '备注（内部）',
};

const ids = Object.fromEntries(Object.keys(INTAKE_LABELS).map((k) => [k, `in-${k}`]));

export interface IntakeProps {
  user: PageUser;
  csrfToken: string;
  /** Agencies where the actor may register applications: [id, name]. */
  agencies: ReadonlyArray<readonly [number, string]>;
  values: FormValues;
  errors: FormErrors;
  today: string;
}

const opts = (labels: Readonly<Record<string, string>>) => Object.entries(labels) as Array<[string, string]>;

export function IntakePage(p: IntakeProps) {
  const v = p.values;
  const e = p.errors;
  const field = (name: string) => ({ id: ids[name]!, name, label: INTAKE_LABELS[name]!, error: e[name], value: v[name] });
  return (
    <Layout title="登记申请" area="admin" user={p.user} csrfToken={p.csrfToken}>
      <h1>登记政府信息公开申请</h1>
      <p>
        用于登记当面提交、邮寄、传真和电子邮件提交的申请。网上提交的申请由申请人在公开平台提交，无需在此登记。
      </p>
      <p>
        <a href="/admin/applications">返回工作队列</a>
      </p>
      {p.agencies.length === 0 ? (
        <p class="error" role="alert">
          您没有在任何机关登记申请的权限（需要信息员、审核人或负责人角色）。
        </p>
      ) : (
        <form method="post" action="/admin/applications/new" class="stack" novalidate>
          <ErrorSummary errors={e} ids={ids} labels={INTAKE_LABELS} />
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <fieldset class="section">
            <legend>收到申请</legend>
            <SelectField {...field('agencyId')} required options={p.agencies.map(([id, name]) => [String(id), name] as const)} placeholder={p.agencies.length === 1 ? null : '请选择'} />
            <SelectField {...field('channel')} required options={opts(STAFF_CHANNEL_LABELS)} />
            <TextField
              {...field('submittedOn')}
              type="date"
              required
              hint={`当面提交：提交之日；邮寄签收：签收之日；平常信函、传真、电子邮件：收到之日。不能晚于今天（${p.today}）。`}
            />
            <TextField
              {...field('confirmedOn')}
              type="date"
              hint="仅平常信函、传真、电子邮件填写：与申请人确认之日，即收到申请之日（条例第31条第（二）项、第（三）项）。当面提交和邮寄签收的不填。"
            />
          </fieldset>
          <fieldset class="section">
            <legend>申请人（条例第29条第二款第（一）项）</legend>
            <SelectField {...field('applicantType')} required options={opts(APPLICANT_TYPE_LABELS)} hint="按年度报告的申请人分类选择。" />
            <TextField {...field('applicantName')} required maxLength={LIMITS.name} />
            <SelectField {...field('idType')} required options={opts(ID_TYPE_LABELS)} hint="法人或其他组织：统一社会信用代码或其他身份证明。" />
            <TextField {...field('idNumber')} required maxLength={LIMITS.idNumber} />
            <TextField {...field('contactPerson')} maxLength={LIMITS.contactPerson} hint="法人或其他组织申请的必填。" />
            <TextField {...field('contactPhone')} type="tel" maxLength={LIMITS.phone} hint="联系电话、电子邮箱、通信地址至少填写一项。" />
            <TextField {...field('contactEmail')} type="email" maxLength={LIMITS.email} />
            <TextField {...field('contactAddress')} maxLength={LIMITS.address} />
            <TextField {...field('postcode')} maxLength={6} inputMode="numeric" />
          </fieldset>
          <fieldset class="section">
            <legend>申请内容（条例第29条第二款第（二）项、第（三）项）</legend>
            <TextArea {...field('description')} required maxLength={LIMITS.description} rows={5} />
            <TextArea {...field('purpose')} maxLength={LIMITS.purpose} rows={2} />
            <SelectField {...field('provisionForm')} required options={opts(PROVISION_FORM_LABELS)} />
            <SelectField {...field('delivery')} required options={opts(DELIVERY_LABELS)} hint="纸质文本只能邮寄或自行领取。" />
            <TextArea {...field('note')} maxLength={LIMITS.note} rows={2} hint="仅工作人员可见。" />
          </fieldset>
          <button type="submit">登记</button>
        </form>
      )}
    </Layout>
  );
}
