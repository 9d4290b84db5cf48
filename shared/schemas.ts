import { type Static, type TString, Type } from 'typebox';

/** Limits shared by the API validation and the web forms. */
export const Limits = {
  usernameMin: 3,
  usernameMax: 64,
  passwordMin: 8,
  passwordMax: 1024,
  eventNameMax: 200,
  ticketsMin: 1,
  ticketsMax: 1_000_000,
  pageSizeMax: 100,
  ticketPageMax: 500,
  labelMax: 200,
} as const;

/**
 * One of fixed strings, as `{ type: 'string', enum }`. A union of literals would be an `anyOf`,
 * which fast-json-stringify checks member by member with Ajv on every response it writes (about
 * 1 µs a field on the redeem and door answers); an enum is written as the string it is.
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/**
 * A string schema that also takes null, as `type: ['string', 'null']` (OpenAPI 3.0 shows it as
 * `nullable`): written and validated without the `anyOf` a union with null would be.
 */
export function OrNull(schema: TString, options: Record<string, unknown> = {}) {
  return Type.Unsafe<string | null>({ ...schema, ...options, type: ['string', 'null'] });
}

export const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** A UUID in any letter case; the server answers in lowercase. */
export const Uuid = Type.String({ pattern: uuidPattern, description: 'UUID, any letter case' });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 UTC timestamp' });
export const CalendarDate = Type.String({
  format: 'date',
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'Calendar date YYYY-MM-DD',
});

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable snake_case error code' }),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'Per-field validation errors',
      }),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);
export type Problem = Static<typeof Problem>;

/** The fields of a ticket as everyone sees it (a function: the status union is defined below). */
function ticketProperties() {
  return {
    id: Uuid,
    eventId: Uuid,
    status: StringEnum(['ok', 'redeemed', 'void']),
    createdAt: Timestamp,
    redeemedAt: OrNull(Timestamp),
  };
}

export const AlreadyRedeemedProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Literal(410),
    detail: Type.String(),
    code: Type.Literal('ticket_already_redeemed'),
    redeemedAt: Timestamp,
    duplicateScans: Type.Integer({ description: 'Refused attempts since the first redemption, this one included' }),
  },
  { $id: 'AlreadyRedeemedProblem' },
);
export type AlreadyRedeemedProblem = Static<typeof AlreadyRedeemedProblem>;

export const User = Type.Object({ id: Uuid, username: Type.String(), createdAt: Timestamp }, { $id: 'User' });
export type User = Static<typeof User>;

export const Credentials = Type.Object(
  {
    username: Type.String({ minLength: Limits.usernameMin, maxLength: Limits.usernameMax }),
    password: Type.String({ minLength: Limits.passwordMin, maxLength: Limits.passwordMax }),
  },
  { additionalProperties: false },
);
export type Credentials = Static<typeof Credentials>;

export const SessionResponse = Type.Object({
  token: Type.String({ description: 'Opaque bearer token' }),
  expiresAt: Timestamp,
  user: User,
});
export type SessionResponse = Static<typeof SessionResponse>;

export const MeResponse = Type.Object({ user: User, expiresAt: Timestamp });
export type MeResponse = Static<typeof MeResponse>;

export const Event = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    date: CalendarDate,
    initialTickets: Type.Integer(),
    additionalTickets: Type.Integer(),
    totalTickets: Type.Integer(),
    redeemedTickets: Type.Integer(),
    voidTickets: Type.Integer({ description: 'Tickets voided by the organiser (counted in totalTickets too)' }),
    createdAt: Timestamp,
  },
  { $id: 'Event' },
);
export type Event = Static<typeof Event>;

export const TicketCount = Type.Integer({ minimum: Limits.ticketsMin, maximum: Limits.ticketsMax });

export const CreateEventBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: Limits.eventNameMax }),
    date: CalendarDate,
    initialTickets: TicketCount,
  },
  { additionalProperties: false },
);
export type CreateEventBody = Static<typeof CreateEventBody>;

export const EventSort = StringEnum(['date', '-date', 'name', '-name', 'createdAt', '-createdAt']);
export type EventSort = Static<typeof EventSort>;

export const ListEventsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: Limits.eventNameMax })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: Limits.pageSizeMax, default: 20 })),
    sort: Type.Optional(EventSort),
  },
  { additionalProperties: false },
);
export type ListEventsQuery = Static<typeof ListEventsQuery>;

