import { describe, expect, it } from 'vitest';
import type { DoorScanResult } from '../../shared/door.js';
import {
  type DecideOffline,
  dedupMs,
  dismissScan,
  forgetCode,
  initialScanMachine,
  offlineUndecidedHint,
  retryScan,
  type ScanMachine,
  type ScanSource,
  scanAmbiguous,
  scanCode,
  scanDecided,
  scanFailed,
  scanUnanswered,
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

describe('door scan machine, offline with a copy of the tickets', () => {
  /** A copy that knows idA (ok until admitted here) and nothing else; prefixes it cannot decide. */
  function copy() {
    const used = new Set<string>();
    const asked: string[] = [];
    const decideOffline: DecideOffline = (code) => {
      asked.push(code);
      if (!/^[0-9a-f-]{36}$/.test(code)) return null;
      if (code !== idA) return { outcome: 'not_found', ticketId: code };
      return { outcome: used.has(code) ? 'already_redeemed' : 'admitted', ticketId: code };
    };
    return { decideOffline, used, asked };
  }
  const offlineScan = (
    machine: ScanMachine,
    code: string,
    now: number,
    newScanId: () => string,
    decideOffline: DecideOffline,
    source: ScanSource = 'scanner',
  ) => scanCode(machine, { code, source, now, online: false, newScanId, decideOffline });

  it('decides a full code on the phone: a verdict marked offline, nothing sent, the scan to queue with its time', () => {
    const newId = ids();
    const { decideOffline } = copy();
    const step = offlineScan(initialScanMachine, idA, 1_000, newId, decideOffline);
    expect(step.send).toBeNull();
    expect(step.machine.screen).toMatchObject({
      kind: 'verdict',
      until: 1_000 + verdictMs,
      result: { outcome: 'admitted', scan: { at: '1970-01-01T00:00:01.000Z' } },
      offline: { outcome: 'admitted', ticketId: idA },
    });
    expect(step.queue).toMatchObject({
      attempt: { code: idA, scanId: '00000000-0000-4000-8000-000000000001' },
      decision: { outcome: 'admitted', ticketId: idA },
      at: '1970-01-01T00:00:01.000Z',
    });
    expect(step.machine.unresolved).toEqual([]);
    expect(tickScan(step.machine, 1_000 + verdictMs).screen.kind).toBe('ready');
  });

  it('a camera holding the code is one scan; scanned again later, the copy decides again (ALREADY USED)', () => {
    const newId = ids();
    const { decideOffline, used, asked } = copy();
    const first = offlineScan(initialScanMachine, idA, 0, newId, decideOffline, 'camera');
    used.add(idA); // the page marks it used once queued
    const held = offlineScan(first.machine, idA, 500, newId, decideOffline, 'camera');
    expect(held.ignored).toBe('duplicate');
    expect(held.queue).toBeUndefined();
    expect(asked).toHaveLength(1);
    const later = offlineScan(tickScan(held.machine, 10_000), idA, 10_000, newId, decideOffline, 'camera');
    expect(later.machine.screen).toMatchObject({ kind: 'verdict', result: { outcome: 'already_redeemed' } });
    expect(later.queue?.attempt.scanId).not.toBe(first.queue?.attempt.scanId);
  });

  it('a code not in the copy is NOT FOUND offline, queued too', () => {
    const step = offlineScan(initialScanMachine, idB, 0, ids(), copy().decideOffline);
    expect(step.machine.screen).toMatchObject({ kind: 'verdict', result: { outcome: 'not_found' } });
    expect(step.queue?.decision.outcome).toBe('not_found');
  });

  it('a typed prefix cannot be decided offline: NOT CHECKED saying to type the full code, nothing queued', () => {
    const step = offlineScan(initialScanMachine, '5e0f4f6c', 0, ids(), copy().decideOffline, 'typed');
    expect(step.queue).toBeUndefined();
    expect(step.machine.screen).toMatchObject({ kind: 'not_checked', reason: 'offline', detail: offlineUndecidedHint });
    // Without a copy at all, NOT CHECKED as before, with no hint.
    const none = scan(initialScanMachine, idA, 0, ids(), 'scanner', false);
    expect(none.machine.screen).toMatchObject({ kind: 'not_checked', reason: 'offline' });
    expect(none.machine.screen.kind === 'not_checked' && none.machine.screen.detail).toBeUndefined();
  });

  it('Try again after an offline NOT CHECKED decides from the copy once it can, with the same scanId', () => {
    const newId = ids();
    const failed = scan(initialScanMachine, idA, 0, newId, 'scanner', false);
    const retried = retryScan(failed.machine, { now: 100, online: false, decideOffline: copy().decideOffline });
    expect(retried.machine.screen).toMatchObject({ kind: 'verdict', offline: { outcome: 'admitted' } });
    expect(retried.queue?.attempt.scanId).toBe('00000000-0000-4000-8000-000000000001');
    expect(retried.machine.unresolved).toEqual([]);
  });

  it('online, the copy is never asked', () => {
    const { decideOffline, asked } = copy();
    const step = scanCode(initialScanMachine, {
      code: idA,
      source: 'scanner',
      now: 0,
      online: true,
      newScanId: ids(),
      decideOffline,
    });
    expect(step.send).not.toBeNull();
    expect(step.queue).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('online but unanswered (network, timeout): the copy decides under the same scanId, queued to upload', () => {
    for (const reason of ['network', 'timeout'] as const) {
      const { decideOffline } = copy();
      const sent = scanCode(initialScanMachine, {
        code: idA,
        source: 'scanner',
        now: 0,
        online: true,
        newScanId: ids(),
        decideOffline,
      });
      const scanId = sent.send?.scanId as string;
      const step = scanUnanswered(sent.machine, { scanId, reason, now: 8_000, decideOffline });
      expect(step.machine.screen).toMatchObject({
        kind: 'verdict',
        result: { outcome: 'admitted', scan: { id: scanId } },
        offline: { outcome: 'admitted' },
      });
      // The upload carries the request's scanId: if the server did decide it, it replays that answer.
      expect(step.queue).toMatchObject({ attempt: { scanId }, decision: { outcome: 'admitted' } });
      expect(step.machine.unresolved).toEqual([]);
    }
  });

  it('a 5xx or a refusal stays NOT CHECKED, and so does what the copy cannot decide', () => {
    const { decideOffline } = copy();
    const send = (code: string) =>
      scanCode(initialScanMachine, { code, source: 'typed', now: 0, online: true, newScanId: ids(), decideOffline });
    const full = send(idA);
    const fullId = full.send?.scanId as string;
    for (const reason of ['server', 'refused'] as const) {
      const step = scanUnanswered(full.machine, { scanId: fullId, reason, now: 1, decideOffline });
      expect(step.machine.screen).toMatchObject({ kind: 'not_checked', reason });
      expect(step.queue).toBeUndefined();
    }
    const prefix = send('5e0f4f6c');
    const step = scanUnanswered(prefix.machine, {
      scanId: prefix.send?.scanId as string,
      reason: 'network',
      now: 1,
      decideOffline,
    });
    expect(step.machine.screen).toMatchObject({ kind: 'not_checked', reason: 'network' });
    // Without a copy (none downloaded yet), NOT CHECKED as before.
    const bare = scanUnanswered(full.machine, { scanId: fullId, reason: 'network', now: 1 });
    expect(bare.machine.screen).toMatchObject({ kind: 'not_checked', reason: 'network' });
  });
});
