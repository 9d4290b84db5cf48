import type { QueryClient } from '@tanstack/react-query';
import { setUnauthorizedHandler } from './api/http.js';
import { sessionKey } from './queries/session.js';

/** The bit of the router this needs (kept narrow so it is easy to test). */
export interface NavigatorLike {
  state: { location: { pathname: string; href: string } };
  navigate: (options: { to: '/login'; search: { next?: string; expired: 1 }; replace?: boolean }) => Promise<unknown>;
}

const publicPaths = ['/login', '/register'];

/**
 * When any API call answers 401 while a page is open, the session is gone: forget it, and
 * send the user to login with the page they were on, so they come back to it afterwards.
 */
export function installSessionExpiryHandler(router: NavigatorLike, queryClient: QueryClient): void {
  let redirecting = false;
  setUnauthorizedHandler(() => {
    const { pathname, href } = router.state.location;
    queryClient.setQueryData(sessionKey, null);
    if (redirecting || publicPaths.includes(pathname)) return;
    redirecting = true;
    void router
      .navigate({ to: '/login', search: { next: href === '/' ? undefined : href, expired: 1 }, replace: false })
      .finally(() => {
        redirecting = false;
        queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] });
      });
  });
}
