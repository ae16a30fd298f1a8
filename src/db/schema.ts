/**
 * Table types of the database (Kysely). Tables are snake_case plurals; dates are ISO text
 * (YYYY-MM-DD), timestamps ISO text in UTC (YYYY-MM-DDTHH:MM:SS.sssZ), JSON as text.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A column the database fills on insert (identity) and never changes. */
type Id = Generated<number>;

export type AgencyKind = 'government' | 'department' | 'town' | 'street' | 'village' | 'community';

export interface AgenciesTable {
  id: Id;
  parent_id: number | null;
  name: string;
  short_name: string | null;
  kind: AgencyKind;
  /** 机构代码 (unified social credit code or the local code), used in 索引号. */
  code: string | null;
  /** 信息公开工作机构: the guide's contact data (条例第12条, 第24条). */
  office_name: string | null;
  office_address: string | null;
  office_hours: string | null;
  office_phone: string | null;
  office_fax: string | null;
  office_email: string | null;
  postcode: string | null;
  /** 文号前缀 (机关代字) of its letters, e.g. 永政公开; null: the short name (or name) + 公开. */
  doc_prefix: ColumnType<string | null, string | null | undefined, string | null>;
  /** 行政复议机关 named in its replies; null: the parent agency (else 上一级人民政府). */
  review_body: ColumnType<string | null, string | null | undefined, string | null>;
  /** 人民法院 named in its replies; null: 有管辖权的人民法院. */
  court: ColumnType<string | null, string | null | undefined, string | null>;
  /** The catalogue's review chain (JSON ReviewLevel[]); null: the default for its kind (src/catalogue/review-chain.ts). */
  review_chain: ColumnType<string | null, string | null | undefined, string | null>;
  /** The 索引号 pattern; null: {code}-{category}-{year}-{serial} (src/catalogue/index-number.ts). */
  index_pattern: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
}

export type Role = 'clerk' | 'reviewer' | 'head' | 'admin' | 'supervisor';

export interface UsersTable {
  id: Id;
  username: string;
  display_name: string;
  password_hash: string;
  password_changed_at: string;
  disabled: ColumnType<number, number | undefined, number>;
  created_at: string;
  /** Where reminders are sent (migration 2026112815); null: no e-mail. */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1: the back office is closed until the password changes (created/reset by an administrator, expired; 2026112818). */
  must_change_password: ColumnType<number, number | undefined, number>;
}

export interface UserRolesTable {
  user_id: number;
  agency_id: number;
  role: Role;
}

export interface SessionsTable {
  /** SHA-256 of the session token (the cookie holds the token itself). */
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
}

export interface LoginAttemptsTable {
  id: Id;
  username: string;
  ip: string;
  at: string;
  success: number;
}

/** 三员分立 (migration 2026112818): 系统管理员, 安全保密管理员, 安全审计员; at most one per account. */
export type PlatformRole = 'sysadmin' | 'secadmin' | 'auditor';

export interface PlatformRolesTable {
  user_id: number;
  role: PlatformRole;
  /** null: the CLI or the migration; never the account itself (CHECK). */
  granted_by: number | null;
  granted_at: string;
}

/** Earlier password hashes of an account (no reuse of the last N). */
export interface PasswordHistoryTable {
  id: Id;
  user_id: number;
  password_hash: string;
  changed_at: string;
}

/** Consecutive login failures per user name (whether or not the name exists) and the lock's end. */
export interface AccountLockoutsTable {
  username: string;
  failures: number;
  locked_until: string | null;
  updated_at: string;
}

/** The security officer's policy values (JSON SecurityPolicy), append-only: the latest row applies. */
export interface SecuritySettingsTable {
  id: Id;
  at: string;
  user_id: number | null;
  settings: string;
}

/** One row per purge of the audit log (append-only): rows older than `cutoff` may then be deleted. */
export interface AuditRetentionTable {
  id: Id;
  at: string;
  cutoff: string;
  user_id: number | null;
  row_count: number;
  /** The archive file's name, and its SHA-256 (hex); null when nothing was old enough. */
  archive: string | null;
  archive_sha256: string | null;
}

export interface AuditLogTable {
  id: Id;
  at: string;
  user_id: number | null;
  agency_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  /** JSON text; never personal data of applicants beyond ids. */
  details: string | null;
  ip: string | null;
}

// ---------------------------------------------------------------------------------------------
// Applications (依申请公开): src/applications. The string unions are the stored values; their
// labels, the state machine and the rules live in src/applications/application.ts.

