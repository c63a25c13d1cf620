/** One entry of the `details` array of the error body: which field, which rule, what is wrong. */
export interface ErrorDetail {
  field?: string;
  code: string;
  message: string;
  [extra: string]: unknown;
}

/** The one error body Berth answers with, for every 4xx and 5xx. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details: ErrorDetail[];
  requestId?: string;
}

/**
 * Services throw these; the global filter maps them to HTTP. They carry no Nest or HTTP types so that
 * libraries and services stay transport-agnostic; `status` is the HTTP status they stand for.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Response headers that belong to the error (e.g. `Retry-After` on a 409 or 503). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadInputError extends DomainError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(400, message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, name: string) {
    super(404, `${what} '${name}' not found`, [{ code: 'not-found', message: `${what} '${name}' not found` }]);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this', details: ErrorDetail[] = []) {
    super(403, message, details);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: ErrorDetail[] = [], headers: Record<string, string> = {}) {
    super(409, message, details, headers);
  }
}

export class PreconditionFailedError extends DomainError {
  constructor(message = 'The resource was changed since you read it (If-Match does not match its ETag)') {
    super(412, message, [{ field: 'If-Match', code: 'stale-version', message }]);
  }
}

export class UnprocessableError extends DomainError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(422, message, details);
  }
}
