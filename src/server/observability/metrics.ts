/**
 * Metrics in the Prometheus text exposition format (version 0.0.4), written here rather than with
 * prom-client: the format is a few lines of text per series, the metrics we keep are three kinds
 * (counter, gauge, histogram) with fixed label names, and doing it ourselves keeps one more
 * dependency (and its default collectors, which would report more than we choose to) out of a
 * platform that agencies install themselves. Each app instance has its own registry (tests build
 * several apps in one process).
 *
 * Labels are bounded by construction: HTTP requests are labelled with the method (a fixed list,
 * anything else 'OTHER'), the route *pattern* Fastify matched (routeOptions.url, e.g.
 * `/xxgk/:agency/items/:id`; 'unmatched' for every 404, never the requested path) and the status
 * class (2xx…5xx). Job labels are the names of the jobs this program defines.
 *
 * Process metrics are read at scrape time. The event-loop figures (lag percentiles, utilisation)
 * cover the time since the previous scrape; with two scrapers each sees its own share.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { PoolStats } from '../../db/database.js';

type Labels = Record<string, string>;

/** One label value as the format wants it: backslash, double quote and newline escaped. */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (!keys.length) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}
  abstract lines(): string[];
  render(): string {
    const body = this.lines();
    return `# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${this.name} ${this.type}\n${body.map((l) => `${l}\n`).join('')}`;
  }
}

/** A counter or gauge with labels; series appear when first set. */
export class Series extends Metric {
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  constructor(name: string, help: string, type: 'counter' | 'gauge') {
    super(name, help, type);
  }
  #entry(labels: Labels) {
    const key = labelText(labels);
    let e = this.#values.get(key);
    if (!e) this.#values.set(key, (e = { labels, value: 0 }));
    return e;
  }
  inc(labels: Labels = {}, by = 1): void {
    this.#entry(labels).value += by;
  }
  set(labels: Labels, value: number): void {
    this.#entry(labels).value = value;
  }
  /** Replaces every series (gauges computed at scrape time). */
  reset(): void {
    this.#values.clear();
  }
  get size(): number {
    return this.#values.size;
  }
  lines(): string[] {
    return [...this.#values.values()].map((e) => `${this.name}${labelText(e.labels)} ${num(e.value)}`);
  }
}

