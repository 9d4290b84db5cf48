import { type Static, Type } from 'typebox';
import { CalendarDate, Ticket, Timestamp, Uuid, uuidPattern } from './schemas.js';

/** Limits of the door API, shared by its validation and the web forms. */
export const DoorLimits = {
  labelMax: 100,
  deviceNameMax: 60,
  codeMax: 2048,
  /** A typed code may be the first characters of a ticket id, when exactly one ticket of the event matches. */
  prefixMin: 8,
  /** How long after an admission the door link that made it may undo it, in minutes. */
  undoMinutes: 10,
  recentScansMax: 100,
} as const;

/** What the organiser hands out: a link that opens the scanner page for one event. */
export const DoorLink = Type.Object(
  {
    id: Uuid,
    label: Type.String({ description: 'Where it is used, e.g. "North gate"' }),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    revokedAt: Type.Union([Timestamp, Type.Null()]),
    lastUsedAt: Type.Union([Timestamp, Type.Null()], { description: 'Last time a device of this link did anything' }),
    devices: Type.Integer({ description: 'Door sessions (devices) opened with this link' }),
  },
  { $id: 'DoorLink' },
);
export type DoorLink = Static<typeof DoorLink>;

export const CreateDoorLinkBody = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: DoorLimits.labelMax }),
    expiresAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type CreateDoorLinkBody = Static<typeof CreateDoorLinkBody>;

export const CreateDoorLinkResponse = Type.Object({
  doorLink: DoorLink,
  secret: Type.String({ description: 'Shown once: 256 random bits, stored only hashed' }),
  url: Type.String({ description: '`/door#<secret>`: the secret stays in the fragment, out of logs and Referer' }),
  link: Type.String({ description: 'The same URL made absolute (PUBLIC_URL, or the origin of the request)' }),
});
export type CreateDoorLinkResponse = Static<typeof CreateDoorLinkResponse>;

export const DoorLinkList = Type.Object({ items: Type.Array(DoorLink) });
export type DoorLinkList = Static<typeof DoorLinkList>;

export const DoorLinkParams = Type.Object({ eventId: Uuid, linkId: Uuid });

/** The event a door session scans for: nothing more of it is shown at the door. */
export const DoorEvent = Type.Object({ id: Uuid, name: Type.String(), date: CalendarDate });
export type DoorEvent = Static<typeof DoorEvent>;

export const DoorLinkRef = Type.Object({ id: Uuid, label: Type.String() });
export type DoorLinkRef = Static<typeof DoorLinkRef>;

export const StartDoorSessionBody = Type.Object(
  {
    secret: Type.String({ minLength: 1, maxLength: 200 }),
    deviceName: Type.Optional(Type.String({ maxLength: DoorLimits.deviceNameMax })),
  },
  { additionalProperties: false },
);
export type StartDoorSessionBody = Static<typeof StartDoorSessionBody>;

export const DoorSessionResponse = Type.Object({
  token: Type.String({ description: 'Opaque bearer token of this door session (also set as a cookie)' }),
  expiresAt: Timestamp,
  event: DoorEvent,
  doorLink: DoorLinkRef,
  device: Type.Union([Type.String(), Type.Null()]),
});
export type DoorSessionResponse = Static<typeof DoorSessionResponse>;

export const DoorMe = Type.Object({
  event: DoorEvent,
  doorLink: DoorLinkRef,
  device: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Timestamp,
  totalTickets: Type.Integer(),
  redeemedTickets: Type.Integer(),
  voidTickets: Type.Integer(),
});
export type DoorMe = Static<typeof DoorMe>;

/** The decided outcomes of a door scan (each answered with HTTP 200). */
export const ScanOutcome = Type.Union([
  Type.Literal('admitted'),
  Type.Literal('already_redeemed'),
  Type.Literal('not_found'),
  Type.Literal('wrong_event'),
  Type.Literal('unreadable'),
  Type.Literal('void'),
]);
export type ScanOutcome = Static<typeof ScanOutcome>;

/**
 * Outcomes as the scan log shows them: a door's outcomes, plus the organiser's changes: the undo of
 * an admission, and a ticket voided or made ok again.
 */
export const LoggedScanOutcome = Type.Union([
  ...ScanOutcome.anyOf,
  Type.Literal('undone'),
  Type.Literal('voided'),
  Type.Literal('unvoided'),
]);
export type LoggedScanOutcome = Static<typeof LoggedScanOutcome>;

export const DoorScanBody = Type.Object(
  {
    code: Type.String({
      maxLength: DoorLimits.codeMax,
      description: 'What the scanner or the person produced: a ticket id, a URL ending in one, or 8+ first characters',
    }),
    scanId: Type.Optional(
      Type.String({
        pattern: uuidPattern,
        description: 'Drawn by the client for each physical scan; repeating it replays the first answer',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DoorScanBody = Static<typeof DoorScanBody>;

export const DoorScanResult = Type.Object({
  outcome: ScanOutcome,
  scan: Type.Object({ id: Uuid, at: Timestamp }),
  ticket: Type.Optional(Ticket),
  redeemedAt: Type.Optional(Timestamp),
  redeemedAtDoor: Type.Optional(
    Type.String({ description: 'already_redeemed: the door of the first admission ("public link" for /redeem)' }),
  ),
  duplicateScans: Type.Optional(
    Type.Integer({ description: 'already_redeemed: refused scans since, this one included' }),
  ),
  voidReason: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: 'void: the organiser’s reason, if given' }),
  ),
});
export type DoorScanResult = Static<typeof DoorScanResult>;

/** One scan as a log shows it. */
export const Scan = Type.Object(
  {
    id: Type.String({ description: 'The scan id a door drew (a UUID), or the log’s own id for other scans' }),
    at: Timestamp,
    ticketId: Type.Union([Uuid, Type.Null()]),
    outcome: LoggedScanOutcome,
    door: Type.String({ description: 'The door link’s label, "public link" or "organiser"' }),
    device: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Scan' },
);
export type Scan = Static<typeof Scan>;

export const DoorScanList = Type.Object({ items: Type.Array(Scan) });
export type DoorScanList = Static<typeof DoorScanList>;

export const DoorScansQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DoorLimits.recentScansMax, default: 20 })) },
  { additionalProperties: false },
);

export const ScanIdParams = Type.Object({ scanId: Uuid });
export const UndoScanResponse = Type.Object({ ticket: Ticket });
