/**
 * What staff surfaces show of a catalogue item (the back-office page and the staff JSON API): an
 * explicit field list over getItemForStaff / listForStaff, with the Chinese labels of every code.
 * Never a raw row: the author's and reviewers' user ids, the review agency's id and the stored
 * chain JSON stay inside.
 */
import type { WorkCalendar } from '../calendar/calendar.js';
import { parseIsoDate } from '../calendar/date.js';
import type { CatalogueVersionState } from '../db/schema.js';
import { DISCLOSURE_LABELS, lawCategory, VALIDITY_LABELS } from './categories.js';
import { REVIEW_CONCLUSIONS } from './catalogue.schema.js';
import { OPEN_VERSION_STATES, VERSION_STATE_LABELS, type StaffItemView, type StaffListItem } from './catalogue.service.js';
import type { ReviewLevel } from './review-chain.js';

export const REVIEW_ROLE_LABELS = { reviewer: '审核人', head: '负责人' } as const;
export const REVIEW_AT_LABELS = { self: '本机关', parent: '上级机关' } as const;

const label = <T extends Record<string, string>>(labels: T, id: string): string => (Object.hasOwn(labels, id) ? labels[id as keyof T]! : id);

/** 乡镇（街道）审核（上级机关的审核人） */
export function levelText(l: ReviewLevel): string {
  return `${l.label}（${REVIEW_AT_LABELS[l.at]}的${REVIEW_ROLE_LABELS[l.role]}）`;
}

export interface StaffVersionOut {
  id: number;
  number: number;
  state: CatalogueVersionState;
  stateLabel: string;
  title: string;
  summary: string;
  publisher: string;
  docNumber: string | null;
  writtenOn: string | null;
  category: { id: string; code: string; label: string; basis: string };
  subject: string;
  disclosure: { id: string; label: string };
  validity: { id: string; label: string };
  validityOn: string | null;
  repealedBy: string | null;
  body: string;
  changeNote: string | null;
  formedOn: string;
  dueOn: string;
  dueProvisional: boolean;
  author: string;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  publishedOn: string | null;
  publishedLate: boolean;
  /** The level awaiting a decision (in review only). */
  awaiting: { round: number; level: number; label: string; role: 'reviewer' | 'head'; roleLabel: string; at: 'self' | 'parent'; text: string } | null;
  /** The chain the version was submitted with (the agency's current one before it was submitted). */
  chain: ReviewLevel[];
  reviews: Array<{ round: number; level: number; levelLabel: string; reviewer: string; at: string; conclusion: string; conclusionLabel: string; basis: string; comment: string | null }>;
  files: Array<{ id: number; filename: string; mediaType: string; size: number }>;
}

export interface StaffItemOut {
  id: number;
  /** The item's version: every change sends it back (optimistic concurrency). */
  version: number;
  agency: { id: number; name: string };
  indexNumber: string | null;
  /** The version the public sees, if any. */
  publishedVersionId: number | null;
  firstPublishedOn: string | null;
  withdrawn: { at: string; reason: string | null } | null;
  /** The version being worked on (draft, in review, returned), if any. */
  openVersionId: number | null;
  /** The open version's publication clock (条例第26条: 20 working days from the day formed). */
  clock: { formedOn: string; dueOn: string; provisional: boolean; remainingWorkingDays: number; late: boolean } | null;
  can: StaffItemView['can'];
  /** Newest first. */
  versions: StaffVersionOut[];
}

function presentVersion(v: StaffItemView['versions'][number]): StaffVersionOut {
  const cat = lawCategory(v.category);
  const level = v.state === 'in_review' ? v.chainLevels[v.review_level - 1] : undefined;
  return {
    id: v.id,
    number: v.number,
    state: v.state,
    stateLabel: VERSION_STATE_LABELS[v.state],
    title: v.title,
    summary: v.summary,
    publisher: v.publisher,
    docNumber: v.doc_number,
    writtenOn: v.written_on,
    category: { id: v.category, code: cat?.code ?? '', label: cat?.label ?? v.category, basis: cat?.basis ?? '' },
    subject: v.subject,
    disclosure: { id: v.disclosure, label: label(DISCLOSURE_LABELS, v.disclosure) },
    validity: { id: v.validity, label: label(VALIDITY_LABELS, v.validity) },
    validityOn: v.validity_on,
    repealedBy: v.repealed_by,
    body: v.body,
    changeNote: v.change_note,
    formedOn: v.formed_on,
    dueOn: v.due_on,
    dueProvisional: v.due_provisional === 1,
    author: v.author,
    createdAt: v.created_at,
    updatedAt: v.updated_at,
    submittedAt: v.submitted_at,
    publishedOn: v.published_on,
    publishedLate: v.published_late === 1,
    awaiting: level
      ? { round: v.review_round, level: v.review_level, label: level.label, role: level.role, roleLabel: REVIEW_ROLE_LABELS[level.role], at: level.at, text: levelText(level) }
      : null,
    chain: v.chainLevels,
    reviews: v.reviews.map((r) => ({ ...r, conclusionLabel: label(REVIEW_CONCLUSIONS, r.conclusion) })),
    files: v.files,
  };
}

export function presentStaffItem(view: StaffItemView): StaffItemOut {
  const versions = view.versions.map(presentVersion);
  const open = versions.find((v) => OPEN_VERSION_STATES.includes(v.state));
  const i = view.item;
  return {
    id: i.id,
    version: i.version,
    agency: { id: i.agencyId, name: i.agencyName },
    indexNumber: i.indexNumber,
    publishedVersionId: i.publishedVersionId,
    firstPublishedOn: i.firstPublishedOn,
    withdrawn: i.withdrawnAt ? { at: i.withdrawnAt, reason: i.withdrawnReason } : null,
    openVersionId: open?.id ?? null,
    clock:
      open && view.remainingWorkingDays !== null
        ? { formedOn: open.formedOn, dueOn: open.dueOn, provisional: open.dueProvisional, remainingWorkingDays: view.remainingWorkingDays, late: view.remainingWorkingDays < 0 }
        : null,
    can: view.can,
    versions,
  };
}

/** The version a page shows first: the open one, else the published one, else the newest. */
export function currentVersion(item: StaffItemOut): StaffVersionOut | undefined {
  return item.versions.find((v) => v.id === item.openVersionId) ?? item.versions.find((v) => v.id === item.publishedVersionId) ?? item.versions[0];
}

export interface StaffListItemOut extends StaffListItem {
  stateLabel: string;
  /** Working days left until the 20-working-day limit (negative: past it); null once published. */
  remainingWorkingDays: number | null;
}

export function presentListItem(it: StaffListItem, remaining: number | null): StaffListItemOut {
  return { ...it, stateLabel: VERSION_STATE_LABELS[it.state], remainingWorkingDays: remaining };
}

/** Working days from today to the due date (negative: past it), as the item page counts them. */
export function workingDaysLeft(calendar: WorkCalendar, today: string, dueOn: string): number {
  const t = parseIsoDate(today);
  const due = parseIsoDate(dueOn);
  return due >= t ? calendar.workingDaysBetween(t, due, { beyond: 'weekdays' }) : -calendar.workingDaysBetween(due, t, { beyond: 'weekdays' });
}
