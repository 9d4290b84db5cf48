import type { DoorScanResult } from '../../shared/door.js';
import { scanKeyOf } from './ticket-id.js';

/**
 * The door's scan logic, pure and clock-free (time is passed in), so its rules are unit-tested:
 * - one physical scan is one decision: a code gets a fresh scanId and is sent once;
 * - a decided answer shows for `verdictMs`, then the page is ready again by itself;
 * - the same code seen again within `dedupMs` of the last sighting is the same scan (a camera sees
 *   a code many times a second): it is ignored, not sent again;
 * - a failed attempt (offline, timeout, network, 5xx) is never the server's verdict: the screen says
 *   NOT CHECKED, and every retry of that code reuses its scanId, so an admission whose answer was lost
 *   comes back as ADMITTED (the server replays it), never ALREADY USED; when the request got no answer
 *   at all (network, timeout) and the phone's copy of the tickets can decide the code, it decides it
 *   as offline instead, queued under the same scanId (scanUnanswered);
 * - nothing is sent unless a scan or a tap asked for it; offline, a full ticket code is decided by
 *   `decideOffline` (the phone's copy of the event's tickets): the verdict is marked offline, and the
 *   step says to queue the scan for upload; what the copy cannot decide (a typed prefix) is NOT CHECKED.
 */

/** How long a verdict fills the screen before the page is ready again. */
export const verdictMs = 2_000;
/** The same code seen again within this long after its last sighting is the same scan. */
export const dedupMs = 3_000;
/** How many failed attempts keep their scanId for a retry (the oldest are forgotten first). */
const unresolvedMax = 50;

export type ScanSource = 'camera' | 'scanner' | 'typed';
export type FailureReason = 'offline' | 'timeout' | 'network' | 'server' | 'refused';

/** A failure with no answer at all (the request may or may not have reached the server). */
export function isUnanswered(reason: FailureReason): boolean {
  return reason === 'network' || reason === 'timeout';
}

/** One physical scan, as sent (and, after a failure, sent again) to POST /api/door/scans. */
export interface ScanAttempt {
  scanId: string;
  code: string;
  /** What makes two scans the same code (see scanKeyOf). */
  key: string;
  source: ScanSource;
}

/** What the phone's own copy of the tickets says about a code, offline. */
export interface LocalDecision {
  outcome: 'admitted' | 'already_redeemed' | 'not_found' | 'void';
  /** The ticket id the code names (null: the code named none). */
  ticketId: string | null;
}

/** Decides a code offline from the phone's copy; null when it cannot (no copy, or not a full ticket code). */
export type DecideOffline = (code: string) => LocalDecision | null;

/** An offline verdict, to keep (queue) and upload when the connection is back. */
export interface OfflineScan {
  attempt: ScanAttempt;
  decision: LocalDecision;
  /** The device's clock when it decided, ISO. */
  at: string;
}

export type DoorScreen =
  | { kind: 'ready' }
  | { kind: 'checking'; attempt: ScanAttempt }
  | { kind: 'verdict'; attempt: ScanAttempt; result: DoorScanResult; until: number; offline?: LocalDecision }
  | { kind: 'not_checked'; attempt: ScanAttempt; reason: FailureReason; detail?: string }
  | { kind: 'ambiguous'; code: string };

export interface ScanMachine {
  screen: DoorScreen;
  /** The last code seen and when; each sighting moves `at`, so a code held in view stays one scan. */
  lastSeen: { key: string; at: number } | null;
  /** Attempts without a decided answer, oldest first: a retry of the same code reuses its scanId. */
  unresolved: { key: string; scanId: string }[];
}

export interface Step {
  machine: ScanMachine;
  /** The request to send now, if any. */
  send: ScanAttempt | null;
  /** A scan decided offline, to queue before its verdict shows. */
  queue?: OfflineScan;
  /** Why a code was not acted on, for a hint next to the typing field. */
  ignored: 'duplicate' | 'busy' | null;
}

