/**
 * Several real app processes on one database, as a production deployment runs them: each node is
 * `gongkai serve` in its own process (through tsx, so the tests run the sources), on its own
 * loopback port, sharing the database and the data folder (attachments) with the others.
 *
 *   const shared = await sharedDatabase();        // SQLite file in a temp folder, or a PostgreSQL
 *   const a = await startNode(shared.env);        // database of its own when TEST_DATABASE_URL is set
 *   const b = await startNode(shared.env);
 *   …; await a.stop(); await b.stop(); await shared.close();
 *
 * A node can be killed (SIGKILL: no shutdown of any kind) and started again on the same port.
 * `HttpClient` keeps cookies like a browser and speaks to any node: a session made on one node is
 * used on another, as behind a load balancer without sticky sessions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installation, type Installation } from './installation.js';
import { generateKeyItem } from '../../src/crypto/keys.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');

/** A port nobody listens on right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** An installation (installation.ts) whose env every node gets; on PostgreSQL with a data key. */
export type SharedDatabase = Installation;

/** A database and a data folder for a group of nodes (dropped by close). */
export async function sharedDatabase(opts: { databaseUrl?: string } = {}): Promise<SharedDatabase> {
  const inst = await installation({ prefix: 'gongkai-nodes-', ...opts });
  // PostgreSQL needs its data key configured (src/crypto/keys.ts); SQLite nodes share the key file generated in the data folder.
  if (inst.databaseUrl) inst.env.GONGKAI_DATA_KEYS = generateKeyItem();
  return inst;
}

export interface AppNode {
  base: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote (stdout and stderr). */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** SIGKILL: the process ends at once, in the middle of whatever it was doing. */
  kill(): Promise<void>;
  /** SIGTERM and wait (a clean stop). */
  stop(): Promise<void>;
}

/**
 * Starts `gongkai serve` with the shared environment (demo data on; rate limits off unless the
 * caller's env sets GONGKAI_RATE_LIMITS) and waits until it listens.
 */
export async function startNode(env: Record<string, string>, opts: { port?: number } = {}): Promise<AppNode> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      GONGKAI_DEMO: '1',
      GONGKAI_RATE_LIMITS: '0',
      GONGKAI_REMINDER_TIME: 'off',
      // Warnings and errors only (kept in output() for the failure messages), not a line per request.
      GONGKAI_LOG_LEVEL: 'warn',
      // No drain wait on SIGTERM unless a test asks for one.
      GONGKAI_DRAIN_SECONDS: '0',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('已启动')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once('exit', (code, signal) => {
      clearInterval(timer);
      reject(new Error(`the node exited before listening (${code ?? signal}):\n${out}`));
    });
  });
  const node: AppNode = {
    base: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => out,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: async () => {
      if (node.alive()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (node.alive()) child.kill('SIGTERM');
      await exited;
    },
  };
  return node;
}

export interface HttpRes {
  status: number;
  text: string;
  headers: Headers;
}

/** A browser-like client: cookies kept across requests, whichever node answers. */
export class HttpClient {
  cookies = new Map<string, string>();

  constructor(readonly ip?: string) {}

  private keep(h: Headers): void {
    for (const c of h.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {}): Promise<HttpRes> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual', signal: init.signal ?? AbortSignal.timeout(30_000) });
    this.keep(r.headers);
    return { status: r.status, text: await r.text(), headers: r.headers };
  }

  /** A form POST with the CSRF token of `tokenPage` (a page of the same node or another). */
  async postForm(url: string, fields: Record<string, string>, csrf: string): Promise<HttpRes> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
    });
  }

  /** The hidden CSRF field of a page. */
  async csrfOf(pageUrl: string): Promise<string> {
    const page = await this.request(pageUrl);
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error(`no CSRF token on ${pageUrl} (${page.status})`);
    return m[1]!;
  }

  /** The public JSON API: the CSRF token from GET /api/v1/csrf-token (asked once), then a JSON POST. */
  async apiPost(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpRes & { json: Record<string, unknown> }> {
    if (!this.cookies.has('gk_csrf')) await this.request(`${base}/api/v1/csrf-token`);
    const r = await this.request(`${base}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'x-csrf-token': this.cookies.get('gk_csrf') ?? '' },
      body: JSON.stringify(body),
    });
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(r.text) as Record<string, unknown>;
    } catch {
      // not JSON (e.g. a proxy's error page): the caller looks at the status
    }
    return { ...r, json };
  }
}
