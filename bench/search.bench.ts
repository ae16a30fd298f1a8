/**
 * Search benchmark (issue 4): 1,000,000 generated 政府信息公开 items (BENCH_SEARCH_ITEMS for a
 * quicker run), indexed through the search API on SQLite and on PostgreSQL; then the latency
 * (p50, p99) of searches of 2, 3 and 4 characters — frequent, medium and rare terms — in the
 * default order (newest first) with limit 20 and the capped count (after a warm-up of every term,
 * then one round of the group's before measuring it), each with its ratio to the database's raw
 * full-text query for the same term measured in the same run:
 *
 *   SQLite       bare FTS5: SELECT rowid FROM search_fts WHERE search_fts MATCH '"政府"'
 *                ORDER BY rowid DESC LIMIT 20 (no scope, no count, no ids)
 *   PostgreSQL   tsvector('simple') + GIN over the same tokens (a table built for the run):
 *                SELECT id … WHERE tsv @@ '政府'::tsquery ORDER BY id DESC LIMIT 20
 *                (BENCH_SEARCH_GIN=0 skips it)
 *
 * Also: indexing throughput, database size, one-character queries.
 *
 * Needs PostgreSQL for the second half (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres: a database gongkai_search_bench is created and
 * dropped there; BENCH_SEARCH_DB=sqlite|postgres runs one). BENCH_SEARCH_KEEP=1 keeps the database
 * (SQLite: the file) after the run; BENCH_SEARCH_REUSE=1 measures a kept PostgreSQL database of the
 * same BENCH_SEARCH_ITEMS again without rebuilding it (an index of 1,000,000 items takes about an
 * hour to build here; a kept database from before search_forward gets its token sequences from
 * the regenerated corpus first, reported as a row of its own). A run of more than 50,000 items waits
 * while /tmp/gongkai-bench.lock exists (the web benchmarks are CPU-sensitive) and holds
 * /tmp/gongkai-search-bench.lock meanwhile.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { indexDocuments, search, type SearchDocument } from '../src/search/index.js';
import { encodeSequence } from '../src/search/postings.js';
import { writeSequences } from '../src/search/postgres.js';
import { documentTokens, parseQuery } from '../src/search/tokenize.js';
import type { BenchResult } from './util.js';
import { rng, type Rng } from '../test/support/reports.js';

// ---------------------------------------------------------------------------------------------
// A corpus of realistic 政府信息公开 items: government vocabulary drawn with a Zipf law, so that
// some bigrams are in most items (政府, 通知, 工作) and others in a handful (names of people,
// villages and companies built from a pool of characters).

const AGENCIES = [
  '市中区人民政府', '市中区人民政府办公室', '区教育局', '区财政局', '区卫生健康局', '区自然资源局', '区住房和城乡建设局',
  '区农业农村局', '区市场监督管理局', '区应急管理局', '市生态环境局市中分局', '区人力资源和社会保障局', '区民政局', '区司法局',
  '区交通运输局', '区水利局', '区文化和旅游局', '区统计局', '区医疗保障局', '区退役军人事务局', '区审计局', '区发展和改革局',
  '区科学技术局', '区商务局', '区综合行政执法局', '区行政审批服务局', '区林业局', '区信访局', '区政务服务中心',
  '永安镇人民政府', '青山镇人民政府', '石门镇人民政府', '龙泉镇人民政府', '河东街道办事处', '城北街道办事处', '文化路街道办事处',
  '光明街道办事处', '西王庄镇人民政府', '齐村镇人民政府', '孟庄镇人民政府',
];
const DOC_TYPES = ['通知', '公告', '通告', '意见', '办法', '决定', '批复', '报告', '方案', '规划', '实施细则', '公示', '函', '会议纪要', '工作要点', '工作总结'];
const ACTIONS = ['做好', '加强', '开展', '推进', '印发', '规范', '进一步做好', '组织开展', '深入推进', '切实加强', '全面落实', '调整'];
const TOPICS = [
  '政府信息公开', '安全生产', '食品安全', '乡村振兴', '农村人居环境整治', '城乡居民基本养老保险', '最低生活保障', '特困人员救助供养',
  '住房公积金', '棚户区改造', '老旧小区改造', '征地补偿', '土地承包经营权流转', '宅基地审批', '河长制', '林长制', '秸秆禁烧',
  '森林防火', '防汛抗旱', '地质灾害防治', '营商环境', '政务服务', '一网通办', '双随机一公开', '行政许可', '行政处罚', '行政强制',
  '财政预算', '财政决算', '三公经费', '政府采购', '招标投标', '重大建设项目', '公务员招考', '事业单位公开招聘', '义务教育招生',
  '学前教育', '校外培训机构治理', '医疗保障', '家庭医生签约服务', '预防接种', '生态环境保护', '大气污染防治', '水污染防治',
  '生活垃圾分类', '节能减排', '文明城市创建', '退役军人优抚', '残疾人两项补贴', '高龄津贴发放', '临时救助', '就业创业',
  '职业技能培训', '农民工工资支付', '根治欠薪', '安全隐患排查整治', '消防安全', '道路交通安全', '城镇燃气安全', '特种设备安全',
  '药品安全监管', '价格监督检查', '产品质量抽检', '统计调查', '第七次全国人口普查', '第五次全国经济普查', '招商引资', '产业园区建设',
  '高标准农田建设', '粮食生产', '生猪稳产保供', '动物防疫', '农机购置补贴', '耕地地力保护补贴', '水利工程建设', '农村饮水安全',
  '农村电网改造', '农村道路硬化', '公共交通', '城市停车管理', '市容环境卫生', '违法建设治理', '国有土地上房屋征收', '不动产登记',
  '建设用地规划许可', '工程建设项目审批', '扬尘污染治理', '危险化学品安全', '非煤矿山安全', '冬春火灾防控', '春运安全',
  '烟花爆竹安全管理', '校园安全', '食品小作坊登记', '冷链食品监管', '网络市场监管', '知识产权保护', '消费者权益保护', '计量器具检定',
  '社会救助', '慈善捐赠', '养老服务', '殡葬改革', '婚姻登记', '村务公开', '村级财务管理', '基层党组织建设', '法治政府建设',
  '行政复议', '人民调解', '普法宣传', '公共法律服务', '信访工作', '应急预案', '突发公共事件应对', '气象灾害预警', '重污染天气应急',
  '审计整改', '国有资产管理', '债务风险防范', '税收征管', '减税降费', '中小企业纾困', '稳就业', '高校毕业生就业', '创业担保贷款',
  '文化惠民', '全民健身', '文物保护', '旅游市场整治', '体育场馆开放', '图书馆免费开放', '公共卫生', '传染病防控', '爱国卫生运动',
  '母婴安全', '计划生育奖励扶助', '医疗机构执业许可', '医保基金监管', '长期护理保险', '工伤保险', '失业保险', '社会保险费征缴',
];
const LAWS = [
  '中华人民共和国政府信息公开条例', '中华人民共和国安全生产法', '中华人民共和国食品安全法', '中华人民共和国行政许可法',
  '中华人民共和国行政处罚法', '中华人民共和国预算法', '中华人民共和国政府采购法', '中华人民共和国土地管理法',
  '中华人民共和国环境保护法', '中华人民共和国消防法', '社会救助暂行办法', '优化营商环境条例', '中华人民共和国乡村振兴促进法',
];
const OPENINGS = [
  '为进一步做好{t}工作', '为深入贯彻落实{l}', '根据《{l}》有关规定', '按照上级关于{t}的工作部署', '为切实加强{t}',
  '经区政府研究同意', '为推动{t}工作落实落地', '结合我区实际',
];
const SENTENCES = [
  '现将有关事项通知如下', '各镇人民政府、街道办事处，区政府各部门要高度重视{t}工作', '请认真贯彻执行', '特此通知',
  '要加强组织领导，压实工作责任，确保{t}各项任务落到实处', '强化督导检查，对工作不力的单位予以通报', '工作目标：到{y}年底，{t}工作取得明显成效',
  '各单位要于{y}年{m}月{d}日前将工作开展情况报送{a}', '联系人：{n}，联系电话：{p}', '本{dt}自印发之日起施行，有效期{k}年',
  '{v}村共完成{t}项目{k}个，涉及资金{z}万元', '对{c}存在的问题依法作出行政处罚决定', '经审查，{n}提交的申请材料齐全、符合法定形式',
  '{a}将按照政府信息公开的有关规定，及时公开{t}相关信息', '群众对{t}工作的满意度明显提升', '坚持以人民为中心的发展思想，统筹推进{t}',
  '{y}年全区共受理{t}相关申请{k}件，办结率达到百分之百', '请于{m}月{d}日前将材料报送区政府办公室', '附件：{t}工作实施方案',
  '本项目由{c}中标，中标金额{z}万元', '公示期为{y}年{m}月{d}日至{m2}月{d2}日', '如有异议，请在公示期内向{a}反映',
  '{v}村{n}等{k}户符合{t}条件，经村民代表会议评议，现予以公示', '依据《{l}》第{k}条规定，作出如下决定',
];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽';
const PLACE = '东西南北前后大小上下新旧高低中王李张刘陈杨黄河山林石桥湾沟岭庄店屯集坡塘泉源井营堡寨岗峪洼坪场园';
const BRAND = '鑫盛华泰恒通达宏远瑞丰祥和康安永兴隆昌盛德富贵金银嘉禾润泽博源天宇振宇嘉信诚创新汇聚宝利晟';

/** A draw from `xs` with weights 1/rank^s (rank from 1): the first entries are the frequent ones. */
function zipf<T>(xs: readonly T[], s = 1): (r: Rng) => T {
  const cum: number[] = [];
  let t = 0;
  for (let i = 0; i < xs.length; i++) cum.push((t += 1 / (i + 1) ** s));
  return (r) => {
    const x = r() * t;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return xs[lo]!;
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const chars = (r: Rng, pool: string, n: number) => Array.from({ length: n }, () => pool[Math.floor(r() * pool.length)]).join('');

const topic = zipf(TOPICS, 1.1);
const agency = zipf(AGENCIES, 0.8);
const docType = zipf(DOC_TYPES, 1);
const sentence = zipf(SENTENCES, 0.7);

/** One generated item: the four indexed fields and its publication day (days since 2015-01-01). */
export interface BenchItem {
  title: string;
  summary: string;
  body: string;
  day: number;
  agency: number;
}

function fill(r: Rng, tpl: string, t: string, a: string, dt: string, year: number): string {
  return tpl.replace(/\{(\w+)\}/g, (_m, k: string) => {
    switch (k) {
      case 't': return r() < 0.7 ? t : topic(r);
      case 'l': return pick(r, LAWS);
      case 'a': return r() < 0.5 ? a : agency(r);
      case 'y': return String(year);
      case 'm': case 'm2': return String(int(r, 1, 12));
      case 'd': case 'd2': return String(int(r, 1, 28));
      case 'n': return pick(r, [...SURNAMES]) + chars(r, GIVEN, int(r, 1, 2));
      case 'p': return `0632-${int(r, 3000000, 8999999)}`;
      case 'dt': return dt;
      case 'k': return String(int(r, 1, 60));
      case 'z': return (r() * 1000).toFixed(2);
      case 'v': return chars(r, PLACE, 2);
      case 'c': return `${pick(r, ['山东', '枣庄', '市中区', ''])}${chars(r, BRAND, 2)}${pick(r, ['建设工程', '商贸', '食品', '科技', '物业管理', '环保科技', '餐饮管理'])}有限公司`;
      default: return '';
    }
  });
}

/** Item `i` of `n` (deterministic for a given generator state; publication days grow with i, give or take a month). */
export function benchItem(r: Rng, i: number, n: number): BenchItem {
  const t = topic(r);
  const a = agency(r);
  const dt = docType(r);
  const day = Math.floor((i / Math.max(1, n)) * 4000) + int(r, 0, 30);
  const year = 2015 + Math.floor(day / 365);
  const titleKind = r();
  const title =
    titleKind < 0.6
      ? `${a}关于${pick(r, ACTIONS)}${year}年${t}工作的${dt}`
      : titleKind < 0.85
        ? `关于${fill(r, '{v}村', t, a, dt, year)}${t}情况的${dt}`
        : `${a}${year}年${t}${dt}（${pick(r, ['市中', '永', '青', '区'])}政发〔${year}〕${int(r, 1, 99)}号）`;
  const summary = [fill(r, pick(r, OPENINGS), t, a, dt, year), fill(r, sentence(r), t, a, dt, year), fill(r, sentence(r), t, a, dt, year)].join('，') + '。';
  const parts: string[] = [];
  const bodyLen = int(r, 200, 600);
  let len = 0;
  while (len < bodyLen) {
    const s = fill(r, r() < 0.2 ? pick(r, OPENINGS) : sentence(r), t, a, dt, year) + (r() < 0.6 ? '，' : '。');
    parts.push(s);
    len += s.length;
  }
  return { title, summary, body: parts.join(''), day, agency: AGENCIES.indexOf(a) };
}


// ---------------------------------------------------------------------------------------------
// The benchmark

const ITEMS = Number(process.env.BENCH_SEARCH_ITEMS ?? 1_000_000);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_DB = 'gongkai_search_bench';
const BATCH = 2000;
const SEED = 7;
const SCOPE = 'catalogue';
const REPS = Number(process.env.BENCH_SEARCH_REPS ?? 100);
const HEAVY = 50_000;
const WEB_LOCK = '/tmp/gongkai-bench.lock';
const OWN_LOCK = '/tmp/gongkai-search-bench.lock';
const TARGET_MS = 10;
/** Rounds of every term through the API before measuring (see measureQueries). */
const WARMUP_ROUNDS = 10;

type Band = 'frequent' | 'medium' | 'rare';
/** Real words of the vocabulary by length and document frequency (measured and reported per run). */
const TERMS: Record<2 | 3 | 4, Record<Band, string[]>> = {
  2: { frequent: ['政府', '通知', '联系'], medium: ['欠薪', '预防', '殡葬'], rare: ['方佳', '陆刚', '赵环'] },
  3: { frequent: ['区政府', '办公室', '起施行'], medium: ['宅基地', '煤矿山', '河长制'], rare: ['庄富宝', '恒德科', '富利商'] },
  4: { frequent: ['信息公开', '特此通知', '督导检查'], medium: ['普法宣传', '婚姻登记', '殡葬改革'], rare: ['宇宝建设', '和聚餐饮', '创安建设'] },
};
const ONE_CHAR = ['政', '鑫'];
const ALL_TERMS = [...Object.values(TERMS).flatMap((b) => Object.values(b).flat()), ...ONE_CHAR];

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Runs a heavy part after the web benchmarks' lock is gone, holding our own lock meanwhile. */
async function heavy<T>(what: string, fn: () => Promise<T>): Promise<T> {
  if (ITEMS <= HEAVY) return fn();
  let said = false;
  while (existsSync(WEB_LOCK)) {
    if (!said) console.log(`  (${what}: waiting while ${WEB_LOCK} exists)`);
    said = true;
    await sleep(10_000);
  }
  writeFileSync(OWN_LOCK, `${process.pid}\n`);
  try {
    return await fn();
  } finally {
    releaseLock();
  }
}
/** Removes our lock, and only ours (another run of the benchmarks may hold it). */
function releaseLock(): void {
  try {
    if (readFileSync(OWN_LOCK, 'utf8').trim() === String(process.pid)) rmSync(OWN_LOCK, { force: true });
  } catch {
    /* no lock */
  }
}
process.on('exit', releaseLock);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    releaseLock();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/** The corpus, batch by batch (regenerated identically each time). */
function* corpus(n: number): Generator<{ first: number; items: BenchItem[] }> {
  const r = rng(SEED);
  for (let first = 0; first < n; first += BATCH) {
    const items: BenchItem[] = [];
    for (let i = first; i < Math.min(n, first + BATCH); i++) items.push(benchItem(r, i, n));
    yield { first, items };
  }
}

const docOf = (it: BenchItem, docId: number): SearchDocument => ({
  scope: SCOPE,
  docId,
  sortKey: it.day,
  fields: { title: it.title, summary: it.summary, body: it.body },
  keys: [`agency:${it.agency}`],
});

/** Adds the items containing each term to its document frequency. */
function countTerms(df: Map<string, number>, items: readonly BenchItem[]): void {
  for (const it of items) {
    const text = `${it.title}\n${it.summary}\n${it.body}`;
    for (const t of ALL_TERMS) if (text.includes(t)) df.set(t, df.get(t)! + 1);
  }
}

/**
 * Indexes the corpus through the API; returns the seconds spent indexing and the document
 * frequency of the terms. PostgreSQL: VACUUM of the index tables every 100,000 items, counted in
 * the time — what autovacuum does on a production server (on this machine it is turned off).
 */
async function seed(db: Db): Promise<{ seconds: number; df: Map<string, number> }> {
  let ms = 0;
  const df = new Map<string, number>(ALL_TERMS.map((t) => [t, 0]));
  for (const { first, items } of corpus(ITEMS)) {
    const docs = items.map((it, k) => docOf(it, first + k + 1));
    const t0 = performance.now();
    await indexDocuments(db, docs);
    if (db.dialect === 'postgres' && (first + BATCH) % 100_000 === 0) await sql`VACUUM search_postings, search_documents, search_tokens, search_forward`.execute(db.kysely);
    ms += performance.now() - t0;
    countTerms(df, items);
    if ((first + BATCH) % 100_000 === 0) console.log(`    ${(first + BATCH).toLocaleString('en-US')} items, ${(ms / 1000).toFixed(0)} s indexing`);
  }
  return { seconds: ms / 1000, df };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
}

/** Latencies (ms) of `fn` over the terms, REPS rounds, terms interleaved, after one warm-up round. */
async function latencies(terms: string[], fn: (term: string) => Promise<unknown>): Promise<number[]> {
  for (const t of terms) await fn(t);
  const out: number[] = [];
  for (let i = 0; i < REPS; i++) {
    for (const t of terms) {
      const t0 = performance.now();
      await fn(t);
      out.push(performance.now() - t0);
    }
  }
  return out;
}

const fmtMs = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const pct = (n: number) => `${((n / ITEMS) * 100).toPrecision(2)} %`;

/** One result row per length and band: p99 of the API search, ratio of p50s to the raw query. */
async function measureQueries(label: string, db: Db, raw: ((term: string) => Promise<unknown>) | null, rawLabel: string, df: Map<string, number>): Promise<BenchResult[]> {
  const api = (term: string) => search(db, { scope: SCOPE, query: term, limit: 20 });
  // Warm-up: every term through the API, WARMUP_ROUNDS times, before any is measured: the steady
  // state of a server that has answered a few hundred searches. Without it, the group that first
  // runs a code path of its own (a phrase checked on token sequences: 4 characters, rare) began
  // with it cold (2 runs each here: its p50 1.75–1.85 ms without, 1.63–1.65 with).
  for (let i = 0; i < WARMUP_ROUNDS; i++) for (const t of ALL_TERMS) await api(t);
  const results: BenchResult[] = [];
  for (const len of [2, 3, 4] as const) {
    for (const band of ['frequent', 'medium', 'rare'] as const) {
      const terms = TERMS[len][band];
      const a = await latencies(terms, api);
      const b = raw ? await latencies(terms, raw) : null;
      const p99 = percentile(a, 0.99);
      results.push({
        name: `${label}: ${len} characters, ${band} (${terms.join(' ')})`,
        value: p99,
        unit: 'ms p99',
        ...(b ? { ratio: percentile(a, 0.5) / percentile(b, 0.5), ratioLabel: `p50 vs ${rawLabel}` } : {}),
        target: `≤ ${TARGET_MS} ms p99`,
        ok: p99 <= TARGET_MS,
        extra: `p50 ${fmtMs(percentile(a, 0.5))} ms${b ? `; raw p50 ${fmtMs(percentile(b, 0.5))} p99 ${fmtMs(percentile(b, 0.99))} ms` : ''}; in ${terms.map((t) => pct(df.get(t)!)).join(' / ')} of items; ${a.length} searches`,
      });
    }
  }
  const one = await latencies(ONE_CHAR, api);
  results.push({
    name: `${label}: one character (${ONE_CHAR.join(' ')})`,
    value: percentile(one, 0.99),
    unit: 'ms p99',
    extra: `p50 ${fmtMs(percentile(one, 0.5))} ms; in ${ONE_CHAR.map((t) => pct(df.get(t)!)).join(' / ')} of items`,
  });
  return results;
}

async function benchSqlite(out: string): Promise<BenchResult[]> {
  const path = `${out}search-bench.sqlite`;
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  const db = await openDatabase({ sqlitePath: path });
  try {
    await migrateToLatest(db);
    const label = `SQLite FTS5, ${ITEMS.toLocaleString('en-US')} items`;
    const { seconds, df } = await seed(db);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db.kysely);
    const size = statSync(path).size;
    const raw = (term: string) => {
      const w = parseQuery(term).words[0]!;
      const match = w.kind === 'phrase' ? `"${w.tokens.join(' ')}"` : `"${w.prefix}"*`;
      return sql`SELECT rowid FROM search_fts WHERE search_fts MATCH ${match} ORDER BY rowid DESC LIMIT 20`.execute(db.kysely);
    };
    return [
      { name: `${label}: indexing through the API`, value: ITEMS / seconds, unit: 'items/s', extra: `${seconds.toFixed(0)} s in batches of ${BATCH}` },
      { name: `${label}: database size`, value: size / 1e6, unit: 'MB', extra: `${(size / ITEMS).toFixed(0)} bytes/item` },
      ...(await measureQueries(label, db, raw, 'bare FTS5 MATCH … ORDER BY rowid DESC LIMIT 20', df)),
    ];
  } finally {
    await db.close();
    if (!process.env.BENCH_SEARCH_KEEP) for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  }
}

/** PostgreSQL's own full-text search over the same tokens, for the ratio: tsvector('simple') with GIN. */
async function buildGinBaseline(db: Db): Promise<{ seconds: number; bytes: number }> {
  const t0 = performance.now();
  await sql`CREATE TABLE bench_tsv (id bigint PRIMARY KEY, tsv tsvector NOT NULL)`.execute(db.kysely);
  const esc = (t: string) => t.replace(/\\/g, '\\\\').replace(/'/g, "''");
  for (const { first, items } of corpus(ITEMS)) {
    const rows = await db.kysely.selectFrom('search_documents').select(['id', 'doc_id']).where('scope', '=', SCOPE).where('doc_id', '>', first).where('doc_id', '<=', first + items.length).execute();
    const idOf = new Map(rows.map((r) => [Number(r.doc_id), Number(r.id)]));
    const vectors = items.map((it) => {
      const positions = new Map<string, number[]>();
      documentTokens([it.title, it.summary, it.body]).forEach((t, i) => {
        const ps = positions.get(t) ?? [];
        if (ps.length < 256 && i < 16383) ps.push(i + 1);
        positions.set(t, ps);
      });
      return [...positions].filter(([, ps]) => ps.length).map(([t, ps]) => `'${esc(t)}':${ps.join(',')}`).join(' ');
    });
    await sql`INSERT INTO bench_tsv SELECT * FROM unnest(${items.map((_, k) => idOf.get(first + k + 1)!)}::bigint[], ${vectors}::tsvector[])`.execute(db.kysely);
  }
  await sql`CREATE INDEX bench_tsv_gin ON bench_tsv USING gin (tsv)`.execute(db.kysely);
  await sql`VACUUM ANALYZE bench_tsv`.execute(db.kysely);
  const size = await sql<{ b: number }>`SELECT pg_total_relation_size('bench_tsv') AS b`.execute(db.kysely);
  return { seconds: (performance.now() - t0) / 1000, bytes: Number(size.rows[0]!.b) };
}

/** The document frequency of the terms, from the corpus alone (a reused database). */
function corpusFrequencies(): Map<string, number> {
  const df = new Map<string, number>(ALL_TERMS.map((t) => [t, 0]));
  for (const { items } of corpus(ITEMS)) countTerms(df, items);
  return df;
}

/**
 * A kept database indexed before search_forward existed (migration 2026112819) has no token
 * sequences: fills them from the regenerated corpus, as indexing writes them (the same tokens and
 * token ids), rather than indexing a million items again. Null when nothing was missing.
 */
async function fillSequences(db: Db): Promise<{ docs: number; seconds: number } | null> {
  const have = await sql<{ n: number }>`SELECT count(*) AS n FROM search_forward`.execute(db.kysely);
  if (Number(have.rows[0]!.n) >= ITEMS) return null;
  const t0 = performance.now();
  await sql`TRUNCATE search_forward`.execute(db.kysely);
  let docs = 0;
  for (const { first, items } of corpus(ITEMS)) {
    const rows = await db.kysely.selectFrom('search_documents').select(['id', 'doc_id']).where('scope', '=', SCOPE).where('doc_id', '>', first).where('doc_id', '<=', first + items.length).execute();
    const idOf = new Map(rows.map((r) => [Number(r.doc_id), Number(r.id)]));
    const tokens = items.map((it) => documentTokens([it.title, it.summary, it.body]));
    const distinct = [...new Set(tokens.flat())];
    const r = await sql<{ id: number; token: string }>`SELECT id, token FROM search_tokens WHERE token = ANY(${distinct}::text[])`.execute(db.kysely);
    const tokenId = new Map(r.rows.map((row) => [row.token, Number(row.id)]));
    await writeSequences(
      db.kysely,
      tokens.map((ts, k) => ({ id: idOf.get(first + k + 1)!, docId: first + k + 1, sequence: encodeSequence(ts.map((t) => tokenId.get(t)!)) })),
    );
    docs += items.length;
  }
  await sql`VACUUM ANALYZE search_forward`.execute(db.kysely);
  return { docs, seconds: (performance.now() - t0) / 1000 };
}

/** A kept database that holds this run's corpus (BENCH_SEARCH_REUSE), or null. */
async function reusable(admin: pg.Client, url: string): Promise<boolean> {
  if (!process.env.BENCH_SEARCH_REUSE) return false;
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DB]);
  if (!exists.rowCount) return false;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string; gin: boolean }>(`SELECT (SELECT count(*) FROM search_documents WHERE scope = $1) AS n, to_regclass('bench_tsv') IS NOT NULL AS gin`, [SCOPE]);
    const ok = Number(r.rows[0]!.n) === ITEMS && (r.rows[0]!.gin || process.env.BENCH_SEARCH_GIN === '0');
    if (!ok) console.log(`  (BENCH_SEARCH_REUSE: ${BENCH_DB} holds ${r.rows[0]!.n} items, not ${ITEMS}; rebuilding)`);
    return ok;
  } catch {
    return false;
  } finally {
    await c.end();
  }
}

