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

/**
 * Redeems tickets exactly once, whatever the concurrency and however many processes: a
 * conditional update decides, the counter and the attempt log are written atomically with it,
 * and the promise resolves only once all of it is committed. Made by `createRedeemer`.
 */
export interface Redeemer {
  redeem(input: RedeemInput): Promise<RedeemResult>;
}
