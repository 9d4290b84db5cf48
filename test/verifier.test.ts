import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeInSlices, ticketHash } from '../server/domain/doors/verifier.js';
import {
  encodeVerifier,
  hashToHex,
  hexToHash,
  importVerifierKey,
  parseVerifier,
  VerifierState,
  verifierHash,
  verifierSize,
} from '../shared/verifier.js';

/** N random ticket ids with their hashes (server side) and states (every 7th redeemed, every 11th void). */
function entries(keyHex: string, n: number) {
  const key = Buffer.from(keyHex, 'hex');
  const ids: string[] = [];
  const hashes = new Uint8Array(n * 8);
  const states = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    ids.push(id);
    hashes.set(ticketHash(key, id), i * 8);
    states[i] = i % 7 === 0 ? VerifierState.redeemed : i % 11 === 0 ? VerifierState.void : VerifierState.ok;
  }
  return { ids, hashes, states };
}

describe('offline verifier format (shared/verifier.ts)', () => {
  it('hashes a ticket id in the browser (Web Crypto) exactly as the server does (node:crypto)', async () => {
    const keyHex = randomBytes(32).toString('hex');
    const key = await importVerifierKey(keyHex);
    const id = randomUUID();
    const web = await verifierHash(key, `  ${id.toUpperCase()} `);
    expect(Buffer.from(web).toString('hex')).toBe(ticketHash(Buffer.from(keyHex, 'hex'), id).toString('hex'));
    expect(web.length).toBe(8);
    expect(hexToHash(hashToHex(web))).toEqual(new Uint8Array(web));
    expect(() => importVerifierKey('nothex')).toThrow();
  });

  it('encodes, parses and finds every ticket of 100,000 with its state; others are not found', async () => {
    const n = 100_000;
    const keyHex = randomBytes(32).toString('hex');
    const { ids, hashes, states } = entries(keyHex, n);
    const bytes = encodeVerifier(hashes, states, 4242);
    // The server's encoder, made in short steps, writes the very same bytes.
    expect(Buffer.from(await encodeInSlices(hashes, states, 4242)).equals(Buffer.from(bytes))).toBe(true);
    expect(bytes.byteLength).toBe(16 + 9 * n);
    expect(verifierSize(1_000_000)).toBe(9_000_016);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('ADV1');

    const verifier = parseVerifier(bytes.buffer);
    expect(verifier.count).toBe(n);
    expect(verifier.position).toBe(4242);
    // Sorted ascending, bytewise.
    for (let i = 1; i < n; i++) {
      const a = Buffer.from(bytes.buffer, 16 + (i - 1) * 8, 8);
      const b = Buffer.from(bytes.buffer, 16 + i * 8, 8);
      if (Buffer.compare(a, b) >= 0) throw new Error(`not sorted at ${i}`);
    }
    const key = Buffer.from(keyHex, 'hex');
    for (let i = 0; i < n; i++) {
      const index = verifier.lookup(ticketHash(key, ids[i] as string));
      if (index < 0 || verifier.state(index) !== states[i]) throw new Error(`ticket ${i} not found with its state`);
    }
    // Through Web Crypto, as a device does, for a sample.
    const webKey = await importVerifierKey(keyHex);
    for (let i = 0; i < 200; i++) {
      expect(verifier.state(verifier.lookup(await verifierHash(webKey, ids[i] as string)))).toBe(states[i]);
    }
    for (let i = 0; i < 1000; i++) expect(verifier.lookup(ticketHash(key, randomUUID()))).toBe(-1);
    // Another event's key hashes the same ticket elsewhere.
    expect(verifier.lookup(ticketHash(randomBytes(32), ids[1] as string))).toBe(-1);

    const index = verifier.lookup(ticketHash(key, ids[1] as string));
    verifier.setState(index, VerifierState.redeemed);
    verifier.position = 5000;
    const again = parseVerifier(verifier.buffer.slice(0));
    expect(again.state(index)).toBe(VerifierState.redeemed);
    expect(again.position).toBe(5000);
  });

  it('refuses bytes that are not a verifier, and handles an empty one', () => {
    expect(() => parseVerifier(new ArrayBuffer(8))).toThrow(/too short/);
    expect(() => parseVerifier(new Uint8Array(16).buffer)).toThrow(/ADV1/);
    const empty = encodeVerifier(new Uint8Array(0), new Uint8Array(0), 0);
    expect(empty.byteLength).toBe(16);
    expect(parseVerifier(empty.buffer).lookup(new Uint8Array(8))).toBe(-1);
    const truncated = encodeVerifier(new Uint8Array(16), new Uint8Array(2), 0).slice(0, 30);
    expect(() => parseVerifier(truncated.buffer)).toThrow(/length/);
  });
});