/** Where the application stands (the state machine: src/applications/application.ts). */
export type ApplicationState =
  | 'submitted'
  | 'registered'
  | 'correction_requested'
  | 'in_process'
  | 'consulting'
  | 'fee_notified'
  | 'reopened'
  | 'replied'
  | 'correction_lapsed'
  | 'fee_lapsed'
  | 'withdrawn';

/** How the application reached the agency (条例第31条); e-mail counts as 互联网渠道. */
export type ApplicationChannel = 'online' | 'in_person' | 'post_signed' | 'post_ordinary' | 'fax' | 'email';

/** The applicant columns of the annual report (DOMAIN §3, src/reports/format.ts). */
export type ApplicantType = 'natural_person' | 'commercial' | 'research' | 'public_interest' | 'legal_services' | 'other';

export type IdType = 'resident_id' | 'passport' | 'hk_macao_permit' | 'taiwan_permit' | 'foreign_permanent_resident' | 'uscc' | 'other';

/** 指定提供政府信息的形式 (条例第29条第二款第（三）项). */
export type ProvisionForm = 'paper' | 'electronic';

/** 获取信息的方式. */
export type Delivery = 'post' | 'email' | 'pickup' | 'online';

/** computeClocks' status (src/applications/clock.ts) at the last change. */
export type StoredClockStatus = 'paused' | 'on_time' | 'due_soon' | 'overdue' | 'replied_on_time' | 'replied_late' | 'closed';

export interface ApplicationsTable {
  id: Id;
  agency_id: number;
  /** `<agency id>-<year>-<6-digit serial per agency and year>`, e.g. 7-2026-000123. */
  tracking_number: string;
  /** SHA-256 (hex) of `<tracking number>:<查询码>`; the 查询码 itself is shown once and never stored. */
  tracking_secret_hash: string;
  channel: ApplicationChannel;
  applicant_type: ApplicantType;
  /** 姓名 or 名称. Personal data from here to `purpose`: staff views only. */
  applicant_name: string;
  id_type: IdType;
  id_number: string;
  /** 联系人 (organisations). */
  contact_person: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  contact_address: string | null;
  postcode: string | null;
  /** 所需信息的名称、文号或者便于查询的其他特征性描述 (条例第29条). */
  description: string;
  purpose: string | null;
  provision_form: ProvisionForm;
  delivery: Delivery;
  /** The day submitted / signed for / the letter or fax arrived / sent online (条例第31条). */
  submitted_on: string;
  /** The day the office and the applicant confirmed (post_ordinary, online, email, fax). */
  confirmed_on: string | null;
  /** 收到申请之日 by the rules of 条例第31条; null until an online application is confirmed. */
  received_on: string | null;
  state: ApplicationState;
  /** Reply due date (条例第33条); null while unknown (clock stopped, awaiting correction, closed early). */
  reply_due_on: string | null;
  /** Last day for the single correction notice (条例第30条: receipt + 7 working days). */
  correction_due_on: string | null;
  /**
   * The date the work queue sorts by, set for every open case and null once closed: the reply due
   * date while the clock runs, else the end of the current wait (correction deadline, opinion or
   * payment deadline); the submission day for an unconfirmed online application.
   */
  next_due_on: string | null;
  clock_status: StoredClockStatus | null;
  /** 1 when a stored date was computed beyond the holiday data (推算). */
  clock_provisional: ColumnType<number, number | undefined, number>;
  extension_days: number | null;
  /** Annual-report row id (src/reports/format.ts), null until closed. */
  outcome_row: string | null;
  outcome_basis: string | null;
  /** The report format ('2019' | '2021') the outcome row belongs to. */
  outcome_format: string | null;
  closed_on: string | null;
  /** Optimistic concurrency: every change checks and bumps it. */
  version: ColumnType<number, number | undefined, number>;
  created_at: string;
  updated_at: string;
  /** The staff member who registered it; null for online submissions. */
  created_by: number | null;
}

export interface ApplicationEventsTable {
  id: Id;
  application_id: number;
  type: string;
  /** The legal date of the event (ISO date). */
  date: string;
  /** When it was recorded (ISO timestamp). */
  at: string;
  user_id: number | null;
  /** JSON text, by event type (src/applications/application.ts EventData). */
  data: string | null;
  /** Internal note: staff only. */
  note: string | null;
}

/** Serial numbers of tracking numbers, per agency and year. */
export interface ApplicationSerialsTable {
  agency_id: number;
  year: number;
  last_serial: number;
}

