import type {
  DoorMe,
  DoorScanBody,
  DoorScanList,
  DoorScanResult,
  DoorSessionResponse,
  StartDoorSessionBody,
  VerifierChanges,
} from '../../shared/door.js';
import { ErrorCode } from '../../shared/error-codes.js';
import type { Ticket } from '../../shared/schemas.js';
import type { FailureReason } from '../lib/door-scan-machine.js';
import { ApiError, apiErrorOf, apiRequest, networkError } from './http.js';

/** How long a scan may take before the door says NOT CHECKED (the retry reuses its scanId). */
export const scanTimeoutMs = 8_000;

// Door calls never fire the organiser's "session expired, go to login" handler: a door has no login.
const door = { notifyUnauthorized: false } as const;

/** Why the door lost its access, when an error says so: a revoked/expired link, or no (valid) door session. */
export function doorAccessLost(error: unknown): 'revoked' | 'signed_out' | null {
  if (!(error instanceof ApiError) || error.status !== 401) return null;
  return error.code === ErrorCode.doorAccessRevoked ? 'revoked' : 'signed_out';
}

/** Opens a door session with the secret of a door link; the server sets the `admit_door` cookie. */
export function startDoorSession(body: StartDoorSessionBody): Promise<DoorSessionResponse> {
  return apiRequest('/api/door/sessions', { method: 'POST', body, ...door });
}

/** This door session: its event, door link, device, and the event's counters. */
export function getDoorMe(signal?: AbortSignal): Promise<DoorMe> {
  return apiRequest('/api/door/me', { signal, ...door });
}

/** This device's latest scans, newest first. */
export async function listDoorScans(limit = 20, signal?: AbortSignal): Promise<DoorScanList['items']> {
  const result = await apiRequest<DoorScanList>('/api/door/scans', { query: { limit }, signal, ...door });
  return result.items;
}

/** Undoes an admission made by this door link in the last 10 minutes: the ticket is ok again. */
export function undoDoorScan(scanId: string): Promise<{ ticket: Ticket }> {
  return apiRequest(`/api/door/scans/${encodeURIComponent(scanId)}`, { method: 'DELETE', ...door });
}

/** The event's offline verifier (binary ADV1, see shared/verifier.ts), for deciding scans offline. */
export async function getDoorVerifier(signal?: AbortSignal): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch('/api/door/verifier', { credentials: 'same-origin', signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw networkError();
  }
  if (!response.ok) throw await apiErrorOf(response, false);
  return response.arrayBuffer();
}

/** What changed in the verifier since `since` (a position the copy is current to). */
export function getVerifierChanges(since: number, signal?: AbortSignal): Promise<VerifierChanges> {
  return apiRequest('/api/door/verifier/changes', { query: { since }, signal, ...door });
}

/** True when a request failed for want of a network (no answer at all). */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof ApiError && error.status === 0;
}

/** A scan as sent: a fresh one, or the upload of one decided offline (`offline`: the device's time and verdict). */
export type DoorScanUpload = DoorScanBody & { scanId: string };

/** What became of one attempt to send a scan. Only `decided` is a verdict. */
export type ScanAnswer =
  | { kind: 'decided'; result: DoorScanResult }
  | { kind: 'ambiguous' }
  | { kind: 'access_lost'; why: 'revoked' | 'signed_out' }
  | { kind: 'failed'; reason: FailureReason; detail?: string };

/** Sorts an error of POST /api/door/scans: nothing but a 200 is ever a decision. */
export function classifyScanError(error: unknown, timedOut: boolean): ScanAnswer {
  if (timedOut) return { kind: 'failed', reason: 'timeout' };
  const lost = doorAccessLost(error);
  if (lost) return { kind: 'access_lost', why: lost };
  if (!(error instanceof ApiError) || error.status === 0) return { kind: 'failed', reason: 'network' };
  if (error.status === 409 && error.code === ErrorCode.ambiguousCode) return { kind: 'ambiguous' };
  if (error.status >= 500 || error.code === ErrorCode.serviceUnavailable) return { kind: 'failed', reason: 'server' };
  return { kind: 'failed', reason: 'refused', detail: error.problem.detail };
}

/**
 * Sends one scan and sorts the answer; never throws. A request that takes longer than
 * `timeoutMs` is abandoned as NOT CHECKED: the server may still have decided it, which is why a
 * retry must carry the same scanId.
 */
export async function sendDoorScan(body: DoorScanUpload, timeoutMs = scanTimeoutMs): Promise<ScanAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const result = await apiRequest<DoorScanResult>('/api/door/scans', {
      method: 'POST',
      body,
      signal: controller.signal,
      ...door,
    });
    return { kind: 'decided', result };
  } catch (error) {
    return classifyScanError(error, timedOut);
  } finally {
    clearTimeout(timer);
  }
}
