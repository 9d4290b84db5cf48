/**
 * Server-Sent Events framing (the WHATWG `text/event-stream` format): a frame is `field: value`
 * lines ended by a blank line. Data is JSON, which never holds a raw newline, so it is one line.
 */
export function sseFrame(name: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by EventSource, but traffic that keeps proxies and load balancers from closing an idle stream. */
export const SSE_HEARTBEAT = ':\n\n';

/** How long an EventSource waits before it reconnects on its own after the stream ends. */
export function sseRetry(ms: number): string {
  return `retry: ${ms}\n\n`;
}

/**
 * The position a client sends back as `Last-Event-ID`: a scan's place in the scan log, a whole
 * number. Anything else (absent, empty, malformed) is null: the client starts from a snapshot.
 */
export function parseLastEventId(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d{1,15}$/.test(text.trim())) return null;
  return Number(text.trim());
}
