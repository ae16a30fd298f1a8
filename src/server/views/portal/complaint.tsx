/**
 * 意见和投诉 of a column: the complaint form (the text; name and phone optional, for a reply, never
 * shown publicly) and the page after it was sent (Post/Redirect/Get).
 */
import { MAX_COMPLAINT } from '../../../portal/feedback.js';
import type { AgencyRow } from '../../../portal/columns.js';
import { Layout } from '../layout.js';
import { ErrorSummary, TextArea, TextField, type FormErrors, type FormValues } from '../public/fields.js';
import { Breadcrumbs, ColumnNav, columnTrail, columnUrl, Flash } from './common.js';

export const COMPLAINT_FIELDS = ['body', 'name', 'phone'] as const;

export function ComplaintPage({ column, csrfToken, values, errors, sent }: { column: AgencyRow; csrfToken: string; values: FormValues; errors: FormErrors; sent: boolean }) {
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout title={`${hasErrors ? '错误：' : ''}意见和投诉 - ${column.name}`} area="portal">
      <Breadcrumbs trail={columnTrail(column, { label: '意见和投诉' })} />
      <h1>意见和投诉</h1>
      <ColumnNav columnId={column.id} current="complaint" />
      {sent ? <Flash>已收到您的意见或投诉，{column.name}将予以处理；留有联系方式的，将通过电话答复。</Flash> : null}
      <p>
        对{column.name}政府信息公开工作（如应当公开而未公开、公开不及时、信息错误或链接失效）的意见、建议和投诉，可以在此提交，由本机关处理。
      </p>
      <p class="notice" role="note">
        姓名和联系电话可以不填；填写的，仅供本机关工作人员答复时使用，不会在网站上公开。依法投诉、举报，也可以向上一级行政机关或者政府信息公开工作主管部门提出（条例第五十一条）。
      </p>
      <ErrorSummary errors={errors} order={COMPLAINT_FIELDS} title={errors._form ? '未能提交' : undefined} />
      <form method="post" action={`${columnUrl(column.id)}/complaint`} class="stack" novalidate>
        <input type="hidden" name="_csrf" value={csrfToken} />
        <TextArea name="body" label="意见或投诉内容" required values={values} errors={errors} maxLength={MAX_COMPLAINT} rows={6} hint={`不超过${MAX_COMPLAINT}字；涉及具体信息的，请写明信息名称或索引号。`} />
        <TextField name="name" label="姓名" values={values} errors={errors} maxLength={50} autocomplete="name" width="short" />
        <TextField name="phone" label="联系电话" values={values} errors={errors} maxLength={30} type="tel" autocomplete="tel" inputMode="tel" width="short" hint="如需答复，请填写。" />
        <button type="submit">提交</button>
      </form>
    </Layout>
  );
}
