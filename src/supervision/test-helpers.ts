/**
 * For the supervision tests (not built): a world with a known figure in every column, made
 * through the services as staff would (applications registered and replied, catalogue items
 * drafted and published through their review chain, complaints submitted and answered), and a
 * real SMTP server on 127.0.0.1 (smtp-server, port 0) that keeps what it receives, decoded.
 *
 *   某区人民政府 (gov) ─┬ 甲局 (deptA): 1 overdue + 1 due soon + 1 due later application, 1 replied
 *                       │              late (September), 1 catalogue draft past its limit, 1 item
 *                       │              published today
 *                       ├ 乙局 (deptB): nothing at all (never published: a stale column)
 *                       ├ 某镇 (town): 2 complaints, 1 answered; 1 item formed 2026-07-01 and
 *                       │   │          published late on 2026-08-20
 *                       │   └ 某村 (village): 1 item published on 2026-10-01 (the town's column)
 *                       └ 另一镇 (town2): 1 item published on 2025-06-02 (before the 12 months)
 *
 * The clock: TODAY = 2026-11-16 (a Monday) unless a test moves it.
 */
import { SMTPServer } from 'smtp-server';
import type { Actor } from '../accounts/policy.js';
import { reply, registerByStaff } from '../applications/application.service.js';
import { createDraft, review, submit, type CatalogueDeps } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { AgencyKind } from '../db/schema.js';
import { replyToFeedback, submitComplaint } from '../portal/feedback.js';
import { agency, calendar, inPerson, PERSON, user } from '../../test/support/application-fixtures.js';

export const TODAY = '2026-11-16';

export const at = (day: string) => () => new Date(`${day}T10:00:00+08:00`);

/** Text the public wrote that no staff e-mail or supervision page may show. */
export const COMPLAINT = { body: '投诉：栏目信息长期不更新，联系人赵某某', name: '赵某某', phone: '13912345678' } as const;

export interface World {
  gov: number;
  deptA: number;
  deptB: number;
  town: number;
  village: number;
  town2: number;
  /** 督查 at gov; 督查 at the town only; a clerk of 甲局 (no supervision). */
  supervisor: Actor;
  townSupervisor: Actor;
  clerkA: Actor;
  /** Each agency's two review levels: its reviewer and its head (the town's decide the village's items too). */
  reviewerA: Actor;
  headA: Actor;
  townClerk: Actor;
  townReviewer: Actor;
  townHead: Actor;
  villageClerk: Actor;
  town2Clerk: Actor;
  town2Reviewer: Actor;
  town2Head: Actor;
  deptBClerk: Actor;
  deptBReviewer: Actor;
  deptBHead: Actor;
  names: Record<'gov' | 'deptA' | 'deptB' | 'town' | 'village' | 'town2', string>;
}

const basis = '经审查，符合条例第二十条规定，同意公开。';

