import { ErrorCode } from '../../shared/error-codes.js';
import type { Problem } from '../../shared/schemas.js';

/** A problem+json body, possibly with extra members (e.g. `redeemedAt` on a 410). */
export type ProblemBody = Problem & Record<string, unknown>;

/** Any non-2xx answer (or a network failure, status 0) from the API. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemBody;

  constructor(status: number, problem: ProblemBody) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get code(): string {
    return this.problem.code;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /** Whether a 401 fires the session-expired handler (off for login and the session probe). */
  notifyUnauthorized?: boolean;
  headers?: Record<string, string>;
}

type UnauthorizedHandler = () => void;
let unauthorizedHandler: UnauthorizedHandler | undefined;

/** Registers what happens when the API says the session is gone (the app sends the user to login). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | undefined): void {
  unauthorizedHandler = handler;
}

/** Builds `path?query`, leaving out empty values. */
export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function syntheticProblem(status: number, code: string, title: string, detail: string): ProblemBody {
  return { type: 'about:blank', title, status, detail, code };
}

/** The error of a request that never got an answer (no network, server unreachable): status 0. */
export function networkError(): ApiError {
  return new ApiError(
    0,
    syntheticProblem(0, 'network_error', 'Network error', 'Could not reach the Admit server. Check your connection.'),
  );
}

async function readProblem(response: Response): Promise<ProblemBody> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Partial<ProblemBody>;
      if (body && typeof body === 'object' && typeof body.code === 'string') {
        return {
          ...body,
          type: body.type ?? 'about:blank',
          title: body.title ?? response.statusText,
          status: body.status ?? response.status,
          detail: body.detail ?? body.title ?? response.statusText,
          code: body.code,
        } as ProblemBody;
      }
    } catch {
      // fall through to a synthetic problem
    }
  }
  const code = response.status >= 500 ? ErrorCode.internalError : `http_${response.status}`;
  return syntheticProblem(
    response.status,
    code,
    response.statusText || 'Error',
    `The server answered ${response.status}.`,
  );
}

/**
 * The ApiError of a non-2xx answer, read from its problem body; a 401 `unauthorized` fires the
 * session-expired handler (the app sends the user to login and back) unless `notifyUnauthorized` is off.
 */
export async function apiErrorOf(response: Response, notifyUnauthorized = true): Promise<ApiError> {
  const problem = await readProblem(response);
  if (response.status === 401 && problem.code === ErrorCode.unauthorized && notifyUnauthorized) {
    unauthorizedHandler?.();
  }
  return new ApiError(response.status, problem);
}

/** Calls the JSON API with the session cookie; throws ApiError for every non-2xx answer. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, query, signal, notifyUnauthorized = true } = options;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw networkError();
  }
  if (!response.ok) throw await apiErrorOf(response, notifyUnauthorized);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
