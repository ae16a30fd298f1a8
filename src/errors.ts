/**
 * Errors shared by the domain services. Each carries the HTTP status the surfaces answer with and a
 * Chinese message that can be shown as is. (ForbiddenError lives with the policy:
 * src/accounts/policy.ts; ValidationError with the schemas: src/validation.ts.)
 */

/** The record does not exist (or the caller may not know that it does). */
export class NotFoundError extends Error {
  readonly status = 404;
  constructor(message = '未找到该记录') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/**
 * Optimistic concurrency: the record changed since the caller read it (its version is stale).
 * Nothing was written; the caller reloads and tries again.
 */
export class ConflictError extends Error {
  readonly status = 409;
  constructor(message = '该申请已被他人修改，请刷新后重试') {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The operation is not allowed in the record's current state (message names the state). */
export class StateError extends Error {
  readonly status = 409;
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}
