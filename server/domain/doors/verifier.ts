import { createHmac } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { newVerifier, VERIFIER_HASH_BYTES, VERIFIER_HEADER_BYTES, VerifierState } from '../../../shared/verifier.js';
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
export async function finishedBatches(db: Db, eventSeq: number): Promise<{ seq: number; id: string; count: number }[]> {
  const rows = await db
    .selectFrom('ticket_batches')
    .select(['seq', 'id', 'count'])
    .where('event_seq', '=', eventSeq)
    .where('heartbeat_at', 'is', null)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), id: r.id, count: Number(r.count) }));
}

/**
 * Hashes of finished batches, in ticket order (seq), by batch id and key: a finished batch's
 * tickets never change, so a second download (another device, a reload) reads only the states
 * instead of hashing every ticket again. Bounded in bytes, least recently used out first.
 */
class BatchHashes {
  readonly #entries = new Map<string, Uint8Array>();
  #bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): Uint8Array | undefined {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, hashes: Uint8Array): void {
    if (hashes.byteLength > this.maxBytes) return;
    this.delete(key);
    this.#entries.set(key, hashes);
    this.#bytes += hashes.byteLength;
    for (const [oldest, value] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= value.byteLength;
    }
  }

  delete(key: string): void {
    const old = this.#entries.get(key);
    if (!old) return;
    this.#entries.delete(key);
    this.#bytes -= old.byteLength;
  }
}

/** A ticket as a verifier reads it: the id only when its hash is not cached. */
interface BatchRow {
  seq: number;
  redeemed_at: string | null;
  voided_at: string | null;
  id?: string;
}

/** 64 MB: the hashes of 8,000,000 tickets. */
const batchHashes = new BatchHashes(64 * 1024 * 1024);

/**
 * One finished batch's hashes and states, in ticket order: read in keyset pages of the batch's
 * index range; the hashes come from the cache when it has them (then the ids are not read).
 */
async function readBatch(
  db: Db,
  eventSeq: number,
  batch: { seq: number; id: string; count: number },
  key: string,
): Promise<{ hashes: Uint8Array; states: Uint8Array }> {
  const cacheKey = `${batch.id}:${key}`;
  const cached = batchHashes.get(cacheKey);
  const secret = Buffer.from(key, 'hex');
  let hashes = cached ?? new Uint8Array(batch.count * VERIFIER_HASH_BYTES);
  let states = new Uint8Array(batch.count);
  let count = 0;
  let after = 0;
  for (;;) {
    const page = db
      .selectFrom('tickets')
      .select(['seq', 'redeemed_at', 'voided_at'])
      .where('event_seq', '=', eventSeq)
      .where('batch_seq', '=', batch.seq)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(PAGE_SIZE);
    const rows: BatchRow[] = cached ? await page.execute() : await page.select('id').execute();
    // SQLite reads synchronously and its promises resolve without a turn of the event loop: give
    // other requests one after each page.
    await yieldToLoop();
    for (const row of rows) {
      if (count === states.length) {
        // More tickets than the batch counts (cannot happen once it is finished): read it afresh.
        if (cached) {
          batchHashes.delete(cacheKey);
          return readBatch(db, eventSeq, batch, key);
        }
        hashes = grow(hashes, hashes.length * 2 + 1024 * VERIFIER_HASH_BYTES);
        states = grow(states, states.length * 2 + 1024);
      }
      if (!cached) {
        hashes.set(ticketHash(secret, row.id as string), count * VERIFIER_HASH_BYTES);
        // Hashing costs a few µs a ticket: let other requests in between.
        if (count % HASH_SLICE === HASH_SLICE - 1) await yieldToLoop();
      }
      states[count] = ticketState(row);
      count++;
    }
    if (rows.length < PAGE_SIZE) break;
    after = Number((rows[rows.length - 1] as { seq: number }).seq);
  }
  if (cached && count !== batch.count) {
    batchHashes.delete(cacheKey);
    return readBatch(db, eventSeq, batch, key);
  }
  hashes = hashes.subarray(0, count * VERIFIER_HASH_BYTES);
  if (!cached && count === batch.count) batchHashes.set(cacheKey, hashes);
  return { hashes, states: states.subarray(0, count) };
}

