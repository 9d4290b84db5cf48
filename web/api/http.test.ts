import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getSession, login } from './auth.js';
import { ApiError, apiRequest, buildUrl, setUnauthorizedHandler } from './http.js';
import { redeemTicket } from './tickets.js';

function problem(status: number, code: string, extra: Record<string, unknown> = {}) {
  return new Response(
    JSON.stringify({ type: 'about:blank', title: 'T', status, detail: `detail ${code}`, code, ...extra }),
    {
      status,
      headers: { 'content-type': 'application/problem+json' },
    },
  );
}

describe('apiRequest', () => {
  const fetchMock = vi.fn<typeof fetch>();
  const onUnauthorized = vi.fn();

  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock);
    setUnauthorizedHandler(onUnauthorized);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    fetchMock.mockReset();
    onUnauthorized.mockReset();
    setUnauthorizedHandler(undefined);
  });

  it('sends JSON with the session cookie and returns the parsed body', async () => {
    fetchMock.mockResolvedValue(Response.json({ ok: 1 }));
    await expect(apiRequest('/api/x', { method: 'POST', body: { a: 1 } })).resolves.toEqual({ ok: 1 });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/x');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.body).toBe('{"a":1}');
    expect(init?.headers).toMatchObject({ 'content-type': 'application/json' });
  });

  it('on a 401 "unauthorized" calls the session-expired handler once and throws ApiError', async () => {
    fetchMock.mockResolvedValue(problem(401, 'unauthorized'));
    const error = await apiRequest('/api/events').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).code).toBe('unauthorized');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('does not treat a failed login (401 invalid_credentials) as an expired session', async () => {
    fetchMock.mockResolvedValue(problem(401, 'invalid_credentials'));
    await expect(login({ username: 'ann', password: 'wrong password' })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('the session probe answers null on 401 without firing the handler', async () => {
    fetchMock.mockResolvedValue(problem(401, 'unauthorized'));
    await expect(getSession()).resolves.toBeNull();
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('a request may opt out of the handler', async () => {
    fetchMock.mockResolvedValue(problem(401, 'unauthorized'));
    await expect(apiRequest('/api/x', { notifyUnauthorized: false })).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('other errors keep their code and do not fire the handler', async () => {
    fetchMock.mockResolvedValue(problem(404, 'event_not_found'));
    await expect(apiRequest('/api/events/x')).rejects.toMatchObject({ status: 404, code: 'event_not_found' });
    fetchMock.mockResolvedValue(new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(apiRequest('/api/events/x')).rejects.toMatchObject({ status: 502, code: 'internal_error' });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('a network failure becomes ApiError status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(apiRequest('/api/x')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('a 410 on redeem is an outcome with the first redemption time, not an error', async () => {
    fetchMock.mockResolvedValue(
      problem(410, 'ticket_already_redeemed', { redeemedAt: '2026-11-27T20:15:03.123Z', duplicateScans: 2 }),
    );
    await expect(redeemTicket('5e0f4f6c-2b43-4e39-9b5c-0e7a4a8c1d2e')).resolves.toEqual({
      outcome: 'already_redeemed',
      redeemedAt: '2026-11-27T20:15:03.123Z',
      duplicateScans: 2,
    });
  });
});

describe('buildUrl', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(buildUrl('/api/events', { q: 'jazz & blues', page: 2, sort: undefined, x: '' })).toBe(
      '/api/events?q=jazz+%26+blues&page=2',
    );
    expect(buildUrl('/api/events')).toBe('/api/events');
  });
});
