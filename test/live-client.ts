import http from 'node:http';
import type { InjectOptions } from 'fastify';
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

/** An answer of `app.inject` that may have been a never-ending stream, read up to its first frame and closed. */
export interface InjectedAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The whole body, or for a stream what arrived up to its first whole frame. */
  body: string;
  json: () => unknown;
  /** True when the answer was a `text/event-stream` (closed by the client after its first frame). */
  stream: boolean;
}

/**
 * `app.inject` for any route, the live stream among them (whose answer never ends: a plain inject
 * would wait for it forever). The answer is read as a stream: an ordinary one to its end, an
 * event stream up to its first whole frame (the `retry:` hint and the `counters` snapshot come at
 * once), then closed as a browser closes it, which must unsubscribe it on the server.
 */
export async function injectAny(app: App, request: InjectOptions, firstFrameMs = 3000): Promise<InjectedAnswer> {
  const res = await app.inject({ ...request, payloadAsStream: true });
  const body = res.stream();
  const stream = /^text\/event-stream/.test(String(res.headers['content-type']));
  let text = '';
  if (!stream) {
    for await (const chunk of body) text += String(chunk);
  } else {
    body.on('error', () => {});
    try {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`no whole frame within ${firstFrameMs} ms; got ${JSON.stringify(text)}`)),
          firstFrameMs,
        );
        const onData = (chunk: Buffer) => {
          text += chunk.toString('utf8');
          // A frame ends with a blank line; the first with data is the counters snapshot.
          if (/(^|\n)data: [^\n]*\n\n/.test(text)) finish();
        };
        const finish = () => {
          clearTimeout(timer);
          body.off('data', onData);
          done();
        };
        body.on('data', onData);
        body.once('end', finish);
      });
    } finally {
      (res.raw.res as http.ServerResponse).destroy();
    }
  }
  return {
    statusCode: res.statusCode,
    headers: res.headers,
    body: text,
    json: () => JSON.parse(text),
    stream,
  };
}

/** True for a route whose answer is an event stream (it says so in its schema's `produces`). */
export function isStreamRoute(route: { schema?: unknown }): boolean {
  return ((route.schema as { produces?: string[] } | undefined)?.produces ?? []).includes('text/event-stream');
}
