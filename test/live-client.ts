import http from 'node:http';
import type { App } from '../server/app.js';

/** One server-sent event as a client parses it. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/** A live stream read by a real HTTP client (inject cannot read an answer that never ends). */
export interface LiveStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as received, for answers that are not streams. */
  body: () => string;
  events: SseEvent[];
  /** Comment lines (heartbeats) received. */
  comments: () => number;
  retry: () => number | null;
  /** Resolves when the server ends the stream (or the connection drops). */
  ended: Promise<void>;
  isEnded: () => boolean;
  /** The first event from index `from` on that matches, waiting up to `timeoutMs`. */
  next: (match: (e: SseEvent) => boolean, timeoutMs?: number, from?: number) => Promise<SseEvent>;
  close: () => void;
}

/** The address of an app, listening on a free loopback port (once). */
export async function baseUrl(app: App): Promise<string> {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

/** Opens GET `url` as an EventSource would, and parses what arrives. */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<LiveStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      let buffer = '';
      let raw = '';
      let comments = 0;
      let retry: number | null = null;
      let ended = false;
      const events: SseEvent[] = [];
      const waiters = new Set<() => void>();
      const endedPromise = new Promise<void>((done) => {
        const finish = () => {
          ended = true;
          done();
          for (const w of waiters) w();
        };
        res.once('end', finish);
        res.once('close', finish);
        res.once('error', finish);
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let cut = buffer.indexOf('\n\n');
        while (cut !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event: SseEvent = { event: 'message', data: '', id: null };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments++;
            else if (line.startsWith('retry: ')) retry = Number(line.slice(7));
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('data: ')) {
              event.data = line.slice(6);
              hasData = true;
            }
          }
          if (hasData) events.push(event);
          cut = buffer.indexOf('\n\n');
        }
        for (const w of waiters) w();
      });
      const next = (match: (e: SseEvent) => boolean, timeoutMs = 3000, from = 0) =>
        new Promise<SseEvent>((found, fail) => {
          const check = () => {
            const hit = events.slice(from).find(match);
            if (hit) {
              cleanup();
              found(hit);
            } else if (ended) {
              cleanup();
              fail(new Error(`stream ended before the event; got ${JSON.stringify(events).slice(-600)}`));
            }
          };
          const timer = setTimeout(() => {
            cleanup();
            fail(new Error(`no matching event within ${timeoutMs} ms; got …${JSON.stringify(events).slice(-600)}`));
          }, timeoutMs);
          const cleanup = () => {
            clearTimeout(timer);
            waiters.delete(check);
          };
          waiters.add(check);
          check();
        });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: () => raw,
        events,
        comments: () => comments,
        retry: () => retry,
        ended: endedPromise,
        isEnded: () => ended,
        next,
        close: () => {
          req.destroy();
          res.destroy();
        },
      });
    });
    req.on('error', reject);
  });
}

/** The parsed `data` of an event. */
export function dataOf<T = Record<string, unknown>>(event: SseEvent): T {
  return JSON.parse(event.data) as T;
}

/** Waits until `check` holds, polling every 20 ms, up to `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
