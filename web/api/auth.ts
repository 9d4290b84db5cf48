import { ErrorCode } from '../../shared/error-codes.js';
import type { Credentials, MeResponse, SessionResponse } from '../../shared/schemas.js';
import { ApiError, apiRequest } from './http.js';

/** Creates an account and signs in (the server sets the session cookie). */
export function register(credentials: Credentials): Promise<SessionResponse> {
  return apiRequest('/api/auth/register', { method: 'POST', body: credentials, notifyUnauthorized: false });
}

/** Signs in (the server sets the session cookie). */
export function login(credentials: Credentials): Promise<SessionResponse> {
  return apiRequest('/api/auth/login', { method: 'POST', body: credentials, notifyUnauthorized: false });
}

/** Revokes the session on the server. */
export function logout(): Promise<void> {
  return apiRequest('/api/auth/logout', { method: 'POST', notifyUnauthorized: false });
}

/** The signed-in user, or null when there is no valid session. */
export async function getSession(): Promise<MeResponse | null> {
  try {
    return await apiRequest<MeResponse>('/api/auth/me', { notifyUnauthorized: false });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && error.code === ErrorCode.unauthorized) return null;
    throw error;
  }
}
