/**
 * Field encryption: one database value (a citizen's ID number, phone, e-mail, address …) sealed
 * with AES-256-GCM under the platform's data keys, so that a copy of the database — a stolen
 * disk, a backup, a read-only SQL account, a PostgreSQL replica — does not hold the personal data
 * of applicants and complainants in clear (等保 2.0 "重要个人信息存储保密性", OWASP ASVS 6.1/6.2).
 * What is encrypted, and why the applicant's name is not: columns.ts.
 *
 * A stored value is text, so it fits the existing text columns on SQLite and PostgreSQL alike:
 *
 *     gk1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>
 *
 * - `gk1` names this format (AES-256-GCM, 96-bit IV, 128-bit tag, UTF-8 plaintext); a later
 *   format gets another prefix and both can be read.
 * - The key id says which key sealed it, so keys can be rotated: several keys are configured,
 *   the first one encrypts, every one decrypts (keys.ts; `gongkai keys rotate`).
 * - The IV is 12 random bytes per value (node:crypto's CSPRNG). Random 96-bit IVs stay far from
 *   GCM's collision bound (NIST SP 800-38D: 2^32 values per key) at any volume this platform
 *   sees; rotation resets the count anyway.
 * - Associated data binds the ciphertext to its place: format, key id, table, column and row id.
 *   A value copied into another column or another row (someone with write access to the
 *   database moving an ID number of a case they cannot read into one they can) fails to decrypt
 *   instead of showing the wrong person's data.
 *
 * Decryption never returns garbage: a wrong key, an unknown key id, a tampered or truncated value
 * and a value moved from elsewhere all raise DataDecryptionError, whose message names the table,
 * column, row and key id — never the value. A text without the `gk1:` prefix is a value written
 * before encryption was introduced (plaintext): readers accept it during the transition, and
 * `gongkai keys encrypt-existing` (and every start) encrypts it (existing.ts).
 *
 * Not hidden: whether a field is filled (null stays null) and the plaintext's length (to the
 * byte). The lengths of ID numbers and phone numbers tell their type, which the plaintext id_type
 * column says anyway.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/** The prefix of every value in the current format. */
export const FORMAT_PREFIX = 'gk1:';
/** AES-256: 32 bytes. */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Key ids: short, safe in a value, a file and an environment variable. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const STORED_PATTERN = /^gk1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+)$/;

/** Where a value lives: table, column and the row's id (the associated data). */
export interface FieldPlace {
  table: string;
  column: string;
  rowId: number;
}

/** One configured key. */
export interface DataKeyEntry {
  id: string;
  key: Uint8Array;
}

/** A value that cannot be decrypted (wrong or missing key, tampered, moved). Says where, never what. */
export class DataDecryptionError extends Error {
  constructor(
    readonly place: FieldPlace,
    readonly keyId: string | null,
    reason: string,
  ) {
    super(`无法解密 ${place.table}.${place.column}（id ${place.rowId}）的数据：${reason}`);
    this.name = 'DataDecryptionError';
  }
}

/** Encryption asked for without any key configured. */
export class DataKeysMissingError extends Error {
  constructor(message = '未配置数据加密密钥：无法保存或读取加密的个人信息（见 README「数据加密」）') {
    super(message);
    this.name = 'DataKeysMissingError';
  }
}

/** Whether a stored text is in an encrypted format (otherwise: plaintext written before encryption). */
export function isEncrypted(stored: string): boolean {
  return stored.startsWith(FORMAT_PREFIX);
}

/** The key id of an encrypted value, or null for plaintext or a malformed value. */
export function keyIdOf(stored: string): string | null {
  return STORED_PATTERN.exec(stored)?.[1] ?? null;
}

function aad(keyId: string, p: FieldPlace): Buffer {
  return Buffer.from(`gk1|${keyId}|${p.table}.${p.column}|${p.rowId}`, 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The platform's data keys: the first encrypts, all decrypt. Immutable; built from the
 * configuration (keys.ts) or, in tests, from any entries.
 */
export class DataKeys {
  /** The id of the key that encrypts. */
  readonly currentId: string;
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(entries: readonly DataKeyEntry[]) {
    if (entries.length === 0) throw new DataKeysMissingError();
    const keys = new Map<string, KeyObject>();
    for (const e of entries) {
      if (!KEY_ID_PATTERN.test(e.id)) throw new Error(`密钥编号「${e.id}」只能由字母、数字、- 和 _ 组成，最多 32 个字符`);
      if (e.key.length !== KEY_BYTES) throw new Error(`密钥「${e.id}」长度应为 ${KEY_BYTES} 字节，实际为 ${e.key.length} 字节`);
      if (keys.has(e.id)) throw new Error(`密钥编号「${e.id}」重复`);
      keys.set(e.id, createSecretKey(Buffer.from(e.key)));
    }
    this.keys = keys;
    this.currentId = entries[0]!.id;
  }

  /** The ids of every configured key, the encrypting one first. */
  get ids(): string[] {
    return [...this.keys.keys()];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /** Seals a value for its place under the current key. */
  encrypt(plaintext: string, place: FieldPlace): string {
    const keyId = this.currentId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(keyId, place));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${FORMAT_PREFIX}${keyId}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** Opens a value sealed for this place; DataDecryptionError when it cannot (never garbage). */
  decrypt(stored: string, place: FieldPlace): string {
    const m = STORED_PATTERN.exec(stored);
    if (!m) throw new DataDecryptionError(place, null, '不是有效的加密数据格式');
    const keyId = m[1]!;
    const key = this.keys.get(keyId);
    if (!key) throw new DataDecryptionError(place, keyId, `未配置密钥「${keyId}」（GONGKAI_DATA_KEYS 或密钥文件中须保留以前使用过的全部密钥）`);
    const raw = Buffer.from(m[2]!, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new DataDecryptionError(place, keyId, '数据长度不足，已损坏');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, place));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new DataDecryptionError(place, keyId, `校验失败：密钥「${keyId}」与数据不匹配，或数据被篡改、被从其他字段或记录复制而来`);
    }
    try {
      return utf8.decode(plain);
    } catch {
      throw new DataDecryptionError(place, keyId, '解密结果不是有效的文本');
    }
  }
}

/**
 * A stored value as text for the reader: decrypted when encrypted, as is when it is plaintext
 * from before encryption (the transition), null stays null. Without keys, an encrypted value is
 * an error (DataKeysMissingError), plaintext still reads.
 */
export function openValue(keys: DataKeys | undefined, stored: string | null, place: FieldPlace): string | null {
  if (stored === null || !isEncrypted(stored)) return stored;
  if (!keys) throw new DataKeysMissingError(`未配置数据加密密钥，无法读取 ${place.table}.${place.column}（id ${place.rowId}）的加密数据`);
  return keys.decrypt(stored, place);
}
