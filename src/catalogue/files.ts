/**
 * Attachments of a catalogue item's versions (catalogue_files). Files are added to and removed
 * from the open version only (a draft or a returned one: what is in review or published does not
 * change), by staff who may handle the item's agency, each change checking and bumping the item's
 * version like every other change of the item (catalogue.service.ts). Everyone who may see the
 * item downloads them (audited). The public gets the files of published versions only, through
 * the visibility checkpoint (visibility.ts publicFiles → openPublicFile).
 *
 * Uploads are checked by their bytes (attachments/sniff.ts, with its zip-bomb checks), and a name
 * whose extension contradicts the content is refused rather than silently renamed: what is
 * published must be what the clerk meant to publish. Accepted: PDF, Word (.docx), Excel (.xlsx),
 * OFD, JPEG, PNG and UTF-8 text; not the 97-2003 binary formats (macros, no inspection), not
 * archives, pages or programs. The bytes go to the content-addressed file store; the text goes
 * to catalogue_files.text for search (extract.ts; null when none can be read).
 */
import type { Kysely, Transaction } from 'kysely';
import type { ReadStream } from 'node:fs';
import { can, ForbiddenError, type Actor } from '../accounts/policy.js';
import { safeFilename } from '../attachments/attachment.service.js';
import { sniff, type FileKind } from '../attachments/sniff.js';
import type { FileStore } from '../attachments/store.js';
import { audit } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, StateError } from '../errors.js';
import { MAX_ID, parseInput, ValidationError } from '../validation.js';
import { canSee, OPEN_VERSION_STATES, type CatalogueDeps } from './catalogue.service.js';
import { versionOnlySchema } from './catalogue.schema.js';
import { extractText } from './extract.js';
import { publicFiles } from './visibility.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Attachments of one version at most. */
export const MAX_FILES_PER_VERSION = 20;

/** The extensions a name may have for each accepted kind (by the sniffed kind's own extension). */
const EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  pdf: ['pdf'],
  docx: ['docx'],
  xlsx: ['xlsx'],
  ofd: ['ofd'],
  jpg: ['jpg', 'jpeg', 'jpe'],
  png: ['png'],
  txt: ['txt', 'text'],
};

export const ACCEPTED_FILES_TEXT = 'PDF、Word（.docx）、Excel（.xlsx）、OFD、JPEG、PNG 或文本文件';

export type UploadVerdict = { ok: true; kind: FileKind } | { ok: false; reason: string };

/** Whether an upload may become a catalogue attachment: its bytes, and its name's extension. */
export function checkUpload(bytes: Uint8Array, filename: string): UploadVerdict {
  const v = sniff(bytes, filename);
  if (!v.ok) return v;
  const allowed = EXTENSIONS[v.kind.ext];
  if (!allowed) {
    return { ok: false, reason: `${v.kind.label}不能作为公开附件，请另存为 PDF、.docx 或 .xlsx 后上传` };
  }
  const base = filename.split(/[\\/]/).pop() ?? '';
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(base)?.[1]?.toLowerCase();
  if (ext && !allowed.includes(ext)) {
    return { ok: false, reason: `文件扩展名 .${ext} 与文件内容（${v.kind.label}）不符，请核对文件后重新上传` };
  }
  return v;
}

export interface CatalogueFileView {
  id: number;
  versionId: number;
  filename: string;
  mediaType: string;
  size: number;
  /** Text could be extracted (the file is found by search). */
  searchable: boolean;
  createdAt: string;
}

const now = (deps: CatalogueDeps) => (deps.now ? deps.now() : new Date()).toISOString();

interface Target {
  itemId: number;
  agencyId: number;
  openVersionId: number;
}

/**
 * The item's open version, when the actor may change its files: not visible → not found (nothing
 * revealed); visible but not the actor's to handle → 403; a stale version → conflict; nothing
 * open, or in review → state error. With `bump`, the item's version goes up (inside the caller's
 * transaction); without, it is only compared (the check before the bytes are stored).
 */
