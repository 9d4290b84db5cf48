import type { DoorScanResult } from '../../shared/door.js';
import type { ScanAnswer } from '../api/door.js';
import type { DoubleEntryNotice, QueuedScan } from './offline-store.js';

/** What uploading the queue came to. */
export interface UploadRun {
  /** Scans the server answered (200): out of the queue. */
  sent: number;
  /** Double entries the server reported on the way. */
  doubleEntries: DoubleEntryNotice[];
  /** Scans the server refused (a 4xx): kept, with the problem. */
  refused: number;
  /** The door session is gone (401): nothing more can be sent. */
  accessLost: 'revoked' | 'signed_out' | null;
  /** The connection failed (or the server did not decide): the rest waits for the next try. */
  interrupted: boolean;
}

export interface UploadDeps {
  list: () => Promise<QueuedScan[]>;
  send: (scan: QueuedScan) => Promise<ScanAnswer>;
  remove: (scan: QueuedScan) => Promise<void>;
  keep: (scan: QueuedScan) => Promise<void>;
}

function doubleEntryOf(scan: QueuedScan, result: DoorScanResult): DoubleEntryNotice | null {
  // Also a phone that let a guest in from its copy after its request got no answer, when that
  // request had in fact reached the server, which refused it: the upload replays that refusal.
  const letInTwice =
    result.outcome === 'offline_double_entry' || (scan.decided === 'admitted' && result.outcome === 'already_redeemed');
  if (!letInTwice) return null;
  return {
    scanId: scan.scanId,
    ticketId: result.ticket?.id ?? scan.ticketId ?? '',
    door: result.redeemedAtDoor ?? null,
    at: result.redeemedAt ?? null,
  };
}

/**
 * Sends the queued offline scans in the order they were made, one at a time, with their own scanIds
 * (a retry replays the server's first answer, so a scan sent twice counts once). A 200 takes a scan
 * out of the queue; a refusal (4xx) keeps it with the problem and goes on; a 401 stops (access lost);
 * a failed connection, a timeout or a 5xx stops, to try again later from the same scan.
 */
export async function uploadQueue(deps: UploadDeps): Promise<UploadRun> {
  const run: UploadRun = { sent: 0, doubleEntries: [], refused: 0, accessLost: null, interrupted: false };
  for (const scan of await deps.list()) {
    const answer = await deps.send(scan);
    switch (answer.kind) {
      case 'decided': {
        await deps.remove(scan);
        run.sent += 1;
        const notice = doubleEntryOf(scan, answer.result);
        if (notice) run.doubleEntries.push(notice);
        break;
      }
      case 'ambiguous':
        // Offline scans are full codes; a prefix is never queued. Nothing happened: drop it.
        await deps.remove(scan);
        break;
      case 'access_lost':
        run.accessLost = answer.why;
        return run;
      case 'failed':
        if (answer.reason === 'refused') {
          run.refused += 1;
          await deps.keep({ ...scan, problem: answer.detail ?? 'The server did not accept this scan.' });
          break;
        }
        run.interrupted = true;
        return run;
    }
  }
  return run;
}