/** Serial numbers of letters' document numbers (文号), per agency and year. */
export interface LetterNumbersTable {
  agency_id: number;
  year: number;
  last_serial: number;
}

/** A letter's document number, fixed the first time the letter is issued (downloaded). */
export interface IssuedLettersTable {
  id: Id;
  application_id: number;
  /** LetterKind (src/letters/kinds.ts). */
  kind: string;
  /** The reply ground of a reply letter; '' for the other kinds. */
  ground: string;
  /**
   * The event of the case's log the letter belongs to (application_events.id): a case replied
   * again after a reopening has a new reply letter with a new number. 0: unknown (letters issued
   * before events were recorded here, with no matching event).
   */
  event_id: ColumnType<number, number | undefined, number>;
  agency_id: number;
  doc_number: string;
  serial: number;
  year: number;
  issued_at: string;
  /** The staff member who first downloaded it; null when the applicant did (tracking page). */
  issued_by: number | null;
}

/**
 * An application submitted through the public form: its one-time form token (a replayed form
 * creates nothing) and the short-lived receipt of the result page (src/applications/online-submissions.ts).
 */
export interface OnlineSubmissionsTable {
  /** SHA-256 (hex) of the form's one-time token. */
  form_token_hash: string;
  application_id: number;
  created_at: string;
  /** SHA-256 (hex) of the receipt key the applicant's browser holds; null once used up. */
  receipt_id: string | null;
  /** The 查询码 encrypted under a key derived from the receipt key; null once shown or expired. */
  receipt_box: string | null;
  receipt_expires_at: string | null;
}

export type ReviewKind = 'reconsideration' | 'litigation_direct' | 'litigation_after';
export type ReviewResult = 'upheld' | 'corrected' | 'other';

/** 行政复议 / 行政诉讼 about an application (report section 四). */
export interface ReviewCasesTable {
  id: Id;
  application_id: number;
  kind: ReviewKind;
  filed_on: string;
  /** 复议机关 or 人民法院. */
  body: string | null;
  case_number: string | null;
  /** null: 尚未审结. */
  result: ReviewResult | null;
  decided_on: string | null;
  note: string | null;
  created_at: string;
  updated_at: string;
  created_by: number | null;
}

export interface RateLimitHitsTable {
  id: Id;
  bucket: string;
  key: string;
  at: string;
}

export type AttachmentKind = 'provided' | 'incoming' | 'other';

export interface AttachmentsTable {
  id: Id;
  application_id: number;
  kind: AttachmentKind;
  /** The name shown and used for download (sanitized; extension from the sniffed type). */
  filename: string;
  media_type: string;
  size: number;
  sha256: string;
  /** 1: the applicant may download it through the tracking page (information provided). */
  for_applicant: number;
  created_at: string;
  created_by: number | null;
}

// ---------------------------------------------------------------------------------------------
// The catalogue (主动公开; migration 2026112809_catalogue)

export type CatalogueVersionState = 'draft' | 'in_review' | 'returned' | 'published' | 'superseded' | 'discarded';

export interface CatalogueItemsTable {
  id: Id;
  agency_id: number;
  /** 索引号: allocated at first publication unless entered by hand; unique. */
  index_number: string | null;
  /** The version the public sees; null: never published. */
  published_version_id: number | null;
  first_published_on: string | null;
  /** Taken off the public site (the versions stay). */
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
  created_at: string;
  created_by: number | null;
  updated_at: string;
  /** Optimistic concurrency, as applications.version. */
  version: Generated<number>;
}

export interface CatalogueVersionsTable {
  id: Id;
  item_id: number;
  /** 1, 2, … per item. */
  number: number;
  state: CatalogueVersionState;
  /** 名称 */
  title: string;
  /** 内容概述 */
  summary: string;
  /** 发布机构 */
  publisher: string;
  /** 文号 */
  doc_number: string | null;
  /** 成文日期 */
  written_on: string | null;
  /** 条例 category id (src/catalogue/categories.ts). */
  category: string;
  /** 主题分类 */
  subject: string;
  /** 公开属性: active | on_request | withheld. */
  disclosure: string;
  /** 有效性: valid | expired | repealed, since validity_on, repealed by repealed_by. */
  validity: string;
  validity_on: string | null;
  repealed_by: string | null;
  body: string;
  /** What changed (versions after the first). */
  change_note: string | null;
  /** The day the information was formed or changed: the 20-working-day clock starts (条例第26条). */
  formed_on: string;
  due_on: string;
  due_provisional: Generated<number>;
  /** The review chain fixed at submission (JSON ReviewLevel[]). */
  chain: string | null;
  /** The level awaiting review (1-based) while in review; 0 otherwise. */
  review_level: Generated<number>;
  /** Submissions so far (a returned version is submitted again in a new round). */
  review_round: Generated<number>;
  /** Who decides the level awaiting review: this role in this agency (null when not in review). */
  review_agency_id: number | null;
  review_role: 'reviewer' | 'head' | null;
  author_id: number;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  published_on: string | null;
  published_at: string | null;
  /** 1: published after due_on. */
  published_late: Generated<number>;
}

