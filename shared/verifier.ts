/**
 * The offline door's local verifier (issue 16): a compact copy of an event's tickets that a door
 * device decides scans from while the network is down. It holds no ticket id, only 8 bytes of
 * HMAC-SHA-256 of each under the event's verifier key, and each ticket's state, so a lost phone
 * leaks no valid ticket. Pure and browser-safe (Web Crypto, which Node 20 also has): the server
 * encodes it, the door page parses and queries it.
 *
 * Binary format `application/vnd.admit.verifier`, little-endian numbers:
 * bytes 0–3 ASCII `ADV1`; 4–7 u32 N (tickets); 8–15 f64 position (the event's scan-log position
 * the copy is current to); then N hashes of 8 bytes sorted ascending (bytewise); then N state
 * bytes, one per hash in the same order (0 ok, 1 redeemed, 2 void). 16 + 9·N bytes.
 */

export const VERIFIER_MEDIA_TYPE = 'application/vnd.admit.verifier';
export const VERIFIER_MAGIC = 'ADV1';
export const VERIFIER_HEADER_BYTES = 16;
export const VERIFIER_HASH_BYTES = 8;

/**
 * The bits of Web Crypto used here, declared locally: shared/ compiles without DOM or Node types,
 * and both the browser and Node 20 have `globalThis.crypto.subtle` and `TextEncoder`.
 */