async function target(db: Q, actor: Actor, itemId: number, expected: number, bump: boolean): Promise<Target> {
  if (!Number.isSafeInteger(itemId) || itemId < 1 || itemId > MAX_ID) throw new NotFoundError('未找到该信息');
  const item = await db
    .selectFrom('catalogue_items as i')
    .innerJoin('agencies as a', 'a.id', 'i.agency_id')
    .select(['i.id', 'i.agency_id', 'i.version', 'a.parent_id'])
    .where('i.id', '=', itemId)
    .executeTakeFirst();
  if (!item || !canSee(actor, item)) throw new NotFoundError('未找到该信息');
  if (!can(actor, 'handle', item.agency_id)) throw new ForbiddenError('只有本机关的信息员、审核人或负责人可以修改附件');
  const stale = new ConflictError('该信息已被他人修改，请刷新后重试（您的修改未保存）');
  if (bump) {
    const r = await db
      .updateTable('catalogue_items')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', '=', itemId)
      .where('version', '=', expected)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw stale;
  } else if (item.version !== expected) throw stale;
  const open = await db.selectFrom('catalogue_versions').select(['id', 'state']).where('item_id', '=', itemId).where('state', 'in', [...OPEN_VERSION_STATES]).executeTakeFirst();
  if (!open) throw new StateError('该信息没有可修改的草稿，附件不能更改；如需修改已发布的信息，请先“修订”生成新版本');
  if (open.state === 'in_review') throw new StateError('该信息正在审核中，附件不能更改；如需修改请由审核人退回');
  return { itemId, agencyId: item.agency_id, openVersionId: open.id };
}

/** Adds a file to the item's open version. `input.version`: the item's version (optimistic lock). */
export async function addVersionFile(
  db: Db,
  store: FileStore,
  deps: CatalogueDeps,
  actor: Actor,
  itemId: number,
  input: { version: unknown; filename: string; bytes: Uint8Array },
): Promise<{ file: CatalogueFileView; version: number }> {
  const { version } = parseInput(versionOnlySchema, { version: input.version });
  // Everything that can refuse the upload is checked before its bytes are stored.
  await target(db.kysely, actor, itemId, version, false);
  const verdict = checkUpload(input.bytes, input.filename);
  if (!verdict.ok) throw new ValidationError({ file: verdict.reason });
  const text = await extractText(verdict.kind, input.bytes);
  const sha256 = await store.put(input.bytes);
  const at = now(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const t = await target(trx, actor, itemId, version, true);
    const count = await trx.selectFrom('catalogue_files').select((eb) => eb.fn.countAll<number>().as('n')).where('version_id', '=', t.openVersionId).executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_FILES_PER_VERSION) throw new ValidationError({ file: `每个版本最多${MAX_FILES_PER_VERSION}个附件` });
    const row = await trx
      .insertInto('catalogue_files')
      .values({
        version_id: t.openVersionId,
        filename: safeFilename(input.filename, verdict.kind.ext),
        media_type: verdict.kind.mediaType,
        size: input.bytes.length,
        sha256,
        text,
        created_at: at,
        created_by: actor.userId,
      })
      .returning(['id', 'version_id', 'filename', 'media_type', 'size', 'created_at'])
      .executeTakeFirstOrThrow();
    await trx.updateTable('catalogue_items').set({ updated_at: at }).where('id', '=', itemId).execute();
    await audit(trx, {
      userId: actor.userId,
      agencyId: t.agencyId,
      action: 'catalogue.file_added',
      subjectType: 'catalogue_item',
      subjectId: itemId,
      details: { versionId: t.openVersionId, fileId: row.id, size: row.size, mediaType: row.media_type, searchable: text !== null },
    });
    const after = await trx.selectFrom('catalogue_items').select('version').where('id', '=', itemId).executeTakeFirstOrThrow();
    return {
      file: { id: row.id, versionId: row.version_id, filename: row.filename, mediaType: row.media_type, size: row.size, searchable: text !== null, createdAt: row.created_at },
      version: after.version,
    };
  });
}

