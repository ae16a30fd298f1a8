/**
 * What a batch found: the checks that need two files (last year's report of the same agency in
 * the batch: T5, T6, P2), the per-file records of the outputs, and the summary (by rule, file
 * type, year, agency level and national format).
 */
import { agencyKind, checkReport } from '../checks/index.js';
import { RULES, type Finding, type RuleId } from '../finding.js';
import type { CheckedFile, FileResult } from './check-file.js';

/** The rules a batch can report (D1, D2, R1 need the system's records). */
export const BATCH_RULES: readonly RuleId[] = (Object.keys(RULES) as RuleId[]).filter((r) => !['D1', 'D2', 'R1'].includes(r));

export const LEVEL_NAMES = { government: '政府', department: '部门', town: '镇', township: '乡', street: '街道', unknown: '不详' } as const;
export type Level = keyof typeof LEVEL_NAMES;

export interface Tally {
  files: number;
  /** Files with at least one error-level finding. */
  withErrors: number;
  findings: number;
}

export interface BatchSummary {
  files: number;
  read: number;
  unreadable: number;
  withErrors: number;
  /** Readable files with warnings and no errors. */
  withWarningsOnly: number;
  clean: number;
  errors: number;
  warnings: number;
  /** Files whose previous year's report of the same agency was in the batch (T5, T6, P2 ran). */
  withPreviousYear: number;
  /** Files in the directory left out for their extension. */
  skipped: number;
  /** Per rule seen: files with it, findings. */
  byRule: Partial<Record<RuleId, { files: number; findings: number }>>;
  byFileType: Record<string, { files: number; unreadable: number }>;
  byYear: Record<string, Tally>;
  byLevel: Partial<Record<Level, Tally>>;
  byFormat: Record<string, number>;
}

/** An agency's name for matching its reports of two years (spaces and 人民政府/政府 variants aside). */
export function agencyKey(agency: string): string {
  return agency.replace(/[\s\u3000]+/g, '').replace(/人民政府/g, '政府');
}

/**
 * Re-checks, with last year's report, each file whose agency has exactly one report of the year
 * before in the batch (two candidates: ambiguous, left alone). Returns how many were linked.
 */
export function checkAgainstPreviousYear(files: CheckedFile[]): number {
  const byKey = new Map<string, CheckedFile[]>();
  for (const f of files) {
    if (!f.parsed || !f.agency || f.year === null) continue;
    const k = `${agencyKey(f.agency)}|${f.year}`;
    const list = byKey.get(k) ?? [];
    list.push(f);
    byKey.set(k, list);
  }
  let linked = 0;
  for (const f of files) {
    if (!f.parsed || !f.agency || f.year === null) continue;
    const prev = byKey.get(`${agencyKey(f.agency)}|${f.year - 1}`);
    if (prev?.length !== 1) continue;
    f.findings = checkReport(f.parsed.report, { info: f.parsed.info, previous: prev[0]!.parsed!.report });
    linked++;
  }
  return linked;
}

export function levelOf(agency: string | null): Level {
  return agencyKind(agency) ?? 'unknown';
}

const count = (fs: readonly Finding[], s: 'error' | 'warning') => fs.filter((f) => f.severity === s).length;

export function summarize(files: readonly FileResult[], extra: { withPreviousYear: number; skipped: number }): BatchSummary {
  const s: BatchSummary = {
    files: files.length,
    read: 0,
    unreadable: 0,
    withErrors: 0,
    withWarningsOnly: 0,
    clean: 0,
    errors: 0,
    warnings: 0,
    withPreviousYear: extra.withPreviousYear,
    skipped: extra.skipped,
    byRule: {},
    byFileType: {},
    byYear: {},
    byLevel: {},
    byFormat: {},
  };
  const tally = (map: Record<string, Tally>, key: string, errors: number, findings: number) => {
    const t = (map[key] ??= { files: 0, withErrors: 0, findings: 0 });
    t.files++;
    if (errors) t.withErrors++;
    t.findings += findings;
  };
  for (const f of files) {
    const type = f.fileType ?? 'unknown';
    const ft = (s.byFileType[type] ??= { files: 0, unreadable: 0 });
    ft.files++;
    if (f.error !== null) {
      s.unreadable++;
      ft.unreadable++;
      continue;
    }
    s.read++;
    const e = count(f.findings, 'error');
    const w = count(f.findings, 'warning');
    s.errors += e;
    s.warnings += w;
    if (e) s.withErrors++;
    else if (w) s.withWarningsOnly++;
    else s.clean++;
    const rules = new Set<RuleId>();
    for (const x of f.findings) {
      const r = (s.byRule[x.rule] ??= { files: 0, findings: 0 });
      r.findings++;
      if (!rules.has(x.rule)) r.files++;
      rules.add(x.rule);
    }
    tally(s.byYear, f.year === null ? '不详' : String(f.year), e, f.findings.length);
    tally(s.byLevel as Record<string, Tally>, levelOf(f.agency), e, f.findings.length);
    if (f.format) s.byFormat[f.format] = (s.byFormat[f.format] ?? 0) + 1;
  }
  // Rules in their official order.
  s.byRule = Object.fromEntries(BATCH_RULES.filter((r) => s.byRule[r]).map((r) => [r, s.byRule[r]!]));
  return s;
}

export type FileRecord = Omit<FileResult, 'ms'>;

/** A file's record in the outputs: what was read and found (not the report itself, not timings: the same files give the same output). */
export function fileRecord(f: FileResult): FileRecord {
  const { path, fileType, agency, year, format, findings, error, notes, bytes } = f;
  return { path, fileType, agency, year, format, findings, error, notes, bytes };
}
