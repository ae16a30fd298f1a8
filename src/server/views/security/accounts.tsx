/**
 * The platform pages of 三员分立: 账号管理 (系统管理员: accounts and agency grants), 安全管理
 * (安全保密管理员: the security policy, locks, password resets, the three roles). Each form posts
 * to its own route; a refusal shows the reason above the tables.
 */
import type { AccountRow } from '../../../accounts/account.service.js';
import { PLATFORM_ROLE_LABELS, ROLE_LABELS, type Actor } from '../../../accounts/policy.js';
import { boundText, POLICY_BOUNDS, POLICY_KEYS, type SecurityPolicy } from '../../../accounts/security-policy.js';
import type { PlatformRole, Role } from '../../../db/schema.js';
import { ErrorSummary, SelectField, TextField, type FormErrors, type FormValues } from '../applications/fields.js';
import { Layout } from '../layout.js';

const roleOptions = (Object.entries(ROLE_LABELS) as [Role, string][]).map(([v, l]) => [v, l] as const);
const platformOptions = (Object.entries(PLATFORM_ROLE_LABELS) as [PlatformRole, string][]).map(([v, l]) => [v, l] as const);

function Hidden({ csrfToken }: { csrfToken: string }) {
  return <input type="hidden" name="_csrf" value={csrfToken} />;
}

/** A password shown once (created or reset), never stored anywhere readable. */
function OneTimePassword({ username, password }: { username: string; password: string }) {
  return (
    <div class="notice" role="status">
      <p>
        账号 <strong>{username}</strong> 的初始密码（只显示这一次，请当面或通过安全渠道交给本人；首次登录须修改）：
      </p>
      <p class="code">{password}</p>
    </div>
  );
}

export interface AccountsPageProps {
  actor: Actor;
  csrfToken: string;
  accounts: AccountRow[];
  agencies: { id: number; name: string }[];
  errors: FormErrors;
  values: FormValues;
  created?: { username: string; password: string } | null;
}

const CREATE_IDS = { username: 'new-username', displayName: 'new-name', email: 'new-email', agencyId: 'new-agency', role: 'new-role' };
const CREATE_LABELS = { username: '用户名', displayName: '姓名', email: '电子邮箱', agencyId: '机关', role: '角色' };

