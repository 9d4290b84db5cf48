import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../../db/database.js';

/**
 * How a process hears of changes other processes made, to tell its own live streams. The hub
 * says when it has streams (`active`); tests count what is left running (`timers`, `connections`).
 */
export interface LiveSignals {
  active(on: boolean): void;
  /** This process committed a change to the event (sent on to the other processes, if the store needs it). */
  touched(eventSeq: number): void;
  timers(): number;
  connections(): number;
  close(): Promise<void>;
}

/** The NOTIFY channel of live news. */
export const LIVE_CHANNEL = 'admit_live';
/** One NOTIFY per process at most this often, naming every event changed since the last. */
export const NOTIFY_MIN_MS = 150;
/** The listening connection of a process without streams closes after this long without news to send. */
export const PG_IDLE_MS = 10_000;
const RECONNECT_MS = 1000;
/** NOTIFY payloads are at most 8000 bytes: event seqs go in chunks well below that. */
const SEQS_PER_NOTIFY = 500;

export interface SignalHandlers {
  /** These events changed on another process. */
  onNews(eventSeqs: number[]): void;
  /** News may have been missed (the connection was lost): read every followed event again. */
  onMissed(): void;
  onError(err: unknown, context: string): void;
}

/**
 * PostgreSQL: LISTEN/NOTIFY on one connection of the process's own (not the pool: a door rush
 * holding every pooled connection must not delay the news, and LISTEN needs a session). After a
 * commit that changed an event (EventChanges, outside any transaction), the event's seq is
 * queued; at most every NOTIFY_MIN_MS one NOTIFY names all queued events, with this process's
 * origin so that it ignores its own (its streams heard of the change directly). The connection
 * opens on the first stream or the first change to announce, and closes once the process has
 * had neither for PG_IDLE_MS: one per process at most, none for a process that is idle.
 */