export const EventList = Type.Object({
  items: Type.Array(Event),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
export type EventList = Static<typeof EventList>;

export const EventStatus = Type.Object({ totalTickets: Type.Integer(), redeemedTickets: Type.Integer() });
export type EventStatus = Static<typeof EventStatus>;

export const AddTicketsBody = Type.Object({ count: TicketCount }, { additionalProperties: false });
export type AddTicketsBody = Static<typeof AddTicketsBody>;

export const Batch = Type.Object({ id: Uuid, count: Type.Integer(), createdAt: Timestamp });
export type Batch = Static<typeof Batch>;

export const AddTicketsResponse = Type.Object({
  batch: Batch,
  downloadUrl: Type.String({ description: 'Path of the CSV of exactly this batch' }),
});
export type AddTicketsResponse = Static<typeof AddTicketsResponse>;

export const TicketStatus = StringEnum(['ok', 'redeemed', 'void']);
export type TicketStatus = Static<typeof TicketStatus>;

export const Ticket = Type.Object(ticketProperties(), { $id: 'Ticket' });
export type Ticket = Static<typeof Ticket>;

/** A ticket's label in the owner's views: a holder's name or a seat, null when unset; never in public answers. */
export const TicketLabel = OrNull(Type.String({ maxLength: Limits.labelMax }), {
  description: 'The organiser’s label (a holder’s name, a seat); null when unset',
});

/** A ticket in the owner's lists: the public fields and its label. */
export const ListedTicket = Type.Object({ ...ticketProperties(), label: TicketLabel }, { $id: 'ListedTicket' });
export type ListedTicket = Static<typeof ListedTicket>;

export const OwnerTicket = Type.Object({
  ...ticketProperties(),
  label: TicketLabel,
  voidedAt: OrNull(Timestamp, { description: 'When the organiser voided it; null unless void' }),
  voidReason: OrNull(Type.String(), {
    description: 'The organiser’s reason for the void, if given',
  }),
  event: Type.Object({ id: Uuid, name: Type.String(), date: CalendarDate }),
  publicUrl: Type.String({
    description: 'The ticket’s public page, `<PUBLIC_URL>/t/<id>`: the content of its QR code',
  }),
});
export type OwnerTicket = Static<typeof OwnerTicket>;

/** A ticket as its holder sees it on its public page: with its event's name and date. */
export const PublicTicket = Type.Object({
  ...ticketProperties(),
  event: Type.Object({ name: Type.String(), date: CalendarDate }),
});
export type PublicTicket = Static<typeof PublicTicket>;

export const TicketResponse = Type.Object({ ticket: Ticket });
export type TicketResponse = Static<typeof TicketResponse>;
export const PublicTicketResponse = Type.Object({ ticket: PublicTicket });
export type PublicTicketResponse = Static<typeof PublicTicketResponse>;

/** GET /status's 410: the redeem routes' problem, plus the ticket for its public page. */
export const RedeemedStatusProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Literal(410),
    detail: Type.String(),
    code: Type.Literal('ticket_already_redeemed'),
    redeemedAt: Timestamp,
    duplicateScans: Type.Integer({ description: 'Refused attempts since the first redemption' }),
    ticket: PublicTicket,
  },
  { $id: 'RedeemedStatusProblem' },
);
export type RedeemedStatusProblem = Static<typeof RedeemedStatusProblem>;

/** The 410 of a void ticket on the redeem routes and GET /status: it admits no one (GET /status adds the ticket). */
export const TicketVoidProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Literal(410),
    detail: Type.String(),
    code: Type.Literal('ticket_void'),
    ticket: Type.Optional(PublicTicket),
  },
  { $id: 'TicketVoidProblem' },
);
export type TicketVoidProblem = Static<typeof TicketVoidProblem>;
export const OwnerTicketResponse = Type.Object({ ticket: OwnerTicket });
export type OwnerTicketResponse = Static<typeof OwnerTicketResponse>;

export const ListTicketsQuery = Type.Object(
  {
    status: Type.Optional(TicketStatus),
    q: Type.Optional(
      Type.String({
        maxLength: Limits.labelMax,
        description: 'Tickets whose label contains this text, in any letter case and with or without accents',
      }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: Limits.ticketPageMax, default: 50 })),
  },
  { additionalProperties: false },
);
export type ListTicketsQuery = Static<typeof ListTicketsQuery>;

export const TicketList = Type.Object({
  items: Type.Array(ListedTicket),
  nextCursor: OrNull(Type.String()),
});
export type TicketList = Static<typeof TicketList>;

export const CsvQuery = Type.Object(
  {
    status: Type.Optional(
      StringEnum(['ok', 'redeemed', 'void', 'all'], {
        default: 'ok',
      }),
    ),
    batch: Type.Optional(Uuid),
    columns: Type.Optional(
      Type.String({
        maxLength: 500,
        description:
          'Columns in this order, comma-separated, from ticket_id, status, created_at, redeemed_at, ticket_url, label (default: the first four)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CsvQuery = Static<typeof CsvQuery>;

/** How printed tickets sit on paper: six to an A4 or Letter sheet with cut marks, or one a page. */
export const PdfLayout = StringEnum(['a4', 'letter', 'single'], {
  default: 'a4',
});
export type PdfLayout = Static<typeof PdfLayout>;

export const PdfQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(['ok', 'redeemed', 'all'], { default: 'ok' })),
    batch: Type.Optional(Uuid),
    layout: Type.Optional(PdfLayout),
  },
  { additionalProperties: false },
);
export type PdfQuery = Static<typeof PdfQuery>;

export const EventIdParams = Type.Object({ eventId: Uuid });
export const TicketIdParams = Type.Object({ ticketId: Uuid });
