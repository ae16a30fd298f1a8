/**
 * Annual report benchmark (issue 5): the time to generate an agency's report from the records
 * with BENCH_ANNUAL_APPLICATIONS (default 1,000,000) applications in the database, and the
 * roll-up of a region of 500 agencies, on SQLite and on PostgreSQL — each against the raw
 * aggregation statements alone, measured in the same run:
 *
 *   baseline   the statements generation runs (src/reports/generate/queries.ts: the agency tree,
 *              section 三 applicationCountsQuery, reopenedLogsQuery, reviewCountsQuery,
 *              catalogueCountsQuery, feePaymentsQuery, the entered figures), executed directly
 *              for the same agencies and year in the same kind of snapshot (a read-only
 *              repeatable-read transaction), their rows left unread: what generation must do at
 *              minimum. Target: generation ≤ 2× the baseline (p50 over BENCH_ANNUAL_REPS runs,
 *              default 20, after 3 warm-up runs; generation and baseline interleaved).
 *
 * Measured for the largest agency's 2024 report (20 % of all applications), a small agency's,
 * and generateRollup over the government's region (500 agencies) against the statements for all
 * 500 ids. Also: load time and database size; then the export time per report (.docx, PDF …:
 * exports.bench.ts), once.
 *
 * The data (deterministic): a district (滨河区) of 500 agencies — the government, 40 departments,
 * 18 towns and 12 streets with 429 villages and communities (which receive no applications).
 * Applications received from 2019-05-15 (the 条例 in force) to 2025-12-31, growing by year, on
 * working days; one department (自然资源局) holds 20 %, the other 70 reporting agencies the rest
 * by a Zipf law. Each case follows the state machine of src/applications (events in the log, the
 * stored columns as the service leaves them): confirmation of online and postal receipts,
 * correction (some lapse), consultation, fees (from 2021; some lapse), extension, withdrawal,
 * the reply with an outcome row of the report format of the closing year (2019 format for
 * closings in 2019–2020, 2021 format after: 3.6 or 3.6.1–3.6.3) and its ground; replies within
 * the limits, so December's cases close in January; a few cases take two New Years or more, a
 * few stay open; "today" is 2026-01-20. About 0.4 % of closed cases have a reconsideration or
 * lawsuit (a few thousand), some corrected and reopened (answered again, or still open). Also
 * ~1,300 catalogue items of 第二十条第（一）项 (规章 with 令, 规范性文件; some repealed, expired,
 * withdrawn) and the entered figures of 2023 and 2024 (three towns have not entered 2024's).
 *
 * Loading: multi-row INSERTs in transactions of 5,000 applications with every index in place
 * (SQLite: prepared statements on a plain better-sqlite3 connection; PostgreSQL: INSERT … SELECT
 * FROM unnest(arrays)). The per-row data-version trigger of applications (migration
 * 2026112807) is off during the load — PostgreSQL: ALTER TABLE … DISABLE TRIGGER; SQLite: the
 * triggers are dropped and created again from their stored SQL — and each agency's counter is
 * bumped once afterwards. Then ANALYZE (PostgreSQL: VACUUM ANALYZE, what autovacuum does on a
 * database in use; BENCH_ANNUAL_SQLITE_ANALYZE=0 leaves SQLite without statistics, as the
 * application itself never runs ANALYZE).
 *
 * Needs PostgreSQL for the second half (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres: a database gongkai_bench_annual is created and
 * dropped there). BENCH_ANNUAL_DB=sqlite|postgres runs one. A run of more than 50,000
 * applications waits while /tmp/gongkai-bench.lock (another CPU-sensitive benchmark) or
 * /tmp/gongkai-search-bench.lock exists, and holds the former — load, measurements; then again
 * for the exports — writing "annual-helper" in it. BENCH_ANNUAL_KEEP=1 keeps
 * the SQLite file (its path is printed).
 */
import SQLite from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { closingOutcome, OUTCOME_BASIS_HINTS } from '../src/applications/application.js';
import { formatTrackingNumber } from '../src/applications/tracking.js';
import { SUBJECTS } from '../src/catalogue/categories.js';
import { openDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { AgencyKind, ApplicantType, ApplicationChannel, ApplicationState, ReviewKind, ReviewResult } from '../src/db/schema.js';
import { groundsForOutcome } from '../src/letters/kinds.js';
import type { Report } from '../src/reports/report.js';
import { generateReport, generateRollup, yearBounds, type YearBounds } from '../src/reports/generate/index.js';
import * as q from '../src/reports/generate/queries.js';
import { rng, type Rng } from '../test/support/reports.js';
import { benchExports } from './exports.bench.js';
import { fmt, median, type BenchResult } from './util.js';

const APPLICATIONS = Number(process.env.BENCH_ANNUAL_APPLICATIONS ?? 1_000_000);
const ONLY = process.env.BENCH_ANNUAL_DB;
const REPS = Number(process.env.BENCH_ANNUAL_REPS ?? 20);
const WARMUP = 3;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_DB = 'gongkai_bench_annual';
const SQLITE_ANALYZE = process.env.BENCH_ANNUAL_SQLITE_ANALYZE !== '0';
const BATCH = 5000;
const SEED = 2024;
const YEAR = 2024;
const TARGET = 2;
const HEAVY = 50_000;
const LOCK = '/tmp/gongkai-bench.lock';
const LOCK_OWNER = 'annual-helper';
const SEARCH_LOCK = ['/tmp/gongkai-search-bench.lock'];

// ---------------------------------------------------------------------------------------------
// Days: day numbers (days since 1970-01-01, UTC) and ISO dates

const DAY_MS = 86_400_000;
const dayOf = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const ISO_FROM = dayOf('2018-01-01');
const ISO_CACHE = Array.from({ length: 365 * 12 }, (_, i) => new Date((ISO_FROM + i) * DAY_MS).toISOString().slice(0, 10));
const iso = (d: number) => ISO_CACHE[d - ISO_FROM] ?? new Date(d * DAY_MS).toISOString().slice(0, 10);
const yearOf = (d: number) => Number(iso(d).slice(0, 4));
/** 0 Sunday … 6 Saturday (1970-01-01 was a Thursday). */
const weekday = (d: number) => (d + 4) % 7;
/** The day itself, or the Monday after a weekend (holidays are not modelled). */
const workday = (d: number) => (weekday(d) === 6 ? d + 2 : weekday(d) === 0 ? d + 1 : d);
function addWorkdays(d: number, n: number): number {
  let x = d;
  for (let k = 0; k < n; ) {
    x++;
    if (weekday(x) !== 0 && weekday(x) !== 6) k++;
  }
  return x;
}
const at = (d: number, minute: number) => `${iso(d)}T${String(1 + Math.floor(minute / 60) % 8).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00.000Z`;

/** The day the data is as of: December's cases are mostly answered by then. */
const TODAY = dayOf('2026-01-20');
const FIRST_RECEIPT = dayOf('2019-05-15');

// ---------------------------------------------------------------------------------------------
// Random draws

const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
function weighted<T>(entries: readonly (readonly [T, number])[]): (r: Rng) => T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  return (r) => {
    let x = r() * total;
    for (const [v, w] of entries) if ((x -= w) < 0) return v;
    return entries[entries.length - 1]![0];
  };
}

