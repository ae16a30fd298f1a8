/**
 * The online application form (条例第29条) and the page shown once after submitting it (GET
 * /apply/done, after a redirect), with the tracking number and the 查询码; the pages for a form
 * sent twice and for a result page already shown. The form carries a one-time token
 * (src/applications/online-submissions.ts) so that sending it again creates nothing. Labels follow the regulation's wording; the field rules are the
 * domain's (application.schema.ts), the limits are shown through maxlength.
 */
import {
  APPLICANT_TYPE_LABELS,
  DELIVERY_LABELS,
  ID_TYPE_LABELS,
  PROVISION_FORM_LABELS,
  type ApplicantType,
} from '../../../applications/application.js';
import { LIMITS } from '../../../applications/application.schema.js';
import { REPLY_WORKING_DAYS } from '../../../applications/clock.js';
import { displaySecret } from '../../../applications/tracking.js';
import { Layout } from '../layout.js';
import type { AgencyGroup } from '../../routes/public-desk.js';
import { ErrorSummary, RadioGroup, SelectField, TextArea, TextField, type FormErrors, type FormValues, type Option } from './fields.js';

/** The form's fields in page order (also the order of the error summary). */
export const APPLY_FIELDS = [
  'agencyId',
  'applicantType',
  'applicantName',
  'idType',
  'idNumber',
  'contactPerson',
  'contactPhone',
  'contactEmail',
  'contactAddress',
  'postcode',
  'description',
  'purpose',
  'provisionForm',
  'delivery',
] as const;

const options = <T extends string>(labels: Readonly<Record<T, string>>, keys?: readonly T[]): Option[] =>
  (keys ?? (Object.keys(labels) as T[])).map((k) => ({ value: k, label: labels[k] }));

const ORGANISATION_TYPES: readonly ApplicantType[] = ['commercial', 'research', 'public_interest', 'legal_services', 'other'];

export interface ApplyPageProps {
  csrfToken: string;
  /** The form's one-time token (a hidden field): the same form submitted twice creates one application. */
  formToken: string;
  agencies: AgencyGroup[];
  values: FormValues;
  errors: FormErrors;
}

export function ApplyPage({ csrfToken, formToken, agencies, values, errors }: ApplyPageProps) {
  const hasErrors = Object.keys(errors).length > 0;
  const common = { values, errors };
  return (
    <Layout title={`${hasErrors ? '错误：' : ''}在线申请政府信息公开`} area="portal">
      <h1>在线申请政府信息公开</h1>
      <ErrorSummary errors={errors} order={APPLY_FIELDS} title={errors._form ? '未能提交' : undefined} />
      <div class="notice">
        <p>
          依据《中华人民共和国政府信息公开条例》第二十七条、第二十九条，您可以通过本表向行政机关申请获取政府信息。标有“必填”的项目须填写。
        </p>
        <p>
          <strong>收到申请之日：</strong>通过互联网提交的申请，以受理机关与您双方确认之日为收到申请之日（条例第三十一条第（三）项）。受理机关确认收到后，自收到申请之日起
          {REPLY_WORKING_DAYS}个工作日内答复（条例第三十三条）。
        </p>
        <p>
          <strong>个人信息：</strong>您填写的姓名、证件号码、联系方式和申请内容仅用于办理本申请，只有受理机关的工作人员可以查看；申请查询页面只显示办理进度，不显示任何个人信息。
        </p>
        <p>
          各机关政府信息公开工作机构的地址和电话见<a href="/">首页</a>。
        </p>
      </div>

      <form method="post" action="/apply" class="stack" novalidate>
        <input type="hidden" name="_csrf" value={csrfToken} />
        <input type="hidden" name="formToken" value={formToken} />

        <SelectField
          {...common}
          name="agencyId"
          label="受理机关"
          required
          placeholder="请选择受理机关"
          groups={agencies.map((g) => ({ label: g.label, options: g.options.map((o) => ({ value: String(o.id), label: o.name })) }))}
          hint="向哪个行政机关申请。人民政府、政府部门和乡镇（街道）受理申请；村（居）民委员会不是行政机关，不在此列。"
        />

        <fieldset class="section">
          <legend>申请人信息</legend>
          <RadioGroup
            {...common}
            name="applicantType"
            label="申请人类型"
            required
            options={options(APPLICANT_TYPE_LABELS, ['natural_person'])}
            groups={[{ legend: '法人或其他组织', options: options(APPLICANT_TYPE_LABELS, ORGANISATION_TYPES) }]}
          />
          <TextField {...common} name="applicantName" label="申请人姓名或名称" required maxLength={LIMITS.name} autocomplete="name" />
          <SelectField
            {...common}
            name="idType"
            label="证件类型"
            required
            placeholder="请选择证件类型"
            options={options(ID_TYPE_LABELS)}
            hint="法人或其他组织请选择“统一社会信用代码”。"
          />
          <TextField {...common} name="idNumber" label="证件号码" required maxLength={LIMITS.idNumber} hint="法人或其他组织填写18位统一社会信用代码。" />
          <TextField
            {...common}
            name="contactPerson"
            label="联系人姓名"
            maxLength={LIMITS.contactPerson}
            hint="法人或其他组织申请的，须填写联系人。"
          />
        </fieldset>

        <fieldset class="section">
          <legend>联系方式</legend>
          <p class="hint">联系电话、电子邮箱、通信地址至少填写一项；选择邮寄的须填写通信地址，选择电子邮件的须填写电子邮箱。</p>
          <TextField {...common} name="contactPhone" label="联系电话" type="tel" inputMode="tel" autocomplete="tel" maxLength={LIMITS.phone} width="short" />
          <TextField {...common} name="contactEmail" label="电子邮箱" type="email" inputMode="email" autocomplete="email" maxLength={LIMITS.email} />
          <TextField {...common} name="contactAddress" label="通信地址" autocomplete="street-address" maxLength={LIMITS.address} />
          <TextField {...common} name="postcode" label="邮政编码" inputMode="numeric" autocomplete="postal-code" maxLength={6} width="short" />
        </fieldset>

        <fieldset class="section">
          <legend>申请公开的政府信息</legend>
          <TextArea
            {...common}
            name="description"
            label="所需政府信息的名称、文号或者便于行政机关查询的其他特征性描述"
            required
            maxLength={LIMITS.description}
            rows={6}
            hint="请尽量写明文件名称、文号、发布机关、时间或所涉事项，便于查找（条例第二十九条第二款第（二）项）。"
          />
          <TextArea {...common} name="purpose" label="用途" maxLength={LIMITS.purpose} rows={3} />
        </fieldset>

        <fieldset class="section">
          <legend>信息的提供方式</legend>
          <RadioGroup {...common} name="provisionForm" label="信息的提供形式" required options={options(PROVISION_FORM_LABELS)} />
          <RadioGroup
            {...common}
            name="delivery"
            label="获取信息的方式"
            required
            options={options(DELIVERY_LABELS)}
            hint="纸质文本只能邮寄或自行领取。"
          />
        </fieldset>

        <button type="submit">提交申请</button>
      </form>
    </Layout>
  );
}