export const initialScanMachine: ScanMachine = { screen: { kind: 'ready' }, lastSeen: null, unresolved: [] };

function remember(unresolved: ScanMachine['unresolved'], key: string, scanId: string) {
  const rest = unresolved.filter((u) => u.key !== key);
  return [...rest, { key, scanId }].slice(-unresolvedMax);
}

function forgetScanId(unresolved: ScanMachine['unresolved'], scanId: string) {
  return unresolved.filter((u) => u.scanId !== scanId);
}

/** Offline, said with NOT CHECKED when the phone's copy could not decide the code. */
export const offlineUndecidedHint = 'Type the full code or scan it while offline.';

interface StartInput {
  online: boolean;
  now: number;
  decideOffline?: DecideOffline;
}

/** A verdict from the phone's copy: shown as offline, and the scan queued for upload under its scanId. */
function offlineVerdict(machine: ScanMachine, attempt: ScanAttempt, decision: LocalDecision, now: number): Step {
  const at = new Date(now).toISOString();
  const result: DoorScanResult = { outcome: decision.outcome, scan: { id: attempt.scanId, at } };
  return {
    machine: {
      ...machine,
      unresolved: forgetScanId(machine.unresolved, attempt.scanId),
      screen: { kind: 'verdict', attempt, result, until: now + verdictMs, offline: decision },
    },
    send: null,
    queue: { attempt, decision, at },
    ignored: null,
  };
}

function start(machine: ScanMachine, attempt: ScanAttempt, input: StartInput): Step {
  const unresolved = remember(machine.unresolved, attempt.key, attempt.scanId);
  if (!input.online) {
    const decision = input.decideOffline?.(attempt.code) ?? null;
    if (decision) return offlineVerdict({ ...machine, unresolved }, attempt, decision, input.now);
    const detail = input.decideOffline ? offlineUndecidedHint : undefined;
    return {
      machine: { ...machine, unresolved, screen: { kind: 'not_checked', attempt, reason: 'offline', detail } },
      send: null,
      ignored: null,
    };
  }
  return { machine: { ...machine, unresolved, screen: { kind: 'checking', attempt } }, send: attempt, ignored: null };
}

/** A code was read (camera), typed by a scanner (keyboard wedge) or by a person. */
export function scanCode(
  machine: ScanMachine,
  input: {
    code: string;
    source: ScanSource;
    now: number;
    online: boolean;
    newScanId: () => string;
    decideOffline?: DecideOffline;
  },
): Step {
  const code = input.code.trim();
  const key = scanKeyOf(code);
  if (!key) return { machine, send: null, ignored: null };
  const { screen, lastSeen } = machine;
  const repeat = lastSeen !== null && lastSeen.key === key && input.now - lastSeen.at <= dedupMs;

  if (screen.kind === 'checking') {
    // One answer at a time; a sighting of the code being checked still counts as seen.
    const seen = screen.attempt.key === key ? { key, at: input.now } : lastSeen;
    return {
      machine: { ...machine, lastSeen: seen },
      send: null,
      ignored: screen.attempt.key === key ? 'duplicate' : 'busy',
    };
  }
  const seen = { key, at: input.now };
  const unresolved = machine.unresolved.find((u) => u.key === key);
  if (repeat) {
    // A person who scans or types a code again after NOT CHECKED means "try again"; a camera that
    // keeps seeing it does not (that would resend by itself while the volunteer looks elsewhere).
    const deliberateRetry = unresolved !== undefined && input.source !== 'camera';
    if (!deliberateRetry) return { machine: { ...machine, lastSeen: seen }, send: null, ignored: 'duplicate' };
  }
  const scanId = unresolved?.scanId ?? input.newScanId();
  return start({ ...machine, lastSeen: seen }, { scanId, code, key, source: input.source }, input);
}

