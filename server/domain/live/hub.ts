import type { LiveCounters } from '../../../shared/event-activity.js';
import type { Db, Dialect } from '../../db/database.js';
import { type LiveCredential, liveCredentials } from './credentials.js';
import { ScanFrontier } from './frontier.js';
import { countScansBetween, type EventHead, type PlacedScan, readEventHead, readScansBetween } from './live-reads.js';
import type { LiveSignals } from './signals.js';
import { SSE_HEARTBEAT, sseFrame, sseRetry } from './sse.js';

/** Where a stream's frames go: the HTTP response, as the route hands it over. */
export interface LiveSink {
  /** Writes one or more whole frames (each is flushed to the socket as it is written). */
  write(chunk: string): void;
  /** Ends the stream. */
  end(): void;
}

export interface LiveHubOptions {
  db: Db;
  dialect: Dialect;
  /** A stream that has sent nothing for this long gets a comment line (at most this long between two writes). */
  heartbeatMs: number;
  /** How often the credentials of open streams are checked again. */
  credentialsCheckMs: number;
  /** Streams one session (organiser or door) may hold open on this process. */
  streamsPerSession: number;
  /** Called when a stream could not be served (a failed read): logged by the plugin. */
  onError?: (err: unknown, context: string) => void;
}

/**
 * At most this many scans are sent at once (100 a second at 5 reads a second); a stream further
 * behind, or an event scanned faster, gets a fresh `counters` snapshot instead: during a rush
 * nobody reads every row, and 500 streams of every scan would cost the door its speed.
 */
export const SCAN_BURST_MAX = 20;
/** Reads of one event's head are at least this far apart: counters coalesce to at most 5 a second per event. */
export const REFRESH_MIN_MS = 200;
/**
 * In a rush (the last read found more than SCAN_BURST_MAX new scans) reads are this far apart:
 * each read of a rush costs every stream a frame (500 streams: 500 writes), and a counters
 * resync 3 times a second is still well within the contract's second.
 */
export const RUSH_REFRESH_MS = 300;
/** What a browser waits before it reconnects on its own (the `retry:` hint). */
export const RETRY_MS = 2000;

interface Subscriber {
  eventSeq: number;
  credential: LiveCredential;
  sink: LiveSink;
  /** Every scan with a seq up to this one has been sent to this stream (or skipped with a snapshot). */
  cursor: number;
  lastWriteAt: number;
  closed: boolean;
}

/** What the process knows of one event that has open streams. */
interface LiveEvent {
  seq: number;
  subscribers: Set<Subscriber>;
  /** Null until the first read. */
  frontier: ScanFrontier | null;
  counters: LiveCounters | null;
  /** The highest seq of the event's log the last read saw. */
  visible: number;
  lastReadAt: number;
  /** A change was announced since the last read started. */
  dirty: boolean;
  /** The last read found a rush (more than SCAN_BURST_MAX new scans): the next waits RUSH_REFRESH_MS. */
  rush: boolean;
  timer: NodeJS.Timeout | null;
  /** Reads and joins of this event run one after another. */
  queue: Promise<void>;
  gone: boolean;
}

const sameCounters = (a: LiveCounters | null, b: LiveCounters) =>
  a !== null && a.totalTickets === b.totalTickets && a.redeemedTickets === b.redeemedTickets;

/**
 * The live streams of one process: GET /api/events/:eventId/live subscribes here. Per event with
 * streams, it reads the event's head (counters, last scan) when told of a change (`poke`: by this
 * process's EventChanges, or another process's news through the signals of the live plugin), at
 * most every REFRESH_MIN_MS, and sends every stream of the event the same frames: the scans since
 * the last read and the counters when they moved. Nothing here is per stream but the stream
 * itself: two timers for the whole process (heartbeats, credential checks) and one per event
 * waiting for its next read, all stopped when the last stream goes.
 */
export class LiveHub {
  readonly #events = new Map<number, LiveEvent>();
  readonly #byCredential = new Map<string, number>();
  #subscribers = 0;
  #heartbeat: NodeJS.Timeout | null = null;
  #credentialsCheck: NodeJS.Timeout | null = null;
  #checking = false;
  #closed = false;
  /** How other processes' news arrives: started with the first stream, stopped with the last. */
  #signals: LiveSignals | null = null;

