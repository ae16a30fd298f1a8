/**
 * The JSON API under /api/v1. Each endpoint is declared once with its zod schemas: the same
 * schemas validate the request, shape the OpenAPI document served at /api/v1/openapi.json, and
 * (through the services) are the ones the HTML forms use. Staff endpoints authenticate with the
 * session cookie; state-changing requests carry the session's CSRF token in `x-csrf-token` (the
 * app's CSRF hook checks it for every non-GET request).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../accounts/policy.js';
import { parseInput } from '../validation.js';
import { HttpError } from './errors.js';

export const API_PREFIX = '/api/v1';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Endpoint<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  method: Method;
  /** Path below /api/v1, Fastify style (`/applications/:id`). */
  path: string;
  summary: string;
  tag: string;
  auth: 'public' | 'staff';
  params?: z.ZodType;
  query?: Q;
  body?: B;
  /** The JSON answer (200); for a file endpoint, the JSON of its errors only. */
  response: z.ZodType;
  /**
   * A file endpoint: 200 answers the file itself (binary, as an attachment) with this media type;
   * the handler sends it and returns the reply.
   */
  file?: { mediaType: string; description: string };
  /**
   * A file upload: the body is multipart/form-data with these string fields (before the file)
   * and one file part named `file`; the handler reads it (no JSON body is parsed).
   */
  upload?: { fields: Record<string, string>; description: string };
  /** A larger body than the app's default (long texts), in bytes. */
  bodyLimit?: number;
  handler: (ctx: {
    req: FastifyRequest;
    reply: FastifyReply;
    actor: Actor | null;
    params: Record<string, string>;
    query: Q extends z.ZodType ? z.infer<Q> : undefined;
    body: B extends z.ZodType ? z.infer<B> : undefined;
  }) => Promise<unknown>;
}

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined>;
/** The endpoints of each app instance (tests build several apps in one process). */
const registries = new WeakMap<FastifyInstance, AnyEndpoint[]>();

function registryOf(app: FastifyInstance): AnyEndpoint[] {
  let r = registries.get(app);
  if (!r) registries.set(app, (r = []));
  return r;
}

/** The API's error shape: a Chinese message and, for validation errors, one message per field. */
export const ApiError = z.object({ error: z.string(), fields: z.record(z.string(), z.string()).optional() });

export function defineEndpoint<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  app: FastifyInstance,
  ep: Endpoint<B, Q>,
): void {
  registryOf(app).push(ep as never);
  app.route({
    method: ep.method,
    url: API_PREFIX + ep.path,
    ...(ep.bodyLimit ? { bodyLimit: ep.bodyLimit } : {}),
    handler: async (req, reply) => {
      if (ep.auth === 'staff' && !req.actor) throw new HttpError(401, '请先登录');
      const parse = <S extends z.ZodType | undefined>(schema: S, value: unknown) => (schema ? parseInput(schema, value) : undefined);
      const params = (parse(ep.params, req.params) ?? req.params) as Record<string, string>;
      const query = parse(ep.query, req.query) as never;
      const body = parse(ep.body, req.body ?? {}) as never;
      const result = await ep.handler({ req, reply, actor: req.actor, params, query, body });
      // A file endpoint sent its answer itself.
      if (result === reply) return reply;
      return reply.send(result);
    },
  });
}

/** The OpenAPI 3.1 document of every endpoint declared so far. */
export function openApiDocument(app: FastifyInstance): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  const json = (s: z.ZodType) => {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  };
  for (const ep of registryOf(app)) {
    const path = API_PREFIX + ep.path.replace(/:(\w+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: ep.summary,
      tags: [ep.tag],
      ...(ep.auth === 'staff' ? { security: [{ session: [] }] } : {}),
      parameters: [
        ...[...ep.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
        ...(ep.query ? queryParameters(json(ep.query)) : []),
      ],
      ...(ep.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(ep.body) } } } } : {}),
      ...(ep.upload
        ? {
            requestBody: {
              required: true,
              description: ep.upload.description,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: [...Object.keys(ep.upload.fields), 'file'],
                    properties: {
                      ...Object.fromEntries(Object.entries(ep.upload.fields).map(([k, d]) => [k, { type: 'string', description: d }])),
                      file: { type: 'string', format: 'binary' },
                    },
                  },
                },
              },
            },
          }
        : {}),
      responses: {
        200: ep.file
          ? { description: ep.file.description, content: { [ep.file.mediaType]: { schema: { type: 'string', format: 'binary' } } } }
          : { description: 'OK', content: { 'application/json': { schema: json(ep.response) } } },
        ...(ep.file ? { 404: { description: '未找到（不提示哪一项有误）', content: { 'application/json': { schema: json(ep.response) } } } } : {}),
        422: { description: '提交的数据有误（fields 给出每个字段的问题）', content: { 'application/json': { schema: json(ApiError) } } },
        ...(ep.upload ? { 413: { description: '文件超过大小限制（GONGKAI_MAX_UPLOAD_MB）', content: { 'application/json': { schema: json(ApiError) } } } } : {}),
        ...(ep.auth === 'staff' ? { 401: { description: '未登录' }, 403: { description: '没有权限' } } : {}),
      },
    };
    (paths[path] ??= {})[ep.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gongkai 政府信息公开 API',
      version: '1',
      description:
        '公开接口无需登录，且从不返回申请人的个人信息。工作人员接口使用登录会话（cookie gk_session）；修改数据的请求须在 x-csrf-token 请求头中带上会话的 CSRF 令牌。',
    },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'gk_session' } } },
    paths,
  };
}

function queryParameters(schema: Record<string, unknown>): unknown[] {
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({ name, in: 'query', required: required.has(name), schema: s }));
}

export function registerApiDocs(app: FastifyInstance): void {
  app.get(`${API_PREFIX}/openapi.json`, async () => openApiDocument(app));
}
