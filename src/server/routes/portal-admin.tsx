/**
 * The back office of the public column (staff only; CSRF on every POST by the app's hook):
 *
 *   GET  /admin/xxgk                          the hub: feedback waiting, the columns the actor sees
 *   GET  /admin/feedback?kind=&state=&page=   feedback the actor may see, unanswered first
 *   GET  /admin/feedback/:id                  one feedback (complainant's contact: staff only)
 *   POST /admin/feedback/:id/reply            reply (audited) → 303; 422 / 409 re-render
 *   GET  /admin/xxgk/:agency/rules            an agency's 制度 list (administrators)
 *   POST /admin/xxgk/:agency/rules            add an item by 索引号 (audited)
 *   POST /admin/xxgk/:agency/rules/:item/remove
 *
 * Who sees and replies is decided in portal/feedback.ts; who keeps the 制度 list in
 * portal/rules.ts (the policy's 'administer').
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { agenciesWhere, can, type Actor } from '../../accounts/policy.js';
import { NotFoundError } from '../../errors.js';
import { loadAgencyTree, parseUrlId } from '../../portal/columns.js';
import { getFeedbackForStaff, listFeedbackForStaff, replyToFeedback } from '../../portal/feedback.js';
import { addRuleItem, listRuleItemsForStaff, removeRuleItem } from '../../portal/rules.js';
import { ValidationError } from '../../validation.js';
import { requireActor, sendPage } from '../app.js';
import { HttpError } from '../errors.js';
import { formValues, type FormErrors } from '../views/public/fields.js';
import { FeedbackListPage, FeedbackPage, PortalHubPage, RulesAdminPage, type FeedbackListFilters } from '../views/portal/admin.js';

const PAGE_SIZE = 50;

function str(query: unknown, name: string): string {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}

function idParam(req: FastifyRequest, name: string, what: string): number {
  const id = parseUrlId((req.params as Record<string, string | undefined>)[name]);
  if (id === null) throw new NotFoundError(`未找到该${what}`);
  return id;
}

export function registerPortalAdmin(app: FastifyInstance): void {
  const { db } = app.deps;

  app.get('/admin/xxgk', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const tree = await loadAgencyTree(db.kysely);
    const readable = new Set(agenciesWhere(actor, 'read'));
    const columns = tree
      .columns()
      .filter((c) => readable.has(c.id))
      .map((c) => ({ id: c.id, name: c.name, administers: can(actor, 'administer', c.id) }));
    const waiting = await listFeedbackForStaff(db, actor, { state: 'new', limit: 1 });
    return sendPage(reply, <PortalHubPage user={actor} csrfToken={req.csrfToken} columns={columns} unanswered={waiting.total} />);
  });

  // -------------------------------------------------------------------------------------------
  // Feedback

  app.get('/admin/feedback', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const rawPage = str(req.query, 'page');
    const page = /^[1-9]\d{0,4}$/.test(rawPage) ? Number(rawPage) : 1;
    const filters: FeedbackListFilters = { kind: str(req.query, 'kind'), state: str(req.query, 'state'), page };
    let errors: FormErrors = {};
    let result = { items: [] as Awaited<ReturnType<typeof listFeedbackForStaff>>['items'], total: 0 };
    try {
      result = await listFeedbackForStaff(db, actor, {
        ...(filters.kind ? { kind: filters.kind } : {}),
        ...(filters.state ? { state: filters.state } : {}),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors = e.fields;
      reply.code(422);
    }
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    return sendPage(reply, <FeedbackListPage user={actor} csrfToken={req.csrfToken} filters={filters} items={result.items} total={result.total} pages={pages} errors={errors} />);
  });

  const showFeedback = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, id: number, extra: { values?: Record<string, string>; errors?: FormErrors; notice?: string | null; error?: string | null } = {}) => {
    const f = await getFeedbackForStaff(db, actor, id);
    return sendPage(
      reply,
      <FeedbackPage user={actor} csrfToken={req.csrfToken} f={f} values={extra.values ?? { reply: f.reply ?? '' }} errors={extra.errors ?? {}} notice={extra.notice ?? null} error={extra.error ?? null} />,
    );
  };

  app.get('/admin/feedback/:id', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = idParam(req, 'id', '评议');
    return showFeedback(req, reply, actor, id, { notice: str(req.query, 'done') === 'replied' ? '已保存答复。' : null });
  });

  app.post('/admin/feedback/:id/reply', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = idParam(req, 'id', '评议');
    const values = formValues(req.body, ['reply', 'previous']);
    try {
      await replyToFeedback(db, actor, id, values);
      return reply.redirect(`/admin/feedback/${id}?done=replied`, 303);
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      // Not visible: nothing to re-show; a refusal (403), invalid input (422) or a stale page (409): the page again.
      if (typeof status !== 'number' || status === 404 || status < 400 || status >= 500) throw e;
      reply.code(status);
      return showFeedback(req, reply, actor, id, {
        values: { reply: values.reply ?? '' },
        errors: e instanceof ValidationError ? e.fields : {},
        error: e instanceof ValidationError ? null : (e as Error).message,
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  // 制度

  const agencyFor = async (req: FastifyRequest, actor: Actor) => {
    const id = idParam(req, 'agency', '机关');
    const tree = await loadAgencyTree(db.kysely);
    const agency = tree.get(id);
    // Only administrators of the agency learn anything about its settings.
    if (!agency || !can(actor, 'administer', id)) throw new NotFoundError('未找到该机关，或您不是它的管理员');
    return agency;
  };

  const showRules = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, agency: { id: number; name: string }, extra: { values?: Record<string, string>; errors?: FormErrors; notice?: string | null } = {}) =>
    sendPage(
      reply,
      <RulesAdminPage
        user={actor}
        csrfToken={req.csrfToken}
        agency={{ id: agency.id, name: agency.name }}
        items={await listRuleItemsForStaff(db, actor, agency.id)}
        values={extra.values ?? {}}
        errors={extra.errors ?? {}}
        notice={extra.notice ?? null}
      />,
    );

  const RULE_NOTICES: Record<string, string> = { added: '已加入制度列表。', removed: '已移出制度列表（该信息本身仍然公开）。' };

  app.get('/admin/xxgk/:agency/rules', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const agency = await agencyFor(req, actor);
    const done = str(req.query, 'done');
    return showRules(req, reply, actor, agency, { notice: Object.hasOwn(RULE_NOTICES, done) ? RULE_NOTICES[done] : null });
  });

  app.post('/admin/xxgk/:agency/rules', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const agency = await agencyFor(req, actor);
    const values = formValues(req.body, ['indexNumber']);
    try {
      await addRuleItem(db, actor, agency.id, values);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      reply.code(422);
      return showRules(req, reply, actor, agency, { values, errors: e.fields });
    }
    return reply.redirect(`/admin/xxgk/${agency.id}/rules?done=added`, 303);
  });

  app.post('/admin/xxgk/:agency/rules/:item/remove', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const agency = await agencyFor(req, actor);
    const item = parseUrlId((req.params as { item?: string }).item);
    if (item === null) throw new HttpError(404, '该信息不在制度列表中');
    await removeRuleItem(db, actor, agency.id, item);
    return reply.redirect(`/admin/xxgk/${agency.id}/rules?done=removed`, 303);
  });
}