/**
 * The door's local verifier of an event (shared/verifier.ts's format): every ticket of its
 * finished batches with its state, hashed with the event's key (or the hashes taken from the
 * cache of finished batches). Only the hashes and states are held (9 bytes a ticket), then sorted.
 */
export async function buildVerifier(store: Store, eventSeq: number): Promise<{ key: string; body: Uint8Array }> {
  const { db } = store;
  const key = await getVerifierKey(db, eventSeq);
  const position = await settledPosition(store, eventSeq);
  const batches = await finishedBatches(db, eventSeq);
  const parts: { hashes: Uint8Array; states: Uint8Array }[] = [];
  for (const batch of batches) parts.push(await readBatch(db, eventSeq, batch, key));
  const count = parts.reduce((sum, p) => sum + p.states.length, 0);
  const hashes = new Uint8Array(count * VERIFIER_HASH_BYTES);
  const states = new Uint8Array(count);
  let at = 0;
  for (const part of parts) {
    hashes.set(part.hashes, at * VERIFIER_HASH_BYTES);
    states.set(part.states, at);
    at += part.states.length;
  }
  const body = await encodeInSlices(hashes, states, position);
  return { key, body };
}

function grow(bytes: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  out.set(bytes);
  return out;
}

/** Tickets hashed per step before yielding to other requests. */
const HASH_SLICE = 2_500;
/** Entries keyed per step before yielding to other requests. */
const KEY_SLICE = 50_000;
/** Buckets (of 256, by a hash's first byte) sorted per step before yielding. */
const BUCKET_SLICE = 16;
const LOW_56 = (1n << 56n) - 1n;

/**
 * The same bytes as shared/verifier.ts's encodeVerifier, made in short steps so that a verifier
 * of 1,000,000 tickets never holds the event loop for long: entries are spread into 256 buckets
 * by their hash's first byte, and within a bucket the other 7 bytes and the state fit one u64
 * (hash bytes 1–7, then the state), so each bucket sorts as numbers and carries its states along.
 */
export async function encodeInSlices(
  hashes: Uint8Array,
  states: Uint8Array,
  position: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const count = states.length;
  const { out, view } = newVerifier(count, position);
  const starts = new Uint32Array(257);
  for (let i = 0; i < count; i++) (starts[(hashes[i * VERIFIER_HASH_BYTES] as number) + 1] as number)++;
  for (let b = 0; b < 256; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
  const next = starts.slice(0, 256);
  const keys = new BigUint64Array(count);
  const input = new DataView(hashes.buffer, hashes.byteOffset, hashes.byteLength);
  for (let i = 0; i < count; i++) {
    const bucket = hashes[i * VERIFIER_HASH_BYTES] as number;
    const rest = input.getBigUint64(i * VERIFIER_HASH_BYTES, false) & LOW_56;
    keys[(next[bucket] as number)++] = (rest << 8n) | BigInt(states[i] as number);
    if (i % KEY_SLICE === KEY_SLICE - 1) await yieldToLoop();
  }
  const statesAt = VERIFIER_HEADER_BYTES + count * VERIFIER_HASH_BYTES;
  for (let b = 0; b < 256; b++) {
    const from = starts[b] as number;
    const to = starts[b + 1] as number;
    keys.subarray(from, to).sort();
    const top = BigInt(b) << 56n;
    for (let j = from; j < to; j++) {
      const k = keys[j] as bigint;
      view.setBigUint64(VERIFIER_HEADER_BYTES + j * VERIFIER_HASH_BYTES, top | (k >> 8n), false);
      out[statesAt + j] = Number(k & 0xffn);
    }
    if (b % BUCKET_SLICE === BUCKET_SLICE - 1) await yieldToLoop();
  }
  return out;
}
