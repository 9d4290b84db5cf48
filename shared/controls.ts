import { type Static, Type } from 'typebox';
import { CalendarDate, Limits, OrNull, TicketStatus, Timestamp, Uuid, uuidPattern } from './schemas.js';

/** Limits of the organiser controls, shared by the API validation and the web forms. */
export const ControlLimits = {
  /** Label CSV upload: the body's size, in bytes, and its rows. */
  labelsCsvMaxBytes: 4 * 1024 * 1024,
  labelsCsvMaxRows: 50_000,
  /** Bad rows an upload's report lists (the count is always exact). */
  labelsReportMax: 100,
  /** The door's guest lookup: the shortest query, and the most guests one answer lists. */
  doorLookupMin: 2,
  doorLookupMax: 20,
} as const;

export const UpdateEventBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: Limits.eventNameMax })),
    date: Type.Optional(CalendarDate),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateEventBody = Static<typeof UpdateEventBody>;

export const DeleteEventQuery = Type.Object(
  {
    force: Type.Optional(
      Type.Boolean({ description: 'Delete even though tickets were redeemed (without it: 409 event_has_redemptions)' }),
    ),
  },
  { additionalProperties: false },
);
export type DeleteEventQuery = Static<typeof DeleteEventQuery>;

/** The 409 of DELETE /api/events/:eventId without force: how many tickets were redeemed. */
export const EventHasRedemptionsProblem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Literal(409),
  detail: Type.String(),
  code: Type.Literal('event_has_redemptions'),
  redeemedTickets: Type.Integer({ description: 'Tickets redeemed: what deleting with ?force=true would lose' }),
});
export type EventHasRedemptionsProblem = Static<typeof EventHasRedemptionsProblem>;

export const UpdateTicketLabelBody = Type.Object(
  {
    label: OrNull(Type.String({ maxLength: Limits.labelMax * 4 }), {
      description: 'The new label (≤ 200 characters once normalised); null or "" clears it',
    }),
  },
  { additionalProperties: false },
);
export type UpdateTicketLabelBody = Static<typeof UpdateTicketLabelBody>;

/** A row of a label CSV that was refused, by its line in the file (the header is line 1). */
export const LabelRowProblem = Type.Object({ line: Type.Integer(), message: Type.String() });
export type LabelRowProblem = Static<typeof LabelRowProblem>;

/** What a label upload did: every row applied (a file with a bad row is a 400 that changes nothing). */
export const LabelImportSummary = Type.Object({
  rows: Type.Integer({ description: 'Data rows read (the header and blank lines not counted)' }),
  labelled: Type.Integer({ description: 'Tickets whose label was set' }),
  cleared: Type.Integer({ description: 'Tickets whose label was cleared (an empty label)' }),
});
export type LabelImportSummary = Static<typeof LabelImportSummary>;

/**
 * The 400 of a label upload with bad rows: the problem fields, `errors` naming each bad row's line
 * (`field` is "line N"; the first 100), and how many rows were read and refused.
 */
export const LabelImportProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), line: Type.Optional(Type.Integer()), message: Type.String() })),
    ),
    rows: Type.Optional(Type.Integer()),
    badRows: Type.Optional(Type.Integer()),
  },
  { description: 'validation_failed: bad rows by line (nothing changed), or a bad parameter' },
);
export type LabelImportProblem = Static<typeof LabelImportProblem>;

export const DoorLookupQuery = Type.Object(
  {
    q: Type.String({
      minLength: ControlLimits.doorLookupMin,
      maxLength: Limits.labelMax,
      description: 'Part of a guest’s label, in any letter case, with or without accents',
    }),
  },
  { additionalProperties: false },
);
export type DoorLookupQuery = Static<typeof DoorLookupQuery>;

/** A guest found at the door by label: never the full ticket id, only what admits it from this device. */
export const DoorLookupItem = Type.Object({
  ref: Type.String({
    description: 'Opaque: admits this ticket through POST /api/door/tickets/admit, from this device, for 10 minutes',
  }),
  codeStart: Type.String({ description: 'The first 8 characters of the ticket id, to compare with a printout' }),
  label: Type.String(),
  status: TicketStatus,
  redeemedAt: OrNull(Timestamp),
});
export type DoorLookupItem = Static<typeof DoorLookupItem>;

export const DoorLookupList = Type.Object({
  items: Type.Array(DoorLookupItem),
  more: Type.Boolean({ description: 'More guests match than listed: type more of the label' }),
});
export type DoorLookupList = Static<typeof DoorLookupList>;

export const DoorAdmitBody = Type.Object(
  {
    ref: Type.String({ minLength: 1, maxLength: 200, description: 'A `ref` from GET /api/door/tickets' }),
    scanId: Type.Optional(
      Type.String({
        pattern: uuidPattern,
        description: 'Drawn by the client for this admission; repeating it replays the first answer',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DoorAdmitBody = Static<typeof DoorAdmitBody>;

/** The body of a void (a ticket or a batch): the organiser's optional reason, ≤ 200 characters once normalised. */
export const VoidBody = Type.Object(
  {
    reason: Type.Optional(
      Type.String({ maxLength: 800, description: 'Why (refunded, lost, sent to the wrong list): shown at the door' }),
    ),
  },
  { additionalProperties: false },
);
export type VoidBody = Static<typeof VoidBody>;

export const BatchParams = Type.Object({ eventId: Uuid, batchId: Uuid });

/** What voiding a batch did: the ok tickets it voided (redeemed and already void ones are left as they are). */
export const VoidBatchResponse = Type.Object({
  voided: Type.Integer({ description: 'Tickets voided now: every ok ticket of the batch (0 when repeated)' }),
});
export type VoidBatchResponse = Static<typeof VoidBatchResponse>;