export async function buildWorld(db: Db): Promise<World> {
  const tag = Math.random().toString(36).slice(2, 7);
  const names = {
    gov: `某区人民政府${tag}`,
    deptA: `某区甲局${tag}`,
    deptB: `某区乙局${tag}`,
    town: `某镇人民政府${tag}`,
    village: `某村民委员会${tag}`,
    town2: `另一镇人民政府${tag}`,
  };
  let code = 0;
  /** An agency with a 机构代码 (the 索引号 of its published items needs one). */
  const org = async (name: string, kind: AgencyKind, parent: number | null) => {
    const id = await agency(db, name, kind, parent);
    await db.kysely.updateTable('agencies').set({ code: `SV${tag.toUpperCase()}${++code}` }).where('id', '=', id).execute();
    return id;
  };
  const gov = await org(names.gov, 'government', null);
  const deptA = await org(names.deptA, 'department', gov);
  const deptB = await org(names.deptB, 'department', gov);
  const town = await org(names.town, 'town', gov);
  const village = await org(names.village, 'village', town);
  const town2 = await org(names.town2, 'town', gov);
  const w: World = {
    gov,
    deptA,
    deptB,
    town,
    village,
    town2,
    names,
    supervisor: await user(db, '区督查', [[gov, 'supervisor']]),
    townSupervisor: await user(db, '镇督查', [[town, 'supervisor']]),
    clerkA: await user(db, '甲局信息员', [[deptA, 'clerk']]),
    reviewerA: await user(db, '甲局审核人', [[deptA, 'reviewer']]),
    headA: await user(db, '甲局负责人', [[deptA, 'head']]),
    townClerk: await user(db, '镇信息员', [[town, 'clerk']]),
    townReviewer: await user(db, '镇审核人', [[town, 'reviewer']]),
    townHead: await user(db, '镇负责人', [[town, 'head']]),
    villageClerk: await user(db, '村信息员', [[village, 'clerk']]),
    town2Clerk: await user(db, '另一镇信息员', [[town2, 'clerk']]),
    town2Reviewer: await user(db, '另一镇审核人', [[town2, 'reviewer']]),
    town2Head: await user(db, '另一镇负责人', [[town2, 'head']]),
    deptBClerk: await user(db, '乙局信息员', [[deptB, 'clerk']]),
    deptBReviewer: await user(db, '乙局审核人', [[deptB, 'reviewer']]),
    deptBHead: await user(db, '乙局负责人', [[deptB, 'head']]),
  };

  // --- Applications of 甲局 (registered in person on the day given; reply due 20 working days later).
  const deps = { calendar, now: at(TODAY) };
  await registerByStaff(db, deps, w.clerkA, inPerson(deptA, '2026-06-01')); // due 2026-06-29: overdue
  await registerByStaff(db, deps, w.clerkA, inPerson(deptA, '2026-10-22')); // due 2026-11-19: due soon
  await registerByStaff(db, deps, w.clerkA, inPerson(deptA, '2026-11-02')); // due 2026-11-30: later
  const late = await registerByStaff(db, { calendar, now: at('2026-08-03') }, w.clerkA, inPerson(deptA, '2026-08-03'));
  await reply(db, { calendar, now: at('2026-09-30') }, w.clerkA, { applicationId: late.applicationId, version: 1, date: '2026-09-30', outcomeRow: '3.2', basis: '条例第三十七条' });

  // --- Catalogue
  const publish = async (author: Actor, [l1Actor, l2Actor]: [Actor, Actor], agencyId: number, title: string, day: string, formedOn = day) => {
    const d: CatalogueDeps = { calendar, now: at(day) };
    const draft = await createDraft(db, d, author, { agencyId, title, summary: `${title}概述`, category: 'art20.7', subject: '综合政务', body: `${title}正文`, formedOn });
    const s = await submit(db, d, author, draft.itemId, { version: draft.version, confirmWords: true });
    const l1 = await review(db, d, l1Actor, draft.itemId, { version: s.version, conclusion: 'approved', basis });
    await review(db, d, l2Actor, draft.itemId, { version: l1.version, conclusion: 'approved', basis });
  };
  await publish(w.clerkA, [w.reviewerA, w.headA], deptA, '甲局今日公开', TODAY);
  await createDraft(db, { calendar, now: at(TODAY) }, w.clerkA, { agencyId: deptA, title: '甲局超期草稿', summary: '概述', category: 'art20.7', subject: '综合政务', body: '正文', formedOn: '2026-09-01' });
  await publish(w.townClerk, [w.townReviewer, w.townHead], town, '镇迟发信息', '2026-08-20', '2026-07-01');
  await publish(w.villageClerk, [w.townReviewer, w.townHead], village, '村务公开', '2026-10-01');
  await publish(w.town2Clerk, [w.town2Reviewer, w.town2Head], town2, '另一镇旧信息', '2025-06-02');

  // --- Complaints about the town's column: one answered.
  await submitComplaint(db, town, COMPLAINT, at('2026-11-10'));
  const answered = await submitComplaint(db, town, { body: '投诉：办事指南电话打不通' }, at('2026-11-11'));
  await replyToFeedback(db, w.townClerk, answered.id, { reply: '已更正电话号码。', previous: '' }, at('2026-11-12'));
  return w;
}

/** Strings of the applicants' and complainants' personal data (none may appear in a page or an e-mail). */
export const PERSONAL = [PERSON.applicantName, PERSON.idNumber, PERSON.contactPhone, PERSON.contactEmail, PERSON.contactAddress, COMPLAINT.name, COMPLAINT.phone];

// ---------------------------------------------------------------------------------------------
// A local SMTP server

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  from: string;
  /** The authenticated user, if the client logged in. */
  user: string | null;
  headers: Record<string, string>;
  subject: string;
  text: string;
}

export interface TestSmtp {
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * An SMTP server on 127.0.0.1 (a free port) without TLS; with `auth`, it requires that user and
 * password (AUTH over plain text is allowed: it is loopback).
 */
export async function startSmtp(opts: { auth?: { user: string; pass: string } } = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', ...(opts.auth ? [] : ['AUTH'])],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(new Error('535 认证失败'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const parsed = parseMessage(Buffer.concat(chunks).toString('latin1'));
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          user: (session.user as string | undefined) ?? null,
          ...parsed,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A single-part text message: headers (unfolded, encoded words decoded) and the decoded body. */
export function parseMessage(raw: string): { headers: Record<string, string>; subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let bytes: Buffer;
  if (cte === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (cte === 'quoted-printable') bytes = decodeQp(body);
  else bytes = Buffer.from(body, 'latin1');
  return { headers, subject: headers.subject ?? '', text: bytes.toString('utf8').replace(/\r\n/g, '\n') };
}

function decodeQp(s: string): Buffer {
  const soft = s.replace(/=\r\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      out.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(soft.charCodeAt(i) & 0xff);
  }
  return Buffer.from(out);
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=); adjacent words are joined (their bytes may split a character). */
function decodeWords(v: string): string {
  // As bytes (latin1): the plain parts are ASCII, each encoded word becomes its bytes; then UTF-8 once.
  const bytes = v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_m, enc: string, text: string) =>
      (enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQp(text.replace(/_/g, ' '))).toString('latin1'),
    );
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
