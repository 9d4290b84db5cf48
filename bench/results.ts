/**
 * What the parts of `npm run bench` measure: plain data, returned by each part and turned into the
 * table and the markdown report by report.ts and report-markdown.ts.
 */
import type { CreationResult } from './create-event.js';
import type { DoorPageResult } from './door-page.js';
import type { DoorScansResult } from './door-scans.js';
import type { CsvDownload } from './export-csv.js';
import type { WatchResult } from './watch.js';

/** One autocannon run, summarized. */
export interface Load {
  requests: number;
  ok: number;
  status410: number;
  non2xx: number;
  errors: number;
  seconds: number;
  rps: number;
  okPerSec: number;
  p50: number;
  p99: number;
}

export interface RushRound {
  admit: Load;
  bare: Load;
  duplicate: Load;
  bare410?: Load;
}

export interface RushResult {
  label: string;
  store: 'sqlite' | 'postgres';
  workers: number;
  /** Tickets in the event. */
  tickets: number;
  /** Distinct tickets the rounds redeemed (all of them, or a subset where a full pass is too slow). */
  used: number;
  createMs: number;
  bodyBytes: number;
  body410Bytes: number;
  /** Fewer than the planned rounds when the run's time budget ran out. */
  rounds: RushRound[];
  redeemedTickets: number;
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
  /** One line per part that failed, prefixed with the part's name. */
  errors: string[];
}