export class Histogram extends Metric {
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[],
  ) {
    super(name, help, 'histogram');
  }
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.#series.get(key);
    if (!s) this.#series.set(key, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  get size(): number {
    return this.#series.size;
  }
  lines(): string[] {
    const out: string[] = [];
    for (const s of this.#series.values()) {
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${labelText({ ...s.labels, le: num(b) })} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${num(s.sum)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Latency buckets in seconds: pages are expected in milliseconds, exports and PDFs in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** Cheap figures from the database, computed at most once per `maxAgeMs` whatever the scrape rate. */
export type DomainCollector = () => Promise<{ name: string; help: string; type: 'gauge' | 'counter'; series: { labels: Labels; value: number }[] }[]>;

export class AppMetrics {
  readonly requests = new Series('gongkai_http_requests_total', 'HTTP requests answered, by method, route pattern and status class', 'counter');
  readonly duration = new Histogram('gongkai_http_request_duration_seconds', 'Time to answer an HTTP request, by method and route pattern', LATENCY_BUCKETS);
  readonly inFlight = new Series('gongkai_http_requests_in_flight', 'HTTP requests being answered now', 'gauge');
  #inFlight = 0;
  readonly #loopDelay: IntervalHistogram;
  #elu: EventLoopUtilization;
  readonly #startedAt = Date.now();
  #domain: { at: number; text: string } | null = null;
  #domainRunning: Promise<string> | null = null;

  constructor(
    private readonly opts: { version: string; domain?: DomainCollector; domainMaxAgeMs?: number; pool?: () => PoolStats } = { version: 'unknown' },
  ) {
    this.#loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.#loopDelay.enable();
    this.#elu = performance.eventLoopUtilization();
    this.inFlight.set({}, 0);
  }

  /** Stops the event-loop monitor (the app closes). */
  close(): void {
    this.#loopDelay.disable();
  }

  requestStarted(): void {
    this.inFlight.set({}, ++this.#inFlight);
  }

  requestEnded(): void {
    this.inFlight.set({}, --this.#inFlight);
  }

  /** A finished request: route is the matched pattern, or undefined (404). */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    const m = METHODS.has(method) ? method : 'OTHER';
    const r = route ?? 'unmatched';
    this.requests.inc({ method: m, route: r, status_class: `${Math.floor(status / 100)}xx` });
    this.duration.observe({ method: m, route: r }, seconds);
  }

  #process(): string {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization(this.#elu);
    this.#elu = performance.eventLoopUtilization();
    const d = this.#loopDelay;
    const lag = d.count > 0 ? { p50: d.percentile(50), p99: d.percentile(99), max: d.max } : { p50: 0, p99: 0, max: 0 };
    d.reset();
    const g = (name: string, help: string, value: number, type: 'gauge' | 'counter' = 'gauge', labels: Labels = {}) => {
      const s = new Series(name, help, type);
      s.set(labels, value);
      return s.render();
    };
    const lagSeries = new Series('nodejs_eventloop_lag_seconds', 'Event-loop delay since the previous scrape, by quantile', 'gauge');
    lagSeries.set({ quantile: '0.5' }, lag.p50 / 1e9);
    lagSeries.set({ quantile: '0.99' }, lag.p99 / 1e9);
    lagSeries.set({ quantile: '1' }, lag.max / 1e9);
    return [
      g('gongkai_build_info', 'The program version', 1, 'gauge', { version: this.opts.version }),
      g('process_resident_memory_bytes', 'Resident memory size', mem.rss),
      g('nodejs_heap_used_bytes', 'V8 heap used', mem.heapUsed),
      g('nodejs_heap_total_bytes', 'V8 heap allocated', mem.heapTotal),
      g('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript (buffers)', mem.external),
      g('process_cpu_seconds_total', 'User and system CPU time', (cpu.user + cpu.system) / 1e6, 'counter'),
      g('process_start_time_seconds', 'When the process started, seconds since the epoch', Math.floor(this.#startedAt / 1000)),
      g('process_uptime_seconds', 'Seconds since the process started', Math.floor(process.uptime())),
      g('nodejs_active_resources', 'Handles and requests keeping the event loop alive (sockets, timers, files)', process.getActiveResourcesInfo().length),
      lagSeries.render(),
      g('nodejs_eventloop_utilization_ratio', 'Share of time the event loop was busy since the previous scrape', Number.isFinite(elu.utilization) ? elu.utilization : 0),
      this.#pool(),
    ].join('');
  }

  /** PostgreSQL's connection pool of this process (none on SQLite). */
  #pool(): string {
    const stats = this.opts.pool?.();
    if (!stats) return '';
    const conns = new Series('gongkai_db_pool_connections', 'Database connections of this process, by state (in use, idle)', 'gauge');
    conns.set({ state: 'in_use' }, stats.total - stats.idle);
    conns.set({ state: 'idle' }, stats.idle);
    const max = new Series('gongkai_db_pool_max_connections', 'The most connections the pool opens', 'gauge');
    max.set({}, stats.max);
    const waiting = new Series('gongkai_db_pool_waiting', 'Queries waiting for a free connection (the pool is exhausted)', 'gauge');
    waiting.set({}, stats.waiting);
    return conns.render() + max.render() + waiting.render();
  }

  async #domainText(): Promise<string> {
    const collect = this.opts.domain;
    if (!collect) return '';
    const maxAge = this.opts.domainMaxAgeMs ?? 60_000;
    if (this.#domain && Date.now() - this.#domain.at < maxAge) return this.#domain.text;
    // One computation at a time, whatever the number of scrapers.
    this.#domainRunning ??= (async () => {
      try {
        const families = await collect();
        const text = families
          .map((f) => {
            const s = new Series(f.name, f.help, f.type);
            for (const x of f.series) s.set(x.labels, x.value);
            return s.render();
          })
          .join('');
        this.#domain = { at: Date.now(), text };
        return text;
      } catch {
        // The database is unreachable: the HTTP and process figures still go out; readyz says why.
        const s = new Series('gongkai_metrics_domain_up', 'Whether the figures read from the database could be collected', 'gauge');
        s.set({}, 0);
        return s.render();
      } finally {
        this.#domainRunning = null;
      }
    })();
    return this.#domainRunning;
  }

  /** The whole exposition. */
  async render(): Promise<string> {
    return [this.requests.render(), this.duration.render(), this.inFlight.render(), this.#process(), await this.#domainText()].join('');
  }
}
