import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import type { DoorMe, OfflineDecision } from '../../shared/door.js';

/**
 * What the door keeps on the phone (IndexedDB, through idb-keyval) so it works with no network:
 * the last door session it opened, the event's verifier, the queue of scans decided offline, and
 * the double entries the server reported back. Two databases: one small key-value store, and the
 * queue, whose keys ([time, scanId]) keep the scans in the order they were made.
 */
let kvStore: UseStore | null = null;
let queueStore: UseStore | null = null;
const kv = () => {
  kvStore ??= createStore('admit-door', 'kv');
  return kvStore;
};
const queue = () => {
  queueStore ??= createStore('admit-door-queue', 'scans');
  return queueStore;
};

/** One scan decided offline, waiting to be sent to POST /api/door/scans. */
export interface QueuedScan {
  scanId: string;
  code: string;
  ticketId: string | null;
  /** The device's clock when it scanned, ISO. */
  at: string;
  decided: OfflineDecision;
  eventId: string;
  /** The server's last refusal of this upload, shown until it goes through. */
  problem?: string;
}

/** A verifier as stored: its bytes (states as this phone knows them) and whose key made it. */
export interface StoredVerifier {
  eventId: string;
  keyHex: string;
  bytes: ArrayBuffer;
}

/** A double entry the server reported on an upload of this device's offline admission. */
export interface DoubleEntryNotice {
  scanId: string;
  ticketId: string;
  /** Where and when the ticket had been admitted first. */
  door: string | null;
  at: string | null;
}

const queueKey = (scan: Pick<QueuedScan, 'at' | 'scanId'>): [number, string] => [Date.parse(scan.at), scan.scanId];

export const saveDoorMe = (me: DoorMe) => set('me', me, kv());
export const loadDoorMe = () => get<DoorMe>('me', kv());
export const saveVerifier = (verifier: StoredVerifier) => set('verifier', verifier, kv());
export const loadVerifier = () => get<StoredVerifier>('verifier', kv());
export const loadNotices = async () => (await get<DoubleEntryNotice[]>('notices', kv())) ?? [];
export const saveNotices = (notices: DoubleEntryNotice[]) => set('notices', notices, kv());

/** Adds a scan to the queue (kept across reloads and closed tabs). */
export const enqueueScan = (scan: QueuedScan) => set(queueKey(scan), scan, queue());
/** Replaces a queued scan (its problem changed). */
export const updateQueuedScan = enqueueScan;
/** Removes a scan the server answered. */
export const dequeueScan = (scan: QueuedScan) => del(queueKey(scan), queue());
/** The queue, oldest scan first. */
export async function listQueuedScans(): Promise<QueuedScan[]> {
  const rows = await entries<[number, string], QueuedScan>(queue());
  return rows.map(([, scan]) => scan);
}
