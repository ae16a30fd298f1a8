/**
 * Checks many files in parallel worker threads (one job: inline, in this thread). Each worker
 * takes the next file when it is done with one, so a slow PDF never holds back the text files.
 * A file that takes longer than the timeout, or that makes its worker crash or run out of
 * memory, is reported as unreadable and the worker is replaced: the batch always completes.
 * Results come back in the order of the files given.
 */
import { Worker } from 'node:worker_threads';
import { checkFile, failed, type CheckedFile } from './check-file.js';

export interface PoolOptions {
  /** Worker threads (1: inline, unless `isolate`). */
  jobs: number;
  /** A file taking longer is skipped (its worker is stopped). */
  timeoutMs?: number;
  maxBytes?: number;
  /** Heap of a worker thread, in MB. */
  workerHeapMb?: number;
  /** Read even a single file in a worker thread (with the time and memory limits): files from outside. */
  isolate?: boolean;
  /** Called once per file, in the order files finish. */
  onResult?: (r: CheckedFile, done: number) => void;
}

export interface BatchFile {
  /** Where the file is, or its bytes (an upload). */
  path: string | { bytes: Uint8Array };
  /** How results name it (relative to the batch's directory). */
  shownAs: string;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_WORKER_HEAP_MB = 1024;

/**
 * The worker's code (evaluated as CommonJS): imports check-file from the URL the parent gives —
 * the same module, .js when compiled, .ts under tsx (development, tests), when tsx's loader is
 * registered in the worker first (an evaluated worker does not inherit it).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = (async () => {
  if (workerData.tsxUrl) (await import(workerData.tsxUrl)).register();
  return import(workerData.moduleUrl);
})();
parentPort.on('message', async (m) => {
  try {
    const { checkFile } = await ready;
    const r = await checkFile(m.bytes ? { bytes: m.bytes } : m.path, m.shownAs, { maxBytes: m.maxBytes });
    parentPort.postMessage({ i: m.i, result: r });
  } catch (e) {
    parentPort.postMessage({ i: m.i, error: String((e && e.message) || e) });
  }
});
`;

const UNDER_TSX = import.meta.url.endsWith('.ts');
/** Where check-file is, with this module's extension (.ts under tsx, .js in dist/). */
const CHECK_FILE_URL = new URL(`./check-file${UNDER_TSX ? '.ts' : '.js'}`, import.meta.url).href;

export async function checkFiles(files: readonly BatchFile[], opts: PoolOptions): Promise<CheckedFile[]> {
  const results: CheckedFile[] = new Array(files.length);
  let done = 0;
  const record = (i: number, r: CheckedFile) => {
    results[i] = r;
    opts.onResult?.(r, ++done);
  };
  const fileOpts = opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {};
  if (!opts.isolate && (opts.jobs <= 1 || files.length <= 1)) {
    for (let i = 0; i < files.length; i++) record(i, await checkFile(files[i]!.path, files[i]!.shownAs, fileOpts));
    return results;
  }

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let next = 0;
  const tsxUrl = UNDER_TSX ? import.meta.resolve('tsx/esm/api') : null;
  const runWorker = () =>
    new Promise<void>((resolveAll) => {
      const spawn = (): Worker =>
        new Worker(WORKER_SOURCE, {
          eval: true,
          execArgv: [],
          workerData: { moduleUrl: CHECK_FILE_URL, tsxUrl },
          resourceLimits: { maxOldGenerationSizeMb: opts.workerHeapMb ?? DEFAULT_WORKER_HEAP_MB },
          stdout: true,
          stderr: true,
        });
      let worker = spawn();
      let current: number | null = null;
      let timer: NodeJS.Timeout | null = null;

      const attach = (w: Worker) => {
        // Libraries may print about odd files: not the batch's output.
        w.stdout.resume();
        w.stderr.resume();
        w.on('message', (m: { i: number; result?: CheckedFile; error?: string }) => {
          if (m.i !== current) return;
          clear();
          record(m.i, m.result ?? failed(files[m.i]!.shownAs, `读取时出错：${m.error}`));
          feed();
        });
        w.on('error', (e) => lost(w, `读取时出错（${e.message}），已跳过`));
        w.on('exit', () => lost(w, '读取时工作线程退出（可能内存不足），已跳过'));
      };
      const clear = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        current = null;
      };
      /** The worker died or was stopped with a file: that file fails, a new worker goes on. */
      const lost = (w: Worker, why: string) => {
        if (w !== worker) return;
        if (current === null) return; // exits after terminate() at the end
        const i = current;
        clear();
        record(i, failed(files[i]!.shownAs, why));
        worker = spawn();
        attach(worker);
        feed();
      };
      const feed = () => {
        if (next >= files.length) {
          void worker.terminate();
          resolveAll();
          return;
        }
        const i = next++;
        current = i;
        const w = worker;
        timer = setTimeout(() => {
          if (w !== worker || current !== i) return;
          lost(w, `读取超过 ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} 秒` : `${timeoutMs} 毫秒`}，已跳过`);
          void w.terminate();
        }, timeoutMs);
        const src = files[i]!.path;
        w.postMessage({ i, ...(typeof src === 'string' ? { path: src } : { bytes: src.bytes }), shownAs: files[i]!.shownAs, maxBytes: opts.maxBytes });
      };
      attach(worker);
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(opts.jobs, files.length) }, runWorker));
  return results;
}