export class PostgresSignals implements LiveSignals {
  readonly #origin = randomUUID().slice(0, 8);
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  #streams = false;
  #closed = false;
  #lastUse = Date.now();
  #pending = new Set<number>();
  #lastFlush = 0;
  #flushTimer: NodeJS.Timeout | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly handlers: SignalHandlers,
  ) {}

  timers(): number {
    return [this.#flushTimer, this.#idleTimer, this.#retryTimer].filter(Boolean).length;
  }

  connections(): number {
    return this.#client || this.#connecting ? 1 : 0;
  }

  active(on: boolean): void {
    this.#streams = on;
    this.#lastUse = Date.now();
    if (on) this.#connect().catch((err) => this.#lost(err));
    this.#armIdle();
  }

  touched(eventSeq: number): void {
    if (this.#closed) return;
    this.#pending.add(eventSeq);
    if (this.#flushTimer) return;
    const wait = Math.max(0, this.#lastFlush + NOTIFY_MIN_MS - Date.now());
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      this.#flushing = this.#flushing.then(() => this.#flush());
    }, wait);
  }

  async #flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    this.#lastFlush = Date.now();
    this.#lastUse = this.#lastFlush;
    const seqs = [...this.#pending];
    this.#pending.clear();
    try {
      const client = await this.#connect();
      for (let i = 0; i < seqs.length; i += SEQS_PER_NOTIFY) {
        const payload = `${this.#origin} ${seqs.slice(i, i + SEQS_PER_NOTIFY).join(',')}`;
        await client.query('select pg_notify($1, $2)', [LIVE_CHANNEL, payload]);
      }
    } catch (err) {
      // Sent again with the next change, or after the reconnect.
      for (const seq of seqs) this.#pending.add(seq);
      this.#lost(err);
    }
    this.#armIdle();
  }

  #connect(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    if (this.#closed) return Promise.reject(new Error('live signals are closed'));
    if (this.#connecting) return this.#connecting;
    const client = new pg.Client({ connectionString: this.url, application_name: 'admit live' });
    // A lost connection emits 'error' (and 'end'): a client nobody listens to would crash the process.
    client.on('error', (err) => this.#lost(err, client));
    client.on('end', () => this.#lost(null, client));
    client.on('notification', (message) => {
      if (message.channel !== LIVE_CHANNEL || !message.payload) return;
      const [origin, list] = message.payload.split(' ');
      if (origin === this.#origin || !list) return;
      const seqs = list.split(',').map(Number).filter(Number.isSafeInteger);
      if (seqs.length > 0) this.handlers.onNews(seqs);
    });
    const connecting = (async () => {
      try {
        await client.connect();
        await client.query(`listen ${LIVE_CHANNEL}`);
      } catch (err) {
        client.removeAllListeners('end');
        await client.end().catch(() => {});
        throw err;
      }
      if (this.#closed) {
        await client.end().catch(() => {});
        throw new Error('live signals are closed');
      }
      this.#client = client;
      // News sent before LISTEN took effect is lost: read every followed event once.
      this.handlers.onMissed();
      return client;
    })();
    this.#connecting = connecting;
    connecting.then(
      () => {
        this.#connecting = null;
      },
      () => {
        this.#connecting = null;
      },
    );
    return connecting;
  }

  /** The connection failed or was lost: news may have been missed; reconnect while there is a reason to. */
  #lost(err: unknown, client?: pg.Client): void {
    if (client && this.#client !== client) return;
    if (this.#client) {
      const gone = this.#client;
      this.#client = null;
      gone.removeAllListeners('end');
      gone.end().catch(() => {});
    }
    if (this.#closed) return;
    if (err) this.handlers.onError(err, 'the live news connection to PostgreSQL failed; reconnecting');
    if (this.#retryTimer || !(this.#streams || this.#pending.size > 0)) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#closed) return;
      this.#connect().then(
        () => {
          this.handlers.onMissed();
          if (this.#pending.size > 0) this.touched([...this.#pending][0] as number);
        },
        (e) => this.#lost(e),
      );
    }, RECONNECT_MS);
  }

  /** Closes the connection once there are no streams and nothing was sent for PG_IDLE_MS. */
  #armIdle(): void {
    if (this.#idleTimer || this.#closed) return;
    if (this.#streams) return;
    this.#idleTimer = setTimeout(
      () => {
        this.#idleTimer = null;
        if (this.#streams || this.#closed) return;
        if (Date.now() - this.#lastUse < PG_IDLE_MS || this.#flushTimer) return this.#armIdle();
        const client = this.#client;
        this.#client = null;
        if (client) {
          client.removeAllListeners('end');
          client.end().catch(() => {});
        }
      },
      Math.max(0, this.#lastUse + PG_IDLE_MS - Date.now()) + 10,
    );
  }

  /** Sends what is queued, then closes the connection and every timer. */
  async close(): Promise<void> {
    if (this.#flushTimer) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
      this.#flushing = this.#flushing.then(() => this.#flush());
    }
    await this.#flushing;
    this.#closed = true;
    for (const timer of [this.#idleTimer, this.#retryTimer]) if (timer) clearTimeout(timer);
    this.#idleTimer = null;
    this.#retryTimer = null;
    await this.#connecting?.catch(() => {});
    const client = this.#client;
    this.#client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}

/** How often a process with streams asks SQLite whether another connection committed something. */
export const SQLITE_POLL_MS = 200;

/**
 * SQLite: `PRAGMA data_version` changes when another connection (another process) commits to
 * the file. One timer per process asks it every SQLITE_POLL_MS, only while the process has
 * streams; when it moved, every followed event is read again (which events changed is unknown,
 * and reading an event's head is cheap). This process's own commits do not move it: those reach
 * the streams through EventChanges directly.
 */
export class SqliteSignals implements LiveSignals {
  #timer: NodeJS.Timeout | null = null;
  /** Each start of polling is a generation: a poll of an earlier one schedules nothing. */
  #generation = 0;
  #running = false;
  #version: number | null = null;
  #tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly handlers: SignalHandlers,
    private readonly pollMs = SQLITE_POLL_MS,
  ) {}

  timers(): number {
    return this.#timer ? 1 : 0;
  }

  connections(): number {
    return 0;
  }

  touched(): void {}

  active(on: boolean): void {
    if (on === this.#running) return;
    this.#running = on;
    this.#generation++;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#version = null;
    if (on) this.#next(this.#generation, 0);
  }

  #next(generation: number, wait: number): void {
    this.#timer = setTimeout(() => {
      this.#tick = this.#poll(generation);
    }, wait);
  }

  async #poll(generation: number): Promise<void> {
    try {
      const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(this.db);
      const version = Number(rows[0]?.data_version);
      // The first poll too: a commit between a stream's first read and this poll is not missed.
      if (generation === this.#generation) {
        if (version !== this.#version) this.handlers.onMissed();
        this.#version = version;
      }
    } catch (err) {
      if (generation === this.#generation) this.handlers.onError(err, 'polling SQLite for live news failed');
    }
    if (generation !== this.#generation) return;
    this.#timer = null;
    this.#next(generation, this.pollMs);
  }

  async close(): Promise<void> {
    this.active(false);
    await this.#tick;
  }
}
