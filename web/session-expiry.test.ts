import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiRequest, setUnauthorizedHandler } from './api/http.js';
import { sessionKey } from './queries/session.js';
import { installSessionExpiryHandler, type NavigatorLike } from './session-expiry.js';

function fakeRouter(pathname: string, href: string) {
  const navigate = vi.fn<NavigatorLike['navigate']>().mockResolvedValue(undefined);
  return { router: { state: { location: { pathname, href } }, navigate } satisfies NavigatorLike, navigate };
}

const expired = () =>
  new Response(
    JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'x', code: 'unauthorized' }),
    {
      status: 401,
      headers: { 'content-type': 'application/problem+json' },
    },
  );

describe('session expiry', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setUnauthorizedHandler(undefined);
  });

  it('a 401 sends the user to login with the page they were on, and forgets cached data', async () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(sessionKey, { user: { id: '1', username: 'ann', createdAt: '' }, expiresAt: '' });
    queryClient.setQueryData(['events', 'detail', 'e1'], { id: 'e1' });
    const { router, navigate } = fakeRouter('/events/e1', '/events/e1?status=ok');
    installSessionExpiryHandler(router, queryClient);
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(expired()));

    await expect(apiRequest('/api/events/e1/status')).rejects.toMatchObject({ status: 401 });
    expect(navigate).toHaveBeenCalledWith({
      to: '/login',
      search: { next: '/events/e1?status=ok', expired: 1 },
      replace: false,
    });
    expect(queryClient.getQueryData(sessionKey)).toBeNull();
    await vi.waitFor(() => expect(queryClient.getQueryData(['events', 'detail', 'e1'])).toBeUndefined());
  });

  it('does nothing more on the login page itself', async () => {
    const queryClient = new QueryClient();
    const { router, navigate } = fakeRouter('/login', '/login');
    installSessionExpiryHandler(router, queryClient);
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(expired()));
    await expect(apiRequest('/api/events')).rejects.toMatchObject({ status: 401 });
    expect(navigate).not.toHaveBeenCalled();
  });
});
