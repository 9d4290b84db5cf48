import { describe, expect, it } from 'vitest';
import {
  encodeVerifier,
  importVerifierKey,
  parseVerifier,
  VerifierState,
  verifierHash,
} from '../../shared/verifier.js';
import { decideLocally, uploadedDecision } from './offline-verifier.js';

const keyHex = 'a1'.repeat(32);
const ok = '5e0f4f6c-2b43-4e39-9b5c-0e7a4a8c1d2e';
const used = '9a1b2c3d-0000-4000-8000-000000000001';
const cancelled = '9a1b2c3d-0000-4000-8000-000000000002';
const unknown = '00000000-0000-4000-8000-000000000000';

async function fixture() {
  const key = await importVerifierKey(keyHex);
  const ids = [ok, used, cancelled];
  const hashes = new Uint8Array(ids.length * 8);
  for (const [i, id] of ids.entries()) hashes.set(await verifierHash(key, id), i * 8);
  const states = Uint8Array.from([VerifierState.ok, VerifierState.redeemed, VerifierState.void]);
  const verifier = parseVerifier(encodeVerifier(hashes, states, 42).buffer);
  const cache = new Map<string, Uint8Array>();
  for (const id of [...ids, unknown]) cache.set(id, await verifierHash(key, id));
  return { verifier, hashOf: (id: string) => cache.get(id) };
}

describe('offline decisions from the phone’s copy', () => {
  it('ok is ADMITTED, redeemed ALREADY USED, void VOID, a code not in the copy NOT FOUND', async () => {
    const { verifier, hashOf } = await fixture();
    expect(decideLocally(ok, verifier, hashOf)).toEqual({ outcome: 'admitted', ticketId: ok });
    expect(decideLocally(used, verifier, hashOf)).toEqual({ outcome: 'already_redeemed', ticketId: used });
    expect(decideLocally(cancelled, verifier, hashOf)).toEqual({ outcome: 'void', ticketId: cancelled });
    expect(decideLocally(unknown, verifier, hashOf)).toEqual({ outcome: 'not_found', ticketId: unknown });
  });

  it('finds the ticket in a link or in upper case, as the server does', async () => {
    const { verifier, hashOf } = await fixture();
    expect(decideLocally(`https://tickets.example/t/${ok.toUpperCase()}`, verifier, hashOf)?.outcome).toBe('admitted');
  });

  it('cannot decide a typed prefix, a code whose hash is not ready, or with no copy', async () => {
    const { verifier, hashOf } = await fixture();
    expect(decideLocally(ok.slice(0, 8), verifier, hashOf)).toBeNull();
    expect(decideLocally(ok, verifier, () => undefined)).toBeNull();
    expect(decideLocally(ok, null, hashOf)).toBeNull();
  });

  it('a ticket marked used on the phone is ALREADY USED from then on', async () => {
    const { verifier, hashOf } = await fixture();
    verifier.setState(verifier.lookup(hashOf(ok) as Uint8Array), VerifierState.redeemed);
    expect(decideLocally(ok, verifier, hashOf)?.outcome).toBe('already_redeemed');
  });

  it('uploads what the phone showed, a VOID as void', () => {
    expect(uploadedDecision('void')).toBe('void');
    expect(uploadedDecision('admitted')).toBe('admitted');
    expect(uploadedDecision('not_found')).toBe('not_found');
  });

  it('decides in well under a millisecond per scan at 1,000,000 tickets (hash ready)', async () => {
    const key = await importVerifierKey(keyHex);
    const count = 1_000_000;
    const all = new Uint8Array(count * 8);
    for (let at = 0; at < all.length; at += 65_536) crypto.getRandomValues(all.subarray(at, at + 65_536));
    const probe = await verifierHash(key, ok);
    all.set(probe, 0);
    const verifier = parseVerifier(encodeVerifier(all, new Uint8Array(count), 1).buffer);
    const rounds = 10_000;
    const started = performance.now();
    let admitted = 0;
    for (let i = 0; i < rounds; i++) {
      if (decideLocally(ok, verifier, () => probe)?.outcome === 'admitted') admitted += 1;
    }
    const perScanMs = (performance.now() - started) / rounds;
    console.log(`[offline verifier] 1,000,000 tickets: ${perScanMs.toFixed(4)} ms per decision (lookup + state)`);
    expect(admitted).toBe(rounds);
    expect(perScanMs).toBeLessThan(1);
  });
});
