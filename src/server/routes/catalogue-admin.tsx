/**
 * The back office of the catalogue (主动公开), server-rendered and working without JavaScript:
 *
 *   GET  /admin/catalogue                         the list (filters, search, pages, the clock)
 *   GET  /admin/catalogue/new                     the draft form
 *   POST /admin/catalogue/new                     → 303 to the item; errors re-render the form (422)
 *   GET  /admin/catalogue/:id                     the item page
 *   GET  /admin/catalogue/:id/edit                the open version's form (with the item's version)
 *   POST /admin/catalogue/:id/edit                → 303; 422 with field messages; 409 on a stale
 *                                                 version: the form again with what was typed and
 *                                                 what is saved now
 *   POST /admin/catalogue/:id/{submit,review,revise,discard,withdraw}
 *                                                 one operation → 303 back; errors re-render the page
 *   POST /admin/catalogue/:id/files?_csrf=…       upload to the open version (multipart)
 *   POST /admin/catalogue/:id/files/:fileId/remove
 *   GET  /admin/catalogue/:id/files/:fileId       download (staff; audited)
 *
 * The catalogue service decides everything (catalogue.service.ts, files.ts): who may do what,
 * versions, states. An item the actor may not see answers 404, as if it did not exist. The word
 * list, the agencies' catalogue settings and the JSON API are registered from here too.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { agenciesWhere, can, ForbiddenError, type Actor } from '../../accounts/policy.js';
import { currentVersion, presentStaffItem, type StaffItemOut } from '../../catalogue/catalogue.presenter.js';
import { checkWords, createDraft, getItemForStaff, updateDraft } from '../../catalogue/catalogue.service.js';
import { addVersionFile, openVersionFileForStaff, removeVersionFile, searchableFiles } from '../../catalogue/files.js';
import { ConflictError, StateError } from '../../errors.js';
import { ValidationError } from '../../validation.js';
import { clientIp, requireActor, sendPage, wantsJson } from '../app.js';
import { HttpError } from '../errors.js';
import { readUpload, sendFile } from '../uploads.js';
import { formValues } from '../views/applications/fields.js';
import { catalogueDeps, DRAFT_BODY_LIMIT, draftAgencies, isItemAction, ITEM_ACTIONS, listPage, PAGE_SIZE, parseId, readListFilters, todayOf, type ListPage } from '../views/catalogue/desk.js';
import { DraftFormPage, versionValues } from '../views/catalogue/form.js';
import { ItemPage, type ItemSubmission } from '../views/catalogue/item.js';
import { CatalogueListPage } from '../views/catalogue/list.js';
import { registerCatalogueApi } from './api-catalogue-staff.js';
import { registerCatalogueSettings } from './catalogue-settings.js';

const DONE: Record<string, string> = {
  created: '已保存草稿。可以继续修改、上传附件，然后提交审核。',
  edit: '已保存修改。',
  upload: '已上传附件。',
  remove_file: '已删除附件。',
  submit: ITEM_ACTIONS.submit.done,
  approved: '审核同意，已送下一级审核。',
  published: '审核同意，信息已在公开平台发布。',
  returned: '已退回修改，起草人修改后可重新提交。',
  revise: ITEM_ACTIONS.revise.done,
  discard: ITEM_ACTIONS.discard.done,
  withdraw: ITEM_ACTIONS.withdraw.done,
};

/** The status of a domain error meant for the user (4xx), else null. */
function userErrorStatus(e: unknown): number | null {
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

export function register(app: FastifyInstance): void {
  registerCatalogueApi(app);
  registerCatalogueSettings(app);
  const { db, files } = app.deps;
  const deps = () => catalogueDeps(app);

  // ---------------------------------------------------------------------------------------------
  // The list

  app.get('/admin/catalogue', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const filters = readListFilters(req.query);
    let page: ListPage | null = null;
    let errors: Record<string, string> = {};
    try {
      page = await listPage(db, deps(), actor, {
        ...(filters.filter ? { filter: filters.filter } : {}),
        ...(filters.q.trim() ? { q: filters.q } : {}),
        limit: PAGE_SIZE,
        offset: (filters.page - 1) * PAGE_SIZE,
      });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors = { ...e.fields };
      reply.code(422);
    }
    // The agency column, when items of several agencies can show (reviewers and heads also see
    // the items of the agencies below them).
    const many = agenciesWhere(actor, 'read').length > 1 || agenciesWhere(actor, 'review').length > 0;
    return sendPage(
      reply,
      <CatalogueListPage user={actor} csrfToken={req.csrfToken} filters={filters} page={page} errors={errors} canDraft={agenciesWhere(actor, 'handle').length > 0} many={many} />,
    );
  });

  // ---------------------------------------------------------------------------------------------
  // A new draft

  const newForm = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, values: Record<string, string>, errors: Record<string, string>) => {
    const agencies = await draftAgencies(db, agenciesWhere(actor, 'handle'));
    const today = todayOf(deps());
    const v = { formedOn: today, disclosure: 'active', validity: 'valid', ...(agencies.length === 1 ? { agencyId: String(agencies[0]!.id) } : {}), ...values };
    return sendPage(reply, <DraftFormPage mode="new" user={actor} csrfToken={req.csrfToken} agencies={agencies} values={v} errors={errors} today={today} />);
  };

  app.get('/admin/catalogue/new', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    return newForm(req, reply, actor, {}, {});
  });

  app.post('/admin/catalogue/new', { bodyLimit: DRAFT_BODY_LIMIT }, async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const values = formValues(req.body);
    try {
      const r = await createDraft(db, deps(), actor, values);
      return reply.redirect(`/admin/catalogue/${r.itemId}?done=created`, 303);
    } catch (e) {
      if (e instanceof ValidationError) {
        reply.code(422);
        return newForm(req, reply, actor, values, { ...e.fields });
      }
      if (e instanceof ForbiddenError) {
        reply.code(403);
        return newForm(req, reply, actor, values, { agencyId: '您不能以该机关的名义起草信息' });
      }
      throw e;
    }
  });

  // ---------------------------------------------------------------------------------------------
  // The item page

  const loadItem = async (actor: Actor, id: number): Promise<StaffItemOut> => presentStaffItem(await getItemForStaff(db, deps(), actor, id));

  const renderItem = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, id: number, extra: { notice?: string | null; error?: string | null; submission?: ItemSubmission | null } = {}) => {
    const item = await loadItem(actor, id);
    const open = item.versions.find((v) => v.id === item.openVersionId);
    const findings = item.can.submit && open ? await checkWords(db.kysely, { title: open.title, summary: open.summary, body: open.body, doc_number: open.docNumber, publisher: open.publisher }) : null;
    const searchable = await searchableFiles(db.kysely, currentVersion(item)?.files.map((f) => f.id) ?? []);
    return sendPage(
      reply,
      <ItemPage
        user={actor}
        csrfToken={req.csrfToken}
        item={item}
        findings={findings}
        searchable={searchable}
        maxUploadBytes={app.deps.maxUploadBytes}
        notice={extra.notice ?? null}
        error={extra.error ?? null}
        submission={extra.submission ?? null}
      />,
    );
  };

  /** A refused form of the item page: the page again, with the message and what was typed. */
  const refused = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, id: number, e: unknown, submission: ItemSubmission): Promise<FastifyReply> => {
    const status = userErrorStatus(e);
    // Not visible: nothing to re-show. Other failures are the server's.
    if (status === null || status === 404) throw e;
    reply.code(status);
    let message = e instanceof Error ? e.message : '操作失败';
    if (e instanceof ValidationError) {
      const only = Object.keys(e.fields);
      message = only.length === 1 && (only[0] === '_form' || only[0] === 'confirmWords' || only[0] === 'file') ? Object.values(e.fields)[0]! : '提交的内容有误，请修改后重新提交。';
    }
    const errors = e instanceof ValidationError ? { ...e.fields } : submission.errors;
    return renderItem(req, reply, actor, id, { error: message, submission: { ...submission, errors } });
  };

  app.get('/admin/catalogue/:id', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = parseId((req.params as Record<string, unknown>).id);
    const done = (req.query as Record<string, unknown>).done;
    return renderItem(req, reply, actor, id, { notice: typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done] : null });
  });

  app.post('/admin/catalogue/:id/:action', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const params = req.params as Record<string, unknown>;
    const id = parseId(params.id);
    const action = params.action;
    if (!isItemAction(action)) throw new HttpError(404, '没有这个操作');
    const values = formValues(req.body);
    try {
      const r = await ITEM_ACTIONS[action].run(db, deps(), actor, id, values);
      const done = action === 'review' ? (r.state === 'in_review' ? 'approved' : r.state) : action;
      return reply.redirect(`/admin/catalogue/${id}?done=${done}`, 303);
    } catch (e) {
      return refused(req, reply, actor, id, e, { form: action, values, errors: {} });
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Editing the open version

  const editForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    item: StaffItemOut,
    values: Record<string, string> | null,
    extra: { errors?: Record<string, string>; error?: string | null; saved?: boolean } = {},
  ) => {
    const open = item.versions.find((v) => v.id === item.openVersionId);
    const agency = await db.kysely.selectFrom('agencies').select(['id', 'name', 'kind']).where('id', '=', item.agency.id).executeTakeFirstOrThrow();
    return sendPage(
      reply,
      <DraftFormPage
        mode="edit"
        user={actor}
        csrfToken={req.csrfToken}
        itemId={item.id}
        version={item.version}
        agency={agency}
        indexNumber={item.indexNumber}
        versionNumber={open?.number ?? 1}
        values={values ?? (open ? versionValues(open) : {})}
        errors={extra.errors ?? {}}
        error={extra.error ?? null}
        saved={extra.saved && open ? open : null}
        today={todayOf(deps())}
      />,
    );
  };

  app.get('/admin/catalogue/:id/edit', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const item = await loadItem(actor, parseId((req.params as Record<string, unknown>).id));
    if (!item.can.edit) {
      if (!can(actor, 'handle', item.agency.id)) throw new ForbiddenError('只有本机关的信息员、审核人或负责人可以修改');
      throw new StateError(item.versions.find((v) => v.id === item.openVersionId) ? '该信息正在审核中，不能修改；如需修改请由审核人退回' : '该信息没有可修改的草稿；如需修改已发布的信息，请先“修订”生成新版本');
    }
    return editForm(req, reply, actor, item, null);
  });

  app.post('/admin/catalogue/:id/edit', { bodyLimit: DRAFT_BODY_LIMIT }, async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = parseId((req.params as Record<string, unknown>).id);
    const values = formValues(req.body);
    try {
      await updateDraft(db, deps(), actor, id, values);
      return reply.redirect(`/admin/catalogue/${id}?done=edit`, 303);
    } catch (e) {
      const status = userErrorStatus(e);
      if (status === null || status === 404 || e instanceof ForbiddenError) throw e;
      reply.code(status);
      const item = await loadItem(actor, id);
      if (e instanceof ValidationError) {
        // The version typed in the form stays: nothing was saved, nothing changed meanwhile.
        return editForm(req, reply, actor, { ...item, version: Number(values.version) || item.version }, values, { errors: { ...e.fields } });
      }
      if (e instanceof ConflictError) {
        return editForm(req, reply, actor, item, values, {
          error: `${e.message}。下面是您填写的内容和当前已保存的内容：核对后再次保存，将以您填写的内容为准。`,
          saved: true,
        });
      }
      return editForm(req, reply, actor, item, values, { error: e instanceof StateError ? `${e.message}（您的修改未保存）` : (e as Error).message });
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Attachments of the open version

  app.post('/admin/catalogue/:id/files', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = parseId((req.params as Record<string, unknown>).id);
    let upload;
    try {
      upload = await readUpload(req, app.deps.maxUploadBytes);
    } catch (e) {
      if (wantsJson(req)) throw e;
      const errors = { file: e instanceof Error ? e.message : '上传失败' };
      return refused(req, reply, actor, id, e, { form: 'upload', values: {}, errors });
    }
    try {
      const r = await addVersionFile(db, files, deps(), actor, id, { version: upload.fields.version, filename: upload.filename, bytes: upload.bytes });
      if (wantsJson(req)) return r;
      return reply.redirect(`/admin/catalogue/${id}?done=upload#files`, 303);
    } catch (e) {
      if (wantsJson(req)) throw e;
      return refused(req, reply, actor, id, e, { form: 'upload', values: upload.fields, errors: {} });
    }
  });

  app.post('/admin/catalogue/:id/files/:fileId/remove', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const params = req.params as Record<string, unknown>;
    const id = parseId(params.id);
    const fileId = parseId(params.fileId, '附件');
    const values = formValues(req.body);
    try {
      await removeVersionFile(db, deps(), actor, id, fileId, values);
      return reply.redirect(`/admin/catalogue/${id}?done=remove_file#files`, 303);
    } catch (e) {
      return refused(req, reply, actor, id, e, { form: 'remove_file', values, errors: {} });
    }
  });

  app.get('/admin/catalogue/:id/files/:fileId', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const params = req.params as Record<string, unknown>;
    const { file, stream } = await openVersionFileForStaff(db, files, actor, parseId(params.id), parseId(params.fileId, '附件'), { ip: clientIp(req), via: 'page' });
    return sendFile(reply, file, stream);
  });
}
