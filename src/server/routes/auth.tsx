/** Staff login and logout. */
import type { FastifyInstance } from 'fastify';
import { dummyHash, verifyPassword } from '../../accounts/password.js';
import { SESSION_COOKIE, createSession, destroySession } from '../../accounts/session.js';
import { checkLogin, recordLogin } from '../../accounts/throttle.js';
import { findUserByUsername } from '../../accounts/user.repository.js';
import { audit } from '../../audit/audit.js';
import { clientIp, cookieOptions, sendPage } from '../app.js';
import { Layout } from '../views/layout.js';

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

export function registerAuthRoutes(app: FastifyInstance): void {
  const { db } = app.deps;

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

    const verdict = await checkLogin(db.kysely, username, ip);
    if (!verdict.allowed) {
      await audit(db.kysely, { userId: null, action: 'login.throttled', details: { username }, ip });
      reply.header('retry-after', String(verdict.retryAfter));
      return fail(429, `登录失败次数过多，请 ${Math.ceil(verdict.retryAfter / 60)} 分钟后再试。`);
    }
    const user = await findUserByUsername(db.kysely, username);
    const ok = user && !user.disabled ? await verifyPassword(user.password_hash, password) : (await verifyPassword(await dummyHash(), password), false);
    await recordLogin(db.kysely, username, ip, ok);
    if (!ok || !user) {
      await audit(db.kysely, { userId: user?.id ?? null, action: 'login.failure', details: { username }, ip });
      return fail(401, '用户名或密码不正确。');
    }
    const { token } = await createSession(db.kysely, user.id, ip);
    await audit(db.kysely, { userId: user.id, action: 'login.success', ip });
    reply.setCookie(SESSION_COOKIE, token, cookieOptions(app.deps));
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.sessionToken) {
      await destroySession(db.kysely, req.sessionToken);
      await audit(db.kysely, { userId: req.actor?.userId ?? null, action: 'logout', ip: clientIp(req) });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });
}
