import type { OfflineDecision, ScanOutcome } from '../../../shared/door.js';
import type { Ticket } from '../../../shared/schemas.js';

/** One scan to decide: the code, the client's idempotency key when it sent one, and its address. */
export interface RedeemInput {
  ticketId: string;
  idempotencyKey?: string;
  /** The client's address: a code no ticket has is counted per address and minute, not logged. */
  client?: string;
}

/** How long an idempotency key replays the winning scan: a retry with it after that is a duplicate. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The start of an idempotency key's window for a scan at `at`: a redemption before it replays no more. */
export function replayCutoff(at: string): string {
  return new Date(Date.parse(at) - IDEMPOTENCY_WINDOW_MS).toISOString();
}

/** The row key of an unknown code's count: the minute of `at` and the client's address, bounded and plain. */
export function unknownCodeKey(at: string, client: string | undefined): { minute: string; client: string } {
  // An address is ASCII (IPv4, IPv6 with a zone); anything else behind a proxy is cut down so it always fits.
  const address = (client ?? '').replace(/[^0-9A-Za-z:.%_-]/g, '').slice(0, 64);
  return { minute: `${at.slice(0, 16)}:00.000Z`, client: address || 'unknown' };
}

/**
 * How a scan was decided: `redeemed` (it won: the ticket was ok and now is redeemed), `replayed`
 * (a retry carrying the winning scan's idempotency key within 24 h: answered like the win), `duplicate`
 * (refused: the ticket was already redeemed), `void` (refused: the organiser voided it) or `unknown`
 * (no ticket has this code).
 */
export type RedeemResult =
  | { outcome: 'redeemed'; ticket: Ticket }
  | { outcome: 'replayed'; ticket: Ticket }
  | { outcome: 'duplicate'; ticket: Ticket; duplicateScans: number }
  | { outcome: 'void'; ticket: Ticket; reason: string | null }
  | { outcome: 'unknown' };

/** What the attempt log records of a scan of a ticket (unknown codes are counted, see RedeemInput.client). */
export type LoggedOutcome = Exclude<RedeemResult['outcome'], 'unknown'>;

/** One scan at a door: the ticket its code names (null: no ticket id in it) and where it was made. */
export interface DoorScanInput {
  /** The client's id of this physical scan: a retry with the same id replays the first answer. */
  scanId: string;
  ticketId: string | null;
  /** Without a ticket id: `unreadable` (no id in the code, the default) or `not_found` (a prefix of none). */
  noTicket?: 'unreadable' | 'not_found';
  door: DoorScanPlace;
  /**
   * An offline scan being uploaded: the device's time of it (canonical ISO) and what it showed.
   * Decided on the per-scan path (offline-door-scans.ts), never the group fast paths.
   */
  offline?: { at: string; decided: OfflineDecision };
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
  /** `void`: the organiser's reason for the void, if given. */
  voidReason?: string | null;
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