const applicantType = weighted<ApplicantType>([
  ['natural_person', 86], ['commercial', 6], ['research', 0.5], ['public_interest', 0.5], ['legal_services', 3], ['other', 4],
]);
const channelOf = weighted<ApplicationChannel>([['online', 45], ['in_person', 18], ['post_signed', 22], ['post_ordinary', 5], ['email', 7], ['fax', 3]]);
/** Reply outcome rows (the （六） row by the format: 3.6 or 3.6.3). */
const replyRow = weighted<string>([
  ['3.1', 38], ['3.2', 8], ['3.3.1', 0.2], ['3.3.2', 0.4], ['3.3.3', 0.3], ['3.3.4', 1.2], ['3.3.5', 1], ['3.3.6', 1.5], ['3.3.7', 0.6], ['3.3.8', 2],
  ['3.4.1', 24], ['3.4.2', 3], ['3.4.3', 0.5], ['3.5.1', 4], ['3.5.2', 3], ['3.5.3', 0.5], ['3.5.4', 0.8], ['3.5.5', 1], ['other', 3],
]);
const reviewKind = weighted<ReviewKind>([['reconsideration', 60], ['litigation_direct', 25], ['litigation_after', 15]]);
const reviewResult = weighted<ReviewResult>([['upheld', 65], ['corrected', 20], ['other', 15]]);
/** Receipts per year (2019 from 15 May). */
const YEAR_SHARE: readonly (readonly [number, number])[] = [[2019, 0.09], [2020, 0.12], [2021, 0.13], [2022, 0.14], [2023, 0.16], [2024, 0.17], [2025, 0.19]];

/** The receipt day at position u ∈ [0, 1) of the history (so ids follow receipt dates). */
function receiptDay(u: number): number {
  let acc = 0;
  for (const [y, share] of YEAR_SHARE) {
    if (u < acc + share || y === 2025) {
      const f = Math.min(0.999999, Math.max(0, (u - acc) / share));
      const start = y === 2019 ? FIRST_RECEIPT : dayOf(`${y}-01-01`);
      return workday(start + Math.floor(f * (dayOf(`${y}-12-31`) - start + 1)));
    }
    acc += share;
  }
  throw new Error('unreachable');
}

// ---------------------------------------------------------------------------------------------
// The agencies: a district of 500

const REGION = '滨河区';
const DEPARTMENTS = [
  '人民政府办公室', '发展和改革局', '教育和体育局', '科学技术局', '工业和信息化局', '公安分局', '民政局', '司法局', '财政局',
  '人力资源和社会保障局', '自然资源局', '生态环境分局', '住房和城乡建设局', '交通运输局', '水利局', '农业农村局', '商务局',
  '文化和旅游局', '卫生健康局', '退役军人事务局', '应急管理局', '审计局', '市场监督管理局', '统计局', '医疗保障局', '信访局',
  '综合行政执法局', '行政审批服务局', '城市管理局', '林业局', '民族宗教事务局', '人民防空办公室', '地方金融监督管理局', '大数据局',
  '机关事务管理局', '粮食和物资储备局', '档案局', '乡村振兴局', '住房保障和房产管理局', '税务局',
];
const TOWNS = ['河口', '柳林', '石桥', '青山', '龙泉', '双庙', '王庄', '新集', '大营', '马家', '李集', '高桥', '沙河', '东岭', '南湖', '北岗', '西坡', '杨柳'];
const STREETS = ['城关', '东城', '西城', '南城', '北城', '河东', '河西', '文化路', '光明路', '人民路', '新华', '建设路'];
const VILLAGES = ['王庄', '李庄', '张营', '刘集', '陈湾', '杨庄', '黄岗', '赵楼', '周庄', '吴桥', '孙庄', '马店', '朱楼', '胡集', '郭庄'];
const COMMUNITIES = ['幸福', '和平', '团结', '友谊', '建设', '光明', '康乐', '祥和', '阳光', '锦绣', '花园', '翠苑', '春晖', '金桥', '丽都'];
const BIG_DEPARTMENT = '自然资源局';
const BIG_SHARE = 0.2;

interface BenchAgency {
  id: number;
  parentId: number | null;
  name: string;
  kind: AgencyKind;
  /** Share of all applications (0 for villages and communities). */
  share: number;
  /** Short prefix of its document numbers (滨自然资发). */
  prefix: string;
}

