import { ErrorCode } from '../../shared/error-codes.js';
import { ApiError } from './http.js';

const messages: Partial<Record<string, string>> = {
  [ErrorCode.invalidCredentials]: 'Wrong username or password.',
  [ErrorCode.usernameTaken]: 'That username is already taken. Choose another one.',
  [ErrorCode.registrationDisabled]: 'Registration is switched off on this server. Ask an administrator for an account.',
  [ErrorCode.unauthorized]: 'Your session expired. Sign in again.',
  [ErrorCode.eventNotFound]: 'No such event. It may have been removed, or it belongs to another account.',
  [ErrorCode.ticketNotFound]: 'No such ticket.',
  [ErrorCode.ticketVoid]: 'This ticket is void: the organiser cancelled it, so it admits no one.',
  [ErrorCode.ticketRedeemed]: 'This ticket is redeemed: undo the admission first, then void it.',
  [ErrorCode.ticketNotVoid]: 'This ticket is not void: there is nothing to unvoid.',
  [ErrorCode.notFound]: 'Not found.',
  [ErrorCode.tooManyRequests]: 'Too many attempts. Wait a moment and try again.',
  [ErrorCode.payloadTooLarge]: 'That request is too large.',
  [ErrorCode.internalError]: 'Something went wrong on the server. Try again in a moment.',
  [ErrorCode.serviceUnavailable]: 'The server is busy or starting up. Try again in a moment.',
  network_error: 'Could not reach the Admit server. Check your connection.',
};

/** Says in words what went wrong, switching on the stable error code, never on message text. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === ErrorCode.validationFailed) {
      const fields = error.problem.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
      return fields ? `Please check the form — ${fields}.` : error.problem.detail;
    }
    return messages[error.code] ?? error.problem.detail ?? error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** True when the error is the API's answer with this code. */
export function hasCode(error: unknown, code: string): boolean {
  return error instanceof ApiError && error.code === code;
}