  constructor(private readonly options: LiveHubOptions) {}

  attach(signals: LiveSignals): void {
    this.#signals = signals;
  }

  /**
   * Open streams, events followed, sessions counted, timers running and database connections of
   * the signals (tests count them: nothing may be left behind).
   */
  stats(): { subscribers: number; events: number; credentials: number; timers: number; connections: number } {
    let timers = (this.#heartbeat ? 1 : 0) + (this.#credentialsCheck ? 1 : 0) + (this.#signals?.timers() ?? 0);
    for (const event of this.#events.values()) if (event.timer) timers++;
    return {
      subscribers: this.#subscribers,
      events: this.#events.size,
      credentials: this.#byCredential.size,
      timers,
      connections: this.#signals?.connections() ?? 0,
    };
  }

  /** Events with open streams. */
  events(): number[] {
    return [...this.#events.keys()];
  }

  /** True when one more stream of this session would pass STREAMS_PER_SESSION. */
  full(credential: LiveCredential): boolean {
    return (this.#byCredential.get(credential.tokenHash) ?? 0) >= this.options.streamsPerSession;
  }

  /**
   * Opens a stream of the event for a checked credential: the `retry:` hint, a `counters`
   * snapshot, then the scans after `lastEventId` if it is near enough, and from then on what
   * changes. Returns the function that closes it (the route calls it when the client goes).
   */
  subscribe(eventSeq: number, credential: LiveCredential, sink: LiveSink, lastEventId: number | null): () => void {
    const sub: Subscriber = { eventSeq, credential, sink, cursor: 0, lastWriteAt: Date.now(), closed: false };
    this.#byCredential.set(credential.tokenHash, (this.#byCredential.get(credential.tokenHash) ?? 0) + 1);
    this.#subscribers++;
    if (this.#closed) {
      this.#drop(sub);
      return () => {};
    }
    if (this.#subscribers === 1 && !this.#heartbeat) this.#start();
    let event = this.#events.get(eventSeq);
    if (!event) {
      event = {
        seq: eventSeq,
        subscribers: new Set(),
        frontier: null,
        counters: null,
        visible: 0,
        lastReadAt: 0,
        dirty: true,
        rush: false,
        timer: null,
        queue: Promise.resolve(),
        gone: false,
      };
      this.#events.set(eventSeq, event);
    }
    const joining = event;
    this.#enqueue(joining, () => this.#join(joining, sub, lastEventId));
    return () => this.#drop(sub);
  }

  /** An event changed (this process or another): its streams hear of it within REFRESH_MIN_MS and a read. */
  poke(eventSeq: number): void {
    const event = this.#events.get(eventSeq);
    if (!event) return;
    event.dirty = true;
    this.#schedule(event);
  }

  /** Something changed, which events is unknown (SQLite's data_version): every followed event is read again. */
  pokeAll(): void {
    for (const seq of this.#events.keys()) this.poke(seq);
  }

  /** Ends every stream and stops every timer; new streams are refused from now on. */
  async close(): Promise<void> {
    this.#closed = true;
    const queues: Promise<void>[] = [];
    for (const event of [...this.#events.values()]) {
      queues.push(event.queue);
      for (const sub of [...event.subscribers]) this.#drop(sub);
    }
    await Promise.allSettled(queues);
    // Joins that were still reading end here.
    for (const event of [...this.#events.values()]) for (const sub of [...event.subscribers]) this.#drop(sub);
  }

  #start(): void {
    const half = Math.max(1, Math.floor(this.options.heartbeatMs / 2));
    this.#heartbeat = setInterval(() => this.#beat(half), half);
    this.#credentialsCheck = setInterval(() => void this.#checkCredentials(), this.options.credentialsCheckMs);
    this.#signals?.active(true);
  }

  #stop(): void {
    if (!this.#heartbeat) return;
    clearInterval(this.#heartbeat);
    if (this.#credentialsCheck) clearInterval(this.#credentialsCheck);
    this.#heartbeat = null;
    this.#credentialsCheck = null;
    this.#signals?.active(false);
  }

  /** Every half interval, a comment to each stream silent for half an interval or more: none is silent for a whole one. */
  #beat(half: number): void {
    const now = Date.now();
    for (const event of this.#events.values()) {
      for (const sub of event.subscribers) if (now - sub.lastWriteAt >= half) this.#write(sub, SSE_HEARTBEAT, now);
    }
  }

  /** Ends the streams whose session was signed out or expired, or whose door link was revoked or expired. */
  async #checkCredentials(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      const subs = [...this.#events.values()].flatMap((e) => [...e.subscribers]);
      const unique = new Map(subs.map((s) => [`${s.credential.kind}:${s.credential.tokenHash}`, s.credential]));
      if (unique.size === 0) return;
      const live = await liveCredentials(this.options.db, [...unique.values()]);
      for (const sub of subs) if (!live.has(sub.credential.tokenHash)) this.#drop(sub);
    } catch (err) {
      this.options.onError?.(err, 'checking the credentials of live streams');
    } finally {
      this.#checking = false;
    }
  }

  #write(sub: Subscriber, chunk: string, now = Date.now()): void {
    if (sub.closed) return;
    sub.lastWriteAt = now;
    try {
      sub.sink.write(chunk);
    } catch {
      this.#drop(sub);
    }
  }

  /** Closes a stream and forgets it; the last stream of an event takes the event's state with it. */
  #drop(sub: Subscriber): void {
    if (sub.closed) return;
    sub.closed = true;
    try {
      sub.sink.end();
    } catch {}
    const count = (this.#byCredential.get(sub.credential.tokenHash) ?? 1) - 1;
    if (count > 0) this.#byCredential.set(sub.credential.tokenHash, count);
    else this.#byCredential.delete(sub.credential.tokenHash);
    this.#subscribers--;
    const event = this.#events.get(sub.eventSeq);
    if (event) {
      event.subscribers.delete(sub);
      this.#forgetIfIdle(event);
    }
    if (this.#subscribers === 0) this.#stop();
  }

  /** An event without streams (and none joining) is forgotten, its timer cleared. */
  #forgetIfIdle(event: LiveEvent): void {
    if (event.subscribers.size > 0 || this.#joiningOf(event) > 0) return;
    if (event.timer) clearTimeout(event.timer);
    event.timer = null;
    if (this.#events.get(event.seq) === event) this.#events.delete(event.seq);
  }

  readonly #joining = new Map<LiveEvent, number>();
  #joiningOf(event: LiveEvent): number {
    return this.#joining.get(event) ?? 0;
  }

  #enqueue(event: LiveEvent, work: () => Promise<void>): void {
    event.queue = event.queue
      .then(work)
      .catch((err) => this.options.onError?.(err, 'reading an event for live streams'));
  }

  /** A read after the last one, no sooner than REFRESH_MIN_MS after it started. */
  #schedule(event: LiveEvent): void {
    if (event.timer || event.gone || this.#closed) return;
    const spacing = event.rush ? RUSH_REFRESH_MS : REFRESH_MIN_MS;
    const wait = Math.max(0, event.lastReadAt + spacing - Date.now());
    event.timer = setTimeout(() => {
      event.timer = null;
      this.#enqueue(event, () => this.#refresh(event));
    }, wait);
  }

  async #readHead(event: LiveEvent): Promise<EventHead | null> {
    event.dirty = false;
    event.lastReadAt = Date.now();
    const head = await readEventHead(this.options.db, this.options.dialect, event.seq);
    if (!head) {
      // The event was deleted: its streams end (a reconnect is answered 404).
      event.gone = true;
      for (const sub of [...event.subscribers]) this.#drop(sub);
    }
    return head;
  }

  /** Reads the event's head and sends its streams the newly settled scans and the counters if they moved. */
  async #refresh(event: LiveEvent): Promise<void> {
    if (event.subscribers.size === 0 || event.gone) return;
    const head = await this.#readHead(event);
    if (!head) return;
    event.frontier ??= new ScanFrontier(head.visible);
    const frontier = event.frontier;
    const before = frontier.settled;
    const settled = frontier.observe(head.visible, head.horizon);
    event.visible = head.visible;
    // What each stream is sent by this read goes out in one write (one syscall, one segment): the
    // new scans, or in a rush a counters resync, and the counters if they moved.
    const counters = sameCounters(event.counters, head.counters) ? '' : sseFrame('counters', head.counters);
    event.counters = head.counters;
    if (settled > before) {
      const scans = await readScansBetween(this.options.db, event.seq, before, settled, SCAN_BURST_MAX + 1);
      event.rush = scans.length > SCAN_BURST_MAX;
      if (event.rush) {
        // A rush: nobody reads hundreds of rows a second; the stream moves on with the counters.
        const moved = sseFrame('counters', head.counters, settled);
        const plain = counters || null;
        for (const sub of [...event.subscribers]) {
          const frame = sub.cursor < settled ? moved : plain;
          if (frame) this.#write(sub, frame);
          sub.cursor = Math.max(sub.cursor, settled);
        }
      } else {
        this.#sendScans(event, scans, before, settled, counters);
      }
    } else if (counters) {
      for (const sub of [...event.subscribers]) this.#write(sub, counters);
    }
    if (event.dirty || frontier.waiting) this.#schedule(event);
  }

  /**
   * The same frames to every stream that is where the event was, then `counters` (empty when they
   * did not move); a stream ahead (resumed from another process) gets only the scans it lacks.
   */
  #sendScans(event: LiveEvent, scans: PlacedScan[], before: number, settled: number, counters: string): void {
    let shared: string | null = null;
    for (const sub of [...event.subscribers]) {
      let chunk = counters;
      if (sub.cursor < settled) {
        if (sub.cursor <= before) {
          shared ??= scans.map((s) => sseFrame('scan', s.scan, s.seq)).join('') + counters;
          chunk = shared;
        } else {
          chunk = scans
            .filter((s) => s.seq > sub.cursor)
            .map((s) => sseFrame('scan', s.scan, s.seq))
            .join('');
          chunk += counters;
        }
        sub.cursor = settled;
      }
      if (chunk) this.#write(sub, chunk);
    }
  }

  async #join(event: LiveEvent, sub: Subscriber, lastEventId: number | null): Promise<void> {
    this.#joining.set(event, this.#joiningOf(event) + 1);
    try {
      if (sub.closed) return;
      // A fresh snapshot unless one was read a moment ago with no change announced since.
      if (event.frontier === null || event.dirty || Date.now() - event.lastReadAt > REFRESH_MIN_MS) {
        const others = event.subscribers.size > 0;
        if (others) await this.#refresh(event);
        else {
          const head = await this.#readHead(event);
          if (!head) return this.#drop(sub);
          event.frontier ??= new ScanFrontier(head.visible);
          event.frontier.observe(head.visible, head.horizon);
          event.counters = head.counters;
          event.visible = head.visible;
          if (event.frontier.waiting) this.#schedule(event);
        }
      }
      if (sub.closed) return;
      if (event.gone || !event.frontier || !event.counters) return this.#drop(sub);
      const settled = event.frontier.settled;
      let catchUp: PlacedScan[] = [];
      let start = settled;
      if (lastEventId !== null && lastEventId <= event.visible) {
        if (lastEventId >= settled) start = lastEventId;
        else {
          const behind = await countScansBetween(this.options.db, event.seq, lastEventId, settled, SCAN_BURST_MAX + 1);
          if (behind <= SCAN_BURST_MAX) {
            catchUp = await readScansBetween(this.options.db, event.seq, lastEventId, settled, SCAN_BURST_MAX);
            start = lastEventId;
          }
        }
      }
      if (sub.closed) return;
      // The snapshot's id is where the stream starts: a reconnect before any scan resumes from there.
      let opening = sseRetry(RETRY_MS) + sseFrame('counters', event.counters, start);
      for (const s of catchUp) opening += sseFrame('scan', s.scan, s.seq);
      sub.cursor = Math.max(start, settled);
      this.#write(sub, opening);
      if (!sub.closed) event.subscribers.add(sub);
    } finally {
      this.#joining.set(event, this.#joiningOf(event) - 1);
      if (this.#joiningOf(event) <= 0) this.#joining.delete(event);
      this.#forgetIfIdle(event);
    }
  }
}