export interface ApplyDoneProps {
  agencyName: string;
  trackingNumber: string;
  secret: string;
}

/** Shown once: the 查询码 appears nowhere else (only its hash is stored). */
export function ApplyDonePage({ agencyName, trackingNumber, secret }: ApplyDoneProps) {
  return (
    <Layout title="申请已提交" area="portal">
      <h1>申请已提交</h1>
      <p>您的政府信息公开申请已提交至{agencyName}。</p>
      <div class="card receipt">
        <dl class="meta">
          <dt>申请编号</dt>
          <dd>
            <strong id="tracking-number" class="code">
              {trackingNumber}
            </strong>
          </dd>
          <dt>查询码</dt>
          <dd>
            <strong id="tracking-secret" class="code">
              {displaySecret(secret)}
            </strong>
          </dd>
        </dl>
        <p class="warn" role="note">
          请立即抄写或截图保存申请编号和查询码。查询码<strong>只显示这一次</strong>，本系统不保存查询码本身，丢失后无法找回；凭这两项可以查询办理进度，请勿告诉他人。
        </p>
      </div>
      <h2>接下来</h2>
      <ol>
        <li>
          {agencyName}的政府信息公开工作机构确认收到您的申请。通过互联网提交的申请，以双方确认之日为收到申请之日（条例第三十一条第（三）项）；如需与您确认，会通过您留下的联系方式联系。
        </li>
        <li>
          自收到申请之日起{REPLY_WORKING_DAYS}个工作日内答复；需要延长的，会告知您，延长的期限最长不超过{REPLY_WORKING_DAYS}个工作日（条例第三十三条）。
        </li>
        <li>申请内容不明确的，会一次性告知您补正；征求第三方或其他机关意见、缴纳信息处理费的时间不计算在答复期限内。</li>
      </ol>
      <p>
        <a href="/track">查询办理情况</a>
      </p>
    </Layout>
  );
}

/** The result page asked for again (reloaded, or opened later): the 查询码 is not shown twice. */
export function ApplyReceiptGonePage() {
  return (
    <Layout title="申请编号和查询码已显示过" area="portal">
      <h1>申请编号和查询码已显示过</h1>
      <div class="notice">
        <p>
          为保护您的申请，申请编号和查询码只在提交申请后显示<strong>一次</strong>，本页已经显示过或已过期（提交后10分钟内有效）。刷新本页不会重复提交申请。
        </p>
        <p>如已抄写申请编号和查询码，可以随时查询办理进度；查询码遗失的，请联系受理机关的政府信息公开工作机构（地址和电话见首页）。</p>
      </div>
      <p>
        <a href="/track">查询办理情况</a> · <a href="/">返回首页</a>
      </p>
    </Layout>
  );
}

/** The same form sent again (the one-time token was used): nothing new was created. */
export function ApplyAlreadySubmittedPage() {
  return (
    <Layout title="申请已经提交过" area="portal">
      <h1>申请已经提交过</h1>
      <div class="notice" role="alert">
        <p>这份申请表已经提交过，本次没有重复提交，也没有产生新的申请。</p>
        <p>申请编号和查询码已在首次提交后显示。如需提出另一项申请，请重新打开申请页面填写。</p>
      </div>
      <p>
        <a href="/track">查询办理情况</a> · <a href="/apply">填写新的申请</a> · <a href="/">返回首页</a>
      </p>
    </Layout>
  );
}
