import type { VerifierChanges } from '../../shared/door.js';
import {
  hexToHash,
  importVerifierKey,
  parseVerifier,
  type Verifier,
  type VerifierKey,
  VerifierState,
  verifierHash,
} from '../../shared/verifier.js';
import { getDoorVerifier, getVerifierChanges } from '../api/door.js';
import type { LocalDecision, OfflineScan } from './door-scan-machine.js';
import { enqueueScan, listQueuedScans, loadVerifier, type QueuedScan, saveVerifier } from './offline-store.js';
import { decideLocally, uploadedDecision } from './offline-verifier.js';
import { normalizeTicketId } from './ticket-id.js';

/**
 * How long after a change of states the copy is written back to IndexedDB: soon for a small copy,
 * seldom for a big one (9 MB at 1,000,000 tickets); it is written at once when the phone goes
 * offline or the page is hidden, and this phone's offline admissions are marked again from the
 * queue whenever the copy is opened, so a late write loses nothing.
 */
const saveDelayMs = (count: number) => (count > 100_000 ? 15_000 : 1_000);
/** A sync asked for while one runs is run once after it, this long after (a rush sends many live frames). */
const followUpMs = 250;
/** Hashes remembered (one per code scanned): enough for a busy door, bounded. */
const hashCacheMax = 2_000;

/** What the page shows of the copy (and tests wait for). */
export interface VerifierStatus {
  count: number;
  position: number;
  /** When the copy was last downloaded or brought up to date (ms), null before. */
  syncedAt: number | null;
}

const stateOf: Record<VerifierChanges['changes'][number]['state'], number> = {
  ok: VerifierState.ok,
  redeemed: VerifierState.redeemed,
  void: VerifierState.void,
};

/**
 * The phone's copy of its event's tickets (the verifier) and what it needs to decide offline: the
 * event's key, a cache of the hashes of codes scanned (HMAC is asynchronous in Web Crypto, the scan
 * machine is not: the hook computes a code's hash before the machine decides), the local marks of
 * admissions queued here. One per door page.
 */
export class OfflineDoor {
  private eventId: string | null = null;
  private keyHex: string | null = null;
  private key: VerifierKey | null = null;
  private verifier: Verifier | null = null;
  private readonly hashes = new Map<string, Uint8Array>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private syncedAt: number | null = null;
  private readonly listeners = new Set<() => void>();

  /** Follows changes of the copy's status. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): VerifierStatus | null {
    if (!this.verifier) return null;
    return { count: this.verifier.count, position: this.verifier.position, syncedAt: this.syncedAt };
  }

  private changed() {
    for (const listener of this.listeners) listener();
  }

  /**
   * Opens the copy kept on this phone for the door session's event (if any). Without a verifier key
   * (a server without offline support) there is no copy: offline scans are NOT CHECKED.
   */
  async open(eventId: string, verifierKey: string | undefined): Promise<void> {
    if (this.eventId === eventId && this.keyHex === (verifierKey ?? null)) return;
    this.eventId = null;
    this.keyHex = verifierKey ?? null;
    this.key = null;
    this.hashes.clear();
    this.verifier = null;
    if (!verifierKey) return this.changed();
    this.key = await importVerifierKey(verifierKey);
    this.eventId = eventId;
    const stored = await loadVerifier().catch(() => undefined);
    if (stored && stored.eventId === eventId && stored.keyHex === verifierKey) {
      try {
        this.verifier = parseVerifier(stored.bytes);
        await this.markQueued();
      } catch {
        this.verifier = null;
      }
    }
    this.changed();
  }

