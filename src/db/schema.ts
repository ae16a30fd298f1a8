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

export interface Database {
  agencies: AgenciesTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
}

export type Agency = Selectable<AgenciesTable>;
export type NewAgency = Insertable<AgenciesTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
