/**
 * File transfer helpers shared by pages and API endpoints: reading one uploaded file from a
 * multipart request (size bounded while streaming by @fastify/multipart, registered in
 * routes/attachments.ts with GONGKAI_MAX_UPLOAD_MB), and sending a stored file as a download.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';
import { contentDisposition } from './routes/attachments.js';

export interface Upload {
  filename: string;
  bytes: Buffer;
  /** The form's other fields that came before the file (string values only). */
  fields: Record<string, string>;
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
}

/** The upload's Chinese refusal for the multipart plugin's errors; other errors pass through. */
export function uploadError(e: unknown, maxBytes: number): Error {
  const code = (e as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new HttpError(413, `文件过大（超过 ${megabytes(maxBytes)} MB），请压缩或拆分后再上传。`);
  if (code === 'FST_FILES_LIMIT') return new HttpError(400, '一次只能上传一个文件。');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return new HttpError(400, '请通过文件上传表单提交附件');
  return e instanceof Error ? e : new Error(String(e));
}

/** Reads the request's one file; 400 without one, 413 over the size limit. */
export async function readUpload(req: FastifyRequest, maxBytes: number): Promise<Upload> {
  if (!req.isMultipart()) throw new HttpError(400, '请通过文件上传表单提交附件');
  let part;
  try {
    part = await req.file();
  } catch (e) {
    throw uploadError(e, maxBytes);
  }
  if (!part || !part.filename) {
    // An empty file input still sends a part without a name: drain it.
    if (part) await part.toBuffer().catch(() => undefined);
    throw new HttpError(400, '请选择要上传的文件');
  }
  let bytes: Buffer;
  try {
    bytes = await part.toBuffer();
  } catch (e) {
    throw uploadError(e, maxBytes);
  }
  const fields: Record<string, string> = {};
  for (const [k, f] of Object.entries(part.fields)) {
    const v = (Array.isArray(f) ? f[0] : f) as { value?: unknown } | undefined;
    if (typeof v?.value === 'string') fields[k] = v.value;
  }
  return { filename: part.filename, bytes, fields };
}

/**
 * Sends a stored file as a download: always an attachment (never rendered by the browser), the
 * UTF-8 name with an ASCII fallback, the type found by content. `cache` 'private' for staff
 * downloads; the public portal may send its published files 'public'.
 */
export function sendFile(
  reply: FastifyReply,
  file: { filename: string; mediaType: string; size: number },
  stream: NodeJS.ReadableStream,
  cache: 'private' | 'public' = 'private',
): FastifyReply {
  return reply
    .header('content-disposition', contentDisposition(file.filename))
    .header('content-length', file.size)
    .header('cache-control', cache === 'private' ? 'private, no-store' : 'public, max-age=300')
    .type(file.mediaType)
    .send(stream);
}
