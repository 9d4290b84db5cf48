import { describe, expect, it } from 'vitest';
import type { ScanAnswer } from '../api/door.js';
import { uploadQueue } from './offline-queue.js';
import type { QueuedScan } from './offline-store.js';

const scan = (n: number, decided: QueuedScan['decided'] = 'admitted'): QueuedScan => ({
  scanId: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  code: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  ticketId: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  at: new Date(Date.UTC(2026, 11, 31, 20, 0, n)).toISOString(),
  decided,
  eventId: 'e',
});

function fakeQueue(items: QueuedScan[], answers: ScanAnswer[]) {
  const queue = [...items];
  const sent: QueuedScan[] = [];
  const kept: QueuedScan[] = [];
  return {
    queue,
    sent,
    kept,
    deps: {
      list: async () => [...queue],
      send: async (s: QueuedScan) => {
        sent.push(s);
        return answers.shift() ?? { kind: 'failed', reason: 'network' };
      },
      remove: async (s: QueuedScan) => {
        queue.splice(queue.indexOf(s), 1);
      },
      keep: async (s: QueuedScan) => {
        kept.push(s);
      },
    },
  };
}

const decided = (outcome: string, extra: object = {}): ScanAnswer =>
  ({ kind: 'decided', result: { outcome, scan: { id: 'x', at: '2026-12-31T20:00:00.000Z' }, ...extra } }) as ScanAnswer;

describe('uploading the offline queue', () => {
  it('sends in order, one at a time, and removes each scan the server answered', async () => {
    const q = fakeQueue(
      [scan(1), scan(2, 'already_redeemed'), scan(3, 'not_found')],
      [decided('admitted'), decided('already_redeemed'), decided('not_found')],
    );
    const run = await uploadQueue(q.deps);
    expect(q.sent.map((s) => s.scanId)).toEqual([scan(1).scanId, scan(2).scanId, scan(3).scanId]);
    expect(q.queue).toEqual([]);
    expect(run).toMatchObject({ sent: 3, refused: 0, accessLost: null, interrupted: false, doubleEntries: [] });
  });

  it('reports a double entry with the first door and time', async () => {
    const q = fakeQueue(
      [scan(1)],
      [decided('offline_double_entry', { redeemedAt: '2026-12-31T19:59:00.000Z', redeemedAtDoor: 'North' })],
    );
    const run = await uploadQueue(q.deps);
    expect(run.doubleEntries).toEqual([
      { scanId: scan(1).scanId, ticketId: scan(1).ticketId, door: 'North', at: '2026-12-31T19:59:00.000Z' },
    ]);
    expect(q.queue).toEqual([]);
  });

  it('reports a double entry when an admission it made from its copy is answered by a replayed refusal', async () => {
    // Its request had reached the server, which refused it, but the answer never came back.
    const q = fakeQueue(
      [scan(1), scan(2, 'already_redeemed')],
      [
        decided('already_redeemed', { redeemedAt: '2026-12-31T19:58:00.000Z', redeemedAtDoor: 'South' }),
        decided('already_redeemed', { redeemedAt: '2026-12-31T19:57:00.000Z', redeemedAtDoor: 'South' }),
      ],
    );
    const run = await uploadQueue(q.deps);
    expect(run.doubleEntries).toEqual([
      { scanId: scan(1).scanId, ticketId: scan(1).ticketId, door: 'South', at: '2026-12-31T19:58:00.000Z' },
    ]);
  });

  it('a failed connection stops at that scan and keeps it and the rest for the next try', async () => {
    const q = fakeQueue([scan(1), scan(2), scan(3)], [decided('admitted'), { kind: 'failed', reason: 'network' }]);
    const run = await uploadQueue(q.deps);
    expect(run).toMatchObject({ sent: 1, interrupted: true });
    expect(q.queue.map((s) => s.scanId)).toEqual([scan(2).scanId, scan(3).scanId]);
    // The retry sends the same scanIds again: the server replays its first answers.
    const again = await uploadQueue({ ...q.deps, send: async () => decided('admitted') });
    expect(again.sent).toBe(2);
  });

  it('a refusal (4xx) keeps the scan with the problem and goes on; a 401 stops with access lost', async () => {
    const q = fakeQueue(
      [scan(1), scan(2), scan(3)],
      [
        { kind: 'failed', reason: 'refused', detail: 'offline.at is too old' },
        decided('admitted'),
        { kind: 'access_lost', why: 'revoked' },
      ],
    );
    const run = await uploadQueue(q.deps);
    expect(run).toMatchObject({ sent: 1, refused: 1, accessLost: 'revoked' });
    expect(q.kept).toEqual([{ ...scan(1), problem: 'offline.at is too old' }]);
    expect(q.queue.map((s) => s.scanId)).toEqual([scan(1).scanId, scan(3).scanId]);
  });
});
