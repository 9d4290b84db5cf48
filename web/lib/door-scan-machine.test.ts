import { describe, expect, it } from 'vitest';
import type { DoorScanResult } from '../../shared/door.js';
import {
  dedupMs,
  dismissScan,
  forgetCode,
  initialScanMachine,
  retryScan,
  type ScanMachine,
  type ScanSource,
  scanAmbiguous,
  scanCode,
  scanDecided,
  scanFailed,
  tickScan,
  verdictMs,
} from './door-scan-machine.js';

const idA = '5e0f4f6c-2b43-4e39-9b5c-0e7a4a8c1d2e';
const idB = '9a1b2c3d-0000-4000-8000-000000000001';

function ids() {
  let n = 0;
  return () => {
    n += 1;
    return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  };
}

function result(outcome: DoorScanResult['outcome'], scanId: string): DoorScanResult {
  return { outcome, scan: { id: scanId, at: '2026-12-31T20:15:03.000Z' } };
}

function scan(
  machine: ScanMachine,
  code: string,
  now: number,
  newScanId: () => string,
  source: ScanSource = 'camera',
  online = true,
) {
  return scanCode(machine, { code, source, now, online, newScanId });
}

describe('door scan machine', () => {
  it('sends a new code once with a fresh scanId, then shows the verdict for 2 s and is ready by itself', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId);
    expect(first.send).toMatchObject({ code: idA, key: idA, scanId: '00000000-0000-4000-8000-000000000001' });
    expect(first.machine.screen.kind).toBe('checking');

    const decided = scanDecided(first.machine, {
      scanId: first.send!.scanId,
      result: result('admitted', first.send!.scanId),
      now: 100,
    });
    expect(decided.screen).toMatchObject({ kind: 'verdict', until: 100 + verdictMs });
    expect(decided.unresolved).toEqual([]);
    expect(tickScan(decided, 100 + verdictMs - 1).screen.kind).toBe('verdict');
    expect(tickScan(decided, 100 + verdictMs).screen.kind).toBe('ready');
  });

  it('a tap dismisses the verdict sooner', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId);
    const decided = scanDecided(first.machine, {
      scanId: first.send!.scanId,
      result: result('not_found', first.send!.scanId),
      now: 50,
    });
    expect(dismissScan(decided).screen.kind).toBe('ready');
  });

  it('ignores the same code within 3 s of its last sighting, in any form, and sends nothing', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId);
    const whileChecking = scan(first.machine, `https://admit.example/t/${idA.toUpperCase()}`, 40, newId);
    expect(whileChecking.send).toBeNull();
    expect(whileChecking.ignored).toBe('duplicate');
    let machine = scanDecided(whileChecking.machine, {
      scanId: first.send!.scanId,
      result: result('admitted', first.send!.scanId),
      now: 80,
    });
    machine = tickScan(machine, 80 + verdictMs);
    // Held in front of the camera for 10 s: seen every 200 ms, never a second scan (no ALREADY USED for this guest).
    for (let now = 200; now <= 10_000; now += 200) {
      const again = scan(machine, idA, now, newId);
      expect(again.send).toBeNull();
      machine = again.machine;
    }
    // Gone from view for longer than 3 s: a new scan.
    const later = scan(machine, idA, 10_000 + dedupMs + 1, newId);
    expect(later.send?.scanId).toBe('00000000-0000-4000-8000-000000000002');
  });

  it('takes a different code during the verdict at once (a queue of guests keeps moving)', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId, 'scanner');
    const decided = scanDecided(first.machine, {
      scanId: first.send!.scanId,
      result: result('admitted', first.send!.scanId),
      now: 10,
    });
    const next = scan(decided, idB, 500, newId, 'scanner');
    expect(next.send?.code).toBe(idB);
    expect(next.machine.screen.kind).toBe('checking');
  });

  it('is busy while checking: another code is not sent', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId);
    const other = scan(first.machine, idB, 10, newId);
    expect(other.send).toBeNull();
    expect(other.ignored).toBe('busy');
    // ...and the code being checked stays the one that is deduplicated.
    expect(other.machine.lastSeen?.key).toBe(idA);
  });

  it('never shows a verdict on a network failure, and "Try again" re-sends the same scanId', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId, 'scanner');
    const failed = scanFailed(first.machine, { scanId: first.send!.scanId, reason: 'timeout' });
    expect(failed.screen).toMatchObject({ kind: 'not_checked', reason: 'timeout' });
    expect(tickScan(failed, 60_000).screen.kind).toBe('not_checked'); // it waits for the volunteer

    const retry = retryScan(failed, { now: 9_000, online: true });
    expect(retry.send?.scanId).toBe(first.send!.scanId);
    const decided = scanDecided(retry.machine, {
      scanId: first.send!.scanId,
      result: result('admitted', first.send!.scanId),
      now: 9_100,
    });
    expect(decided.screen).toMatchObject({ kind: 'verdict', result: { outcome: 'admitted' } });
  });

  it('scanning the same code again after a failure reuses its scanId, even after other guests', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId, 'scanner');
    let machine = dismissScan(scanFailed(first.machine, { scanId: first.send!.scanId, reason: 'server' }));
    const other = scan(machine, idB, 5_000, newId, 'scanner');
    expect(other.send?.scanId).not.toBe(first.send!.scanId);
    machine = scanDecided(other.machine, {
      scanId: other.send!.scanId,
      result: result('admitted', other.send!.scanId),
      now: 5_100,
    });
    const again = scan(machine, idA.toUpperCase(), 9_000, newId, 'camera');
    expect(again.send?.scanId).toBe(first.send!.scanId);
  });

  it('a scanner or a person scanning again right after NOT CHECKED retries; the camera still seeing it does not', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId, 'camera');
    const failed = scanFailed(first.machine, { scanId: first.send!.scanId, reason: 'network' });
    expect(scan(failed, idA, 300, newId, 'camera').send).toBeNull();
    const deliberate = scan(failed, idA, 300, newId, 'scanner');
    expect(deliberate.send?.scanId).toBe(first.send!.scanId);
    // ...also after the volunteer dismissed NOT CHECKED.
    const afterDismiss = scan(dismissScan(failed), idA, 300, newId, 'typed');
    expect(afterDismiss.send?.scanId).toBe(first.send!.scanId);
    expect(scan(dismissScan(failed), idA, 300, newId, 'camera').send).toBeNull();
  });

  it('offline: NOT CHECKED at once, nothing sent; back online, the retry carries the same scanId', () => {
    const newId = ids();
    const offline = scan(initialScanMachine, idA, 0, newId, 'scanner', false);
    expect(offline.send).toBeNull();
    expect(offline.machine.screen).toMatchObject({ kind: 'not_checked', reason: 'offline' });
    const stillOffline = retryScan(offline.machine, { now: 1_000, online: false });
    expect(stillOffline.send).toBeNull();
    const online = retryScan(stillOffline.machine, { now: 2_000, online: true });
    expect(online.send?.scanId).toBe(
      (offline.machine.screen.kind === 'not_checked' && offline.machine.screen.attempt.scanId) || 'none',
    );
  });

  it('ignores an answer or a failure that is not for the attempt on screen', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId);
    const stale = scanDecided(first.machine, { scanId: 'other', result: result('admitted', 'other'), now: 5 });
    expect(stale.screen.kind).toBe('checking');
    expect(scanFailed(first.machine, { scanId: 'other', reason: 'network' }).screen.kind).toBe('checking');
  });

  it('an ambiguous prefix asks for more characters and keeps no scanId', () => {
    const newId = ids();
    const first = scan(initialScanMachine, '5e0f4f6c', 0, newId, 'typed');
    const ambiguous = scanAmbiguous(first.machine, { scanId: first.send!.scanId });
    expect(ambiguous.screen).toEqual({ kind: 'ambiguous', code: '5e0f4f6c' });
    expect(ambiguous.unresolved).toEqual([]);
    expect(scan(ambiguous, '5e0f4f6c-2b', 100, newId, 'typed').send).not.toBeNull();
  });

  it('after an undo the same ticket can be scanned again at once', () => {
    const newId = ids();
    const first = scan(initialScanMachine, idA, 0, newId, 'scanner');
    let machine = scanDecided(first.machine, {
      scanId: first.send!.scanId,
      result: result('admitted', first.send!.scanId),
      now: 10,
    });
    machine = forgetCode(machine, idA);
    expect(scan(machine, idA, 500, newId, 'scanner').send).not.toBeNull();
  });

  it('ignores empty codes', () => {
    expect(scan(initialScanMachine, '   ', 0, ids()).send).toBeNull();
  });
});