/** The server decided (HTTP 200): show the verdict until `now + verdictMs`. */
export function scanDecided(
  machine: ScanMachine,
  input: { scanId: string; result: DoorScanResult; now: number },
): ScanMachine {
  const unresolved = forgetScanId(machine.unresolved, input.scanId);
  const { screen } = machine;
  if (screen.kind !== 'checking' || screen.attempt.scanId !== input.scanId) return { ...machine, unresolved };
  return {
    ...machine,
    unresolved,
    screen: { kind: 'verdict', attempt: screen.attempt, result: input.result, until: input.now + verdictMs },
  };
}

/** The attempt got no decision (offline, timeout, network, 5xx, or another 4xx): NOT CHECKED, never a verdict. */
export function scanFailed(
  machine: ScanMachine,
  input: { scanId: string; reason: FailureReason; detail?: string },
): ScanMachine {
  const { screen } = machine;
  if (screen.kind !== 'checking' || screen.attempt.scanId !== input.scanId) return machine;
  return {
    ...machine,
    screen: { kind: 'not_checked', attempt: screen.attempt, reason: input.reason, detail: input.detail },
  };
}

/**
 * The attempt got no answer at all (the network failed, or it timed out) while the phone thought it
 * was online: the phone's copy decides it, as offline, and it is queued under the same scanId. That
 * is safe whatever became of the request: if the server did decide it, the upload replays that
 * first answer, so nothing is counted twice. What the copy cannot decide (no copy yet, a prefix),
 * and every other failure (5xx, a refusal), is NOT CHECKED as before.
 */
export function scanUnanswered(
  machine: ScanMachine,
  input: { scanId: string; reason: FailureReason; detail?: string; now: number; decideOffline?: DecideOffline },
): Step {
  const { screen } = machine;
  if (screen.kind === 'checking' && screen.attempt.scanId === input.scanId) {
    const decision = isUnanswered(input.reason) ? (input.decideOffline?.(screen.attempt.code) ?? null) : null;
    if (decision) return offlineVerdict(machine, screen.attempt, decision, input.now);
  }
  return { machine: scanFailed(machine, input), send: null, ignored: null };
}

/** A typed prefix matches several tickets (409 ambiguous_code): nothing happened, type more. */
export function scanAmbiguous(machine: ScanMachine, input: { scanId: string }): ScanMachine {
  const unresolved = forgetScanId(machine.unresolved, input.scanId);
  const { screen } = machine;
  if (screen.kind !== 'checking' || screen.attempt.scanId !== input.scanId) return { ...machine, unresolved };
  return { ...machine, unresolved, screen: { kind: 'ambiguous', code: screen.attempt.code } };
}

/** "Try again" after NOT CHECKED: the same attempt, with the same scanId. */
export function retryScan(
  machine: ScanMachine,
  input: { now: number; online: boolean; decideOffline?: DecideOffline },
): Step {
  const { screen } = machine;
  if (screen.kind !== 'not_checked') return { machine, send: null, ignored: null };
  return start({ ...machine, lastSeen: { key: screen.attempt.key, at: input.now } }, screen.attempt, input);
}

/** Time passes: a verdict whose time is up gives way to the ready screen. */
export function tickScan(machine: ScanMachine, now: number): ScanMachine {
  const { screen } = machine;
  if (screen.kind === 'verdict' && now >= screen.until) return { ...machine, screen: { kind: 'ready' } };
  return machine;
}

/** A tap on the answer: ready at once (a failed attempt keeps its scanId for a later retry). */
export function dismissScan(machine: ScanMachine): ScanMachine {
  if (machine.screen.kind === 'checking' || machine.screen.kind === 'ready') return machine;
  return { ...machine, screen: { kind: 'ready' } };
}

/** After an undo the ticket is ok again: scanning it at once is a new scan, not a repeat. */
export function forgetCode(machine: ScanMachine, code: string): ScanMachine {
  const key = scanKeyOf(code);
  return machine.lastSeen?.key === key ? { ...machine, lastSeen: null } : machine;
}
