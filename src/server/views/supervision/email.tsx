/**
 * 提醒邮箱 (GET/POST /admin/reminders/email): a staff member's own address for the e-mail
 * reminders — set, changed or cleared by the user; the form carries the CSRF token.
 */
import { ErrorSummary, TextField, type FormErrors } from '../applications/fields.js';
import { Layout, type PageUser } from '../layout.js';

export interface EmailPageProps {
  user: PageUser;
  csrfToken: string;
  value: string;
  errors: FormErrors;
  notice: string | null;
  /** SMTP configured (else the address is kept but nothing is sent yet). */
  enabled: boolean;
}

export function EmailPage(p: EmailPageProps) {
  return (
    <Layout title="提醒邮箱" area="admin" user={p.user} csrfToken={p.csrfToken}>
      <h1>提醒邮箱</h1>
      {p.notice ? (
        <p class="flash" role="status">
          {p.notice}
        </p>
      ) : null}
      <p>
        系统每个工作日检查您所在机关有无逾期或即将到期的申请、超期未发布的信息、长期未更新的专栏、逾期或被退回的年度报告、未答复的投诉，有则发邮件提醒您；督查人员收到所督查机关的汇总。邮件只含件数和机关名称，不含申请人信息。
      </p>
      {p.enabled ? null : <p class="notice">本平台尚未配置邮件服务器，设置的邮箱将在配置后开始接收提醒。</p>}
      <form method="post" action="/admin/reminders/email" class="stack" novalidate>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <ErrorSummary errors={p.errors} ids={{ email: 'r-email' }} labels={{ email: '电子邮箱' }} />
        <TextField id="r-email" name="email" type="email" label="电子邮箱" hint="留空表示不接收邮件提醒" value={p.value} maxLength={254} autocomplete="email" error={p.errors.email} />
        <button type="submit">保存</button>
      </form>
    </Layout>
  );
}
