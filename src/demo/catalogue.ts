/**
 * Demo catalogue items for a new demo database (after seedDemo): one item in each state a new
 * user meets — published (with its 索引号), in review at the second level, returned with the
 * reviewer's comment, a fresh draft holding a suspected typo, and a draft past its 20 working
 * days — made through the catalogue service by the demo users, so every review step is recorded
 * as in real use. Plus a small word list. Does nothing when the catalogue already has items or
 * the demo users are missing, so it can run again safely.
 */
import type { Actor } from '../accounts/policy.js';
import { findUserByUsername, loadActor } from '../accounts/user.repository.js';
import { chinaDate } from '../applications/application.service.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import { formatIsoDate, parseIsoDate } from '../calendar/date.js';
import { createDraft, review, submit, type CatalogueDeps } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';

export const DEMO_WORDS = [
  { word: '绝密', kind: 'sensitive', suggestion: null },
  { word: '机密', kind: 'sensitive', suggestion: null },
  { word: '按排', kind: 'typo', suggestion: '安排' },
  { word: '帐户', kind: 'typo', suggestion: '账户' },
] as const;

/** Returns whether anything was added. */
export async function seedDemoCatalogue(db: Db, calendar: WorkCalendar, now: () => Date = () => new Date()): Promise<boolean> {
  const any = await db.kysely.selectFrom('catalogue_items').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const actor = async (username: string): Promise<Actor | null> => {
    const u = await findUserByUsername(db.kysely, username);
    return u ? loadActor(db.kysely, u.id) : null;
  };
  const [clerk, reviewer, head, village] = await Promise.all(['clerk', 'reviewer', 'head', 'village'].map(actor));
  if (!clerk || !reviewer || !head || !village) return false;
  const agencyId = async (name: string) => (await db.kysely.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirst())?.id;
  const town = await agencyId('永安镇人民政府');
  const yongan = await agencyId('永安村民委员会');
  if (!town || !yongan) return false;

  const deps: CatalogueDeps = { calendar, now };
  const today = chinaDate(now());
  const daysAgo = (n: number) => formatIsoDate(parseIsoDate(today) - n);
  const basis = '经审查，符合条例第二十条规定，不涉及国家秘密、商业秘密和个人隐私，同意公开。';
  const approve = (a: Actor, id: number, version: number) => review(db, deps, a, id, { version, conclusion: 'approved', basis });

  if ((await db.kysely.selectFrom('sensitive_words').select('id').limit(1).executeTakeFirst()) === undefined) {
    const at = now().toISOString();
    await db.kysely
      .insertInto('sensitive_words')
      .values(DEMO_WORDS.map((w) => ({ ...w, created_at: at, created_by: null })))
      .execute();
  }

  // Published: the town's budget, through both levels of the town's chain.
  const budget = await createDraft(db, deps, clerk, {
    agencyId: town,
    title: '永安镇2026年财政预算公开',
    summary: '公开永安镇2026年一般公共预算收支、政府性基金预算和“三公”经费预算。',
    docNumber: '永政发〔2026〕1号',
    writtenOn: daysAgo(6),
    category: 'art20.7',
    subject: '财政、金融、审计',
    body: '一、一般公共预算收入\n二、一般公共预算支出\n三、政府性基金预算\n四、“三公”经费预算\n（详见附件）',
    formedOn: daysAgo(5),
  });
  let s = await submit(db, deps, clerk, budget.itemId, { version: budget.version });
  await approve(head, budget.itemId, (await approve(reviewer, budget.itemId, s.version)).version);

  // Published: a village's item, reviewed by the town (the default chain of villages).
  const affairs = await createDraft(db, deps, village, {
    agencyId: yongan,
    title: '永安村2026年第三季度村务公开',
    summary: '公开永安村2026年第三季度集体财务收支和村级重大事项。',
    category: 'art20.7',
    subject: '农业、林业、水利',
    body: '一、财务收支情况\n二、村级重大事项\n三、群众关心的其他事项',
    formedOn: daysAgo(3),
  });
  s = await submit(db, deps, village, affairs.itemId, { version: affairs.version });
  await approve(head, affairs.itemId, (await approve(reviewer, affairs.itemId, s.version)).version);

  // In review: approved at level 1, waiting for the town's head.
  const fire = await createDraft(db, deps, clerk, {
    agencyId: town,
    title: '关于做好2026年冬季森林防火工作的通告',
    summary: '发布今冬明春森林防火期、野外用火禁令和火情报告电话。',
    docNumber: '永政通〔2026〕5号',
    writtenOn: daysAgo(2),
    category: 'art20.12',
    subject: '民政、扶贫、救灾',
    body: '一、防火期\n二、野外用火禁令\n三、火情报告电话：0632-3020119',
    formedOn: daysAgo(2),
  });
  s = await submit(db, deps, clerk, fire.itemId, { version: fire.version });
  await approve(reviewer, fire.itemId, s.version);

  // Returned for changes, with the reviewer's comment.
  const levy = await createDraft(db, deps, village, {
    agencyId: yongan,
    title: '永安村2026年“一事一议”筹资筹劳方案',
    summary: '公示村内道路硬化项目的筹资筹劳方案。',
    category: 'art21.town.7',
    subject: '农业、林业、水利',
    body: '项目：村内道路硬化。筹资方式：一事一议。',
    formedOn: daysAgo(1),
  });
  s = await submit(db, deps, village, levy.itemId, { version: levy.version });
  await review(db, deps, reviewer, levy.itemId, {
    version: s.version,
    conclusion: 'returned',
    basis: '条例第二十一条；筹资筹劳事项须写明标准和表决情况。',
    comment: '请补充每户筹资标准和村民代表会议表决情况后重新提交。',
  });

  // A fresh draft with a suspected typo (按排): submitting it asks the clerk to confirm.
  await createDraft(db, deps, village, {
    agencyId: yongan,
    title: '永安村2026年冬季植树活动安排',
    summary: '公布冬季义务植树的时间、地点和分工。',
    category: 'art20.15',
    subject: '农业、林业、水利',
    body: '现将冬季义务植树活动按排如下：一、时间……二、地点……',
    formedOn: today,
  });

  // Past its 20 working days and still a draft: red in the list.
  await createDraft(db, deps, clerk, {
    agencyId: town,
    title: '永安镇2026年农村土地承包经营权流转情况',
    summary: '公开全镇土地承包经营权流转面积、流转方式和合同备案情况。',
    category: 'art21.town.3',
    subject: '农业、林业、水利',
    body: '一、流转面积\n二、流转方式\n三、合同备案',
    formedOn: daysAgo(45),
  });
  return true;
}
