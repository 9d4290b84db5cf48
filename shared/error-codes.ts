/** Stable, snake_case error codes carried in every problem+json body. Clients switch on these. */
export const ErrorCode = {
  /**
   * 400: params, query, body or headers fail their schema or a domain rule (`errors` names the fields), the URL
   * or JSON body is malformed; also any framework 4xx without a code of its own.
   */
  validationFailed: 'validation_failed',
  /**
   * 400: a redeem route (GET or POST /redeem/:id, POST /api/tickets/:id/redeem) asked by something that is not a
   * scan: a known link previewer, a prefetch or preview (`Purpose`, `Sec-Purpose`, `X-Purpose`), an embedded or
   * no-cors fetch, or a `Range` request. Nothing changes.
   */
  notAScan: 'not_a_scan',
  /**
   * 401: a route that needs a session (`/api/events/**`, GET /api/tickets/:id, /api/auth/me and /logout) has
   * none, a malformed Authorization header, or an expired or revoked one.
   */
  unauthorized: 'unauthorized',
  /** 403: a state-changing request authenticated by cookie comes from another site (Sec-Fetch-Site, Origin). */
  forbidden: 'forbidden',
  /** 404: no route has this method and path, or a CSV export's `batch` is not a batch of that event. */
  notFound: 'not_found',
  /** 404: `/api/events/:eventId` and every route below it, for an unknown event or another user's. */
  eventNotFound: 'event_not_found',
  /**
   * 404: GET /api/tickets/:id for an unknown ticket or one of another user's event; the redeem routes and
   * GET /status/:id for a code no ticket has.
   */
  ticketNotFound: 'ticket_not_found',
  /** 410: the redeem routes and GET /status/:id for a ticket already redeemed (with redeemedAt, duplicateScans). */
  ticketAlreadyRedeemed: 'ticket_already_redeemed',
  /**
   * 410: the redeem routes (GET and POST /redeem/:id, POST /api/tickets/:id/redeem) and GET /status/:id for a
   * ticket the organiser voided: it admits no one (a door scan's outcome is `void`).
   */
  ticketVoid: 'ticket_void',
  /** 409: POST /api/tickets/:id/void for a ticket already redeemed (the guest came in: undo the admission first). */
  ticketRedeemed: 'ticket_redeemed',
  /** 409: POST /api/tickets/:id/unvoid for a ticket that is not void. */
  ticketNotVoid: 'ticket_not_void',
  /** 409: POST /api/auth/register with a username that already exists. */
  usernameTaken: 'username_taken',
  /** 401: POST /api/auth/login with an unknown username or a wrong password. */
  invalidCredentials: 'invalid_credentials',
  /** 403: POST /api/auth/register while REGISTRATION_ENABLED is false. */
  registrationDisabled: 'registration_disabled',
  /** 404: DELETE /api/events/:eventId/door-links/:linkId for a link that is not one of this event's. */
  doorLinkNotFound: 'door_link_not_found',
  /**
   * 401: a door route (/api/door/**) for a device whose door link was revoked or has expired, and
   * POST /api/door/sessions with the secret of such a link.
   */
  doorAccessRevoked: 'door_access_revoked',
  /** 409: POST /api/door/scans with the first characters of an id that several tickets of the event share. */
  ambiguousCode: 'ambiguous_code',
  /** 404: DELETE /api/door/scans/:scanId for a scan this door link did not make. */
  scanNotFound: 'scan_not_found',
  /**
   * 409: DELETE /api/door/scans/:scanId for a scan that is not an admission, was undone already, or is
   * older than the undo window (10 minutes).
   */
  undoNotAllowed: 'undo_not_allowed',
  /** 409: POST /api/tickets/:id/undo-redemption for a ticket that is not redeemed (never was, or undone already). */
  ticketNotRedeemed: 'ticket_not_redeemed',
  /**
   * 409: DELETE /api/events/:eventId of an event with redeemed tickets, without `?force=true`; nothing is
   * deleted (the body carries `redeemedTickets`).
   */
  eventHasRedemptions: 'event_has_redemptions',
  /** 405: mapped from a framework 405, but never returned today: Fastify answers an unrouted method with 404. */
  methodNotAllowed: 'method_not_allowed',
  /**
   * 408: the client did not send its request headers within HEADERS_TIMEOUT_MS, or its whole request within
   * REQUEST_TIMEOUT_MS, on any route; the connection is closed.
   */
  requestTimeout: 'request_timeout',
  /** 413: a request body over the 64 KiB body limit, on any route. */
  payloadTooLarge: 'payload_too_large',
  /** 415: a request body with a Content-Type the server cannot parse (not JSON, not text/plain), on any route. */
  unsupportedMediaType: 'unsupported_media_type',
  /** 429: mapped from a framework 429; the throttles answer with the two codes below instead. */
  tooManyRequests: 'too_many_requests',
  /**
   * 429 with Retry-After: POST /api/auth/login after too many failed logins for this username or from this
   * address (refused without checking the password), and POST /api/auth/register past this address's allowance.
   */
  tooManyAttempts: 'too_many_attempts',
  /**
   * 429 with Retry-After: the public redeem routes, GET /status/:id and HEAD /redeem/:id for an unknown id, once
   * this address has looked up more unknown ids this minute than allowed (a real ticket is never refused).
   */
  tooManyUnknownTickets: 'too_many_unknown_tickets',
  /**
   * 429 with Retry-After: POST /api/events or POST /api/events/:id/tickets would take the account past the
   * tickets it may create per hour (TICKETS_PER_HOUR); nothing is created.
   */
  quotaExceeded: 'quota_exceeded',
  /**
   * 429 with Retry-After: GET /api/events/:eventId/live when this session (organiser or door) already holds
   * LIVE_STREAMS_PER_SESSION open streams on this server process.
   */
  tooManyStreams: 'too_many_streams',
  /** 500: an unexpected error on any route; the detail is generic, the error is logged. */
  internalError: 'internal_error',
  /**
   * 503: the database is unreachable or busy, on any route (with Retry-After: 1), and GET /healthz; also a
   * new connection beyond MAX_CONNECTIONS of the process (Retry-After: 5), answered before any request is read.
   */
  serviceUnavailable: 'service_unavailable',
  /**
   * 503: a write on any route when the database cannot store anything (read-only, full disk, an I/O error),
   * with Retry-After: 30; reads keep working. Also GET /readyz when a write could not happen now.
   */
  storageUnavailable: 'storage_unavailable',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
