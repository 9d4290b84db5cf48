import { describe, expect, it } from 'vitest';
import { UnknownCodeCounter } from '../server/domain/redemption/unknown-code-counter.js';

/** A write the test finishes by hand, recording what it was asked to add. */
function controlledWrites() {
  const calls: { minute: string; client: string; scans: number; finish: (error?: Error) => void }[] = [];
  const write = (minute: string, client: string, scans: number) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ minute, client, scans, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, write };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('UnknownCodeCounter (the PostgreSQL redeemer’s count of unknown codes)', () => {
  it('writes one row at a time: scans that arrive meanwhile are added together by the next write', async () => {
    const { calls, write } = controlledWrites();
    const counter = new UnknownCodeCounter(write);
    const resolved: number[] = [];
    const scans = Array.from({ length: 5 }, (_, i) =>
      counter.count('2026-11-27T20:15:00.000Z', '203.0.113.9').then(() => resolved.push(i)),
    );
    await settled();
    expect(calls.map((c) => c.scans)).toEqual([1]);
    calls[0]?.finish();
    await settled();
    expect(resolved).toEqual([0]);
    expect(calls.map((c) => c.scans)).toEqual([1, 4]);
    calls[1]?.finish();
    await Promise.all(scans);
    expect(resolved).toEqual([0, 1, 2, 3, 4]);
    expect(calls).toHaveLength(2);
  });

  it('keeps rows apart by minute and address, and fails only the scans of a failed write', async () => {
    const { calls, write } = controlledWrites();
    const counter = new UnknownCodeCounter(write);
    const a = counter.count('2026-11-27T20:15:00.000Z', '203.0.113.9');
    const b = counter.count('2026-11-27T20:16:00.000Z', '203.0.113.9');
    const c = counter.count('2026-11-27T20:16:00.000Z', '2001:db8::1');
    await settled();
    expect(calls.map((x) => [x.minute.slice(11, 16), x.client, x.scans])).toEqual([
      ['20:15', '203.0.113.9', 1],
      ['20:16', '203.0.113.9', 1],
      ['20:16', '2001:db8::1', 1],
    ]);
    calls[0]?.finish(new Error('database gone'));
    calls[1]?.finish();
    calls[2]?.finish();
    await expect(a).rejects.toThrow('database gone');
    await expect(b).resolves.toBeUndefined();
    await expect(c).resolves.toBeUndefined();
    // A later scan of the failed row starts a new write.
    const again = counter.count('2026-11-27T20:15:00.000Z', '203.0.113.9');
    await settled();
    expect(calls).toHaveLength(4);
    calls[3]?.finish();
    await expect(again).resolves.toBeUndefined();
  });
});
