/**
 * Staff login and logout, and the account's own password change. Login order: the per-address
 * throttle, then the user name's lock (lockout.ts; a name that does not exist locks the same way,
 * and every refusal reads the same, so nothing tells which names exist), then the password. A
 * password that has expired under the security policy, or one an administrator set, closes the
 * back office and the staff API (the preHandler below) until it is changed at /admin/password.
 */
import type { FastifyInstance } from 'fastify';
import { changeOwnPassword } from '../../accounts/account.service.js';
import { lockedUntil, clearFailures, recordFailure } from '../../accounts/lockout.js';
import { dummyHash, passwordExpired, verifyPassword } from '../../accounts/password.js';
import { DEFAULT_SECURITY_POLICY, effectivePolicy, type SecurityPolicy } from '../../accounts/security-policy.js';
import { SESSION_COOKIE, createSession, destroySession, sha256 } from '../../accounts/session.js';
import { checkLogin, recordLogin } from '../../accounts/throttle.js';
import { findUserByUsername } from '../../accounts/user.repository.js';
import { audit } from '../../audit/audit.js';
import { ValidationError } from '../../validation.js';
import { clientIp, cookieOptions, HttpError, requireActor, sendPage } from '../app.js';
import { Layout } from '../views/layout.js';
import { PasswordPage } from '../views/security/password.js';

declare module '../app.js' {
  interface AppDeps {
    /** The security policy's configured values (GONGKAI_PASSWORD_*, GONGKAI_LOCKOUT_*); default: DEFAULT_SECURITY_POLICY. */
    security?: SecurityPolicy;
  }
}

function LoginPage({ csrfToken, next, error, username }: { csrfToken: string; next: string; error?: string; username?: string }) {
  return (
    <Layout title="工作人员登录" area="portal">
      <h1>工作人员登录</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="_csrf" value={csrfToken} />
        <input type="hidden" name="next" value={next} />
        <label for="username">用户名</label>
        <input id="username" name="username" autocomplete="username" required maxLength={64} value={username ?? ''} />
        <label for="password">密码</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxLength={200} />
        <button type="submit">登录</button>
      </form>
    </Layout>
  );
}

/** Only back-office paths are allowed as a post-login destination (no open redirect). */
function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/admin(\/[\w\-/?=&%.]*)?$/.test(v) ? v : '/admin';
}

/** The one answer to every refused attempt while a name is locked or an address throttled. */
const tooMany = (seconds: number) => `登录失败次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试；如需提前解锁，请联系安全保密管理员。`;

export const PASSWORD_PATH = '/admin/password';

/** The policy in force for this application (the security officer's values over the configuration's). */
export function policyOf(app: FastifyInstance): Promise<SecurityPolicy> {
  return effectivePolicy(app.deps.db.kysely, app.deps.security ?? DEFAULT_SECURITY_POLICY);
}

export function registerAuthRoutes(app: FastifyInstance): void {
  const { db } = app.deps;

  // A password that must change closes everything of the back office and the staff API except
  // the change itself and logout (ASVS V2.1.x; 等保 "定期更换"). Public pages stay open.
  app.addHook('preHandler', async (req, reply) => {
    if (!req.actor?.mustChangePassword) return;
    const path = req.url.split('?')[0]!;
    if (path === PASSWORD_PATH || path === '/logout') return;
    if (path.startsWith('/api/')) throw new HttpError(403, '请先修改密码（初始密码、被重置的密码或已过期的密码须修改后才能继续使用）');
    if (path === '/admin' || path.startsWith('/admin/')) return reply.redirect(PASSWORD_PATH, 303);
  });

  app.get('/login', async (req, reply) => {
    if (req.actor) return reply.redirect('/admin', 303);
    const next = safeNext((req.query as Record<string, unknown>).next);
    return sendPage(reply, LoginPage({ csrfToken: req.csrfToken, next }));
  });

  app.post('/login', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim().slice(0, 64) : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const ip = clientIp(req);
    const fail = (status: number, error: string) => {
      reply.code(status);
      return sendPage(reply, LoginPage({ csrfToken: req.csrfToken, next, error, username }));
    };
    if (!username || !password || password.length > 200) return fail(400, '请输入用户名和密码。');

    const verdict = await checkLogin(db.kysely, ip);
    if (!verdict.allowed) {
      await audit(db.kysely, { userId: null, action: 'login.throttled', details: { username }, ip });
      reply.header('retry-after', String(verdict.retryAfter));
      return fail(429, tooMany(verdict.retryAfter));
    }
    const until = await lockedUntil(db.kysely, username);
    if (until) {
      const seconds = Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 1000));
      await audit(db.kysely, { userId: null, action: 'login.locked', details: { username }, ip });
      reply.header('retry-after', String(seconds));
      return fail(429, tooMany(seconds));
    }
    const user = await findUserByUsername(db.kysely, username);
    const ok = user && !user.disabled ? await verifyPassword(user.password_hash, password) : (await verifyPassword(await dummyHash(), password), false);
    await recordLogin(db.kysely, username, ip, ok);
    const policy = await policyOf(app);
    if (!ok || !user) {
      await audit(db.kysely, { userId: user?.id ?? null, action: 'login.failure', details: { username }, ip });
      const locked = await recordFailure(db.kysely, username, policy);
      if (locked) {
        await audit(db.kysely, {
          userId: null,
          action: 'account.lock',
          subjectType: 'user',
          subjectId: user?.id ?? null,
          details: { username, until: locked, failures: policy.lockoutThreshold },
          ip,
        });
      }
      return fail(401, '用户名或密码不正确。');
    }
    await clearFailures(db.kysely, username);
    if (!user.must_change_password && passwordExpired(user.password_changed_at, policy.passwordMaxAgeDays)) {
      await db.kysely.updateTable('users').set({ must_change_password: 1 }).where('id', '=', user.id).execute();
      await audit(db.kysely, { userId: user.id, action: 'password.expired', subjectType: 'user', subjectId: user.id, details: { maxAgeDays: policy.passwordMaxAgeDays }, ip });
    }
    const mustChange = user.must_change_password === 1 || passwordExpired(user.password_changed_at, policy.passwordMaxAgeDays);
    const { token } = await createSession(db.kysely, user.id, ip, Date.now(), app.deps.sessionTimeouts);
    await audit(db.kysely, { userId: user.id, action: 'login.success', ip });
    reply.setCookie(SESSION_COOKIE, token, cookieOptions(app.deps));
    return reply.redirect(mustChange ? PASSWORD_PATH : next, 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.sessionToken) {
      await destroySession(db.kysely, req.sessionToken);
      await audit(db.kysely, { userId: req.actor?.userId ?? null, action: 'logout', ip: clientIp(req) });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });

  app.get(PASSWORD_PATH, async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    return sendPage(reply, PasswordPage({ actor, csrfToken: req.csrfToken, policy: await policyOf(app), forced: !!actor.mustChangePassword, errors: {} }));
  });

  app.post(PASSWORD_PATH, async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const policy = await policyOf(app);
    try {
      await changeOwnPassword(
        db.kysely,
        actor,
        { current: str('current'), password: str('password'), confirm: str('confirm') },
        policy,
        req.sessionToken ? sha256(req.sessionToken) : null,
        clientIp(req),
      );
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      reply.code(422);
      return sendPage(reply, PasswordPage({ actor, csrfToken: req.csrfToken, policy, forced: !!actor.mustChangePassword, errors: e.fields }));
    }
    return reply.redirect('/admin?password=changed', 303);
  });
}
