import { type Static, Type } from 'typebox';
import { CalendarDate, OrNull, StringEnum, Ticket, Timestamp, Uuid, uuidPattern } from './schemas.js';

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
    revokedAt: OrNull(Timestamp),
    lastUsedAt: OrNull(Timestamp, { description: 'Last time a device of this link did anything' }),
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
  device: OrNull(Type.String()),
});
export type DoorSessionResponse = Static<typeof DoorSessionResponse>;

export const DoorMe = Type.Object({
  event: DoorEvent,
  doorLink: DoorLinkRef,
  device: OrNull(Type.String()),
  expiresAt: Timestamp,
  totalTickets: Type.Integer(),
  redeemedTickets: Type.Integer(),
  voidTickets: Type.Integer(),
  verifierKey: Type.String({
    description: 'The event’s verifier key (64 hex digits): HMAC-SHA-256 key of the offline verifier’s hashes',
  }),
});
export type DoorMe = Static<typeof DoorMe>;

/**
 * The decided outcomes of a door scan (each answered with HTTP 200). `offline_double_entry`: an
 * upload of an offline admission of a ticket that had been redeemed elsewhere meanwhile.
 */
const SCAN_OUTCOMES = [
  'admitted',
  'already_redeemed',
  'not_found',
  'wrong_event',
  'unreadable',
  'void',
  'offline_double_entry',
] as const;
export const ScanOutcome = StringEnum(SCAN_OUTCOMES);
export type ScanOutcome = Static<typeof ScanOutcome>;

/**
 * Outcomes as the scan log shows them: a door's outcomes, plus the organiser's changes: the undo of
 * an admission, and a ticket voided or made ok again.
 */
export const LoggedScanOutcome = StringEnum([...SCAN_OUTCOMES, 'undone', 'voided', 'unvoided']);
export type LoggedScanOutcome = Static<typeof LoggedScanOutcome>;

/** What a device decided offline, as it uploads the scan once back online. */
export const OfflineDecision = StringEnum(['admitted', 'already_redeemed', 'void', 'not_found', 'wrong_event']);
export type OfflineDecision = Static<typeof OfflineDecision>;

/** Limits of an offline scan's device time, relative to the server's clock at upload. */
export const OfflineLimits = {
  /** A device clock ahead of the server's by more than this is refused, in minutes. */
  futureMinutes: 5,
  /** An offline scan older than this is refused, in days. */
  maxAgeDays: 7,
} as const;

export const OfflineScan = Type.Object(
  {
    at: { ...Timestamp, description: 'The device’s clock when it made the scan' },
    decided: OfflineDecision,
  },
  {
    additionalProperties: false,
    description: 'An offline scan being uploaded: when it was made and what the device showed',
  },
);
export type OfflineScan = Static<typeof OfflineScan>;

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
    offline: Type.Optional(OfflineScan),
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
  voidReason: Type.Optional(OrNull(Type.String(), { description: 'void: the organiser’s reason, if given' })),
});
export type DoorScanResult = Static<typeof DoorScanResult>;

/** One scan as a log shows it. */
export const Scan = Type.Object(
  {
    id: Type.String({ description: 'The scan id a door drew (a UUID), or the log’s own id for other scans' }),
    at: Timestamp,
    ticketId: OrNull(Uuid),
    outcome: LoggedScanOutcome,
    door: Type.String({ description: 'The door link’s label, "public link" or "organiser"' }),
    device: OrNull(Type.String()),
    deviceAt: Type.Optional(
      OrNull(Timestamp, {
        description:
          'An offline scan: the device’s clock when it made it (`at` is that time too); null otherwise. Always sent',
      }),
    ),
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

/** The offline verifier's changes feed: `since` is the position of the device's copy. */
export const VerifierChangesQuery = Type.Object(
  { since: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);

export const VerifierChange = Type.Object({
  hash: Type.String({ pattern: '^[0-9a-f]{16}$', description: 'The ticket’s verifier hash, 16 hex digits' }),
  state: StringEnum(['ok', 'redeemed', 'void']),
});

export const VerifierChanges = Type.Object({
  position: Type.Number({ description: 'The position the copy is current to once these changes are applied' }),
  totalTickets: Type.Integer({
    description: 'The tickets a download would hold now: a different count means download again',
  }),
  reload: Type.Optional(Type.Literal(true, { description: 'Too much changed: download the verifier again' })),
  changes: Type.Array(VerifierChange),
});
export type VerifierChanges = Static<typeof VerifierChanges>;
