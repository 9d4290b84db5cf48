/**
 * What the parts of `npm run bench` measure: plain data, returned by each part and turned into the
 * table and the markdown report by report.ts and report-markdown.ts.
 */
import type { CreationResult } from './create-event.js';
import type { DoorPageResult } from './door-page.js';
import type { DoorScansResult } from './door-scans.js';
import type { CsvDownload } from './export-csv.js';
import type { PgbenchResult } from './pgbench.js';
import type { VerifierResult } from './verifier.js';
import type { WatchResult } from './watch.js';

/** One wrk run, summarized (latencies in ms). */
export interface Load {
  requests: number;
  /** 2xx answers (wrk counts the others as non-2xx: in the duplicate storm those are the 410s). */
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  rps: number;
  okPerSec: number;
  p50: number;
  p99: number;
  /** Ids handed out, including requests still in flight when wrk stopped. */
  issued: number;
  /** The run outlasted its fresh ids. */
  exhausted: boolean;
}

export interface RushRound {
  /** First scans: GET /redeem/:id of fresh tickets. */
  admit: Load;
  /** The bare Fastify route answering the same 200 body. */
  bare: Load;
  /** GET /redeem/:id cycling over 100 redeemed tickets: every answer a 410. */
  duplicate: Load;
  /** POST /api/door/scans of fresh tickets of the door's event. */
  door: Load;
  /** SQLite: the bare route answering the real 410 problem. */
  bare410?: Load;
  /** PostgreSQL: pgbench with as many clients as the rush has connections. */
  pgbench?: PgbenchResult;
  /** PostgreSQL: pgbench with as many clients as the server has pool connections (all processes). */
  pgbenchPool?: PgbenchResult;
}

/** `wrk -t2 -c16`, the command the original Flask implementation was measured with. */
export interface FlaskCompare {
  threads: number;
  connections: number;
  seconds: number;
  load: Load;
}

export interface RushResult {
  label: string;
  store: 'sqlite' | 'postgres';
  workers: number;
  /** Tickets in the event. */
  tickets: number;
  /** Distinct tickets the rounds sent (first scans; ids handed out, including those in flight at each run's end). */
  used: number;
  /** Seconds of each load in a round. */
  seconds: number;
  /** PostgreSQL: DATABASE_POOL_SIZE of each server process. */
  poolSize?: number;
  createMs: number;
  bodyBytes: number;
  body410Bytes: number;
  /** Fewer than the planned rounds when the run's time budget ran out. */
  rounds: RushRound[];
  redeemedTickets: number;
  /** Door scans sent in the rounds, and the door event's admissions they made. */
  doorSent?: number;
  doorAdmitted: number;
  /** SQLite: the Flask comparison. */
  flask?: FlaskCompare;
}

export interface ScaleResult {
  tickets: number;
  createMs: number;
  csv: CsvDownload[];
  events: number;
  seedMs: number;
  searchMatches: number;
  searchP95: number[];
  searchRare: string;
  searchRareMatches: number;
  searchRareP95: number[];
  statusP95: number[];
  deepWalk: { pages: number; ms: number; startsAt: number; target: number };
  deepP95: number[];
}

export interface Results {
  /** In the order they ran: SQLite, then PostgreSQL WORKERS=1 and 2. */
  rush: RushResult[];
  /** PostgreSQL WORKERS values left out because the run had used its time budget. */
  pgLeftOut: number[];
  creation?: CreationResult;
  scale?: ScaleResult;
  doorPage?: DoorPageResult;
  /** SQLite, then PostgreSQL WORKERS=1 when measured. */
  doorScans: DoorScansResult[];
  /** Big writes watched: SQLite, then PostgreSQL when measured. */
  watch?: WatchResult[];
  /** The offline door's verifier (issue 16): size, per-scan decision, download build times. */
  verifier?: VerifierResult;
  /** One line per part that failed, prefixed with the part's name. */
  errors: string[];
}
