import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api/http.js';

/** Query defaults: client errors (4xx) are answers, not hiccups, so only network/5xx are retried. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failureCount, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
          return failureCount < 2;
        },
      },
      mutations: { retry: false },
    },
  });
}