function agencyTree(): BenchAgency[] {
  const out: BenchAgency[] = [];
  const add = (parentId: number | null, name: string, kind: AgencyKind, prefix: string) => {
    const a = { id: out.length + 1, parentId, name, kind, share: 0, prefix };
    out.push(a);
    return a;
  };
  const gov = add(null, `${REGION}人民政府`, 'government', '滨政');
  const departments = DEPARTMENTS.map((d) => add(gov.id, d === '税务局' ? `国家税务总局${REGION}税务局` : `${REGION}${d}`, 'department', `滨${d.slice(0, 2)}`));
  const parents = [
    ...TOWNS.map((t) => add(gov.id, `${t}镇人民政府`, 'town', `${t}政`)),
    ...STREETS.map((s) => add(gov.id, `${s}街道办事处`, 'street', `${s}办`)),
  ];
  // 429 villages and communities: 14 under each town or street, 15 under the first nine.
  parents.forEach((p, i) => {
    const n = 14 + (i < 9 ? 1 : 0);
    const town = p.kind === 'town';
    for (let k = 0; k < n; k++) {
      const base = p.name.replace(/人民政府|办事处/g, '');
      add(p.id, town ? `${base}${VILLAGES[k]}村民委员会` : `${base}${COMMUNITIES[k]}社区居民委员会`, town ? 'village' : 'community', '');
    }
  });
  // Shares: the big department 20 %; the others by a Zipf law (government first, departments and
  // towns interleaved), so that a few agencies hold most and the last ones a handful a year.
  const big = departments.find((d) => d.name.endsWith(BIG_DEPARTMENT))!;
  const others = departments.filter((d) => d !== big);
  const ranked: BenchAgency[] = [gov];
  for (let i = 0; i < Math.max(others.length, parents.length); i++) {
    if (others[i]) ranked.push(others[i]!);
    if (parents[i]) ranked.push(parents[i]!);
  }
  const weights = ranked.map((_, i) => 1 / (i + 1) ** 0.8);
  const total = weights.reduce((s, w) => s + w, 0);
  ranked.forEach((a, i) => (a.share = ((1 - BIG_SHARE) * weights[i]!) / total));
  big.share = BIG_SHARE;
  if (out.length !== 500) throw new Error(`agency tree: ${out.length} agencies`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rows

type Value = string | number | null;
type Row = Value[];

const USER_ID = 1;
const APPLICATION_COLUMNS = [
  'id', 'agency_id', 'tracking_number', 'tracking_secret_hash', 'channel', 'applicant_type', 'applicant_name', 'id_type', 'id_number',
  'contact_person', 'contact_phone', 'contact_email', 'contact_address', 'postcode', 'description', 'purpose', 'provision_form', 'delivery',
  'submitted_on', 'confirmed_on', 'received_on', 'state', 'reply_due_on', 'correction_due_on', 'next_due_on', 'clock_status',
  'clock_provisional', 'extension_days', 'outcome_row', 'outcome_basis', 'outcome_format', 'closed_on', 'version', 'created_at',
  'updated_at', 'created_by',
] as const;
const EVENT_COLUMNS = ['id', 'application_id', 'type', 'date', 'at', 'user_id', 'data', 'note'] as const;
const REVIEW_COLUMNS = ['id', 'application_id', 'kind', 'filed_on', 'body', 'case_number', 'result', 'decided_on', 'note', 'created_at', 'updated_at', 'created_by'] as const;
const AGENCY_COLUMNS = ['id', 'parent_id', 'name', 'short_name', 'kind', 'code', 'office_name', 'office_address', 'office_hours', 'office_phone', 'office_fax', 'office_email', 'postcode', 'created_at'] as const;
const ITEM_COLUMNS = ['id', 'agency_id', 'index_number', 'published_version_id', 'first_published_on', 'withdrawn_at', 'withdrawn_reason', 'created_at', 'created_by', 'updated_at'] as const;
const VERSION_COLUMNS = [
  'id', 'item_id', 'number', 'state', 'title', 'summary', 'publisher', 'doc_number', 'written_on', 'category', 'subject', 'disclosure',
  'validity', 'validity_on', 'repealed_by', 'body', 'formed_on', 'due_on', 'author_id', 'created_at', 'updated_at', 'submitted_at',
  'published_on', 'published_at',
] as const;
const ENTRY_COLUMNS = ['id', 'agency_id', 'year', 'cell', 'value', 'unit', 'note', 'entered_by', 'entered_at'] as const;
/** PostgreSQL element types of the unnest arrays (text unless listed). */
const PG_TYPES: Record<string, string> = {
  id: 'int', agency_id: 'int', parent_id: 'int', application_id: 'int', item_id: 'int', number: 'int', published_version_id: 'int',
  created_by: 'int', author_id: 'int', user_id: 'int', entered_by: 'int', year: 'int', last_serial: 'int', version: 'int',
  clock_provisional: 'int', extension_days: 'int', disabled: 'int',
};

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉萍红玲芬燕彩春菊凤洁梅琳云莲雪荣爱香月瑞佳嘉琼珍莉晶妍倩婷颖露瑶怡丹蓉君琴岚欣宁'];
const BRANDS = [...'鑫盛华泰恒通达宏远瑞丰祥和康安永兴隆昌德富嘉禾润泽博源天宇振信诚创汇聚宝利晟'];
const SUBJECTS_ASKED = [
  '征地补偿安置方案', '国有土地上房屋征收决定', '房屋征收补偿方案', '建设用地规划许可证', '土地出让合同', '集体土地征收批复', '违法建设处理决定',
  '棚户区改造项目立项批复', '道路建设项目环境影响评价文件', '拆迁补偿协议', '宅基地审批档案', '耕地占补平衡材料', '最低生活保障审批名单',
  '工程招标投标文件', '行政处罚决定书', '财政专项资金使用情况', '学校划片招生方案', '城中村改造规划', '信访事项处理意见', '企业环评验收材料',
];
const DOC_KINDS = ['批复文件', '审批档案', '会议纪要', '公告及附件', '实施方案', '测绘报告', '补偿明细', '验收材料'];

/** One application: its row, its log, its review cases. */
interface Case {
  app: Row;
  events: Row[];
  reviews: Row[];
}

type Closing = { type: 'replied' | 'withdrawn' | 'correction_lapsed' | 'fee_lapsed'; day: number; row: string | null; format: string | null; basis: string | null };

/** Generates the cases in receipt order (ids 1…n), deterministic for a seed. */
class CaseGenerator {
  private readonly r = rng(SEED);
  private readonly cumulative: number[] = [];
  private readonly reporting: BenchAgency[];
  private nextEvent = 1;
  private nextReview = 1;
  /** agency|year → last serial of its tracking numbers. */
  readonly serials = new Map<string, number>();
  events = 0;
  reviews = 0;
  reopened = 0;

  constructor(agencies: readonly BenchAgency[]) {
    this.reporting = agencies.filter((a) => a.share > 0);
    let acc = 0;
    for (const a of this.reporting) this.cumulative.push((acc += a.share));
  }

  private agency(): BenchAgency {
    const x = this.r() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return this.reporting[lo]!;
  }

  private reply(day: number, correctionReceived: boolean): Closing {
    const format = yearOf(day) <= 2020 ? '2019' : '2021';
    let row = replyRow(this.r);
    if (row === '3.4.3' && !correctionReceived) row = '3.4.1';
    if (row === 'other') row = format === '2019' ? '3.6' : '3.6.3';
    return { type: 'replied', day, row, format, basis: OUTCOME_BASIS_HINTS[row] || '其他处理' };
  }

  private closingWithout(type: 'withdrawn' | 'correction_lapsed' | 'fee_lapsed', day: number): Closing {
    const o = closingOutcome(type, iso(day));
    return { type, day, row: o.row, format: o.format, basis: o.basis };
  }

  make(id: number, u: number): Case {
    const r = this.r;
    const agency = this.agency();
    const type = applicantType(r);
    const channel = channelOf(r);
    const received = receiptDay(u);
    const confirms = channel === 'online' || channel === 'email' || channel === 'fax' || channel === 'post_ordinary';
    const submitted = confirms ? received - (channel === 'post_ordinary' ? int(r, 1, 4) : int(r, 0, 2)) : received;
    const registeredOn = channel === 'online' ? submitted : received;
    const serialKey = `${agency.id}|${yearOf(registeredOn)}`;
    const serial = (this.serials.get(serialKey) ?? 0) + 1;
    this.serials.set(serialKey, serial);
    const trackingNumber = formatTrackingNumber(agency.id, yearOf(registeredOn), serial);
    const person = type === 'natural_person';
    const name = person ? pick(r, SURNAMES) + pick(r, GIVEN) + (r() < 0.6 ? pick(r, GIVEN) : '') : `${pick(r, ['滨河', '临港', '恒信', '山东'])}${pick(r, BRANDS)}${pick(r, BRANDS)}${pick(r, ['置业有限公司', '建设工程有限公司', '律师事务所', '商贸有限公司', '研究院', '公益服务中心'])}`;
    const phone = `1${pick(r, ['33', '35', '38', '39', '52', '58', '86', '89'])}${String(int(r, 0, 99_999_999)).padStart(8, '0')}`;
    const topic = pick(r, SUBJECTS_ASKED);
    const description = `请公开${pick(r, [`${iso(received - int(r, 30, 2000)).slice(0, 4)}年`, '', `${pick(r, VILLAGES)}村`, `${pick(r, TOWNS)}镇`])}${topic}的${pick(r, DOC_KINDS)}${r() < 0.5 ? `，以及与${pick(r, SUBJECTS_ASKED)}有关的${pick(r, DOC_KINDS)}` : ''}。`;

    // The log: [type, day, data], kept in date order.
    const log: [string, number, object][] = [];
    if (channel === 'online') log.push(['submitted', submitted, { channel: 'online', submittedOn: iso(submitted) }]);
    let closing: Closing | null = null;
    let receivedOn: number | null = received;
    if (channel === 'online' && r() < 0.004) {
      // Withdrawn before the office confirmed it: never received, counted nowhere.
      closing = { type: 'withdrawn', day: submitted + int(r, 1, 5), row: null, format: null, basis: null };
      receivedOn = null;
    } else if (channel === 'online') {
      log.push(['confirmed', received, { confirmedOn: iso(received) }]);
    } else {
      log.push(['registered', received, { channel, submittedOn: iso(submitted), confirmedOn: confirms ? iso(received) : null }]);
    }

    let cursor = received;
    let paused = 0;
    let correctionReceived = false;
    let correctionDue: number | null = null;
    let correctionDeadline: number | null = null;
    let extension: number | null = null;
    if (!closing && r() < 0.08) {
      const asked = workday(received + int(r, 1, 8));
      correctionDue = addWorkdays(received, 7);
      correctionDeadline = asked + 15;
      log.push(['correction_requested', asked, { deadline: iso(correctionDeadline), items: '请明确所需信息的名称、文号或者便于查询的其他特征性描述' }]);
      if (r() < 0.25) closing = this.closingWithout('correction_lapsed', workday(correctionDeadline + 1));
      else {
        cursor = asked + int(r, 2, 14);
        log.push(['correction_received', cursor, { descriptionChanged: r() < 0.7 }]);
        correctionReceived = true;
        paused += cursor - received;
      }
    }
    if (!closing && r() < 0.02) closing = this.closingWithout('withdrawn', workday(cursor + int(r, 2, 20)));
    if (!closing && r() < 0.03) {
      const kind = r() < 0.8 ? 'third_party' : 'other_agency';
      const started = workday(cursor + int(r, 3, 10));
      cursor = workday(started + int(r, 15, 40));
      log.push(['consultation_started', started, { kind, party: kind === 'third_party' ? `${pick(r, BRANDS)}${pick(r, BRANDS)}置业有限公司` : `${REGION}${pick(r, DEPARTMENTS)}`, letterReceivedOn: iso(started + 3) }]);
      log.push(['opinion_received', cursor, { kind, opinion: pick(r, ['consent', 'object', 'no_reply']) }]);
      paused += cursor - started;
    }
    if (!closing && received >= dayOf('2021-01-01') && r() < 0.004) {
      const quantity = int(r, 1, 3);
      const amount = quantity * 100 * int(r, 1, 4);
      const notified = workday(cursor + int(r, 8, 15));
      log.push(['fee_notified', notified, { method: 'items', quantity, amount, noticeReceivedOn: iso(notified + 2) }]);
      if (r() < 0.4) closing = this.closingWithout('fee_lapsed', workday(notified + int(r, 20, 30)));
      else {
        cursor = notified + int(r, 3, 15);
        log.push(['fee_paid', cursor, { amount }]);
        paused += cursor - notified;
      }
    }
    if (!closing && r() < 0.08) {
      log.push(['extended', workday(cursor + int(r, 14, 24)), { days: 20, reason: '需要调取历史档案并核实', approvedBy: '信息公开办公室主任', approvedById: USER_ID }]);
      extension = 20;
    }
    let replyDue = addWorkdays(received, 20 + (extension ?? 0)) + paused;
    if (!closing) {
      const x = r();
      let day = cursor + (extension ? int(r, 22, 55) : int(r, 2, 27));
      if (x < 0.0005) day += int(r, 400, 900); // two New Years or more (e.g. a stalled consultation)
      const stuck = x >= 0.0005 && x < 0.0008 && received < dayOf('2024-06-01'); // never answered
      if (!stuck) closing = this.reply(workday(day), correctionReceived);
    }
    if (closing && closing.day > TODAY) closing = null;
    // An open case: only what happened by today is in its log.
    for (let k = log.length - 1; k >= 0; k--) if (log[k]![1] > TODAY) log.splice(k, 1);
    if (!log.some((e) => e[0] === 'extended')) extension = null;
    if (closing) log.push([closing.type, closing.day, closing.type === 'replied' ? this.replyData(closing) : {}]);

    // Reconsideration or lawsuit after the closing; a corrected one may reopen the case.
    const reviews: Row[] = [];
    let state: ApplicationState;
    let final = closing;
    if (closing && closing.row !== null && closing.type !== 'withdrawn' && r() < 0.004) {
      const filed = closing.day + int(r, 10, 60);
      if (filed <= TODAY) {
        const kind = reviewKind(r);
        const decided = filed + int(r, 30, 150);
        const result = decided <= TODAY ? reviewResult(r) : null;
        const rc = this.nextReview++;
        const court = kind !== 'reconsideration';
        reviews.push([
          rc, id, kind, iso(filed), court ? `${REGION}人民法院` : `${REGION}人民政府`,
          court ? `（${yearOf(filed)}）鲁0402行初${int(r, 1, 300)}号` : `滨政复决字〔${yearOf(filed)}〕${int(r, 1, 200)}号`,
          result, result ? iso(decided) : null, null, at(filed, 100), at(result ? decided : filed, 110), USER_ID,
        ]);
        log.push(['review_filed', filed, { reviewCaseId: rc, kind }]);
        if (result) log.push(['review_decided', decided, { reviewCaseId: rc, result }]);
        const reopenedOn = decided + int(r, 5, 20);
        if (result === 'corrected' && r() < 0.8 && reopenedOn <= TODAY) {
          this.reopened++;
          log.push(['reopened', reopenedOn, { reviewCaseId: rc, dueOn: null }]);
          replyDue = addWorkdays(reopenedOn, 20);
          const again = workday(reopenedOn + int(r, 10, 28));
          final = again <= TODAY ? this.reply(again, correctionReceived) : null;
          if (final) log.push(['replied', final.day, this.replyData(final)]);
        }
      }
    }
    log.sort((a, b) => a[1] - b[1]);
    const last = log[log.length - 1]!;
    if (final) state = final.type;
    else if (log.some((e) => e[0] === 'reopened')) state = 'reopened';
    else {
      const handling = log.filter((e) => !e[0].startsWith('review_'));
      const lastHandling = handling[handling.length - 1]![0];
      state = lastHandling === 'correction_requested' ? 'correction_requested' : lastHandling === 'consultation_started' ? 'consulting' : lastHandling === 'fee_notified' ? 'fee_notified' : lastHandling === 'registered' || lastHandling === 'confirmed' ? 'registered' : 'in_process';
    }
    const open = final === null;
    const waiting = state === 'correction_requested' || state === 'consulting' || state === 'fee_notified';
    const clockStatus = receivedOn === null
      ? 'closed'
      : !open
        ? final!.type === 'replied' ? (final!.day <= replyDue ? 'replied_on_time' : 'replied_late') : 'closed'
        : waiting ? 'paused' : TODAY > replyDue ? 'overdue' : replyDue - TODAY <= 5 ? 'due_soon' : 'on_time';
    const staff = channel !== 'online';
    const events = log.map(([t, day, data], k): Row => [this.nextEvent++, id, t, iso(day), at(day, 30 + k * 7), t === 'submitted' ? null : USER_ID, JSON.stringify(data), null]);
    this.events += events.length;
    this.reviews += reviews.length;
    const app: Row = [
      id, agency.id, trackingNumber, createHash('sha256').update(`${trackingNumber}:${id}`).digest('hex'), channel, type, name,
      person ? (r() < 0.97 ? 'resident_id' : 'passport') : 'uscc',
      person ? `370402${iso(dayOf('1950-01-01') + int(r, 0, 20000)).replace(/-/g, '')}${String(int(r, 0, 9999)).padStart(4, '0')}` : `91370402MA${String(int(r, 0, 99_999_999)).padStart(8, '0')}`,
      person ? null : pick(r, SURNAMES) + pick(r, GIVEN), phone,
      channel === 'online' || channel === 'email' ? `a${id}@example.com` : null,
      r() < 0.7 ? `${REGION}${pick(r, STREETS)}街道${pick(r, VILLAGES)}路${int(r, 1, 300)}号` : null, r() < 0.5 ? '277100' : null,
      description, r() < 0.4 ? pick(r, ['用于维护自身合法权益', '了解补偿标准', '诉讼需要', '科研需要']) : null,
      r() < 0.6 ? 'paper' : 'electronic', pick(r, ['post', 'email', 'pickup', 'online']),
      iso(submitted), confirms && receivedOn !== null ? iso(received) : null, receivedOn === null ? null : iso(receivedOn), state,
      receivedOn === null ? null : iso(replyDue), correctionDue === null ? null : iso(correctionDue),
      open ? iso(state === 'correction_requested' && correctionDeadline !== null ? correctionDeadline : replyDue) : null, clockStatus, 0, extension,
      final?.row ?? null, final?.basis ?? null, final?.format ?? null, final ? iso(final.day) : null, events.length,
      at(registeredOn, 20), at(last[1], 200), staff ? USER_ID : null,
    ];
    return { app, events, reviews };
  }

  private replyData(c: Closing): object {
    const grounds = groundsForOutcome(c.row!);
    return { outcomeRow: c.row, outcomeFormat: c.format, basis: c.basis, summary: null, ground: grounds.length ? pick(this.r, grounds).id : null };
  }

  /** The applications in batches (u: position in the history, so receipt dates follow ids). */
  *batches(n: number): Generator<Case[]> {
    for (let first = 1; first <= n; first += BATCH) {
      const batch: Case[] = [];
      for (let id = first; id < Math.min(n + 1, first + BATCH); id++) batch.push(this.make(id, (id - 1 + this.r()) / n));
      yield batch;
    }
  }
}

/** The art20.1 catalogue items (规章 and 规范性文件) of the reporting agencies: ~1,300, one in seven with an earlier version. */
function catalogueRows(agencies: readonly BenchAgency[]): { items: Row[]; versions: Row[] } {
  const r = rng(SEED + 1);
  const items: Row[] = [];
  const versions: Row[] = [];
  for (const a of agencies) {
    if (a.share === 0) continue;
    const n = a.kind === 'government' ? 120 : a.kind === 'department' ? int(r, 10, 40) : int(r, 3, 12);
    for (let k = 0; k < n; k++) {
      const id = items.length + 1;
      const written = workday(dayOf('2019-01-02') + int(r, 0, 2550));
      const published = Math.min(TODAY, written + int(r, 1, 10));
      const year = yearOf(written);
      const rule = a.kind === 'government' && r() < 0.1;
      const doc = rule ? `${REGION}人民政府令第${int(r, 1, 60)}号` : `${a.prefix}发〔${year}〕${int(r, 1, 120)}号`;
      const old = TODAY - written > 700;
      const v = r();
      const [validity, validityOn] =
        old && v < 0.12 ? ['repealed', iso(written + int(r, 365, TODAY - written))] : old && v < 0.18 ? ['expired', iso(written + int(r, 365, TODAY - written))] : old && v < 0.19 ? ['repealed', null] : ['valid', null];
      const withdrawn = r() < 0.01 ? at(Math.min(TODAY, published + int(r, 30, 300)), 60) : null;
      const revised = r() < 1 / 7;
      const first = versions.length + 1;
      const title = `${a.name}关于${pick(r, ['加强', '规范', '进一步做好', '印发'])}${pick(r, SUBJECTS_ASKED)}管理的${rule ? '办法' : pick(r, ['通知', '意见', '实施细则', '规定'])}`;
      const version = (vid: number, number: number, state: string, on: number): Row => [
        vid, id, number, state, title, `${title}的主要内容。`, a.name, doc, iso(written), 'art20.1', SUBJECTS[id % SUBJECTS.length]!, 'active',
        state === 'published' ? validity : 'valid', state === 'published' ? validityOn : null, validity === 'repealed' && state === 'published' ? `${a.prefix}发〔${yearOf(written) + 2}〕1号` : null,
        `${title}。第一条 为了规范管理，制定本${rule ? '办法' : '规定'}。`, iso(written), iso(addWorkdays(written, 20)), USER_ID, at(written, 10), at(on, 20), at(on, 15), iso(on), at(on, 30),
      ];
      if (revised) versions.push(version(first, 1, 'superseded', published));
      const current = versions.length + 1;
      versions.push(version(current, revised ? 2 : 1, 'published', revised ? Math.min(TODAY, published + int(r, 30, 400)) : published));
      items.push([id, a.id, `${String(a.id).padStart(4, '0')}-art20.1-${year}-${String(id).padStart(5, '0')}`, current, iso(published), withdrawn, withdrawn ? '内容调整' : null, at(written, 5), USER_ID, at(published, 40)]);
    }
  }
  return { items, versions };
}

/** The entered figures (2021 format) of 2023 and 2024: every reporting agency, but three towns have not entered 2024's. */
function entryRows(agencies: readonly BenchAgency[]): Row[] {
  const r = rng(SEED + 2);
  const towns = agencies.filter((a) => a.kind === 'town');
  const late = new Set(towns.slice(-3).map((a) => a.id));
  const out: Row[] = [];
  for (const year of [2023, 2024]) {
    for (const a of agencies) {
      if (a.share === 0 || (year === 2024 && late.has(a.id))) continue;
      const dept = a.kind === 'department';
      const values: [string, string][] = [
        ['licensing.decisions', String(dept ? int(r, 0, 800) : int(r, 0, 30))],
        ['penalty.decisions', String(dept ? int(r, 0, 300) : int(r, 0, 20))],
        ['enforcement.decisions', String(int(r, 0, dept ? 40 : 5))],
        ['fees.amount_wan_yuan', r() < 0.7 ? '0' : (int(r, 1, 500_000) / 100).toString()],
      ];
      for (const [cell, value] of values) out.push([out.length + 1, a.id, year, cell, value, null, `${a.name}${year}年度业务统计台账`, USER_ID, at(dayOf(`${year + 1}-01-08`), out.length % 400)]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Loading

interface Sink {
  insert(table: string, columns: readonly string[], rows: readonly Row[]): Promise<void>;
  run(text: string): Promise<void>;
  transaction(fn: () => Promise<void>): Promise<void>;
}

function checkWidth(table: string, columns: readonly string[], rows: readonly Row[]): void {
  if (rows.length && rows[0]!.length !== columns.length) throw new Error(`${table}: ${rows[0]!.length} values for ${columns.length} columns`);
}

function sqliteSink(raw: SQLite.Database): Sink {
  const statements = new Map<string, SQLite.Statement>();
  const statement = (table: string, columns: readonly string[], n: number) => {
    const key = `${table}|${n}`;
    let s = statements.get(key);
    if (!s) {
      const one = `(${columns.map(() => '?').join(', ')})`;
      s = raw.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: n }, () => one).join(', ')}`);
      statements.set(key, s);
    }
    return s;
  };
  return {
    insert: async (table, columns, rows) => {
      checkWidth(table, columns, rows);
      const per = Math.min(500, Math.floor(30_000 / columns.length));
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        statement(table, columns, chunk.length).run(chunk.flat());
      }
    },
    run: async (text) => void raw.exec(text),
    transaction: async (fn) => {
      raw.exec('BEGIN');
      try {
        await fn();
        raw.exec('COMMIT');
      } catch (e) {
        raw.exec('ROLLBACK');
        throw e;
      }
    },
  };
}

function pgSink(c: pg.Client): Sink {
  return {
    insert: async (table, columns, rows) => {
      checkWidth(table, columns, rows);
      if (rows.length === 0) return;
      const text = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${columns.map((col, i) => `$${i + 1}::${PG_TYPES[col] ?? 'text'}[]`).join(', ')})`;
      await c.query(text, columns.map((_, j) => rows.map((row) => row[j])));
    },
    run: async (text) => void (await c.query(text)),
    transaction: async (fn) => {
      await c.query('BEGIN');
      try {
        await fn();
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      }
    },
  };
}

interface Loaded {
  seconds: number;
  agencies: BenchAgency[];
  events: number;
  reviews: number;
  reopened: number;
  catalogue: number;
  entries: number;
}

/**
 * Loads everything through `sink` (the schema migrated): agencies, user, catalogue, entries, then
 * the applications with their logs and review cases, the per-row version trigger off meanwhile.
 */
async function load(sink: Sink, triggersOff: () => Promise<() => Promise<void>>, label: string): Promise<Loaded> {
  const agencies = agencyTree();
  const t0 = performance.now();
  const created = at(dayOf('2019-01-02'), 0);
  const catalogue = catalogueRows(agencies);
  const entries = entryRows(agencies);
  await sink.transaction(async () => {
    await sink.insert('users', ['id', 'username', 'display_name', 'password_hash', 'password_changed_at', 'created_at'], [[USER_ID, 'bench', '基准测试', 'x', created, created]]);
    await sink.insert('agencies', AGENCY_COLUMNS, agencies.map((a) => [a.id, a.parentId, a.name, null, a.kind, `11371002MB${String(a.id).padStart(8, '0')}`, a.share ? '政府信息公开办公室' : null, null, null, a.share ? '0632-3000000' : null, null, null, '277100', created]));
    await sink.insert('catalogue_items', ITEM_COLUMNS, catalogue.items);
    await sink.insert('catalogue_versions', VERSION_COLUMNS, catalogue.versions);
    await sink.insert('report_entries', ENTRY_COLUMNS, entries);
  });
  const gen = new CaseGenerator(agencies);
  const restore = await triggersOff();
  try {
    let n = 0;
    for (const batch of gen.batches(APPLICATIONS)) {
      await sink.transaction(async () => {
        await sink.insert('applications', APPLICATION_COLUMNS, batch.map((c) => c.app));
        await sink.insert('application_events', EVENT_COLUMNS, batch.flatMap((c) => c.events));
        await sink.insert('review_cases', REVIEW_COLUMNS, batch.flatMap((c) => c.reviews));
      });
      n += batch.length;
      if (n % 200_000 === 0) console.log(`    ${label}: ${n.toLocaleString('en-US')} applications, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  } finally {
    await restore();
  }
  // What the disabled trigger would have done: bump each agency's applications counter.
  await sink.run(
    `INSERT INTO data_versions (scope, key, version) SELECT 'applications', agency_id, 1 FROM applications WHERE true GROUP BY agency_id ` +
      `ON CONFLICT (scope, key) DO UPDATE SET version = data_versions.version + 1`,
  );
  await sink.insert('application_serials', ['agency_id', 'year', 'last_serial'], [...gen.serials].map(([k, v]) => [...k.split('|').map(Number), v]));
  return { seconds: (performance.now() - t0) / 1000, agencies, events: gen.events, reviews: gen.reviews, reopened: gen.reopened, catalogue: catalogue.items.length, entries: entries.length };
}

async function loadSqlite(path: string): Promise<Loaded> {
  const db = await openDatabase({ sqlitePath: path });
  await migrateToLatest(db);
  await db.close();
  const raw = new SQLite(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('cache_size = -262144');
  try {
    const loaded = await load(
      sqliteSink(raw),
      async () => {
        const triggers = raw.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'applications'`).all() as { name: string; sql: string }[];
        for (const t of triggers) raw.exec(`DROP TRIGGER ${t.name}`);
        return async () => {
          for (const t of triggers) raw.exec(t.sql);
        };
      },
      'SQLite',
    );
    const t0 = performance.now();
    if (SQLITE_ANALYZE) raw.exec('ANALYZE');
    raw.pragma('wal_checkpoint(TRUNCATE)');
    return { ...loaded, seconds: loaded.seconds + (performance.now() - t0) / 1000 };
  } finally {
    raw.close();
  }
}

async function loadPostgres(url: string): Promise<Loaded & { bytes: number }> {
  const db = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await migrateToLatest(db);
  await db.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const loaded = await load(
      pgSink(c),
      async () => {
        await c.query('ALTER TABLE applications DISABLE TRIGGER applications_version');
        return async () => void (await c.query('ALTER TABLE applications ENABLE TRIGGER applications_version'));
      },
      'PostgreSQL',
    );
    const t0 = performance.now();
    for (const t of ['users', 'agencies', 'applications', 'application_events', 'review_cases', 'catalogue_items', 'catalogue_versions', 'report_entries']) {
      await c.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT max(id) FROM ${t}))`);
    }
    // What autovacuum does on a database in use (it is off on some machines): statistics and the visibility map.
    await c.query('VACUUM ANALYZE');
    const bytes = Number((await c.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b')).rows[0]!.b);
    return { ...loaded, seconds: loaded.seconds + (performance.now() - t0) / 1000, bytes };
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** The statements generation runs, executed directly in the same kind of snapshot (rows not used). */
function rawStatements(db: Db, ids: readonly number[], b: YearBounds): Promise<void> {
  return db.kysely
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (tx) => {
      await q.listAgencyTree(tx);
      await q.applicationCountsQuery(db.dialect, ids, b).execute(tx);
      await q.reopenedLogsQuery(ids).execute(tx);
      await q.reviewCountsQuery(ids, b).execute(tx);
      await q.catalogueCountsQuery(ids, b).execute(tx);
      await q.feePaymentsQuery(ids, b).execute(tx);
      await q.listEntries(tx, ids, b.year);
    });
}

/** Section 三's statement alone, in the same kind of snapshot (for information). */
function sectionThree(db: Db, ids: readonly number[], b: YearBounds): Promise<unknown> {
  return db.kysely
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((tx) => q.applicationCountsQuery(db.dialect, ids, b).execute(tx));
}

/** Runs the functions WARMUP times, then REPS rounds, interleaved (the first one rotating); ms per run. */
async function interleaved(fns: Record<string, () => Promise<unknown>>): Promise<Record<string, number[]>> {
  const names = Object.keys(fns);
  for (let i = 0; i < WARMUP; i++) for (const n of names) await fns[n]!();
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < REPS; i++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(i + k) % names.length]!;
      const t0 = performance.now();
      await fns[n]!();
      out[n]!.push(performance.now() - t0);
    }
  }
  return out;
}

const p = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(f * xs.length) - 1)]!;
const ms = (x: number) => `${fmt(x)} ms`;
const count = (n: number) => n.toLocaleString('en-US');
const load1 = () => `load avg ${loadavg().map((x) => x.toFixed(2)).join(' ')}`;

/** T1 for every column of section 三: 一 + 二 = 三（七） + 四. */
function t1(report: Report): boolean {
  const a = report.applications;
  return Object.keys(a['1'] ?? {}).every((c) => a['1']![c]! + a['2']![c]! === a['3.7']![c]! + a['4']![c]!);
}

async function countReceived(db: Db, ids: readonly number[] | null, b: YearBounds): Promise<number> {
  let qb = db.kysely.selectFrom('applications').select((e) => e.fn.countAll<number>().as('n')).where('received_on', '>=', b.start).where('received_on', '<=', b.end);
  if (ids) qb = qb.where('agency_id', 'in', [...ids]);
  return Number((await qb.executeTakeFirstOrThrow()).n);
}

async function measure(label: string, db: Db, agencies: readonly BenchAgency[]): Promise<BenchResult[]> {
  const b = yearBounds(YEAR);
  const gov = agencies.find((a) => a.kind === 'government')!;
  const big = agencies.reduce((x, a) => (a.share > x.share ? a : x));
  const small = agencies.filter((a) => a.share > 0).reduce((x, a) => (a.share < x.share ? a : x));
  const all = agencies.map((a) => a.id);
  const out: BenchResult[] = [];

  // Consistency of the data and of generation (not timed): T1, T5 (this year's 二 is last year's 四), row 一 = COUNT(*).
  const problems: string[] = [];
  const r24 = await generateReport(db, { agencyId: big.id, year: YEAR });
  const r23 = await generateReport(db, { agencyId: big.id, year: YEAR - 1 });
  const roll = await generateRollup(db, { agencyId: gov.id, year: YEAR });
  if (!t1(r24.report) || !t1(r23.report) || !t1(roll.report)) problems.push('T1 fails');
  if (r24.report.applications['2']!.total !== r23.report.applications['4']!.total) problems.push(`T5: 二 ${r24.report.applications['2']!.total} ≠ ${YEAR - 1} 四 ${r23.report.applications['4']!.total}`);
  const bigReceived = await countReceived(db, [big.id], b);
  const allReceived = await countReceived(db, null, b);
  const smallReceived = await countReceived(db, [small.id], b);
  if (r24.report.applications['1']!.total !== bigReceived) problems.push(`row 一 ${r24.report.applications['1']!.total} ≠ COUNT(*) ${bigReceived}`);
  if (roll.report.applications['1']!.total !== allReceived) problems.push(`roll-up row 一 ${roll.report.applications['1']!.total} ≠ COUNT(*) ${allReceived}`);
  const flagged = [...r24.warnings, ...roll.warnings].filter((w) => w.includes('办理结果行') || w.includes('申请人类型'));
  if (flagged.length) problems.push(`warnings: ${flagged.join('；')}`);
  out.push({
    name: `${label}: consistency of the generated ${YEAR} reports (T1; T5 with ${YEAR - 1}; row 一 = COUNT(*); no flagged outcome rows)`,
    value: problems.length,
    unit: 'problems',
    ok: problems.length === 0,
    ...(problems.length ? { target: '0', extra: problems.join('; ') } : { extra: `roll-up: ${roll.included.length} agencies included, ${roll.missing.length} missing, ${roll.warnings.length} warnings` }),
  });

  const row = (name: string, gen: number[], raw: number[], extra: string): BenchResult => {
    const ratio = median(gen) / median(raw);
    return {
      name,
      value: median(gen),
      unit: 'ms p50',
      ratio,
      ratioLabel: 'p50 vs the raw statements alone, same snapshot',
      target: `≤ ${TARGET}×`,
      ok: ratio <= TARGET,
      extra: `raw statements p50 ${ms(median(raw))}; generation p90 ${ms(p(gen, 0.9))}, raw p90 ${ms(p(raw, 0.9))}; ${extra}; ${REPS} runs each after ${WARMUP} warm-up, interleaved; ${load1()}`,
    };
  };

  const one = await interleaved({
    gen: () => generateReport(db, { agencyId: big.id, year: YEAR }),
    raw: () => rawStatements(db, [big.id], b),
    s3: () => sectionThree(db, [big.id], b),
  });
  out.push(row(`${label}: generateReport, ${big.name} ${YEAR} (${count(bigReceived)} received in the year, about ${count(Math.round(big.share * APPLICATIONS))} in all)`, one.gen!, one.raw!, `section 三 statement alone p50 ${ms(median(one.s3!))}`));

  const sm = await interleaved({
    gen: () => generateReport(db, { agencyId: small.id, year: YEAR }),
    raw: () => rawStatements(db, [small.id], b),
  });
  out.push(row(`${label}: generateReport, a small agency: ${small.name} ${YEAR} (${count(smallReceived)} received in the year)`, sm.gen!, sm.raw!, 'fixed costs dominate'));

  const ru = await interleaved({
    gen: () => generateRollup(db, { agencyId: gov.id, year: YEAR }),
    raw: () => rawStatements(db, all, b),
    s3: () => sectionThree(db, all, b),
  });
  out.push(row(`${label}: generateRollup, ${gov.name} ${YEAR}: 500 agencies (${count(allReceived)} received in the year)`, ru.gen!, ru.raw!, `section 三 statement alone p50 ${ms(median(ru.s3!))}`));
  return out;
}

const loadRow = (label: string, l: Loaded, bytes: number, how: string): BenchResult[] => [
  {
    name: `${label}: bulk load (500 agencies, ${APPLICATIONS.toLocaleString('en-US')} applications, ${l.events.toLocaleString('en-US')} events, ${l.reviews.toLocaleString('en-US')} review cases, ${l.catalogue.toLocaleString('en-US')} art20.1 items, ${l.entries.toLocaleString('en-US')} entered figures)`,
    value: l.seconds,
    unit: 's',
    extra: `${fmt(APPLICATIONS / l.seconds)} applications/s; ${l.reopened} cases reopened after a review; indexes in place, version trigger off; ${how}`,
  },
  { name: `${label}: database size`, value: bytes / 1e6, unit: 'MB', extra: `${fmt(bytes / APPLICATIONS)} bytes per application (everything included)` },
];

// ---------------------------------------------------------------------------------------------
// The lock shared by the CPU-sensitive benchmarks

const sleep = (t: number) => new Promise((res) => setTimeout(res, t));
let lockHeld = false;
const lockText = `${LOCK_OWNER}\n${process.pid}\n`;
function releaseLock(): void {
  if (!lockHeld) return;
  lockHeld = false;
  try {
    if (readFileSync(LOCK, 'utf8') === lockText) rmSync(LOCK, { force: true });
  } catch {
    // already gone
  }
}
let handlersSet = false;
function onExitRelease(): void {
  if (handlersSet) return;
  handlersSet = true;
  process.on('exit', releaseLock);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      releaseLock();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Runs `fn` holding /tmp/gongkai-bench.lock (created exclusively; waits while another process holds it). Small runs go without. */
async function locked<T>(what: string, fn: () => Promise<T>): Promise<T> {
  if (APPLICATIONS <= HEAVY) return fn();
  onExitRelease();
  let said = false;
  for (;;) {
    // The search benchmark's heavy phases hold a lock of their own (they wait for ours first).
    const busy = SEARCH_LOCK.filter((f) => existsSync(f));
    if (busy.length === 0) {
      try {
        writeFileSync(LOCK, lockText, { flag: 'wx' });
        lockHeld = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      if (lockHeld) {
        // A phase that checked our lock just before we took it has written its own by now.
        await sleep(500);
        if (!SEARCH_LOCK.some((f) => existsSync(f))) break;
        releaseLock();
      }
    }
    if (!said) {
      let holder = busy.join(', ') || '?';
      try {
        if (!busy.length) holder = `${LOCK}, held by ${readFileSync(LOCK, 'utf8').trim().split('\n')[0] ?? '?'}`;
      } catch {
        // gone meanwhile
      }
      console.log(`  (${what}: waiting while ${holder} exists)`);
      said = true;
    }
    await sleep(10_000);
  }
  try {
    return await fn();
  } finally {
    releaseLock();
  }
}

// ---------------------------------------------------------------------------------------------
// The benchmark group of bench/run.ts

async function benchSqlite(): Promise<BenchResult[]> {
  const work = mkdtempSync(join(tmpdir(), 'gongkai-bench-annual-'));
  const path = join(work, 'gongkai.sqlite');
  const label = `SQLite, ${APPLICATIONS.toLocaleString('en-US')} applications`;
  try {
    const loaded = await loadSqlite(path);
    const out = loadRow(label, loaded, statSync(path).size, SQLITE_ANALYZE ? 'then ANALYZE' : 'no ANALYZE (BENCH_ANNUAL_SQLITE_ANALYZE=0)');
    const db = await openDatabase({ sqlitePath: path });
    try {
      out.push(...(await measure(label, db, loaded.agencies)));
    } finally {
      await db.close();
    }
    return out;
  } finally {
    if (process.env.BENCH_ANNUAL_KEEP) console.log(`    (kept ${path})`);
    else rmSync(work, { recursive: true, force: true });
  }
}

async function benchPostgres(): Promise<BenchResult[]> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (e) {
    return [{ name: `PostgreSQL annual report benchmarks skipped: ${(e as Error).message}`, value: NaN, unit: '' }];
  }
  const label = `PostgreSQL, ${APPLICATIONS.toLocaleString('en-US')} applications`;
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${BENCH_DB}`;
    const loaded = await loadPostgres(url.toString());
    const out = loadRow(label, loaded, loaded.bytes, 'then VACUUM ANALYZE');
    const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
    try {
      out.push(...(await measure(label, db, loaded.agencies)));
    } finally {
      await db.close();
    }
    return out;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

export async function benchAnnual(): Promise<BenchResult[]> {
  const results: BenchResult[] = [{ name: 'machine load at start (1, 5, 15 min)', value: loadavg()[0]!, unit: 'load avg', extra: load1() }];
  if (!ONLY || ONLY === 'sqlite') results.push(...(await locked('SQLite', benchSqlite)));
  if (!ONLY || ONLY === 'postgres') results.push(...(await locked('PostgreSQL', benchPostgres)));
  const exports = await locked('exports', () => benchExports());
  results.push(...exports.map((r) => ({ ...r, name: `export per report: ${r.name}` })));
  return results;
}