export interface CatalogueReviewsTable {
  id: Id;
  version_id: number;
  /** The version's review_round this step belongs to. */
  round: number;
  level: number;
  level_label: string;
  reviewer_id: number;
  at: string;
  /** approved | returned */
  conclusion: string;
  /** 审查依据 */
  basis: string;
  comment: string | null;
}

export interface CatalogueFilesTable {
  id: Id;
  version_id: number;
  filename: string;
  media_type: string;
  size: number;
  sha256: string;
  /** Text extracted for search (null: none could be). */
  text: string | null;
  created_at: string;
  created_by: number | null;
}

export interface CatalogueSerialsTable {
  agency_id: number;
  year: number;
  category: string;
  last_serial: number;
}

export interface SensitiveWordsTable {
  id: Id;
  word: string;
  /** sensitive: blocks submission; typo: a common mistake, to be confirmed (suggestion: the right form). */
  kind: 'sensitive' | 'typo';
  suggestion: string | null;
  created_at: string;
  created_by: number | null;
}

// ---------------------------------------------------------------------------------------------
// The public column (政府信息公开专栏; migration 2026112811_feedback, src/portal)

export type FeedbackKind = 'rating' | 'complaint';

/** 社会评议: a rating of a catalogue item or a complaint about a column, and the staff's reply. */
export interface FeedbackTable {
  id: Id;
  kind: FeedbackKind;
  /** The agency that answers: the item's agency (rating) or the column's (complaint). */
  agency_id: number;
  /** The item rated (ratings only) and the number of the version the visitor saw. */
  item_id: number | null;
  item_version: number | null;
  /** Ratings: 1 有用, 0 没用. */
  useful: number | null;
  /** The comment or the complaint ('' for a rating without comment). */
  body: string;
  /** A complainant's name and phone, optional: staff only, never on a public page. */
  contact_name: string | null;
  contact_phone: string | null;
  created_at: string;
  state: ColumnType<'new' | 'replied', 'new' | 'replied' | undefined, 'new' | 'replied'>;
  reply: string | null;
  replied_by: number | null;
  replied_at: string | null;
}

/** The published items an agency lists under 政府信息公开制度 in its column. */
export interface DisclosureRuleItemsTable {
  agency_id: number;
  item_id: number;
  added_at: string;
  added_by: number | null;
}

/** Change counters bumped by triggers (migration 2026112807; src/db/versions.ts). */
export interface DataVersionsTable {
  scope: 'agencies' | 'accounts' | 'applications';
  /** 0 for the global scopes; the agency id for 'applications'. */
  key: number;
  version: number;
}

/** A document of the search index (src/search/index.ts). */
export interface SearchDocumentsTable {
  /** Internal id: sort_key × 2^20 + sequence; the order of results (newest first). */
  id: number;
  scope: string;
  doc_id: number;
  sort_key: number;
  /** PostgreSQL: ids of the tokens it is listed under (varints); SQLite: null. */
  token_ids: Uint8Array | null;
}

/** PostgreSQL only: a document's token sequence (src/search/postings.ts encodeSequence). */
export interface SearchForwardTable {
  /** search_documents.id */
  id: number;
  /** search_documents.doc_id (the caller's id) */
  doc_id: number;
  /** Bytes per token id: 2, 3 or 4. */
  width: number;
  seq: Uint8Array;
}

/** The next sequence number of a sort key in the search index (ids are never reused). */
export interface SearchSequencesTable {
  sort_key: number;
  next_seq: number;
}

/** The search index's token dictionary (PostgreSQL: every token; SQLite: the bigrams). */
export interface SearchTokensTable {
  id: Generated<number>;
  token: string;
}

/** PostgreSQL only: a block of a posting list (src/search/postings.ts). */
export interface SearchPostingsTable {
  scope_id: number;
  token_id: number;
  lo: number;
  hi: number;
  n: number;
  data: Uint8Array;
}