  /**
   * Brings the copy up to date (download it whole, or apply the changes since its position), one
   * request at a time: asked again meanwhile, it runs once more after the current one.
   */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = this.syncOnce().finally(() => {
      this.syncing = null;
      if (!this.syncAgain) return;
      this.syncAgain = false;
      setTimeout(() => void this.sync().catch(() => undefined), followUpMs);
    });
    return this.syncing;
  }

  private async syncOnce() {
    if (!this.eventId) return;
    if (!this.verifier) return this.download();
    const changes = await getVerifierChanges(this.verifier.position);
    if (changes.reload || changes.totalTickets !== this.verifier.count) return this.download();
    let missing = false;
    for (const change of changes.changes) {
      const index = this.verifier.lookup(hexToHash(change.hash));
      if (index < 0) missing = true;
      else this.verifier.setState(index, stateOf[change.state]);
    }
    if (missing) return this.download(); // a ticket the copy lacks: a new batch
    this.verifier.position = changes.position;
    // What this phone admitted offline and has not uploaded yet stays used here.
    await this.markQueued();
    this.syncedAt = Date.now();
    if (changes.changes.length > 0) this.scheduleSave();
    this.changed();
  }

  private async download() {
    const eventId = this.eventId;
    const keyHex = this.keyHex;
    const bytes = await getDoorVerifier();
    if (eventId !== this.eventId || !eventId || !keyHex) return;
    this.verifier = parseVerifier(bytes);
    await this.markQueued();
    this.syncedAt = Date.now();
    await saveVerifier({ eventId, keyHex, bytes: this.verifier.buffer });
    this.changed();
  }

  /** Computes (and caches) the hash of the ticket a code names, so that `decide` can answer at once. */
  async prepare(code: string): Promise<void> {
    const ticketId = normalizeTicketId(code);
    if (!ticketId || !this.key || this.hashes.has(ticketId)) return;
    const hash = await verifierHash(this.key, ticketId);
    if (this.hashes.size >= hashCacheMax) this.hashes.clear();
    this.hashes.set(ticketId, hash);
  }

  /** The scan machine's `decideOffline`. */
  readonly decide = (code: string): LocalDecision | null =>
    decideLocally(code, this.verifier, (ticketId) => this.hashes.get(ticketId));

  /** Keeps an offline verdict: queued for upload, and an admitted ticket is used on this phone from now on. */
  async record(scan: OfflineScan): Promise<QueuedScan> {
    if (!this.eventId) throw new Error('no door session');
    const queued: QueuedScan = {
      scanId: scan.attempt.scanId,
      code: scan.attempt.code,
      ticketId: scan.decision.ticketId,
      at: scan.at,
      decided: uploadedDecision(scan.decision.outcome),
      eventId: this.eventId,
    };
    await enqueueScan(queued);
    if (scan.decision.outcome === 'admitted' && scan.decision.ticketId) {
      this.mark(scan.decision.ticketId);
      this.scheduleSave();
    }
    return queued;
  }

  private mark(ticketId: string) {
    const hash = this.hashes.get(ticketId);
    if (!this.verifier || !hash) return;
    const index = this.verifier.lookup(hash);
    if (index >= 0 && this.verifier.state(index) === VerifierState.ok) {
      this.verifier.setState(index, VerifierState.redeemed);
    }
  }

  /** Marks the admissions still in the queue as used (after a download, which knows nothing of them). */
  private async markQueued() {
    const queued = await listQueuedScans().catch(() => []);
    for (const scan of queued) {
      if (scan.decided !== 'admitted' || !scan.ticketId || scan.eventId !== this.eventId) continue;
      await this.prepare(scan.ticketId);
      this.mark(scan.ticketId);
    }
  }

  private scheduleSave() {
    if (this.saveTimer || !this.verifier) return;
    this.saveTimer = setTimeout(() => void this.saveNow(), saveDelayMs(this.verifier.count));
  }

  /** Writes a changed copy to IndexedDB now (the phone just went offline, or the page is being hidden). */
  async saveNow(): Promise<void> {
    if (!this.saveTimer) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (this.verifier && this.eventId && this.keyHex) {
      await saveVerifier({ eventId: this.eventId, keyHex: this.keyHex, bytes: this.verifier.buffer });
    }
  }
}