export interface VerifierKey {
  readonly algorithm: object;
  readonly type: string;
}
interface WebCrypto {
  crypto: {
    subtle: {
      importKey(
        format: 'raw',
        key: Uint8Array<ArrayBuffer>,
        algorithm: { name: 'HMAC'; hash: 'SHA-256' },
        extractable: boolean,
        usages: ['sign'],
      ): Promise<VerifierKey>;
      sign(algorithm: 'HMAC', key: VerifierKey, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
    };
  };
  TextEncoder: new () => { encode(text: string): Uint8Array<ArrayBuffer> };
}
const web = globalThis as unknown as WebCrypto;

/** A ticket's state in the verifier, one byte each. */
export const VerifierState = { ok: 0, redeemed: 1, void: 2 } as const;
export type VerifierStateName = keyof typeof VerifierState;
export const verifierStateNames: readonly VerifierStateName[] = ['ok', 'redeemed', 'void'];

/** The bytes of a verifier of `count` tickets. */
export function verifierSize(count: number): number {
  return VERIFIER_HEADER_BYTES + count * (VERIFIER_HASH_BYTES + 1);
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A hash as 16 lowercase hex digits (the changes feed's form). */
export function hashToHex(hash: Uint8Array): string {
  let out = '';
  for (let i = 0; i < VERIFIER_HASH_BYTES; i++) out += (hash[i] as number).toString(16).padStart(2, '0');
  return out;
}

/** 16 hex digits back to a hash. */
export function hexToHash(hex: string): Uint8Array {
  if (!/^[0-9a-f]{16}$/i.test(hex)) throw new Error('a verifier hash is 16 hex digits');
  return hexToBytes(hex);
}

/** The verifier key (64 hex digits, as the door API gives it) as a Web Crypto HMAC key. */
export function importVerifierKey(hex: string): Promise<VerifierKey> {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('a verifier key is 64 hex digits');
  return web.crypto.subtle.importKey('raw', hexToBytes(hex), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** A ticket id as it is hashed: trimmed, lowercase, with its dashes. */
export function canonicalTicketId(ticketId: string): string {
  return ticketId.trim().toLowerCase();
}

/** The first 8 bytes of HMAC-SHA-256(key, canonical ticket id): a ticket's entry in the verifier. */
export async function verifierHash(key: VerifierKey, ticketId: string): Promise<Uint8Array> {
  const data = new web.TextEncoder().encode(canonicalTicketId(ticketId));
  const mac = await web.crypto.subtle.sign('HMAC', key, data);
  return new Uint8Array(mac, 0, VERIFIER_HASH_BYTES);
}

/** A verifier held in memory: look a hash up, read or change a ticket's state. */
export interface Verifier {
  readonly count: number;
  /** The scan-log position the copy is current to: ask the changes feed from here. */
  position: number;
  /** The index of a hash, or -1 when no ticket of the event has it. */
  lookup(hash: Uint8Array): number;
  /** The state of the ticket at `index` (see VerifierState). */
  state(index: number): number;
  setState(index: number, state: number): void;
  /** The whole copy in the wire format (position and states as they are now), e.g. to store it. */
  readonly buffer: ArrayBuffer;
}

/** Reads a verifier; throws when the bytes are not one. Shares the buffer (states change in place). */
export function parseVerifier(buf: ArrayBuffer): Verifier {
  if (buf.byteLength < VERIFIER_HEADER_BYTES) throw new Error('verifier: too short');
  const view = new DataView(buf);
  const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
  if (magic !== VERIFIER_MAGIC) throw new Error('verifier: not ADV1');
  const count = view.getUint32(4, true);
  if (buf.byteLength !== verifierSize(count)) throw new Error('verifier: length does not match its count');
  const statesAt = VERIFIER_HEADER_BYTES + count * VERIFIER_HASH_BYTES;
  const states = new Uint8Array(buf, statesAt, count);
  return {
    count,
    get position() {
      return view.getFloat64(8, true);
    },
    set position(value: number) {
      view.setFloat64(8, value, true);
    },
    lookup(hash: Uint8Array): number {
      if (hash.length < VERIFIER_HASH_BYTES) return -1;
      // Two big-endian u32 compare exactly as the bytes do.
      const hi =
        (((hash[0] as number) << 24) |
          ((hash[1] as number) << 16) |
          ((hash[2] as number) << 8) |
          (hash[3] as number)) >>>
        0;
      const lo =
        (((hash[4] as number) << 24) |
          ((hash[5] as number) << 16) |
          ((hash[6] as number) << 8) |
          (hash[7] as number)) >>>
        0;
      let low = 0;
      let high = count - 1;
      while (low <= high) {
        const mid = (low + high) >>> 1;
        const at = VERIFIER_HEADER_BYTES + mid * VERIFIER_HASH_BYTES;
        const midHi = view.getUint32(at, false);
        const midLo = view.getUint32(at + 4, false);
        if (midHi < hi || (midHi === hi && midLo < lo)) low = mid + 1;
        else if (midHi > hi || midLo > lo) high = mid - 1;
        else return mid;
      }
      return -1;
    },
    state: (index: number) => states[index] as number,
    setState(index: number, state: number) {
      states[index] = state;
    },
    buffer: buf,
  };
}

/** An empty verifier of `count` entries: its header written, hashes and states all zero (ok). */
export function newVerifier(count: number, position: number): { out: Uint8Array<ArrayBuffer>; view: DataView } {
  const out = new Uint8Array(verifierSize(count));
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) view.setUint8(i, VERIFIER_MAGIC.charCodeAt(i));
  view.setUint32(4, count, true);
  view.setFloat64(8, position, true);
  return { out, view };
}

/**
 * Builds a verifier from unsorted entries: `hashes` holds N hashes of 8 bytes one after the other,
 * `states` the N states in the same order. Sorts them (numerically as big-endian u64, which is
 * bytewise order) without keeping more than a copy of the hashes.
 */
export function encodeVerifier(hashes: Uint8Array, states: Uint8Array, position: number): Uint8Array<ArrayBuffer> {
  const count = states.length;
  if (hashes.length !== count * VERIFIER_HASH_BYTES) throw new Error('verifier: one 8-byte hash per state');
  const { out, view } = newVerifier(count, position);
  const input = new DataView(hashes.buffer, hashes.byteOffset, hashes.byteLength);
  const sorted = new BigUint64Array(count);
  for (let i = 0; i < count; i++) sorted[i] = input.getBigUint64(i * VERIFIER_HASH_BYTES, false);
  sorted.sort();
  for (let i = 0; i < count; i++) {
    view.setBigUint64(VERIFIER_HEADER_BYTES + i * VERIFIER_HASH_BYTES, sorted[i] as bigint, false);
  }
  // States default to ok (0); only the others are placed, by looking their hash up.
  const verifier = parseVerifier(out.buffer);
  for (let i = 0; i < count; i++) {
    const state = states[i] as number;
    if (state === VerifierState.ok) continue;
    const index = verifier.lookup(hashes.subarray(i * VERIFIER_HASH_BYTES, (i + 1) * VERIFIER_HASH_BYTES));
    if (index >= 0) verifier.setState(index, state);
  }
  return out;
}
