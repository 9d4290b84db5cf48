import type { ScanOutcome } from '../../../shared/door.js';
import type { Ticket } from '../../../shared/schemas.js';

/** One scan to decide: the code, and the client's idempotency key when it sent one. */
export interface RedeemInput {
  ticketId: string;
  idempotencyKey?: string;
}

/**
 * How a scan was decided: `redeemed` (it won: the ticket was ok and now is redeemed), `replayed`
 * (a retry carrying the winning scan's idempotency key: answered like the win), `duplicate`
 * (refused: the ticket was already redeemed) or `unknown` (no ticket has this code).
 */
export type RedeemResult =
  | { outcome: 'redeemed'; ticket: Ticket }
  | { outcome: 'replayed'; ticket: Ticket }
  | { outcome: 'duplicate'; ticket: Ticket; duplicateScans: number }
  | { outcome: 'unknown' };

/** What the attempt log records of each scan. */
export type LoggedOutcome = RedeemResult['outcome'];

/** One scan at a door: the ticket its code names (null: no ticket id in it) and where it was made. */
export interface DoorScanInput {
  /** The client's id of this physical scan: a retry with the same id replays the first answer. */
  scanId: string;
  ticketId: string | null;
  /** Without a ticket id: `unreadable` (no id in the code, the default) or `not_found` (a prefix of none). */
  noTicket?: 'unreadable' | 'not_found';
  door: DoorScanPlace;
}

/** The door a scan was made at: its event (the only one it admits to), link, session and device. */
export interface DoorScanPlace {
  eventSeq: number;
  linkSeq: number;
  sessionSeq: number;
  device: string | null;
}

/** How a door scan was decided, as the door answers it (a replay answers what the first attempt did). */
export interface DoorScanDecision {
  outcome: ScanOutcome;
  scan: { id: string; at: string };
  ticket?: Ticket;
  redeemedAt?: string;
  redeemedAtDoor?: string;
  duplicateScans?: number;
}

/** The door a ticket was admitted through, as a refused scan names it, for the public endpoints. */
export const PUBLIC_DOOR = 'public link';

/**
 * Redeems tickets exactly once, whatever the concurrency and however many processes: a
 * conditional update decides, the counter and the log are written atomically with it, and the
 * promise resolves only once all of it is committed. Made by `createRedeemer`.
 */
export interface Redeemer {
  /** A scan of a public endpoint: any ticket, whatever its event. */
  redeem(input: RedeemInput): Promise<RedeemResult>;
  /** A scan at a door: admits only tickets of the door's event, logged in the scan log. */
  scanAtDoor(input: DoorScanInput): Promise<DoorScanDecision>;
}
