/**
 * Administrators' pages of the catalogue:
 *
 *   GET  /admin/catalogue/words                the word list and the form to add to it
 *   POST /admin/catalogue/words                add → 303 back; errors re-render (422)
 *   POST /admin/catalogue/words/:id/remove     remove → 303 back
 *   GET  /admin/agencies/:id/catalogue         an agency's 机构代码, review chain and 索引号 pattern
 *   POST /admin/agencies/:id/catalogue         save → 303 back; with preview=1 only shows the
 *                                              索引号 the typed settings give (nothing saved)
 *
 * The word list is kept by administrators of a top-level agency, an agency's settings by its
 * administrators (src/catalogue/words.ts, settings.ts decide); anyone else gets 404. Every change
 * is audited there.
 */
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../errors.js';
import { checkSettings, getCatalogueSettings, saveCatalogueSettings } from '../../catalogue/settings.js';
import { addWord, listWordRows, mayKeepWords, removeWord } from '../../catalogue/words.js';
import { ValidationError } from '../../validation.js';
import { clientIp, requireActor, sendPage } from '../app.js';
import { formValues, type FormValues } from '../views/applications/fields.js';
import { catalogueDeps, parseId, todayOf } from '../views/catalogue/desk.js';
import { CatalogueSettingsPage, LEVEL_ROWS, settingsValues, WordsPage } from '../views/catalogue/settings.js';

/** The settings form as the service's input, and where each chain error goes back on the form. */
export function settingsInput(values: FormValues): { input: Record<string, unknown>; fieldOf: (key: string) => string } {
  const rows = LEVEL_ROWS.filter((n) => (values[`level${n}Label`] ?? '').trim() !== '');
  const chain = values.defaultChain === '1' ? null : rows.map((n) => ({ label: values[`level${n}Label`], role: values[`level${n}Role`], at: values[`level${n}At`] }));
  const fieldOf = (key: string) => {
    const m = /^chain\.(\d+)\.(label|role|at)$/.exec(key);
    if (!m) return key.startsWith('chain') ? 'chain' : key;
    const n = rows[Number(m[1])];
    return n === undefined ? 'chain' : `level${n}${m[2]![0]!.toUpperCase()}${m[2]!.slice(1)}`;
  };
  return { input: { code: values.code ?? '', chain, indexPattern: values.indexPattern ?? '' }, fieldOf };
}

export function registerCatalogueSettings(app: FastifyInstance): void {
  const { db } = app.deps;
  const year = () => Number(todayOf(catalogueDeps(app)).slice(0, 4));

  // ---------------------------------------------------------------------------------------------
  // The word list

  const WORD_DONE: Record<string, string> = { added: '已添加。', removed: '已删除。' };

  app.get('/admin/catalogue/words', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    if (!(await mayKeepWords(db.kysely, actor))) throw new NotFoundError('找不到页面');
    const done = (req.query as Record<string, unknown>).done;
    const notice = typeof done === 'string' && Object.hasOwn(WORD_DONE, done) ? WORD_DONE[done]! : null;
    return sendPage(reply, <WordsPage user={actor} csrfToken={req.csrfToken} words={await listWordRows(db, actor)} values={{}} errors={{}} notice={notice} />);
  });

  app.post('/admin/catalogue/words', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    if (!(await mayKeepWords(db.kysely, actor))) throw new NotFoundError('找不到页面');
    const values = formValues(req.body);
    try {
      await addWord(db, actor, values, { ip: clientIp(req) });
      return reply.redirect('/admin/catalogue/words?done=added', 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      reply.code(422);
      return sendPage(reply, <WordsPage user={actor} csrfToken={req.csrfToken} words={await listWordRows(db, actor)} values={values} errors={{ ...e.fields }} notice={null} />);
    }
  });

  app.post('/admin/catalogue/words/:id/remove', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    if (!(await mayKeepWords(db.kysely, actor))) throw new NotFoundError('找不到页面');
    await removeWord(db, actor, parseId((req.params as Record<string, unknown>).id, '词语'), { ip: clientIp(req) });
    return reply.redirect('/admin/catalogue/words?done=removed', 303);
  });

  // ---------------------------------------------------------------------------------------------
  // An agency's catalogue settings

  app.get('/admin/agencies/:id/catalogue', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const settings = await getCatalogueSettings(db, actor, parseId((req.params as Record<string, unknown>).id, '机关'));
    const values = settingsValues(settings);
    const saved = (req.query as Record<string, unknown>).saved === '1';
    // The 索引号 the settings in force give (and what would not work with them); a code stored by
    // other means that the form would refuse shows as the form's error.
    let preview: { example: string; warnings: string[] } | null = null;
    let errors: Record<string, string> = {};
    try {
      const checked = checkSettings(settingsInput(values).input, settings.agency, year());
      preview = { example: checked.example, warnings: checked.warnings };
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors = { ...e.fields };
    }
    return sendPage(reply, <CatalogueSettingsPage user={actor} csrfToken={req.csrfToken} settings={settings} values={values} errors={errors} saved={saved} preview={preview} />);
  });

  app.post('/admin/agencies/:id/catalogue', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = parseId((req.params as Record<string, unknown>).id, '机关');
    const settings = await getCatalogueSettings(db, actor, id);
    const values = formValues(req.body);
    const { input, fieldOf } = settingsInput(values);
    try {
      if (values.preview === '1') {
        const checked = checkSettings(input, settings.agency, year());
        return sendPage(
          reply,
          <CatalogueSettingsPage user={actor} csrfToken={req.csrfToken} settings={settings} values={values} errors={{}} saved={false} preview={{ example: checked.example, warnings: checked.warnings }} />,
        );
      }
      await saveCatalogueSettings(db, actor, id, input, { year: year(), ip: clientIp(req) });
      return reply.redirect(`/admin/agencies/${id}/catalogue?saved=1`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      reply.code(422);
      const errors: Record<string, string> = {};
      for (const [k, m] of Object.entries(e.fields)) errors[fieldOf(k)] ??= m;
      return sendPage(reply, <CatalogueSettingsPage user={actor} csrfToken={req.csrfToken} settings={settings} values={values} errors={errors} saved={false} preview={null} />);
    }
  });
}
