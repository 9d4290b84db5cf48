import { type Static, Type } from 'typebox';
import { LoggedScanOutcome, Scan } from './door.js';
import { OrNull, StringEnum, Timestamp, Uuid } from './schemas.js';

/** Limits of the organiser's view of the door. */
export const ActivityLimits = {
  scanPageMax: 500,
  reasonMax: 200,
} as const;

/** GET /api/events/:eventId/scans: the event's scan log, newest first, keyset-paged. */
export const ScansQuery = Type.Object(
  {
    outcome: Type.Optional(LoggedScanOutcome),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ActivityLimits.scanPageMax, default: 50 })),
  },
  { additionalProperties: false },
);
export type ScansQuery = Static<typeof ScansQuery>;

export const ScanList = Type.Object({
  items: Type.Array(Scan),
  nextCursor: OrNull(Type.String()),
});
export type ScanList = Static<typeof ScanList>;

export const ScansCsvQuery = Type.Object(
  { outcome: Type.Optional(LoggedScanOutcome) },
  { additionalProperties: false },
);

export const ArrivalsBucket = StringEnum(['1m', '5m', '15m', '1h']);
export type ArrivalsBucket = Static<typeof ArrivalsBucket>;

export const ArrivalsQuery = Type.Object({ bucket: Type.Optional(ArrivalsBucket) }, { additionalProperties: false });

/** Admitted and refused scans per bucket, oldest first; buckets without scans are left out. */
export const Arrivals = Type.Object({
  bucket: ArrivalsBucket,
  items: Type.Array(
    Type.Object({
      at: Timestamp,
      admitted: Type.Integer(),
      refused: Type.Integer(),
    }),
  ),
});
export type Arrivals = Static<typeof Arrivals>;

export const UndoRedemptionBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: ActivityLimits.reasonMax })) },
  { additionalProperties: false },
);
export type UndoRedemptionBody = Static<typeof UndoRedemptionBody>;

/** One batch of an event's tickets with how many of them are redeemed so far. */
export const BatchSummary = Type.Object({
  id: Uuid,
  count: Type.Integer(),
  createdAt: Timestamp,
  redeemed: Type.Integer(),
  voided: Type.Integer({ description: 'Tickets of the batch the organiser voided (still void)' }),
  /** The first batch, made with the event. */
  initial: Type.Boolean(),
});
export type BatchSummary = Static<typeof BatchSummary>;

export const BatchList = Type.Object({ items: Type.Array(BatchSummary) });
export type BatchList = Static<typeof BatchList>;

/** The `counters` event of GET /api/events/:eventId/live (the `scan` event carries a Scan). */
export const LiveCounters = Type.Object({ totalTickets: Type.Integer(), redeemedTickets: Type.Integer() });
export type LiveCounters = Static<typeof LiveCounters>;
