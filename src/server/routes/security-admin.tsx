/**
 * The platform pages of 三员分立: /admin/accounts (系统管理员), /admin/security (安全保密管理员),
 * /admin/audit and its exports (安全审计员). The routes only read forms and render; every
 * permission is decided in accounts/account.service.ts and audit/audit-log.ts through policy.ts
 * (a wrong role answers 403 there, whatever page it came from).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  assignPlatformRole,
  createAccount,
  grantAgencyRole,
  listAccounts,
  resetPassword,
  revokeAgencyRole,
  saveSecurityPolicy,
  setDisabled,
  unlockAccount,
} from '../../accounts/account.service.js';
import { listLocked } from '../../accounts/lockout.js';
import { assertPlatform, type Actor } from '../../accounts/policy.js';
import { auditRows, beginAuditExport, csvFields, CSV_HEADER, jsonLine, parseAuditFilter, searchAuditLog, type AuditFilter } from '../../audit/audit-log.js';
import { ValidationError } from '../../validation.js';
import { clientIp, HttpError, requireActor, sendPage } from '../app.js';
import { AccountsPage, SecurityPage } from '../views/security/accounts.js';
import { AuditPage } from '../views/security/audit.js';
import { BOM, csvLine } from '../views/applications/csv.js';
import { formValues } from '../views/applications/fields.js';
import { policyOf } from './auth.js';

/** A positive integer id from the URL, or 404. */
function idParam(req: FastifyRequest): number {
  const raw = (req.params as { id?: string }).id ?? '';
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(404, '没有这个账号');
  return Number(raw);
}

