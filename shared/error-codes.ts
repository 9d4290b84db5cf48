/** Stable, snake_case error codes carried in every problem+json body. Clients switch on these. */
export const ErrorCode = {
  validationFailed: 'validation_failed',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  eventNotFound: 'event_not_found',
  ticketNotFound: 'ticket_not_found',
  ticketAlreadyRedeemed: 'ticket_already_redeemed',
  usernameTaken: 'username_taken',
  invalidCredentials: 'invalid_credentials',
  registrationDisabled: 'registration_disabled',
  methodNotAllowed: 'method_not_allowed',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  tooManyRequests: 'too_many_requests',
  internalError: 'internal_error',
  serviceUnavailable: 'service_unavailable',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