/** Removes a file from the open version (the stored bytes stay: another version may share them). */
export async function removeVersionFile(db: Db, deps: CatalogueDeps, actor: Actor, itemId: number, fileId: number, input: unknown): Promise<{ version: number }> {
  const { version } = parseInput(versionOnlySchema, input);
  const at = now(deps);
  return db.kysely.transaction().execute(async (trx) => {
    const t = await target(trx, actor, itemId, version, true);
    const gone = await trx.deleteFrom('catalogue_files').where('id', '=', Number.isSafeInteger(fileId) && fileId <= MAX_ID ? fileId : 0).where('version_id', '=', t.openVersionId).executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) throw new NotFoundError('未找到该附件（只能删除未发布版本的附件）');
    await trx.updateTable('catalogue_items').set({ updated_at: at }).where('id', '=', itemId).execute();
    await audit(trx, { userId: actor.userId, agencyId: t.agencyId, action: 'catalogue.file_removed', subjectType: 'catalogue_item', subjectId: itemId, details: { versionId: t.openVersionId, fileId } });
    return { version: version + 1 };
  });
}

/** Which of these files have text for search. */
export async function searchableFiles(db: Q, fileIds: readonly number[]): Promise<Set<number>> {
  if (fileIds.length === 0) return new Set();
  const rows = await db.selectFrom('catalogue_files').select('id').where('id', 'in', [...fileIds]).where('text', 'is not', null).execute();
  return new Set(rows.map((r) => r.id));
}

/** A file as served: its name, type and size (the download sets these headers). */
export interface ServedFile {
  id: number;
  filename: string;
  mediaType: string;
  size: number;
}

export interface DownloadContext {
  ip: string | null;
  via: 'page' | 'api';
}

/** A file of any version of an item the actor may see (drafts included); audited. */
export async function openVersionFileForStaff(
  db: Db,
  store: FileStore,
  actor: Actor,
  itemId: number,
  fileId: number,
  ctx: DownloadContext,
): Promise<{ file: ServedFile; stream: ReadStream }> {
  const ok = (n: number) => Number.isSafeInteger(n) && n >= 1 && n <= MAX_ID;
  const row = ok(itemId) && ok(fileId)
    ? await db.kysely
        .selectFrom('catalogue_files as f')
        .innerJoin('catalogue_versions as v', 'v.id', 'f.version_id')
        .innerJoin('catalogue_items as i', 'i.id', 'v.item_id')
        .innerJoin('agencies as a', 'a.id', 'i.agency_id')
        .select(['f.id', 'f.filename', 'f.media_type', 'f.size', 'f.sha256', 'f.version_id', 'i.agency_id', 'a.parent_id'])
        .where('f.id', '=', fileId)
        .where('i.id', '=', itemId)
        .executeTakeFirst()
    : undefined;
  if (!row || !canSee(actor, row)) throw new NotFoundError('未找到该附件');
  const stream = await store.open(row.sha256);
  await audit(db.kysely, {
    userId: actor.userId,
    agencyId: row.agency_id,
    action: 'catalogue.file_download',
    subjectType: 'catalogue_item',
    subjectId: itemId,
    details: { fileId: row.id, versionId: row.version_id, size: row.size, via: ctx.via },
    ip: ctx.ip,
  });
  return { file: { id: row.id, filename: row.filename, mediaType: row.media_type, size: row.size }, stream };
}

/**
 * A file of a public item's published version, for anyone (the portal's downloads): only through
 * the visibility checkpoint, so drafts, withdrawn and on-request items answer "not found".
 */
export async function openPublicFile(db: Db, store: FileStore, itemId: number, fileId: number): Promise<{ file: ServedFile; stream: ReadStream }> {
  if (!Number.isSafeInteger(itemId) || itemId < 1 || itemId > MAX_ID) throw new NotFoundError('未找到该附件');
  const f = (await publicFiles(db.kysely, itemId)).find((x) => x.id === fileId);
  if (!f) throw new NotFoundError('未找到该附件');
  return { file: { id: f.id, filename: f.filename, mediaType: f.mediaType, size: f.size }, stream: await store.open(f.sha256) };
}