export function register(app: FastifyInstance): void {
  const db = app.deps.db.kysely;
  const agencies = async () => (await db.selectFrom('agencies').select(['id', 'name']).orderBy('id').execute()) as { id: number; name: string }[];

  // ---- 系统管理员: accounts and agency grants -------------------------------------------------

  const accountsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    extra: { errors?: Record<string, string>; values?: Record<string, string>; created?: { username: string; password: string } } = {},
  ) => {
    assertPlatform(actor, 'manage_accounts');
    const accounts = await listAccounts(db, actor);
    if (extra.errors && Object.keys(extra.errors).length) reply.code(422);
    return sendPage(
      reply,
      AccountsPage({ actor, csrfToken: req.csrfToken, accounts, agencies: await agencies(), errors: extra.errors ?? {}, values: extra.values ?? {}, created: extra.created ?? null }),
    );
  };

  /** Runs a form's operation; a ValidationError re-renders the page with the reasons. */
  const form = async (req: FastifyRequest, reply: FastifyReply, op: (actor: Actor, v: Record<string, string>) => Promise<void>, render: typeof accountsPage, back: string) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const v = formValues(req.body);
    try {
      await op(actor, v);
    } catch (e) {
      if (e instanceof ValidationError) return render(req, reply, actor, { errors: { ...e.fields }, values: v });
      throw e;
    }
    return reply.redirect(back, 303);
  };

  app.get('/admin/accounts', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    assertPlatform(actor, 'manage_accounts');
    return accountsPage(req, reply, actor);
  });

  app.post('/admin/accounts', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const v = formValues(req.body);
    try {
      const { password } = await createAccount(
        db,
        actor,
        { username: v.username ?? '', displayName: v.displayName ?? '', email: v.email ?? '', agencyId: v.agencyId ?? '', role: v.role ?? '' },
        clientIp(req),
      );
      // The initial password is shown in this answer only (never redirected with, never stored in clear).
      reply.code(201);
      return accountsPage(req, reply, actor, { created: { username: v.username!.trim(), password } });
    } catch (e) {
      if (e instanceof ValidationError) return accountsPage(req, reply, actor, { errors: { ...e.fields }, values: v });
      throw e;
    }
  });

  app.post('/admin/accounts/:id/grant', async (req, reply) =>
    form(req, reply, (actor, v) => grantAgencyRole(db, actor, idParam(req), { agencyId: v.agencyId ?? '', role: v.role ?? '' }, clientIp(req)), accountsPage, '/admin/accounts'),
  );

  app.post('/admin/accounts/:id/revoke', async (req, reply) =>
    form(
      req,
      reply,
      (actor, v) => {
        const agencyId = /^\d{1,9}$/.test(v.agencyId ?? '') ? Number(v.agencyId) : NaN;
        if (Number.isNaN(agencyId)) throw new ValidationError({ agencyId: '请选择有效的机关' });
        return revokeAgencyRole(db, actor, idParam(req), agencyId, v.role ?? '', clientIp(req));
      },
      accountsPage,
      '/admin/accounts',
    ),
  );

  app.post('/admin/accounts/:id/disable', async (req, reply) =>
    form(
      req,
      reply,
      (actor, v) => {
        if (v.disabled !== '1' && v.disabled !== '0') throw new ValidationError({ disabled: '请求有误（停用或启用）' });
        return setDisabled(db, actor, idParam(req), v.disabled === '1', clientIp(req));
      },
      accountsPage,
      '/admin/accounts',
    ),
  );

  // ---- 安全保密管理员: policy, locks, resets, the three roles ---------------------------------

  const securityPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    extra: { errors?: Record<string, string>; values?: Record<string, string>; reset?: { username: string; password: string }; saved?: boolean } = {},
  ) => {
    assertPlatform(actor, 'manage_security');
    if (extra.errors && Object.keys(extra.errors).length) reply.code(422);
    return sendPage(
      reply,
      SecurityPage({
        actor,
        csrfToken: req.csrfToken,
        policy: await policyOf(app),
        accounts: await listAccounts(db, actor),
        locked: await listLocked(db),
        errors: extra.errors ?? {},
        values: extra.values ?? {},
        reset: extra.reset ?? null,
        saved: extra.saved ?? false,
      }),
    );
  };

  app.get('/admin/security', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    return securityPage(req, reply, actor, { saved: (req.query as Record<string, unknown>).saved === '1' });
  });

  app.post('/admin/security/policy', async (req, reply) =>
    form(
      req,
      reply,
      async (actor, v) => {
        await saveSecurityPolicy(db, actor, v, await policyOf(app), clientIp(req));
      },
      securityPage,
      '/admin/security?saved=1',
    ),
  );

  app.post('/admin/security/unlock', async (req, reply) => form(req, reply, (actor, v) => unlockAccount(db, actor, v.username ?? '', clientIp(req)), securityPage, '/admin/security'));

  app.post('/admin/security/accounts/:id/role', async (req, reply) =>
    form(req, reply, (actor, v) => assignPlatformRole(db, actor, idParam(req), v.role?.trim() ? v.role.trim() : null, clientIp(req)), securityPage, '/admin/security'),
  );

  app.post('/admin/security/accounts/:id/reset', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = idParam(req);
    const password = await resetPassword(db, actor, id, clientIp(req));
    const user = await db.selectFrom('users').select('username').where('id', '=', id).executeTakeFirstOrThrow();
    return securityPage(req, reply, actor, { reset: { username: user.username, password } });
  });

  // ---- 安全审计员: search and export ---------------------------------------------------------

  app.get('/admin/audit', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    assertPlatform(actor, 'read_audit');
    const q = req.query as Record<string, unknown>;
    const values = formValues(q);
    let filter: AuditFilter = {};
    try {
      filter = parseAuditFilter(q);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      reply.code(422);
      return sendPage(reply, AuditPage({ actor, csrfToken: req.csrfToken, filter, values, errors: e.fields, result: null }));
    }
    const page = typeof q.page === 'string' && /^\d{1,6}$/.test(q.page) ? Number(q.page) : 1;
    const result = await searchAuditLog(db, actor, filter, page);
    return sendPage(reply, AuditPage({ actor, csrfToken: req.csrfToken, filter, values, errors: {}, result }));
  });

  app.get('/admin/audit/export', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    assertPlatform(actor, 'read_audit');
    const q = req.query as Record<string, unknown>;
    const format = q.format;
    if (format !== 'csv' && format !== 'jsonl') throw new ValidationError({ format: '导出格式只能是 csv 或 jsonl' });
    const filter = parseAuditFilter(q);
    await beginAuditExport(db, actor, filter, format, clientIp(req));
    const stamp = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    async function* body(): AsyncGenerator<string> {
      if (format === 'csv') yield BOM + csvLine(CSV_HEADER);
      let chunk = '';
      for await (const r of auditRows(db, filter)) {
        chunk += format === 'csv' ? csvLine(csvFields(r)) : jsonLine(r);
        if (chunk.length > 64 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${stamp}.${format}"`);
    return reply.send(Readable.from(body()));
  });
}
