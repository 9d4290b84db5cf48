import { createHmac } from 'node:crypto';
import { encodeVerifier, VERIFIER_HASH_BYTES, VerifierState } from '../../../shared/verifier.js';
import type { Db, Store } from '../../db/database.js';
import { SettledScans } from '../scans/settled-scans.js';
import { getVerifierKey } from './verifier-key.js';

/** Tickets read per statement while building a verifier: a keyset page of one batch. */
const PAGE_SIZE = 10_000;

/** The settled bound of each PostgreSQL database this process reads positions from (see SettledScans). */
const settledByDb = new WeakMap<object, SettledScans>();

/** The 8 bytes of HMAC-SHA-256 a device keeps of a ticket: the same bytes as shared/verifier.ts's verifierHash. */
export function ticketHash(key: Buffer, ticketId: string): Buffer {
  return createHmac('sha256', key).update(ticketId.toLowerCase()).digest().subarray(0, VERIFIER_HASH_BYTES);
}

/** A ticket's state byte from its row. */
export function ticketState(row: { redeemed_at: string | null; voided_at: string | null }): number {
  if (row.redeemed_at !== null) return VerifierState.redeemed;
  return row.voided_at !== null ? VerifierState.void : VerifierState.ok;
}

/** The event's last scan-log position (its highest scans.seq; 0 without scans). */
async function eventHead(db: Db, eventSeq: number): Promise<number> {
  const row = await db
    .selectFrom('scans')
    .select('seq')
    .where('event_seq', '=', eventSeq)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.seq) : 0;
}

/**
 * A position of the event's log up to which every scan is committed (or gone for good), read
 * before the tickets so that each such scan's change is in what is read after it. SQLite commits
 * in seq order: the head. PostgreSQL hands seqs out before commit, so the head is capped by the
 * settled bound (a lower cap only makes the changes feed send some changes again).
 */
export async function settledPosition(store: Store, eventSeq: number): Promise<number> {
  return (await logPositions(store, eventSeq)).settled;
}

/** The event's log head (its highest seq) and the settled position (see settledPosition). */
export async function logPositions(store: Store, eventSeq: number): Promise<{ head: number; settled: number }> {
  const head = await eventHead(store.db, eventSeq);
  if (store.dialect === 'sqlite') return { head, settled: head };
  let settled = settledByDb.get(store.db);
  if (!settled) {
    settled = new SettledScans();
    settledByDb.set(store.db, settled);
  }
  // A writer holding the log open delays the bound by one look; a few short looks catch up with it.
  for (let look = 0; look < 5; look++) {
    const bound = await settled.bound(store.db);
    if (bound >= head) return { head, settled: head };
    if (look < 4) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { head, settled: Math.min(head, settled.current) };
}

/** The finished batches of an event (a batch still being written is seen by nobody) and their sizes. */
export async function finishedBatches(db: Db, eventSeq: number): Promise<{ seq: number; count: number }[]> {
  const rows = await db
    .selectFrom('ticket_batches')
    .select(['seq', 'count'])
    .where('event_seq', '=', eventSeq)
    .where('heartbeat_at', 'is', null)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), count: Number(r.count) }));
}

/**
 * The door's local verifier of an event (shared/verifier.ts's format): every ticket of its
 * finished batches, read in keyset pages of one batch's index range, hashed with the event's key.
 * Only the hashes and states are held (9 bytes a ticket), sorted once at the end.
 */
export async function buildVerifier(store: Store, eventSeq: number): Promise<{ key: string; body: Uint8Array }> {
  const { db } = store;
  const key = await getVerifierKey(db, eventSeq);
  const position = await settledPosition(store, eventSeq);
  const batches = await finishedBatches(db, eventSeq);
  const expected = batches.reduce((sum, b) => sum + b.count, 0);
  let hashes = new Uint8Array(expected * VERIFIER_HASH_BYTES);
  let states = new Uint8Array(expected);
  let count = 0;
  const secret = Buffer.from(key, 'hex');
  for (const batch of batches) {
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom('tickets')
        .select(['seq', 'id', 'redeemed_at', 'voided_at'])
        .where('event_seq', '=', eventSeq)
        .where('batch_seq', '=', batch.seq)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(PAGE_SIZE)
        .execute();
      for (const row of rows) {
        if (count === states.length) {
          // More tickets than the batches count (cannot happen): grow rather than fail.
          hashes = grow(hashes, hashes.length * 2 + 1024 * VERIFIER_HASH_BYTES);
          states = grow(states, states.length * 2 + 1024);
        }
        hashes.set(ticketHash(secret, row.id), count * VERIFIER_HASH_BYTES);
        states[count] = ticketState(row);
        count++;
      }
      if (rows.length < PAGE_SIZE) break;
      after = Number((rows[rows.length - 1] as { seq: number }).seq);
    }
  }
  const body = encodeVerifier(hashes.subarray(0, count * VERIFIER_HASH_BYTES), states.subarray(0, count), position);
  return { key, body };
}

function grow(bytes: Uint8Array<ArrayBuffer>, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  out.set(bytes);
  return out;
}
