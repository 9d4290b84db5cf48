import fs from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyHttpOptions } from 'fastify';
import { ErrorCode } from '../shared/error-codes.js';
import type { Config } from './config.js';
import { problemBody } from './errors.js';

type Limits = Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections'>;

/** A raw HTTP/1.1 answer for a connection Fastify never sees a request of; the connection closes after it. */
function rawProblem(status: number, reason: string, code: ErrorCode, detail: string, headers = ''): string {
  const body = JSON.stringify(problemBody(code, status, detail));
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n${headers}Connection: close\r\n\r\n${body}`
  );
}

/**
 * Logs a limit that bit: the first time at once, then at most one line a period saying how many
 * more there were. A flood of slow or surplus clients must not turn into a flood of log lines.
 */
class LimitLog {
  private readonly quiet = new Map<string, { more: number }>();

  constructor(private readonly periodMs = 10_000) {}

  bit(log: FastifyBaseLogger, limit: string, fields: Record<string, unknown>, message: string): void {
    const quiet = this.quiet.get(limit);
    if (quiet) {
      quiet.more++;
      return;
    }
    log.warn({ limit, ...fields }, message);
    const entry = { more: 0 };
    this.quiet.set(limit, entry);
    setTimeout(() => {
      this.quiet.delete(limit);
      if (entry.more > 0) {
        log.warn({ limit, more: entry.more, periodMs: this.periodMs }, `${message} (${entry.more} more since)`);
      }
    }, this.periodMs).unref();
  }
}

/**
 * Refused connections kept open at once to let their 503 be read; past this they are closed as
 * soon as it is sent. The process may hold this many sockets beyond MAX_CONNECTIONS, briefly.
 */
export const MAX_LINGERING = 256;
/** How long a refused connection may take to read its 503 before it is closed. */
const LINGER_MS = 1000;

/**
 * Connection hygiene of one server process: how long a client may take to send a request, how
 * long an idle keep-alive connection stays open, and how many connections it may hold at once.
 * Each limit answers the client in words (408, 503) and is logged when it bites (LimitLog).
 */
export class ConnectionGuard {
  private readonly limitLog = new LimitLog();
  private log: FastifyBaseLogger | undefined;
  private open = 0;
  private lingering = 0;
  private readonly timeoutAnswer: string;
  private readonly busyAnswer = rawProblem(
    503,
    'Service Unavailable',
    ErrorCode.serviceUnavailable,
    'This server has too many open connections. Try again in a few seconds.',
    'Retry-After: 5\r\n',
  );

  constructor(private readonly limits: Limits) {
    this.timeoutAnswer = rawProblem(
      408,
      'Request Timeout',
      ErrorCode.requestTimeout,
      `The request did not arrive in time: headers are due within ${this.headersTimeoutMs / 1000} s and the whole request within ${limits.requestTimeoutMs / 1000} s.`,
    );
  }

  /** Headers can never be given longer than the whole request (Node refuses that). */
  private get headersTimeoutMs(): number {
    return Math.min(this.limits.headersTimeoutMs, this.limits.requestTimeoutMs);
  }

  /** Fastify's server options for these limits. */
  serverOptions(): Pick<
    FastifyHttpOptions<Server>,
    'requestTimeout' | 'keepAliveTimeout' | 'http' | 'clientErrorHandler'
  > {
    const shortest = Math.min(this.headersTimeoutMs, this.limits.requestTimeoutMs);
    return {
      requestTimeout: this.limits.requestTimeoutMs,
      keepAliveTimeout: this.limits.keepAliveTimeoutMs,
      http: {
        headersTimeout: this.headersTimeoutMs,
        requestTimeout: this.limits.requestTimeoutMs,
        // Node checks the two timeouts on a timer (every 30 s by default): often enough that a
        // timeout bites within a tenth of its length.
        connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(shortest / 10))),
      },
      clientErrorHandler: (error, socket) => this.onClientError(error, socket),
    };
  }

  /** Starts counting the connections of `server`; log lines go to `log`. */
  attach(server: Server, log: FastifyBaseLogger): void {
    this.log = log;
    // The HTTP server parses a connection in its own 'connection' listener: run it only for the
    // connections under the limit, and answer the others here before any request is read.
    const serve = server.listeners('connection') as ((socket: Socket) => void)[];
    server.removeAllListeners('connection');
    server.on('connection', (socket: Socket) => {
      if (this.open >= this.limits.maxConnections) return this.refuse(socket);
      this.open++;
      socket.once('close', () => {
        this.open--;
      });
      for (const listener of serve) listener.call(server, socket);
    });
  }

  /**
   * A connection over the limit gets a 503 with Retry-After, then is closed once the client has
   * read it (or after LINGER_MS): closing at once while its request is unread would reset the
   * connection and the client could lose the answer.
   */
  private refuse(socket: Socket): void {
    socket.on('error', () => {});
    if (this.log) {
      this.limitLog.bit(
        this.log,
        'max_connections',
        { open: this.open, maxConnections: this.limits.maxConnections, remoteAddress: socket.remoteAddress },
        'connection refused with 503: the process holds MAX_CONNECTIONS open connections',
      );
    }
    socket.end(this.busyAnswer);
    if (this.lingering >= MAX_LINGERING) {
      // Too many already: close as soon as the answer is handed to the kernel.
      socket.once('finish', () => socket.destroy());
      return;
    }
    this.lingering++;
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => {
      this.lingering--;
      clearTimeout(timer);
    });
  }

  /** Node's 'clientError': a request too slow to arrive, headers too large, or bytes that are not HTTP. */
  private onClientError(error: Error & { code?: string }, socket: Socket): void {
    // Answered already (a second error as the client goes), or reset by the client.
    if (error.code === 'ECONNRESET' || socket.destroyed || socket.writableEnded) {
      socket.destroy();
      return;
    }
    let answer: string;
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      answer = this.timeoutAnswer;
      if (this.log) {
        this.limitLog.bit(
          this.log,
          'request_timeout',
          {
            remoteAddress: socket.remoteAddress,
            headersTimeoutMs: this.headersTimeoutMs,
            requestTimeoutMs: this.limits.requestTimeoutMs,
          },
          'client too slow: its request did not arrive within HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS; answered 408 and closed',
        );
      }
    } else if (error.code === 'HPE_HEADER_OVERFLOW') {
      answer = rawProblem(
        431,
        'Request Header Fields Too Large',
        ErrorCode.validationFailed,
        'The request headers are too large.',
      );
    } else {
      this.log?.debug({ err: error }, 'malformed request');
      answer = rawProblem(400, 'Bad Request', ErrorCode.validationFailed, 'The request is not valid HTTP.');
    }
    if (!socket.writable || socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    // Close once the answer is flushed; a client that does not read it is closed anyway.
    socket.end(answer, () => socket.destroy());
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }
}

/** The process's limit of open files (Linux), or null where it cannot be read. */
export function openFileLimit(): number | null {
  try {
    const line = fs
      .readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) ? soft : null;
  } catch {
    return null;
  }
}
