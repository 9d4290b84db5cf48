import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDoorMe, sendDoorScan } from './door.js';
import { setUnauthorizedHandler } from './http.js';

function problem(status: number, code: string) {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'T', status, detail: `detail ${code}`, code }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

const body = { code: 'abc', scanId: '00000000-0000-4000-8000-000000000001' };

describe('sendDoorScan: only a 200 is a decision', () => {
  const fetchMock = vi.fn<typeof fetch>();
  const onUnauthorized = vi.fn();

  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock);
    setUnauthorizedHandler(onUnauthorized);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    fetchMock.mockReset();
    onUnauthorized.mockReset();
    setUnauthorizedHandler(undefined);
  });

  it('a 200 is the decided outcome, and the scanId goes in the body', async () => {
    const result = { outcome: 'admitted', scan: { id: body.scanId, at: '2026-12-31T20:00:00.000Z' } };
    fetchMock.mockResolvedValue(Response.json(result));
    expect(await sendDoorScan(body)).toEqual({ kind: 'decided', result });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/door/scans');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual(body);
  });

  it('a network failure, a 5xx and a 503 are failures, never verdicts', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    expect(await sendDoorScan(body)).toEqual({ kind: 'failed', reason: 'network' });
    fetchMock.mockResolvedValueOnce(problem(500, 'internal_error'));
    expect(await sendDoorScan(body)).toEqual({ kind: 'failed', reason: 'server' });
    fetchMock.mockResolvedValueOnce(new Response('bad gateway', { status: 502 }));
    expect(await sendDoorScan(body)).toEqual({ kind: 'failed', reason: 'server' });
  });

  it('gives up after the timeout, as NOT CHECKED', async () => {
    vi.useFakeTimers();
    fetchMock.mockImplementation(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const pending = sendDoorScan(body, 8_000);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(await pending).toEqual({ kind: 'failed', reason: 'timeout' });
  });

  it('sorts the door answers: ambiguous prefix, revoked link, no session; a door 401 never sends to login', async () => {
    fetchMock.mockResolvedValueOnce(problem(409, 'ambiguous_code'));
    expect(await sendDoorScan(body)).toEqual({ kind: 'ambiguous' });
    fetchMock.mockResolvedValueOnce(problem(401, 'door_access_revoked'));
    expect(await sendDoorScan(body)).toEqual({ kind: 'access_lost', why: 'revoked' });
    fetchMock.mockResolvedValueOnce(problem(401, 'unauthorized'));
    expect(await sendDoorScan(body)).toEqual({ kind: 'access_lost', why: 'signed_out' });
    fetchMock.mockResolvedValueOnce(problem(401, 'unauthorized'));
    await expect(getDoorMe()).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('another 4xx is refused with the server detail, not a verdict', async () => {
    fetchMock.mockResolvedValueOnce(problem(400, 'validation_failed'));
    expect(await sendDoorScan(body)).toEqual({ kind: 'failed', reason: 'refused', detail: 'detail validation_failed' });
  });
});
