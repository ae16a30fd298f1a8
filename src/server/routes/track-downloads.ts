/**
 * The applicant's downloads through the tracking door, shared by the tracking page
 * (applications-public.tsx: POST /track/letter, /track/attachment) and the public JSON API
 * (api-public.ts: POST /api/v1/track/letter, /api/v1/track/attachment), so that both make the
 * same checks and write the same audit:
 *
 * - the tracking number AND the 查询码 are checked again on every download; anything wrong (the
 *   pair, the kind, the letter's place, a letter the case does not have, a file not of this case or
 *   not marked for the applicant) gives null: the caller answers the one generic "not found",
 *   saying nothing about which part was wrong or what exists;
 * - only the letters addressed to the applicant (never the third party's 征求第三方意见书);
 * - a letter keeps the number it was first issued with (allocated now, once, if it has none);
 * - every download that is served is audited (letter.download / attachment.download) with user id
 *   null, the address and `by: 'applicant'`, `via: 'page' | 'api'`; never the 查询码 or anything
 *   personal.
 *
 * The callers rate-limit (LIMITS.track, shared with the lookup) before calling.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findForApplicantLetters, verifyTracking } from '../../applications/application.service.js';
import type { DownloadChannel } from '../../applications/letter-numbers.js';
import { openAttachmentForApplicant, type AttachmentView } from '../../attachments/attachment.service.js';
import { NotFoundError } from '../../errors.js';
import { buildLetterDocx, LetterError } from '../../letters/index.js';
import { clientIp } from '../app.js';
import { HttpError } from '../errors.js';
import {
  attachment,
  auditCaseLetterDownload,
  isApplicantLetterKind,
  issueCaseLetterWithEvent,
  letterAgency,
  letterFileName,
  NoSuchLetterError,
} from '../views/applications/letters.js';
import { serviceDeps } from './public-desk.js';

export interface ApplicantLetterRequest {
  trackingNumber: unknown;
  secret: unknown;
  kind: unknown;
  /** Which letter of the kind (1 = the first); absent: the latest. */
  seq?: unknown;
}

export interface LetterFile {
  docx: Buffer;
  /** The download name (UTF-8) and its ASCII fallback. */
  fileName: string;
  asciiName: string;
}

/** A letter's place from a form field or JSON: undefined when absent, null when malformed. */
function parseSeq(raw: unknown): number | undefined | null {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 1 && raw <= 1000 ? raw : null;
  if (typeof raw === 'string' && /^[1-9]\d{0,2}$/.test(raw)) return Number(raw);
  return null;
}

/** The letter, built, numbered and audited; null when anything is wrong (the generic answer). */
export async function applicantLetter(
  app: FastifyInstance,
  req: FastifyRequest,
  r: ApplicantLetterRequest,
  via: DownloadChannel,
): Promise<LetterFile | null> {
  const { db } = app.deps;
  const kind = typeof r.kind === 'string' ? r.kind : '';
  const seq = parseSeq(r.seq);
  const found = await findForApplicantLetters(db, serviceDeps(app.deps), r.trackingNumber, r.secret);
  // Only the letters addressed to the applicant: never the third party's (征求第三方意见书).
  if (!found || !isApplicantLetterKind(kind) || seq === null) return null;
  const { view, events } = found;
  try {
    const ctx = { view, events, agency: await letterAgency(db, view.agency.id), calendar: app.deps.calendar };
    const ip = clientIp(req);
    // The same number as the staff's copy of this letter: the one it was issued with, or (not
    // issued yet) allocated now, once, exactly as the staff download would.
    const letter = await issueCaseLetterWithEvent(db, ctx, kind, seq === undefined ? {} : { seq }, { userId: null, ip });
    const docx = await buildLetterDocx(letter.input);
    await auditCaseLetterDownload(db, ctx, letter, { userId: null, ip, via });
    return { docx, fileName: letterFileName(view.trackingNumber, letter.input), asciiName: `${view.trackingNumber}-${kind}.docx` };
  } catch (e) {
    if (e instanceof NoSuchLetterError) return null;
    if (e instanceof LetterError) throw new HttpError(422, e.message);
    throw e;
  }
}

export function sendLetter(reply: FastifyReply, f: LetterFile): FastifyReply {
  return reply
    .header('cache-control', 'no-store')
    .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    .header('content-disposition', attachment(f.fileName, f.asciiName))
    .send(f.docx);
}

export interface ApplicantAttachmentRequest {
  trackingNumber: unknown;
  secret: unknown;
  attachmentId: unknown;
}

/** The attachment marked for the applicant, opened and audited; null when anything is wrong. */
export async function applicantAttachment(
  app: FastifyInstance,
  req: FastifyRequest,
  r: ApplicantAttachmentRequest,
  via: DownloadChannel,
): Promise<{ view: AttachmentView; stream: NodeJS.ReadableStream } | null> {
  const { db, files } = app.deps;
  const applicationId = await verifyTracking(db, r.trackingNumber, r.secret);
  const raw = r.attachmentId;
  const attachmentId =
    typeof raw === 'number' && Number.isSafeInteger(raw) && raw <= 2_147_483_647 ? raw : typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (applicationId === null || attachmentId < 1) return null;
  try {
    // Only a file of THIS case marked for the applicant (openAttachmentForApplicant checks both, and audits).
    return await openAttachmentForApplicant(db, files, applicationId, attachmentId, { ip: clientIp(req), via });
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}
