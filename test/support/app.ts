/**
 * A web application on a fresh test database (SQLite or PostgreSQL, see db.ts) with the demo
 * agencies and users, plus a tiny browser-like client for app.inject(): cookies and CSRF tokens.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../src/attachments/store.js';
import { WorkCalendar } from '../../src/calendar/calendar.js';
import type { Db } from '../../src/db/database.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { openTestDb } from './db.js';

export { DEMO_PASSWORD };

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  close(): Promise<void>;
}

export async function openTestApp(): Promise<TestApp> {
  const db = await openTestDb();
  await seedDemo(db.kysely);
  const filesDir = mkdtempSync(join(tmpdir(), 'gongkai-files-'));
  const app = await buildApp({ db, calendar: WorkCalendar.builtin(), files: createFileStore(filesDir), maxUploadBytes: 5 * 1024 * 1024 });
  await app.ready();
  return {
    app,
    db,
    close: async () => {
      await app.close();
      await db.close();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

export interface Res {
  status: number;
  body: string;
  headers: Record<string, string | string[] | number | undefined>;
}

/** Keeps cookies between requests like a browser, and finds the CSRF token in pages. */
export class Client {
  cookies = new Map<string, string>();
  constructor(
    readonly app: FastifyInstance,
    readonly ip = '10.0.0.1',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(headers: Res['headers']): void {
    const set = headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [String(set)] : []) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string): Promise<Res> {
    const r = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() }, remoteAddress: this.ip });
    this.keep(r.headers);
    return { status: r.statusCode, body: r.body, headers: r.headers };
  }

  async post(url: string, form: Record<string, string>, opts: { csrf?: boolean } = {}): Promise<Res> {
    const fields = { ...form };
    if (opts.csrf !== false && fields._csrf === undefined) fields._csrf = await this.csrf();
    const r = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
      remoteAddress: this.ip,
    });
    this.keep(r.headers);
    return { status: r.statusCode, body: r.body, headers: r.headers };
  }

  /** The CSRF token the server gives this client (read from a page's hidden field). */
  async csrf(): Promise<string> {
    const page = await this.get(this.cookies.has('gk_session') ? '/admin' : '/login');
    const m = /name="_csrf" value="([^"]+)"/.exec(page.body);
    if (!m) throw new Error('no CSRF token on the page');
    return m[1]!;
  }

  async login(username: string, password = DEMO_PASSWORD): Promise<Res> {
    return this.post('/login', { username, password, next: '/admin' });
  }
}
