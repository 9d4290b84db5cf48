import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Credentials, MeResponse, SessionResponse } from '../../shared/schemas.js';
import { getSession, login, logout, register } from '../api/auth.js';

export const sessionKey = ['session'] as const;

/** The current session (null when signed out), re-checked at most once a minute on navigation. */
export const sessionQueryOptions = queryOptions({
  queryKey: sessionKey,
  queryFn: () => getSession(),
  staleTime: 60_000,
  retry: false,
});

/** The signed-in user; only meaningful inside the authenticated part of the app. */
export function useSession() {
  return useQuery(sessionQueryOptions);
}

function toMe(session: SessionResponse): MeResponse {
  return { user: session.user, expiresAt: session.expiresAt };
}

/** Signs in and caches the new session so the router lets the user through at once. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) => login(credentials),
    onSuccess: (session) => queryClient.setQueryData(sessionKey, toMe(session)),
  });
}

/** Registers, which also signs in. */
export function useRegister() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) => register(credentials),
    onSuccess: (session) => queryClient.setQueryData(sessionKey, toMe(session)),
  });
}

/** Revokes the session on the server and forgets everything cached for this user. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => logout(),
    onSettled: () => {
      queryClient.setQueryData(sessionKey, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] });
    },
  });
}
