/**
 * Administering the word list checked before a draft is submitted (sensitive.ts): sensitive words,
 * which block submission, and common mistakes with their correct form, which the submitter must
 * confirm. The list is one for the whole installation, so it is kept by the administrators of a
 * top-level agency (one without a parent: their grant covers every agency below). Every change is
 * audited.
 */
import type { Kysely, Transaction } from 'kysely';
import { can, ForbiddenError, type Actor } from '../accounts/policy.js';
import { audit } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { MAX_ID, parseInput, ValidationError } from '../validation.js';
import { wordSchema } from './catalogue.schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export const WORD_KIND_LABELS = { sensitive: '敏感词（不能提交）', typo: '易错词（须核对）' } as const;

/** Entries on the list at most. */
export const MAX_WORDS = 5000;

/** Whether the actor keeps the word list (administrator of a top-level agency). */
export async function mayKeepWords(db: Q, actor: Actor): Promise<boolean> {
  const roots = await db.selectFrom('agencies').select('id').where('parent_id', 'is', null).execute();
  return roots.some((r) => can(actor, 'administer', r.id));
}

async function assertKeeper(db: Q, actor: Actor): Promise<void> {
  if (!(await mayKeepWords(db, actor))) throw new ForbiddenError('只有顶级机关的管理员可以维护敏感词和易错词表');
}

export interface WordRow {
  id: number;
  word: string;
  kind: 'sensitive' | 'typo';
  suggestion: string | null;
  createdAt: string;
  createdBy: string | null;
}

/** The list, sensitive words first, then by word. */
export async function listWordRows(db: Db, actor: Actor): Promise<WordRow[]> {
  await assertKeeper(db.kysely, actor);
  const rows = await db.kysely
    .selectFrom('sensitive_words as w')
    .leftJoin('users as u', 'u.id', 'w.created_by')
    .select(['w.id', 'w.word', 'w.kind', 'w.suggestion', 'w.created_at', 'u.display_name'])
    .orderBy('w.kind')
    .orderBy('w.word')
    .execute();
  return rows.map((r) => ({ id: r.id, word: r.word, kind: r.kind, suggestion: r.suggestion, createdAt: r.created_at, createdBy: r.display_name }));
}

const norm = (s: string) => s.normalize('NFKC').toLowerCase();

export async function addWord(db: Db, actor: Actor, input: unknown, ctx: { ip?: string | null } = {}): Promise<WordRow> {
  const v = parseInput(wordSchema, input);
  const errors: Record<string, string> = {};
  if (v.kind === 'typo' && !v.suggestion) errors.suggestion = '易错词须填写正确写法';
  if (v.kind === 'sensitive' && v.suggestion) errors.suggestion = '敏感词不填写正确写法（含敏感词的稿件不能提交，须删改）';
  if (v.suggestion && norm(v.suggestion) === norm(v.word)) errors.suggestion = '正确写法与词语相同';
  if (/\s/.test(v.word)) errors.word = '词语中不能有空格';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return db.kysely.transaction().execute(async (trx) => {
    await assertKeeper(trx, actor);
    const existing = await trx.selectFrom('sensitive_words').select(['word']).execute();
    if (existing.some((w) => norm(w.word) === norm(v.word))) throw new ValidationError({ word: `「${v.word}」已在词表中` });
    if (existing.length >= MAX_WORDS) throw new ValidationError({ word: `词表最多${MAX_WORDS}个词` });
    const at = new Date().toISOString();
    const r = await trx
      .insertInto('sensitive_words')
      .values({ word: v.word, kind: v.kind, suggestion: v.kind === 'typo' ? (v.suggestion ?? null) : null, created_at: at, created_by: actor.userId })
      .returning(['id', 'word', 'kind', 'suggestion', 'created_at'])
      .executeTakeFirstOrThrow();
    await audit(trx, { userId: actor.userId, action: 'catalogue.word_added', subjectType: 'sensitive_word', subjectId: r.id, details: { word: r.word, kind: r.kind, suggestion: r.suggestion }, ip: ctx.ip ?? null });
    return { id: r.id, word: r.word, kind: r.kind, suggestion: r.suggestion, createdAt: r.created_at, createdBy: actor.displayName };
  });
}

export async function removeWord(db: Db, actor: Actor, wordId: number, ctx: { ip?: string | null } = {}): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    await assertKeeper(trx, actor);
    const id = Number.isSafeInteger(wordId) && wordId >= 1 && wordId <= MAX_ID ? wordId : 0;
    const row = await trx.selectFrom('sensitive_words').select(['id', 'word', 'kind']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('词表中没有这个词（可能已被删除）');
    await trx.deleteFrom('sensitive_words').where('id', '=', row.id).execute();
    await audit(trx, { userId: actor.userId, action: 'catalogue.word_removed', subjectType: 'sensitive_word', subjectId: row.id, details: { word: row.word, kind: row.kind }, ip: ctx.ip ?? null });
  });
}
