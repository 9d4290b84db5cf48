import { ErrorCode } from '../shared/error-codes.js';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type of Admit: a stable code, an HTTP status and a human detail. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }

  static validation(errors: FieldError[]): AppError {
    const detail = errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
    return new AppError(ErrorCode.validationFailed, 400, detail, { errors });
  }

  static unauthorized(detail = 'A valid session is required.'): AppError {
    return new AppError(ErrorCode.unauthorized, 401, detail);
  }

  static notFound(code: ErrorCode = ErrorCode.notFound, detail = 'Not found.'): AppError {
    return new AppError(code, 404, detail);
  }
}

/** The RFC 9457 body for an error. */
export function problemBody(code: string, status: number, detail: string, extra: Record<string, unknown> = {}) {
  return {
    type: `urn:admit:problem:${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}