export function AccountsPage(p: AccountsPageProps) {
  const agencyOptions = p.agencies.map((a) => [String(a.id), a.name] as const);
  return (
    <Layout title="账号管理" area="admin" user={p.actor} csrfToken={p.csrfToken}>
      <h1>账号管理</h1>
      <p class="hint">系统管理员：创建账号、授予和撤销机关业务角色、停用账号。密码重置、解锁和三员角色由安全保密管理员办理；审计日志只对安全审计员开放。</p>
      {p.created ? <OneTimePassword {...p.created} /> : null}
      <ErrorSummary errors={p.errors} ids={CREATE_IDS} labels={CREATE_LABELS} />
      <h2>新建账号</h2>
      <form method="post" action="/admin/accounts" class="stack">
        <Hidden csrfToken={p.csrfToken} />
        <TextField id={CREATE_IDS.username} name="username" label="用户名" required maxLength={64} value={p.values.username} error={p.errors.username} hint="字母、数字和 . _ -，3–64 个字符" />
        <TextField id={CREATE_IDS.displayName} name="displayName" label="姓名" required maxLength={50} value={p.values.displayName} error={p.errors.displayName} />
        <TextField id={CREATE_IDS.email} name="email" label="电子邮箱" type="email" maxLength={200} value={p.values.email} error={p.errors.email} hint="可不填；用于邮件提醒" />
        <SelectField id={CREATE_IDS.agencyId} name="agencyId" label="机关" options={agencyOptions} value={p.values.agencyId} error={p.errors.agencyId} placeholder="（暂不授予）" />
        <SelectField id={CREATE_IDS.role} name="role" label="角色" options={roleOptions} value={p.values.role} error={p.errors.role} placeholder="（暂不授予）" />
        <button type="submit">创建账号（生成初始密码）</button>
      </form>
      <h2>全部账号</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">用户名</th>
              <th scope="col">姓名</th>
              <th scope="col">三员角色</th>
              <th scope="col">机关业务角色</th>
              <th scope="col">状态</th>
              <th scope="col">授予角色</th>
            </tr>
          </thead>
          <tbody>
            {p.accounts.map((a) => (
              <tr key={a.id}>
                <td>{a.username}</td>
                <td>{a.displayName}</td>
                <td>{a.platformRole ? PLATFORM_ROLE_LABELS[a.platformRole] : '—'}</td>
                <td>
                  {a.grants.length
                    ? a.grants.map((g) => (
                        <form key={`${g.agencyId}-${g.role}`} method="post" action={`/admin/accounts/${a.id}/revoke`} class="inline">
                          <Hidden csrfToken={p.csrfToken} />
                          <input type="hidden" name="agencyId" value={String(g.agencyId)} />
                          <input type="hidden" name="role" value={g.role} />
                          {g.agencyName} {ROLE_LABELS[g.role]}{' '}
                          <button type="submit" class="link" aria-label={`撤销 ${a.username} 在${g.agencyName}的${ROLE_LABELS[g.role]}角色`}>
                            撤销
                          </button>
                        </form>
                      ))
                    : '—'}
                </td>
                <td>
                  {a.disabled ? '已停用' : a.mustChangePassword ? '待修改初始密码' : '正常'}
                  {a.id !== p.actor.userId && !a.platformRole ? (
                    <form method="post" action={`/admin/accounts/${a.id}/disable`} class="inline">
                      <Hidden csrfToken={p.csrfToken} />
                      <input type="hidden" name="disabled" value={a.disabled ? '0' : '1'} />{' '}
                      <button type="submit" class="link">
                        {a.disabled ? '启用' : '停用'}
                      </button>
                    </form>
                  ) : null}
                </td>
                <td>
                  {a.id !== p.actor.userId && a.platformRole !== 'secadmin' && a.platformRole !== 'auditor' ? (
                    <form method="post" action={`/admin/accounts/${a.id}/grant`} class="inline">
                      <Hidden csrfToken={p.csrfToken} />
                      <InlineSelect id={`grant-agency-${a.id}`} name="agencyId" label="机关" options={agencyOptions} required />{' '}
                      <InlineSelect id={`grant-role-${a.id}`} name="role" label="角色" options={roleOptions} required />{' '}
                      <button type="submit">授予</button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export interface SecurityPageProps {
  actor: Actor;
  csrfToken: string;
  policy: SecurityPolicy;
  accounts: AccountRow[];
  locked: { username: string; locked_until: string | null; userId: number | null; displayName: string | null }[];
  errors: FormErrors;
  values: FormValues;
  reset?: { username: string; password: string } | null;
  saved?: boolean;
}

const POLICY_IDS = Object.fromEntries(POLICY_KEYS.map((k) => [k, `policy-${k}`]));
const POLICY_LABELS = Object.fromEntries(POLICY_KEYS.map((k) => [k, POLICY_BOUNDS[k].label]));

export function SecurityPage(p: SecurityPageProps) {
  return (
    <Layout title="安全管理" area="admin" user={p.actor} csrfToken={p.csrfToken}>
      <h1>安全管理</h1>
      <p class="hint">安全保密管理员：安全策略、账号解锁、密码重置、三员角色的任免。不能办理业务，也不能查看审计日志。</p>
      {p.reset ? <OneTimePassword {...p.reset} /> : null}
      {p.saved ? (
        <p class="flash" role="status">
          安全策略已保存。
        </p>
      ) : null}
      <ErrorSummary errors={p.errors} ids={POLICY_IDS} labels={POLICY_LABELS} />
      <h2>安全策略</h2>
      <form method="post" action="/admin/security/policy" class="stack">
        <Hidden csrfToken={p.csrfToken} />
        {POLICY_KEYS.map((k) => (
          <TextField
            key={k}
            id={POLICY_IDS[k]!}
            name={k}
            label={POLICY_BOUNDS[k].label}
            required
            inputMode="numeric"
            maxLength={5}
            value={p.values[k] ?? String(p.policy[k])}
            error={p.errors[k]}
            hint={boundText(POLICY_BOUNDS[k])}
          />
        ))}
        <button type="submit">保存安全策略</button>
      </form>
      <h2>被锁定的账号</h2>
      {p.locked.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">用户名</th>
              <th scope="col">姓名</th>
              <th scope="col">锁定至</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            {p.locked.map((l) => (
              <tr key={l.username}>
                <td>{l.username}</td>
                <td>{l.displayName ?? '（无此账号）'}</td>
                <td>{l.locked_until ? new Date(Date.parse(l.locked_until) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : ''}</td>
                <td>
                  <form method="post" action="/admin/security/unlock" class="inline">
                    <Hidden csrfToken={p.csrfToken} />
                    <input type="hidden" name="username" value={l.username} />
                    <button type="submit">解锁</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>目前没有被锁定的账号。</p>
      )}
      <h2>账号与三员角色</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">用户名</th>
              <th scope="col">姓名</th>
              <th scope="col">三员角色</th>
              <th scope="col">任免</th>
              <th scope="col">密码</th>
            </tr>
          </thead>
          <tbody>
            {p.accounts.map((a) => (
              <tr key={a.id}>
                <td>{a.username}</td>
                <td>{a.displayName}</td>
                <td>{a.platformRole ? PLATFORM_ROLE_LABELS[a.platformRole] : '—'}</td>
                <td>
                  {a.id === p.actor.userId ? (
                    '（本人）'
                  ) : (
                    <form method="post" action={`/admin/security/accounts/${a.id}/role`} class="inline">
                      <Hidden csrfToken={p.csrfToken} />
                      <InlineSelect id={`platform-${a.id}`} name="role" label="三员角色" options={[['', '（不担任）'], ...platformOptions]} selected={a.platformRole ?? ''} />{' '}
                      <button type="submit">保存</button>
                    </form>
                  )}
                </td>
                <td>
                  {a.id === p.actor.userId ? (
                    <a href="/admin/password">修改本人密码</a>
                  ) : (
                    <form method="post" action={`/admin/security/accounts/${a.id}/reset`} class="inline">
                      <Hidden csrfToken={p.csrfToken} />
                      <button type="submit" aria-label={`重置 ${a.username} 的密码`}>
                        重置密码
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

/** A small labelled select inside a one-line form of the accounts table. */
function InlineSelect(p: { id: string; name: string; label: string; options: readonly (readonly [string | number, string])[]; selected?: string; required?: boolean }) {
  return (
    <>
      <label for={p.id} class="small">
        {p.label}
      </label>{' '}
      <select id={p.id} name={p.name} required={p.required}>
        {p.options.map(([v, l]) => (
          <option key={v} value={v} selected={p.selected !== undefined && String(v) === p.selected}>
            {l}
          </option>
        ))}
      </select>
    </>
  );
}
