import { type Verifier, VerifierState } from '../../shared/verifier.js';
import type { OfflineDecision } from '../../shared/door.js';
import type { LocalDecision } from './door-scan-machine.js';
import { normalizeTicketId } from './ticket-id.js';

/**
 * Decides a code from the phone's copy of the event's tickets: a full ticket code (or a link holding
 * one) whose hash is in the copy is ADMITTED if ok, ALREADY USED if redeemed (before the outage, or
 * earlier on this phone), VOID if cancelled; a hash not in the copy is NOT FOUND (offline, a ticket of
 * another event looks the same as no ticket). Null when the copy cannot decide: no copy, a typed
 * prefix, or a hash not computed yet (`hashOf` answers from a cache filled before the decision).
 */
export function decideLocally(
  code: string,
  verifier: Verifier | null,
  hashOf: (ticketId: string) => Uint8Array | undefined,
): LocalDecision | null {
  if (!verifier) return null;
  const ticketId = normalizeTicketId(code);
  if (!ticketId) return null;
  const hash = hashOf(ticketId);
  if (!hash) return null;
  const index = verifier.lookup(hash);
  if (index < 0) return { outcome: 'not_found', ticketId };
  const state = verifier.state(index);
  if (state === VerifierState.ok) return { outcome: 'admitted', ticketId };
  if (state === VerifierState.void) return { outcome: 'void', ticketId };
  return { outcome: 'already_redeemed', ticketId };
}

/** What the upload tells the server the device decided: what it showed. */
export function uploadedDecision(outcome: LocalDecision['outcome']): OfflineDecision {
  return outcome;
}
