import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, setUnauthorizedHandler } from '../api/http.js';
import { checkDownload } from './download.js';

function problem(status: number, code: string) {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'T', status, detail: `detail ${code}`, code }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

describe('checkDownload', () => {
  const onUnauthorized = vi.fn();
  beforeEach(() => setUnauthorizedHandler(onUnauthorized));
  afterEach(() => {
    onUnauthorized.mockReset();
    setUnauthorizedHandler(undefined);
  });

  it('lets a good answer through without reading it, and drops the request', async () => {
    let signal: AbortSignal | undefined;
    const body = new ReadableStream({ pull: () => undefined });
    const request = vi.fn<typeof fetch>(async (_url, init) => {
      signal = init?.signal ?? undefined;
      return new Response(body, { status: 200, headers: { 'content-type': 'application/pdf' } });
    });
    await expect(checkDownload('/api/events/e/tickets.pdf?status=ok', request)).resolves.toBeUndefined();
    expect(request.mock.calls[0]?.[0]).toBe('/api/events/e/tickets.pdf?status=ok');
    expect(request.mock.calls[0]?.[1]?.credentials).toBe('same-origin');
    expect(signal?.aborted).toBe(true);
    expect(body.locked).toBe(false);
  });

  it('an expired session throws 401 and sends the user to login (never a file)', async () => {
    const request = vi.fn<typeof fetch>(async () => problem(401, 'unauthorized'));
    const error = await checkDownload('/api/events/e/tickets.csv', request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('unauthorized');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('any other refusal throws the problem, and stays on the page', async () => {
    const request = vi.fn<typeof fetch>(async () => problem(404, 'batch_not_found'));
    const error = await checkDownload('/api/events/e/tickets.pdf?batch=x', request).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).code).toBe('batch_not_found');
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('a lost connection is a network error', async () => {
    const request = vi.fn<typeof fetch>(async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await checkDownload('/x.csv', request).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(0);
    expect((error as ApiError).code).toBe('network_error');
  });
});