async function benchPostgres(): Promise<BenchResult[]> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${BENCH_DB}`;
  const reuse = await reusable(admin, url.toString());
  if (!reuse) {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  }
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
  try {
    await migrateToLatest(db);
    const label = `PostgreSQL, ${ITEMS.toLocaleString('en-US')} items`;
    const results: BenchResult[] = [];
    let df: Map<string, number>;
    if (reuse) {
      df = corpusFrequencies();
      console.log(`  (BENCH_SEARCH_REUSE: measuring the kept ${BENCH_DB})`);
      const filled = await fillSequences(db);
      if (filled) {
        console.log(`  (BENCH_SEARCH_REUSE: the kept database was indexed before search_forward existed: filled it for ${filled.docs.toLocaleString('en-US')} items in ${filled.seconds.toFixed(0)} s)`);
        results.push({ name: `${label}: token sequences added to a kept index (search_forward)`, value: filled.docs / filled.seconds, unit: 'items/s', extra: `${filled.seconds.toFixed(0)} s; what indexing would have written, from the regenerated corpus` });
      }
    } else {
      const seeded = await seed(db);
      df = seeded.df;
      await sql`VACUUM ANALYZE search_documents, search_postings, search_tokens, search_forward`.execute(db.kysely);
      results.push({ name: `${label}: indexing through the API`, value: ITEMS / seeded.seconds, unit: 'items/s', extra: `${seeded.seconds.toFixed(0)} s in batches of ${BATCH}` });
    }
    const sizes = await sql<{ t: string; b: number }>`SELECT t, pg_total_relation_size(t::regclass) AS b FROM unnest(ARRAY['search_documents', 'search_postings', 'search_tokens', 'search_forward']) AS t`.execute(db.kysely);
    const bytes = sizes.rows.reduce((s, r) => s + Number(r.b), 0);
    results.push({
      name: `${label}: index size (search tables)`,
      value: bytes / 1e6,
      unit: 'MB',
      extra: `${(bytes / ITEMS).toFixed(0)} bytes/item; ${sizes.rows.map((r) => `${r.t} ${(Number(r.b) / 1e6).toFixed(0)} MB`).join(', ')}`,
    });
    let raw: ((term: string) => Promise<unknown>) | null = null;
    if (process.env.BENCH_SEARCH_GIN !== '0') {
      if (!reuse) {
        const gin = await buildGinBaseline(db);
        results.push({ name: `${label}: the tsvector + GIN baseline (built for the ratio)`, value: gin.bytes / 1e6, unit: 'MB', extra: `built in ${gin.seconds.toFixed(0)} s (bulk load, then GIN)` });
      }
      raw = (term: string) => {
        const w = parseQuery(term).words[0]!;
        const q = w.kind === 'phrase' ? w.tokens.map((t) => `'${t}'`).join(' <-> ') : `'${w.prefix}':*`;
        return sql`SELECT id FROM bench_tsv WHERE tsv @@ ${q}::tsquery ORDER BY id DESC LIMIT 20`.execute(db.kysely);
      };
    }
    results.push(...(await measureQueries(label, db, raw, "tsvector @@ tsquery ORDER BY id DESC LIMIT 20 (GIN)", df)));
    return results;
  } finally {
    await db.close();
    if (!process.env.BENCH_SEARCH_KEEP) await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.end();
  }
}

/** The benchmark group of bench/run.ts. */
export async function benchSearch(out: string): Promise<BenchResult[]> {
  const which = process.env.BENCH_SEARCH_DB;
  const results: BenchResult[] = [];
  if (!which || which === 'sqlite') results.push(...(await heavy('SQLite', () => benchSqlite(out))));
  if (!which || which === 'postgres') results.push(...(await heavy('PostgreSQL', () => benchPostgres())));
  return results;
}
