/** The account's own password change (also the page a forced change leads to). */
import type { Actor } from '../../../accounts/policy.js';
import type { SecurityPolicy } from '../../../accounts/security-policy.js';
import { ErrorSummary, type FormErrors } from '../applications/fields.js';
import { Layout } from '../layout.js';

const IDS = { current: 'current', password: 'password', confirm: 'confirm' };
const LABELS = { current: '当前密码', password: '新密码', confirm: '再次输入新密码' };

/** The rules in words, as the form's hint. */
export function policyText(p: SecurityPolicy): string {
  const parts = [`至少 ${p.passwordMinLength} 个字符`, `包含小写字母、大写字母、数字、符号中的至少 ${p.passwordClasses} 类`, '不能包含用户名'];
  if (p.passwordHistory > 1) parts.push(`不能与最近 ${p.passwordHistory} 次使用过的密码相同`);
  else parts.push('不能与当前密码相同');
  if (p.passwordMaxAgeDays > 0) parts.push(`每 ${p.passwordMaxAgeDays} 天须更换一次`);
  return `${parts.join('，')}。`;
}

export function PasswordPage({ actor, csrfToken, policy, forced, errors }: { actor: Actor; csrfToken: string; policy: SecurityPolicy; forced: boolean; errors: FormErrors }) {
  const field = (name: keyof typeof IDS, autocomplete: string) => (
    <div class={errors[name] ? 'field has-error' : 'field'}>
      <label for={IDS[name]}>{LABELS[name]}</label>
      {errors[name] ? (
        <p class="field-error" id={`${IDS[name]}-error`}>
          {errors[name]}
        </p>
      ) : null}
      <input
        id={IDS[name]}
        name={name}
        type="password"
        required
        maxLength={200}
        autocomplete={autocomplete}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={errors[name] ? `${IDS[name]}-error` : name === 'password' ? 'password-rules' : undefined}
      />
    </div>
  );
  return (
    <Layout title="修改密码" area="admin" user={actor} csrfToken={csrfToken}>
      <h1>修改密码</h1>
      {forced ? (
        <p class="notice" role="status">
          您的密码是管理员设置的初始密码或已超过有效期，须先修改密码才能继续使用工作平台。
        </p>
      ) : null}
      <ErrorSummary errors={errors} ids={IDS} labels={LABELS} />
      <form method="post" action="/admin/password" class="stack">
        <input type="hidden" name="_csrf" value={csrfToken} />
        {field('current', 'current-password')}
        <p class="hint" id="password-rules">
          密码要求：{policyText(policy)}
        </p>
        {field('password', 'new-password')}
        {field('confirm', 'new-password')}
        <button type="submit">修改密码</button>
      </form>
    </Layout>
  );
}
