import { apiErrorOf, networkError } from '../api/http.js';

/**
 * Starts a browser download of a same-origin URL. The file streams straight from the server
 * to disk (a CSV or PDF of a million tickets), authenticated by the session cookie.
 */
export function startDownload(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Asks for the file and looks at the answer before anything is saved: the server decides every
 * error (expired session, unknown batch, bad layout) before its first byte, so the status says it
 * all. The body is not read: once the headers say 200 the request is dropped and the browser's own
 * download takes over, streaming to disk. Throws the API's error; a 401 has already sent the user
 * to login and back to this page (the app's session-expiry handler).
 */
export async function checkDownload(url: string, request: typeof fetch = fetch): Promise<void> {
  const controller = new AbortController();
  let response: Response;
  try {
    response = await request(url, { credentials: 'same-origin', signal: controller.signal });
  } catch {
    throw networkError();
  }
  if (!response.ok) throw await apiErrorOf(response);
  controller.abort();
}

/**
 * Downloads a file that needs the session. A plain link would save the 401 problem (or any other
 * error) as the file; instead the file's answer is checked first (see checkDownload), and only a
 * good one is saved.
 */
export async function downloadChecked(url: string, request: typeof fetch = fetch): Promise<void> {
  await checkDownload(url, request);
  startDownload(url);
}
