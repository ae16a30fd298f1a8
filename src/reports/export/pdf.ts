/**
 * The report as PDF: the HTML export's document (html.tsx) printed by Chromium (playwright-core
 * driving the system's Chromium: /usr/bin/chromium, or GONGKAI_CHROMIUM), A4 with the page
 * margins of the stylesheet, page numbers 「— 1 —」 in the footer (Chromium cannot number pages
 * from CSS; page.pdf's footer template can), tagged (accessible) with an outline from the headings.
 *
 * One warm browser per process: launched on the first PDF, reused, closed by closePdfRenderer()
 * and launched again if it crashed. Call closePdfRenderer() on shutdown: the open browser keeps
 * the event loop alive, so a command that made a PDF and does not close it never exits. Each PDF gets a fresh browser context
 * with JavaScript off and no network, and at most `concurrency` pages print at once; more wait in
 * a bounded queue (PdfBusyError beyond it), so the server is never swamped by PDF requests. A
 * request handler should still not wait for a PDF it can cache: render off the request path.
 *
 * Without Chromium, PdfUnavailableError says so in Chinese and names the path tried.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Report } from '../report.js';
import { PdfBusyError, PdfUnavailableError } from './errors.js';
import { renderLayoutHtml } from './html.js';
import { reportLayout } from './layout.js';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Arguments for Chromium as root on a closed network (see shared/docs/STACK.md). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium to print with: GONGKAI_CHROMIUM, or the Debian package's. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const p = env.GONGKAI_CHROMIUM?.trim();
  return p ? p : DEFAULT_CHROMIUM;
}

export interface PdfRendererOptions {
  /** Default: chromiumPath(). */
  executablePath?: string;
  /** Pages printing at once (default 2). */
  concurrency?: number;
  /** PDFs allowed to wait for a free page (default 64); one more is refused with PdfBusyError. */
  maxQueue?: number;
  /** Time allowed for one PDF (default 30 s; starting the browser may take 30 s more). */
  timeoutMs?: number;
}

export interface PrintOptions {
  /** Footer: the page number between dashes, 「— 1 —」 (default true). */
  pageNumbers?: boolean;
}

const FOOTER = `<div style="width:100%;text-align:center;font-size:10.5pt;font-family:'SimSun','宋体','WenQuanYi Zen Hei',serif;color:#000;">— <span class="pageNumber"></span> —</div>`;

function unavailable(path: string, cause?: unknown): PdfUnavailableError {
  const why = existsSync(path) ? `Chromium（${path}）无法启动` : `找不到 Chromium 浏览器（${path}）`;
  return new PdfUnavailableError(
    `无法生成 PDF：${why}。请安装 Chromium 和中文字体（Debian：apt-get install -y chromium fonts-wqy-zenhei），或用环境变量 GONGKAI_CHROMIUM 指定 Chromium 的路径。`,
    path,
    cause === undefined ? undefined : { cause },
  );
}

/** A warm Chromium that prints HTML documents to PDF, a few at a time. */
export class PdfRenderer {
  readonly executablePath: string;
  private readonly concurrency: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private browser: Promise<Browser> | null = null;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(opts: PdfRendererOptions = {}) {
    this.executablePath = opts.executablePath ?? chromiumPath();
    this.concurrency = Math.max(1, opts.concurrency ?? 2);
    this.maxQueue = Math.max(0, opts.maxQueue ?? 64);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** Whether the configured Chromium exists (it may still fail to start). */
  available(): boolean {
    return existsSync(this.executablePath);
  }

  private launch(): Promise<Browser> {
    if (this.browser) return this.browser;
    const path = this.executablePath;
    const p = (async () => {
      if (!existsSync(path)) throw unavailable(path);
      let b: Browser;
      try {
        const { chromium } = await import('playwright-core');
        // Signals are the application's to handle (the server stops cleanly on SIGTERM, then calls
        // closePdfRenderer); playwright would otherwise exit the process with 130 on SIGINT. Its
        // exit handler still kills the browser if the process ends without closing it.
        b = await chromium.launch({
          executablePath: path,
          args: [...CHROMIUM_ARGS],
          timeout: Math.max(this.timeoutMs, 30_000),
          handleSIGINT: false,
          handleSIGTERM: false,
          handleSIGHUP: false,
        });
      } catch (e) {
        throw unavailable(path, e);
      }
      // A crashed or killed browser is launched again by the next PDF.
      b.on('disconnected', () => {
        if (this.browser === p) this.browser = null;
      });
      return b;
    })();
    this.browser = p;
    // A failed launch is not kept: the next PDF tries again (Chromium may have been installed since).
    p.catch(() => {
      if (this.browser === p) this.browser = null;
    });
    return p;
  }

  private async slot<T>(f: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueue) throw new PdfBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    try {
      return await f();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Prints a complete HTML document (no network: it must carry its own styles) to PDF bytes. */
  async print(html: string, opts: PrintOptions = {}): Promise<Buffer> {
    if (this.closed) throw new Error('PdfRenderer is closed');
    return this.slot(async () => {
      const browser = await this.launch();
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      // page.pdf has no timeout of its own: a PDF that takes too long frees its slot anyway (the
      // context is closed, which ends the print).
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`PDF 生成超时（${Math.round(this.timeoutMs / 1000)} 秒）`)), this.timeoutMs);
      });
      const job = (async () => {
        const page = await context.newPage();
        page.setDefaultTimeout(this.timeoutMs);
        await page.setContent(html, { waitUntil: 'load', timeout: this.timeoutMs });
        const numbers = opts.pageNumbers ?? true;
        const pdf = await page.pdf({
          format: 'A4',
          preferCSSPageSize: true,
          printBackground: true,
          displayHeaderFooter: numbers,
          headerTemplate: '<span></span>',
          footerTemplate: numbers ? FOOTER : '<span></span>',
          tagged: true,
          outline: true,
        });
        return Buffer.from(pdf);
      })();
      job.catch(() => undefined); // after a timeout, the job's own failure is not reported again
      try {
        return await Promise.race([job, timeout]);
      } finally {
        clearTimeout(timer);
        await context.close().catch(() => undefined);
      }
    });
  }

  /** Closes the browser (PDFs being printed fail); the renderer cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const b = this.browser;
    this.browser = null;
    if (b) await b.then((x) => x.close()).catch(() => undefined);
  }
}

let shared: PdfRenderer | null = null;

/** The process's renderer (created on first use with chromiumPath()). */
export function pdfRenderer(): PdfRenderer {
  if (!shared) shared = new PdfRenderer();
  return shared;
}

/** Closes the process's browser, if one was started (on shutdown; a later PDF starts a new one). */
export async function closePdfRenderer(): Promise<void> {
  const r = shared;
  shared = null;
  if (r) await r.close();
}

/**
 * The report as PDF bytes. Throws ReportExportError (invalid report), PdfUnavailableError (no
 * Chromium), PdfBusyError (queue full).
 */
export async function renderReportPdf(report: Report): Promise<Buffer> {
  const layout = reportLayout(report);
  return pdfRenderer().print(renderLayoutHtml(layout));
}