/** Where a version of an annual report stands. */
export type AnnualReportVersionState = 'draft' | 'in_review' | 'returned' | 'published' | 'superseded';

/** An agency's annual report for one year (政府信息公开工作年度报告). */
export interface AnnualReportsTable {
  id: Id;
  agency_id: number;
  year: number;
  /** '2019' | '2021' (the format the year requires). */
  format: string;
  published_version_id: number | null;
  /** Optimistic lock, bumped by every change. */
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** One version of an annual report: content, review state, publication. */
export interface AnnualReportVersionsTable {
  id: Id;
  report_id: number;
  /** 1, 2, … per report. */
  number: number;
  state: AnnualReportVersionState;
  /** The report JSON (DOMAIN.md §4.4). */
  content: string;
  /** Where each generated figure came from (JSON), as generation gave it. */
  sources: string | null;
  /** When the tables were last computed from the records. */
  generated_at: string;
  /** What changed (versions after the first; shown publicly, rule D2). */
  change_note: string | null;
  /** The findings at submission (JSON Finding[]). */
  findings: string | null;
  /** Why it may be published despite error-level findings (written by the submitter). */
  override_reason: string | null;
  /** The review chain fixed at submission (JSON ReviewLevel[]). */
  chain: string | null;
  review_level: Generated<number>;
  review_round: Generated<number>;
  review_agency_id: number | null;
  review_role: 'reviewer' | 'head' | null;
  author_id: number;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  published_on: string | null;
  published_at: string | null;
  /** 1: published after the deadline (rule D1). */
  published_late: Generated<number>;
}

/** A review step on an annual report version (append-only). */
export interface AnnualReportReviewsTable {
  id: Id;
  version_id: number;
  round: number;
  level: number;
  level_label: string;
  reviewer_id: number;
  at: string;
  conclusion: 'approved' | 'returned';
  basis: string;
  comment: string | null;
}

// ---------------------------------------------------------------------------------------------
// Annual reports uploaded as files (migration 2026112816_report_uploads, src/reports/uploads)

export type ReportUploadState = 'submitted' | 'accepted' | 'returned' | 'superseded';

/** An uploaded report file, imported and checked, awaiting or past the supervisor's decision. */
export interface ReportUploadsTable {
  id: Id;
  agency_id: number;
  year: number;
  state: ReportUploadState;
  /** The file name as uploaded (made safe). */
  file_name: string;
  /** What the importer read it as: docx, html, pdf, text, json. */
  file_type: string;
  media_type: string;
  size: number;
  /** The file in the file store. */
  sha256: string;
  /** The report JSON the importer read (DOMAIN.md §4.4). */
  content: string;
  /** The checks' findings (JSON Finding[]). */
  findings: string;
  /** What the importer could not read (JSON string[]). */
  notes: string;
  errors: number;
  warnings: number;
  uploaded_by: number;
  uploaded_at: string;
  decided_by: number | null;
  decided_at: string | null;
  /** The return note, or the reason for accepting despite errors. */
  decision_note: string | null;
  version: Generated<number>;
}

export interface Database {
  agencies: AgenciesTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
  platform_roles: PlatformRolesTable;
  password_history: PasswordHistoryTable;
  account_lockouts: AccountLockoutsTable;
  security_settings: SecuritySettingsTable;
  audit_retention: AuditRetentionTable;
  rate_limit_hits: RateLimitHitsTable;
  attachments: AttachmentsTable;
  applications: ApplicationsTable;
  application_events: ApplicationEventsTable;
  application_serials: ApplicationSerialsTable;
  letter_numbers: LetterNumbersTable;
  issued_letters: IssuedLettersTable;
  online_submissions: OnlineSubmissionsTable;
  review_cases: ReviewCasesTable;
  data_versions: DataVersionsTable;
  catalogue_items: CatalogueItemsTable;
  catalogue_versions: CatalogueVersionsTable;
  catalogue_reviews: CatalogueReviewsTable;
  catalogue_files: CatalogueFilesTable;
  catalogue_serials: CatalogueSerialsTable;
  sensitive_words: SensitiveWordsTable;
  feedback: FeedbackTable;
  disclosure_rule_items: DisclosureRuleItemsTable;
  search_documents: SearchDocumentsTable;
  search_sequences: SearchSequencesTable;
  search_tokens: SearchTokensTable;
  search_postings: SearchPostingsTable;
  search_forward: SearchForwardTable;
  report_entries: ReportEntriesTable;
  report_entry_history: ReportEntryHistoryTable;
  annual_reports: AnnualReportsTable;
  annual_report_versions: AnnualReportVersionsTable;
  annual_report_reviews: AnnualReportReviewsTable;
  reminder_runs: ReminderRunsTable;
  reminder_messages: ReminderMessagesTable;
  report_uploads: ReportUploadsTable;
  job_runs: JobRunsTable;
}

export type Agency = Selectable<AgenciesTable>;
export type NewAgency = Insertable<AgenciesTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type ApplicationRow = Selectable<ApplicationsTable>;
export type NewApplication = Insertable<ApplicationsTable>;
export type ApplicationUpdate = Updateable<ApplicationsTable>;
export type ApplicationEventRow = Selectable<ApplicationEventsTable>;
export type ReviewCaseRow = Selectable<ReviewCasesTable>;
export type IssuedLetterRow = Selectable<IssuedLettersTable>;

// ---------------------------------------------------------------------------------------------
// The annual report's entered figures (migration 2026112813_report_entries, src/reports/generate)

/**
 * A figure an office enters for its annual report where the system keeps no records (section 二
 * outside the catalogue), one per agency, report year and cell.
 */
export interface ReportEntriesTable {
  id: Id;
  agency_id: number;
  year: number;
  /** `<row id>.<column id>` of DOMAIN.md §4, e.g. licensing.decisions, fees.amount_wan_yuan. */
  cell: string;
  /** Canonical decimal text: 12, -3, 0.15. */
  value: string;
  /** 2019 采购总金额 only: 元 | 万元 | null (written without a unit). */
  unit: string | null;
  /** Where the figure comes from (来源说明), required. */
  note: string;
  entered_by: number;
  entered_at: string;
}

/** Every setting and clearing of an entered figure (append-only). */
export interface ReportEntryHistoryTable {
  id: Id;
  agency_id: number;
  year: number;
  cell: string;
  action: 'set' | 'cleared';
  /** null when cleared. */
  value: string | null;
  unit: string | null;
  note: string | null;
  entered_by: number;
  entered_at: string;
}

// ---------------------------------------------------------------------------------------------
// E-mail reminders of the supervision dashboard (migration 2026112815_supervision, src/supervision)

export type ReminderRunStatus = 'running' | 'done' | 'partial' | 'failed';

/** A reminder run, claimed by inserting its unique key before anything is sent. */
export interface ReminderRunsTable {
  id: Id;
  /** `daily:<YYYY-MM-DD>`: one run per day, whichever process claims it first. */
  run_key: string;
  /** The day (China) the run is for. */
  run_on: string;
  /** 'schedule' (the server's daily run) | 'cli' (`gongkai reminders send`). */
  trigger: string;
  /** Which process ran it (host and process id). */
  node: string;
  started_at: string;
  finished_at: string | null;
  status: ReminderRunStatus;
  recipients: ColumnType<number, number | undefined, number>;
  sent: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  /** Why the run failed as a whole (e.g. the database); a message's failure is on the message. */
  error: string | null;
}

/** One e-mail of a run (append-only). */
export interface ReminderMessagesTable {
  id: Id;
  run_id: number;
  user_id: number;
  address: string;
  /** 'staff': an agency's problems to its staff; 'digest': a supervisor's subtree. */
  kind: 'staff' | 'digest';
  /** JSON array of the agency ids the message is about. */
  agency_ids: string;
  subject: string;
  status: 'sent' | 'failed';
  error: string | null;
  at: string;
}

// ---------------------------------------------------------------------------------------------
// Scheduled jobs (migration 2026112817_scheduled_jobs, src/jobs)

/** running: claimed, lease live; done/failed: finished; expired: its node stopped renewing the lease and another node took over. */
export type JobRunStatus = 'running' | 'done' | 'failed' | 'expired';

/** One attempt at one slot of a scheduled job; (job, slot, attempt) is unique: the claim across nodes. */
export interface JobRunsTable {
  id: Id;
  job: string;
  /** `YYYY-MM-DD` (daily jobs, China date) or the slot's start `YYYY-MM-DDTHH:MMZ` (every N minutes). */
  slot: string;
  attempt: number;
  /** The node that claimed it: host:pid. */
  node: string;
  started_at: string;
  heartbeat_at: string;
  lease_until: string;
  finished_at: string | null;
  status: JobRunStatus;
  /** A short summary of what the run did (JSON or text). */
  result: string | null;
  error: string | null;
  /** The id of the expired attempt this one took over. */
  retakes: number | null;
}
