/**
 * The staff JSON API of the catalogue (/api/v1, session cookie + x-csrf-token):
 *
 *   GET  /catalogue                          the list (filter, q, limit, offset) with the clock
 *   GET  /catalogue/:id                      the item: versions, reviews, files, clock, what the user may do
 *   POST /catalogue                          a new item with its first version as a draft
 *   PUT  /catalogue/:id                      edit the open version (body with `version`)
 *   POST /catalogue/:id/{submit,review,revise,discard,withdraw}   one operation, body with `version`
 *   POST /catalogue/:id/files                upload to the open version (multipart: version, file)
 *   POST /catalogue/:id/files/:fileId/remove remove a file of the open version
 *   GET  /catalogue/:id/files/:fileId        download a file (audited)
 *
 * The same service calls as the back-office pages: 422 {error, fields} for bad input, 409 for a
 * stale version or a refused state change, 403 without the permission, 404 for an item the user
 * may not see (its existence is not revealed), 413 for a file over the size limit.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { draftSchema, reviewSchema, staffListSchema, submitSchema, updateSchema, versionOnlySchema, withdrawSchema } from '../../catalogue/catalogue.schema.js';
import { presentStaffItem } from '../../catalogue/catalogue.presenter.js';
import { createDraft, getItemForStaff, updateDraft } from '../../catalogue/catalogue.service.js';
import { ACCEPTED_FILES_TEXT, addVersionFile, openVersionFileForStaff, removeVersionFile } from '../../catalogue/files.js';
import { defineEndpoint } from '../api.js';
import { clientIp } from '../app.js';
import { readUpload, sendFile } from '../uploads.js';
import { catalogueDeps, DRAFT_BODY_LIMIT, ITEM_ACTIONS, listPage, parseId, type ItemAction } from '../views/catalogue/desk.js';

const TAG = 'catalogue (staff)';
const date = () => z.string().describe('YYYY-MM-DD');
const StateOut = z.enum(['draft', 'in_review', 'returned', 'published', 'superseded', 'discarded']);
const Level = z.object({ label: z.string(), role: z.enum(['reviewer', 'head']), at: z.enum(['self', 'parent']) });

export const ListOut = z.object({
  total: z.number().int().describe('符合条件的条数，最多数到 1000'),
  totalCapped: z.boolean(),
  limit: z.number().int(),
  offset: z.number().int(),
  today: date(),
  items: z.array(
    z.object({
      id: z.number().int(),
      agencyName: z.string(),
      indexNumber: z.string().nullable(),
      title: z.string(),
      versionNumber: z.number().int(),
      state: StateOut,
      stateLabel: z.string(),
      reviewLevel: z.number().int().describe('审核中的级次（1起）；不在审核中为 0'),
      formedOn: date(),
      dueOn: date().describe('公开期限：信息形成（变更）之日起20个工作日（条例第二十六条）'),
      publishedOn: date().nullable(),
      late: z.boolean().describe('已超过公开期限仍未发布，或超期发布'),
      withdrawn: z.boolean(),
      remainingWorkingDays: z.number().int().nullable().describe('距公开期限的工作日数（负数为已超期）；已发布的为 null'),
    }),
  ),
});

const VersionOut = z.object({
  id: z.number().int(),
  number: z.number().int(),
  state: StateOut,
  stateLabel: z.string(),
  title: z.string(),
  summary: z.string(),
  publisher: z.string(),
  docNumber: z.string().nullable(),
  writtenOn: date().nullable(),
  category: z.object({ id: z.string(), code: z.string(), label: z.string(), basis: z.string() }),
  subject: z.string(),
  disclosure: z.object({ id: z.string(), label: z.string() }),
  validity: z.object({ id: z.string(), label: z.string() }),
  validityOn: date().nullable(),
  repealedBy: z.string().nullable(),
  body: z.string(),
  changeNote: z.string().nullable(),
  formedOn: date(),
  dueOn: date(),
  dueProvisional: z.boolean(),
  author: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  publishedOn: date().nullable(),
  publishedLate: z.boolean(),
  awaiting: z
    .object({ round: z.number().int(), level: z.number().int(), label: z.string(), role: z.enum(['reviewer', 'head']), roleLabel: z.string(), at: z.enum(['self', 'parent']), text: z.string() })
    .nullable()
    .describe('审核中：等待哪一级的决定'),
  chain: z.array(Level).describe('该版本的审核流程（提交时确定）'),
  reviews: z.array(
    z.object({
      round: z.number().int(),
      level: z.number().int(),
      levelLabel: z.string(),
      reviewer: z.string(),
      at: z.string(),
      conclusion: z.string(),
      conclusionLabel: z.string(),
      basis: z.string().describe('审查依据'),
      comment: z.string().nullable(),
    }),
  ),
  files: z.array(z.object({ id: z.number().int(), filename: z.string(), mediaType: z.string(), size: z.number().int() })),
});

export const ItemOut = z.object({
  id: z.number().int(),
  version: z.number().int().describe('修改时须原样提交（乐观并发控制）'),
  agency: z.object({ id: z.number().int(), name: z.string() }),
  indexNumber: z.string().nullable(),
  publishedVersionId: z.number().int().nullable(),
  firstPublishedOn: date().nullable(),
  withdrawn: z.object({ at: z.string(), reason: z.string().nullable() }).nullable(),
  openVersionId: z.number().int().nullable(),
  clock: z
    .object({ formedOn: date(), dueOn: date(), provisional: z.boolean(), remainingWorkingDays: z.number().int(), late: z.boolean() })
    .nullable()
    .describe('未发布版本的公开时限'),
  can: z.object({ edit: z.boolean(), submit: z.boolean(), review: z.boolean(), revise: z.boolean(), discard: z.boolean(), withdraw: z.boolean() }).describe('当前用户现在可以办理的事项'),
  versions: z.array(VersionOut).describe('全部版本，新的在前'),
});

const StepOut = z.object({
  itemId: z.number().int(),
  versionId: z.number().int(),
  version: z.number().int().describe('新的版本号，下一次修改须提交它'),
  state: StateOut,
});

const FindingOut = z.object({ word: z.string(), kind: z.enum(['sensitive', 'typo']), suggestion: z.string().nullable(), field: z.string(), count: z.number().int(), context: z.string() });

const FileOut = z.object({
  file: z.object({ id: z.number().int(), versionId: z.number().int(), filename: z.string(), mediaType: z.string(), size: z.number().int(), searchable: z.boolean(), createdAt: z.string() }),
  version: z.number().int(),
});

const ACTION_DOCS: Record<ItemAction, { summary: string; body: z.ZodType; response: z.ZodType }> = {
  submit: { summary: '提交审核（先按词表检查：含敏感词的不能提交；有疑似错别字的须 confirmWords: true）', body: submitSchema, response: StepOut.extend({ findings: z.array(FindingOut) }) },
  review: { summary: '审核当前级次：同意（最后一级同意即发布，分配索引号）或退回修改；须写明审查依据（条例第十七条）', body: reviewSchema, response: StepOut },
  revise: { summary: '修订已发布的信息：复制为新版本草稿（发布前公开平台仍显示原版本）', body: versionOnlySchema, response: StepOut },
  discard: { summary: '放弃草稿或退回的版本', body: versionOnlySchema, response: StepOut },
  withdraw: { summary: '从公开平台撤回已发布的信息（须写明理由，由最后一级审核的角色决定）', body: withdrawSchema, response: StepOut },
};

export function registerCatalogueApi(app: FastifyInstance): void {
  const { db, files } = app.deps;
  const deps = () => catalogueDeps(app);
  const itemId = (params: unknown) => parseId((params as Record<string, unknown>).id);

  defineEndpoint(app, {
    method: 'GET',
    path: '/catalogue',
    summary: '主动公开信息列表：未发布（默认）、待我审核、已发布、超期、全部；按公开期限排序',
    tag: TAG,
    auth: 'staff',
    query: staffListSchema,
    response: ListOut,
    handler: async ({ req, actor }) => listPage(db, deps(), actor!, req.query),
  });

  defineEndpoint(app, {
    method: 'GET',
    path: '/catalogue/:id',
    summary: '信息详情：各版本的目录信息、审核记录、附件，公开时限，当前用户可办理的事项',
    tag: TAG,
    auth: 'staff',
    response: ItemOut,
    handler: async ({ req, actor }) => presentStaffItem(await getItemForStaff(db, deps(), actor!, itemId(req.params))),
  });

  defineEndpoint(app, {
    method: 'POST',
    path: '/catalogue',
    summary: '起草新信息（第一版为草稿）',
    tag: TAG,
    auth: 'staff',
    body: draftSchema,
    bodyLimit: DRAFT_BODY_LIMIT,
    response: StepOut,
    handler: async ({ req, actor }) => createDraft(db, deps(), actor!, req.body),
  });

  defineEndpoint(app, {
    method: 'PUT',
    path: '/catalogue/:id',
    summary: '修改草稿或退回的版本',
    tag: TAG,
    auth: 'staff',
    body: updateSchema,
    bodyLimit: DRAFT_BODY_LIMIT,
    response: StepOut,
    handler: async ({ req, actor }) => updateDraft(db, deps(), actor!, itemId(req.params), req.body),
  });

  for (const action of Object.keys(ACTION_DOCS) as ItemAction[]) {
    const doc = ACTION_DOCS[action];
    defineEndpoint(app, {
      method: 'POST',
      path: `/catalogue/:id/${action}`,
      summary: doc.summary,
      tag: TAG,
      auth: 'staff',
      body: doc.body,
      response: doc.response,
      handler: async ({ req, actor }) => ITEM_ACTIONS[action].run(db, deps(), actor!, itemId(req.params), req.body),
    });
  }

  defineEndpoint(app, {
    method: 'POST',
    path: '/catalogue/:id/files',
    summary: `上传附件到未发布的版本（${ACCEPTED_FILES_TEXT}；按内容检查，扩展名须与内容一致）`,
    tag: TAG,
    auth: 'staff',
    upload: { fields: { version: '信息的版本号（乐观并发控制），须在文件之前' }, description: 'multipart/form-data：version 字段，然后是文件 file' },
    response: FileOut,
    handler: async ({ req, actor }) => {
      const id = itemId(req.params);
      const upload = await readUpload(req, app.deps.maxUploadBytes);
      return addVersionFile(db, files, deps(), actor!, id, { version: upload.fields.version, filename: upload.filename, bytes: upload.bytes });
    },
  });

  defineEndpoint(app, {
    method: 'POST',
    path: '/catalogue/:id/files/:fileId/remove',
    summary: '删除未发布版本的附件',
    tag: TAG,
    auth: 'staff',
    body: versionOnlySchema,
    response: z.object({ version: z.number().int() }),
    handler: async ({ req, actor }) => removeVersionFile(db, deps(), actor!, itemId(req.params), parseId((req.params as Record<string, unknown>).fileId, '附件'), req.body),
  });

  defineEndpoint(app, {
    method: 'GET',
    path: '/catalogue/:id/files/:fileId',
    summary: '下载附件（任一版本；记入审计日志）',
    tag: TAG,
    auth: 'staff',
    response: z.object({ error: z.string() }),
    file: { mediaType: 'application/octet-stream', description: '附件（按其实际类型，作为附件下载）' },
    handler: async ({ req, reply, actor }) => {
      const p = req.params as Record<string, unknown>;
      const { file, stream } = await openVersionFileForStaff(db, files, actor!, itemId(p), parseId(p.fileId, '附件'), { ip: clientIp(req), via: 'api' });
      return sendFile(reply, file, stream);
    },
  });
}
