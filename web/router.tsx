import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { AppLayout } from './components/app-layout.js';
import { PageLoader } from './components/page-loader.js';
import { NotFound, RouteError } from './components/route-states.js';
import { parseAuthSearch, parseCheckSearch, parseEventSearch, parseEventsSearch } from './lib/search-params.js';
import { sessionQueryOptions } from './queries/session.js';

interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  // Each route declares and checks its own params; nothing unchecked is inherited from the raw URL.
  validateSearch: (): object => ({}),
  component: Outlet,
  notFoundComponent: NotFound,
});

/** Login and register are for signed-out visitors; a signed-in one goes straight on. */
async function skipIfSignedIn(queryClient: QueryClient, next: string | undefined) {
  const session = await queryClient.fetchQuery(sessionQueryOptions);
  if (session) throw redirect({ href: next ?? '/', replace: true });
}

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'login',
  validateSearch: parseAuthSearch,
  beforeLoad: ({ context, search }) => skipIfSignedIn(context.queryClient, search.expired ? undefined : search.next),
  component: lazyRouteComponent(() => import('./pages/login-page.js'), 'LoginPage'),
});

const registerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'register',
  validateSearch: parseAuthSearch,
  beforeLoad: ({ context, search }) => skipIfSignedIn(context.queryClient, search.next),
  component: lazyRouteComponent(() => import('./pages/register-page.js'), 'RegisterPage'),
});

/** The authentication boundary: every page below needs a session, checked before rendering. */
const authedRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_authed',
  beforeLoad: async ({ context, location }) => {
    const session = await context.queryClient.fetchQuery(sessionQueryOptions);
    if (!session) {
      throw redirect({ to: '/login', search: { next: location.href === '/' ? undefined : location.href } });
    }
    return { user: session.user };
  },
  component: AppLayout,
});

const eventsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/',
  validateSearch: parseEventsSearch,
  component: lazyRouteComponent(() => import('./pages/events-page.js'), 'EventsPage'),
});

const eventRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: 'events/$eventId',
  validateSearch: parseEventSearch,
  component: lazyRouteComponent(() => import('./pages/event-page.js'), 'EventPage'),
});

const ticketRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: 'tickets/$ticketId',
  component: lazyRouteComponent(() => import('./pages/ticket-page.js'), 'TicketPage'),
});

const checkRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: 'check',
  validateSearch: parseCheckSearch,
  component: lazyRouteComponent(() => import('./pages/check-ticket-page.js'), 'CheckTicketPage'),
});

/** The door scanner: public (a door session, not an organiser login), no app chrome. */
const doorRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'door',
  component: lazyRouteComponent(() => import('./pages/door-page.js'), 'DoorPage'),
});

/** A ticket's public page, opened by its holder's phone camera from the QR code; never redeems. */
const publicTicketRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 't/$ticketId',
  component: lazyRouteComponent(() => import('./pages/public-ticket-page.js'), 'PublicTicketPage'),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  registerRoute,
  doorRoute,
  publicTicketRoute,
  authedRoute.addChildren([eventsRoute, eventRoute, ticketRoute, checkRoute]),
]);

/** Builds the app's router around the shared query client. */
export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    defaultPreloadStaleTime: 0,
    defaultPendingComponent: PageLoader,
    defaultPendingMs: 150,
    defaultErrorComponent: RouteError,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
