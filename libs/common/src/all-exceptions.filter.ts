import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ForbiddenError as CaslForbiddenError } from '@casl/ability';
import { Prisma } from '@prisma/client';
import { DomainError, ErrorBody, ErrorDetail } from './errors';

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The one error body, for answers written outside Nest too (Fastify's router, Node's parser, 405). */
export function errorBody(status: number, message: string, details: ErrorDetail[], requestId: string | undefined): ErrorBody {
  return { statusCode: status, error: REASON[status] ?? 'Error', message, details, requestId };
}

interface Mapped {
  status: number;
  message: string;
  details: ErrorDetail[];
}

const BUSY = 'The database is busy with concurrent changes; nothing was changed, retry shortly';
const busy = (): Mapped => ({ status: 503, message: BUSY, details: [{ code: 'busy', message: BUSY }] });

/**
 * SQLSTATEs that a race or load can cause in raw SQL: from pg itself (tenant units run on a plain pg
 * connection) or wrapped by Prisma's raw queries (P2010). Anything else is our bug (500).
 */
function fromSqlState(code: unknown): Mapped | undefined {
  switch (code) {
    case '23505': {
      const message = 'A resource with these values already exists';
      return { status: 409, message, details: [{ code: 'already-exists', message }] };
    }
    case '23503': {
      const message = 'The resource is still referenced by other resources';
      return { status: 409, message, details: [{ code: 'in-use', message }] };
    }
    // Lock wait or statement time limit, serialization failure, deadlock: rolled back, a retry will succeed.
    case '55P03':
    case '57014':
    case '40001':
    case '40P01':
      return busy();
    default:
      return undefined;
  }
}

/** pg's pool gave no connection within its wait limit: load, not a bug. */
const isPoolTimeout = (error: unknown) => error instanceof Error && error.message === 'timeout exceeded when trying to connect';

/** Prisma errors that user input can cause; everything else from Prisma is our bug (500). */
function fromPrisma(error: Prisma.PrismaClientKnownRequestError): Mapped | undefined {
  switch (error.code) {
    case 'P2002': {
      const target = (error.meta?.target as string[] | string | undefined) ?? 'name';
      const field = Array.isArray(target) ? target.join(',') : target;
      const message = `A resource with this ${field} already exists`;
      return { status: 409, message, details: [{ field, code: 'already-exists', message }] };
    }
    case 'P2025':
      return { status: 404, message: 'Resource not found', details: [{ code: 'not-found', message: 'Resource not found' }] };
    case 'P2003': {
      const message = 'The resource is still referenced by other resources';
      return { status: 409, message, details: [{ code: 'in-use', message }] };
    }
    case 'P2028':
    case 'P2034':
      // Lock waits or write conflicts under load: nothing was changed, and a retry will succeed.
      return busy();
    case 'P2010':
      return fromSqlState(error.meta?.code);
    default:
      return undefined;
  }
}

/** Fastify's own client errors (bad JSON, body too large, wrong content type) carry a 4xx statusCode. */
function fromFramework(error: unknown): Mapped | undefined {
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof e?.statusCode !== 'number' || e.statusCode < 400 || e.statusCode >= 500) return undefined;
  const code = typeof e.code === 'string' ? e.code : 'client-error';
  const message = String(e.message ?? REASON[e.statusCode] ?? 'Bad request');
  return { status: e.statusCode, message, details: [{ code, message }] };
}

function fromHttpException(error: HttpException): Mapped {
  const status = error.getStatus();
  const response = error.getResponse();
  const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  const message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? error.message);
  const details = Array.isArray(raw) ? raw.map((m) => ({ code: 'invalid', message: String(m) })) : [{ code: codeFor(status), message }];
  return { status, message, details };
}

function codeFor(status: number): string {
  return (REASON[status] ?? 'error').toLowerCase().replace(/\s+/g, '-');
}

/** The single place where errors become HTTP responses: one body shape for every 4xx and 5xx. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<{ id?: string; method?: string; url?: string }>();
    const reply = ctx.getResponse<{ status(code: number): { send(body: unknown): void }; header(k: string, v: string): void }>();
    const mapped = this.map(exception);
    if (mapped.status >= 500) {
      this.logger.error(`${request.method} ${request.url} failed (request ${request.id})`, (exception as Error)?.stack ?? String(exception));
    }
    if (exception instanceof DomainError) for (const [name, value] of Object.entries(exception.headers)) reply.header(name, value);
    reply.status(mapped.status).send(errorBody(mapped.status, mapped.message, mapped.details, request.id));
  }

  private map(exception: unknown): Mapped {
    if (exception instanceof DomainError) {
      return { status: exception.status, message: exception.message, details: exception.details };
    }
    if (exception instanceof CaslForbiddenError) {
      // CASL's message names the action and subject type (or the rule's own `because` reason).
      const message = exception.message || 'You are not allowed to do this';
      return { status: 403, message, details: [{ code: 'forbidden', message, ...(exception.field ? { field: exception.field } : {}) }] };
    }
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (exception instanceof Prisma.PrismaClientKnownRequestError) {
      const mapped = fromPrisma(exception);
      if (mapped) return mapped;
    }
    const database = fromSqlState((exception as { code?: unknown } | undefined)?.code) ?? (isPoolTimeout(exception) ? busy() : undefined);
    if (database) return database;
    const framework = fromFramework(exception);
    if (framework) return framework;
    const message = 'Internal server error; quote the requestId when reporting it';
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, message, details: [{ code: 'internal', message }] };
  }
}
