/**
 * An agency's letter settings, for its administrators (policy action 'administer'):
 *
 *   GET  /admin/agencies/:id/letters   the form: 文号前缀 (机关代字), 行政复议机关, 人民法院
 *   POST /admin/agencies/:id/letters   save (CSRF: the app hook) → 303 back with a notice; errors
 *                                      re-render the form (422, values kept, one Chinese message
 *                                      per field)
 *
 * An agency the actor may not administer answers 404, as if it did not exist. Every field may be
 * left empty: the letters then use the defaults (the short name + 公开; the parent agency, else
 * 上一级人民政府; 有管辖权的人民法院). Numbers already issued keep their prefix.
 */
import type { FastifyInstance } from 'fastify';
import { can, type Actor } from '../../accounts/policy.js';
import { audit } from '../../audit/audit.js';
import { NotFoundError } from '../../errors.js';
import { MAX_PREFIX_LENGTH, prefixProblem } from '../../letters/doc-number.js';
import { clientIp, requireActor, sendPage } from '../app.js';
import { ErrorSummary, TextField, formValues, type FormErrors, type FormValues } from '../views/applications/fields.js';
import { DEFAULT_COURT, DEFAULT_REVIEW_BODY } from '../views/applications/letters.js';
import { Layout } from '../views/layout.js';

/** Longest 行政复议机关 / 人民法院 name accepted (the letter prints at most 100 characters). */
export const MAX_BODY_NAME_LENGTH = 100;

type Field = 'docPrefix' | 'reviewBody' | 'court';
const LABELS: Record<Field, string> = { docPrefix: '文号前缀（机关代字）', reviewBody: '行政复议机关', court: '人民法院' };
const IDS: Record<Field, string> = { docPrefix: 'doc-prefix', reviewBody: 'review-body', court: 'court' };

interface Settings {
  doc_prefix: string | null;
  review_body: string | null;
  court: string | null;
}

/** The settings from a form: null for an empty field; a Chinese message per field that is wrong. */
export function checkSettings(values: FormValues): { settings: Settings; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const text = (k: Field) => (values[k] ?? '').trim();
  const prefix = text('docPrefix');
  if (prefix !== '') {
    const p = prefixProblem(prefix);
    if (p) errors.docPrefix = p;
  }
  for (const k of ['reviewBody', 'court'] as const) {
    const v = text(k);
    if ([...v].length > MAX_BODY_NAME_LENGTH) errors[k] = `${LABELS[k]}最多${MAX_BODY_NAME_LENGTH}个字`;
    else if (/[\u0000-\u001F\u007F-\u009F]/.test(v)) errors[k] = `${LABELS[k]}含有控制字符`;
  }
  const orNull = (s: string) => (s === '' ? null : s);
  return { settings: { doc_prefix: orNull(prefix), review_body: orNull(text('reviewBody')), court: orNull(text('court')) }, errors };
}

function SettingsPage(p: {
  actor: Actor;
  csrfToken: string;
  agency: { id: number; name: string; parentName: string | null; shortName: string | null };
  values: FormValues;
  errors: FormErrors;
  saved: boolean;
}) {
  const defaultPrefix = `${p.agency.shortName?.trim() || p.agency.name}公开`;
  return (
    <Layout title={`告知书设置：${p.agency.name}`} area="admin" user={p.actor} csrfToken={p.csrfToken}>
      <h1>告知书设置</h1>
      <p>{p.agency.name}</p>
      {p.saved ? (
        <p class="notice" role="status">
          已保存。
        </p>
      ) : null}
      <ErrorSummary errors={p.errors} ids={IDS} labels={LABELS} />
      <form method="post" action={`/admin/agencies/${p.agency.id}/letters`}>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <TextField
          id={IDS.docPrefix}
          name="docPrefix"
          label={LABELS.docPrefix}
          value={p.values.docPrefix}
          maxLength={MAX_PREFIX_LENGTH}
          error={p.errors.docPrefix}
          hint={`告知书文号的机关代字，例如「永政公开」，文号形如 永政公开〔2026〕第1号。不填则为「${defaultPrefix}」。已编号的告知书保留原文号。`}
        />
        <TextField
          id={IDS.reviewBody}
          name="reviewBody"
          label={LABELS.reviewBody}
          value={p.values.reviewBody}
          maxLength={MAX_BODY_NAME_LENGTH}
          error={p.errors.reviewBody}
          hint={`答复书中告知的行政复议机关全称。不填则为「${p.agency.parentName ?? DEFAULT_REVIEW_BODY}」。`}
        />
        <TextField
          id={IDS.court}
          name="court"
          label={LABELS.court}
          value={p.values.court}
          maxLength={MAX_BODY_NAME_LENGTH}
          error={p.errors.court}
          hint={`答复书中告知的人民法院全称。不填则为「${DEFAULT_COURT}」。`}
        />
        <button type="submit">保存</button>
      </form>
      <p>
        <a href={`/admin/agencies/${p.agency.id}/catalogue`}>主动公开目录设置（机构代码、审核流程、索引号）</a>
      </p>
      <p>
        <a href="/admin">返回工作台</a>
      </p>
    </Layout>
  );
}

export function registerAgencySettingsRoutes(app: FastifyInstance): void {
  const { db } = app.deps;

  /** The agency, when the actor may administer it; 404 otherwise (whether or not it exists). */
  async function administered(actor: Actor, raw: unknown) {
    const id = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(id) || !can(actor, 'administer', id)) throw new NotFoundError('找不到该机关');
    const a = await db.kysely.selectFrom('agencies').select(['id', 'name', 'short_name', 'parent_id', 'doc_prefix', 'review_body', 'court']).where('id', '=', id).executeTakeFirst();
    if (!a) throw new NotFoundError('找不到该机关');
    const parent = a.parent_id === null ? undefined : await db.kysely.selectFrom('agencies').select('name').where('id', '=', a.parent_id).executeTakeFirst();
    return { row: a, view: { id: a.id, name: a.name, shortName: a.short_name, parentName: parent?.name ?? null } };
  }

  app.get('/admin/agencies/:id/letters', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const { row, view } = await administered(actor, (req.params as Record<string, unknown>).id);
    const values = { docPrefix: row.doc_prefix ?? '', reviewBody: row.review_body ?? '', court: row.court ?? '' };
    const saved = (req.query as Record<string, unknown>).saved === '1';
    return sendPage(reply, <SettingsPage actor={actor} csrfToken={req.csrfToken} agency={view} values={values} errors={{}} saved={saved} />);
  });

  app.post('/admin/agencies/:id/letters', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const { row, view } = await administered(actor, (req.params as Record<string, unknown>).id);
    const values = formValues(req.body);
    const { settings, errors } = checkSettings(values);
    if (Object.keys(errors).length) {
      reply.code(422);
      return sendPage(reply, <SettingsPage actor={actor} csrfToken={req.csrfToken} agency={view} values={values} errors={errors} saved={false} />);
    }
    await db.kysely.transaction().execute(async (tx) => {
      await tx.updateTable('agencies').set(settings).where('id', '=', row.id).execute();
      await audit(tx, {
        userId: actor.userId,
        agencyId: row.id,
        action: 'agency.letter_settings',
        subjectType: 'agency',
        subjectId: row.id,
        details: { before: { doc_prefix: row.doc_prefix, review_body: row.review_body, court: row.court }, after: settings },
        ip: clientIp(req),
      });
    });
    return reply.redirect(`/admin/agencies/${row.id}/letters?saved=1`, 303);
  });
}
