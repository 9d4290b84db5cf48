import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../shared/error-codes.js';
import { AppError, problemBody } from '../errors.js';
import { toFieldErrors } from './validation.js';

const codeByStatus: Record<number, ErrorCode> = {
  400: ErrorCode.validationFailed,
  401: ErrorCode.unauthorized,
  403: ErrorCode.forbidden,
  404: ErrorCode.notFound,
  405: ErrorCode.methodNotAllowed,
  413: ErrorCode.payloadTooLarge,
  415: ErrorCode.unsupportedMediaType,
  429: ErrorCode.tooManyRequests,
  503: ErrorCode.serviceUnavailable,
};

/** Fastify's own 4xx errors (bad JSON, wrong content type, ...) in words a client can act on. */
function describeFrameworkError(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type: send application/json.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is empty but Content-Type is application/json: send a JSON object.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON.';
    case 'FST_ERR_BAD_URL':
      return 'The URL is malformed: it has an invalid percent-encoding.';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A path parameter is too long: ids are UUIDs.';
    default:
      if (err instanceof SyntaxError) return 'The request body is not valid JSON.';
      return err.message;
  }
}

/**
 * Fastify's `frameworkErrors` option: a malformed URL or an over-long path parameter is refused by
 * the router before any hook or error handler runs, so it is shaped here; the path is not echoed.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(400)
    .type('application/problem+json')
    .send(problemBody(ErrorCode.validationFailed, 400, describeFrameworkError(error)));
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01',
  '57P03',
  '53300',
  'SQLITE_BUSY',
]);

/**
 * Errors that mean "the database cannot store anything now" (read-only, full, failing disk), not
 * a bug: SQLite's result codes (with their extended forms such as SQLITE_IOERR_WRITE or
 * SQLITE_READONLY_DBMOVED), and PostgreSQL's read_only_sql_transaction (a standby, or
 * default_transaction_read_only), class 53 "insufficient resources" (disk_full, out_of_memory…;
 * too_many_connections aside, it is "unreachable") and io_error. Reads keep working meanwhile.
 */
export function isStorageUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (/^SQLITE_(READONLY|FULL|IOERR|CANTOPEN)/.test(code)) return true;
  return code === '25006' || code === '58030' || (code.startsWith('53') && code !== '53300');
}

/** Errors that mean "the database cannot serve us right now", not a bug: answered 503. */
function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    (e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(e.message ?? '')
  );
}

/** One error handler: everything becomes application/problem+json; 5xx internals are never shown. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      // An answer that says when to come back (a quota, a throttle) says it in Retry-After too.
      if (typeof error.extra.retryAfter === 'number') reply.header('retry-after', String(error.extra.retryAfter));
      return reply
        .code(error.status)
        .type('application/problem+json')
        .send(problemBody(error.code, error.status, error.detail, error.extra));
    }
    if (error.validation) {
      const fieldErrors = toFieldErrors(error.validation as never, error.validationContext ?? 'request');
      const app = AppError.validation(fieldErrors);
      return reply
        .code(400)
        .type('application/problem+json')
        .send(problemBody(app.code, 400, `Invalid ${error.validationContext ?? 'request'}: ${app.detail}`, app.extra));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = codeByStatus[status] ?? ErrorCode.validationFailed;
      return reply
        .code(status)
        .type('application/problem+json')
        .send(problemBody(code, status, describeFrameworkError(error)));
    }
    if (isStorageUnavailable(error)) {
      request.log.error({ err: error }, 'storage unavailable: the database cannot write');
      return reply
        .code(503)
        .header('retry-after', '30')
        .type('application/problem+json')
        .send(
          problemBody(
            ErrorCode.storageUnavailable,
            503,
            'The server cannot store anything right now (its database is read-only or full). Try again later.',
          ),
        );
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', '1')
        .type('application/problem+json')
        .send(problemBody(ErrorCode.serviceUnavailable, 503, 'The database is not reachable right now. Try again.'));
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(500)
      .type('application/problem+json')
      .send(problemBody(ErrorCode.internalError, 500, 'Something went wrong on our side. It has been logged.'));
  });
}
