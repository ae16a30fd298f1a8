/** The page frame shared by the public portal and the back office (server-rendered, no script needed). */
import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import type { Actor } from '../../accounts/policy.js';
import { maySupervise } from '../../supervision/scope.js';

export interface PageUser {
  displayName: string;
  /** The actor's grants (an Actor is passed as the page's user): decides the 督查看板 link. */
  access?: Actor['access'];
}

export interface LayoutProps {
  title: string;
  /** 'portal' for the public, 'admin' for the back office. */
  area: 'portal' | 'admin';
  user?: PageUser | null;
  csrfToken?: string;
  children: ComponentChildren;
}

export function Layout({ title, area, user, csrfToken, children }: LayoutProps) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} - 政府信息公开`}</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body class={area}>
        <a class="skip" href="#main">
          跳到正文
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href={area === 'admin' ? '/admin' : '/'}>
              {area === 'admin' ? '政府信息公开 · 工作平台' : '政府信息公开'}
            </a>
            <nav aria-label="主导航">
              {area === 'portal' ? (
                <>
                  <a href="/">首页</a>
                  <a href="/xxgk">信息公开专栏</a>
                  <a href="/apply">在线申请</a>
                  <a href="/track">申请查询</a>
                  <a href="/login">工作人员登录</a>
                </>
              ) : user ? (
                <>
                  <a href="/admin">工作台</a>
                  <a href="/admin/catalogue">主动公开</a>
                  <a href="/admin/applications">依申请公开</a>
                  <a href="/admin/reports">年度报告</a>
                  <a href="/admin/xxgk">公开专栏</a>
                  {user.access && maySupervise(user as Actor) ? <a href="/admin/supervision">督查看板</a> : null}
                  <span class="who">{user.displayName}</span>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value={csrfToken ?? ''} />
                    <button type="submit" class="link">
                      退出
                    </button>
                  </form>
                </>
              ) : null}
            </nav>
          </div>
        </header>
        <main id="main" class="wrap">
          {children}
        </main>
        <footer class="site">
          <div class="wrap">依据《中华人民共和国政府信息公开条例》提供服务 · Gongkai</div>
        </footer>
      </body>
    </html>
  );
}

/** Renders a page to a complete HTML document. */
export function page(node: preact.VNode): string {
  return `<!doctype html>${render(node)}`;
}

export function ErrorPage({ status, message, area = 'portal' }: { status: number; message: string; area?: 'portal' | 'admin' }) {
  const titles: Record<number, string> = { 400: '请求有误', 401: '请先登录', 422: '输入有误', 413: '内容过大', 403: '没有权限', 404: '页面不存在', 409: '数据已变更', 429: '请求过于频繁', 500: '服务器错误' };
  return (
    <Layout title={titles[status] ?? '出错了'} area={area}>
      <h1>{titles[status] ?? '出错了'}</h1>
      <p class="error" role="alert">
        {message}
      </p>
      <p>
        <a href="/">返回首页</a>
      </p>
    </Layout>
  );
}
