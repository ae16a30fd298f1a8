/**
 * Attachment upload (staff, multipart) and download (staff; applicants through the tracking door
 * elsewhere). Every download is audited. Uploads are bounded in size while streaming, checked by content, and stored
 * content-addressed; downloads are always served as attachments with the sniffed type.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { addAttachment, openAttachmentForStaff, type AttachmentView } from '../../attachments/attachment.service.js';
import { HttpError } from '../errors.js';
import { clientIp, requireActor } from '../app.js';

/** Content-Disposition with the UTF-8 file name (RFC 6266 / 5987) and an ASCII fallback. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function sendAttachment(reply: FastifyReply, view: AttachmentView, stream: NodeJS.ReadableStream): FastifyReply {
  return reply
    .header('content-disposition', contentDisposition(view.filename))
    .header('content-length', view.size)
    .header('cache-control', 'private, no-store')
    .type(view.mediaType)
    .send(stream);
}

export async function registerAttachmentRoutes(app: FastifyInstance): Promise<void> {
  const { db, files, maxUploadBytes } = app.deps;
  await app.register(multipart, { limits: { fileSize: maxUploadBytes, files: 1, fields: 10, fieldSize: 1024 } });

  app.post('/admin/applications/:id/attachments', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const applicationId = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(applicationId) || applicationId <= 0) throw new HttpError(404, '未找到该申请');
    if (!req.isMultipart()) throw new HttpError(400, '请通过文件上传表单提交附件');
    let file;
    try {
      file = await req.file();
    } catch (e) {
      throw uploadError(e);
    }
    if (!file) throw new HttpError(400, '请选择要上传的文件');
    let bytes: Buffer;
    try {
      bytes = await file.toBuffer();
    } catch (e) {
      throw uploadError(e);
    }
    const field = (name: string) => {
      const f = file.fields[name] as { value?: unknown } | undefined;
      return typeof f?.value === 'string' ? f.value : undefined;
    };
    const added = await addAttachment(db, files, actor, {
      applicationId,
      filename: file.filename,
      bytes,
      kind: field('kind') ?? 'provided',
      forApplicant: field('forApplicant') === 'on' || field('forApplicant') === '1',
    });
    if ((req.headers.accept ?? '').includes('application/json')) return added;
    return reply.redirect(`/admin/applications/${applicationId}#attachments`, 303);
  });

  app.get('/admin/attachments/:id', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const id = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, '未找到该附件');
    // Audited (attachment.download) by the service.
    const { view, stream } = await openAttachmentForStaff(db, files, actor, id, { ip: clientIp(req), via: 'page' });
    return sendAttachment(reply, view, stream);
  });
}

function uploadError(e: unknown): Error {
  const code = (e as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new HttpError(413, '文件过大，请压缩或拆分后再上传。');
  if (code === 'FST_FILES_LIMIT') return new HttpError(400, '一次只能上传一个文件。');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new HttpError(400, '请通过文件上传表单提交附件');
  return e instanceof Error ? e : new Error(String(e));
}
