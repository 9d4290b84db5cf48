/**
 * What `npm run bench` was asked to do (argv and environment), the sizes of each part, the targets
 * the report judges against, and the clock that keeps the whole run within its time budget.
 */
import os from 'node:os';
import path from 'node:path';
import { type Proc, root } from './lib.js';

export type Part = 'rush' | 'create' | 'scale' | 'door' | 'page' | 'watch' | 'verifier';

export interface Sizes {
  /** The door rush (wrk): the highest first-scan rate a round may reach (events are sized for it), per store. */
  rushMaxRate: number;
  pgRushMaxRate: number;
  rushRounds: number;
  /** Seconds of each load in a door-rush round, and of the `wrk -t2 -c16` Flask comparison. */
  rushSeconds: number;
  flaskSeconds: number;
  roundMaxSeconds: number;
  warmupTickets: number;
  createTickets: number;
  createRuns: number;
  exportTickets: number;
  exportRuns: number;
  events: number;
  readSamples: number;
  readRuns: number;
  walkMaxSeconds: number;
  /** Guests checked in through the door page by keyboard wedge. */
  doorPageGuests: number;
  /** Door scans against GET /redeem (wrk): rounds, and seconds of each load in a round. */
  doorRounds: number;
  doorSeconds: number;
  /** The watch: tickets of the event created while watched; of the event added to, before and added. */
  watchCreate: number;
  watchExisting: number;
  watchAdd: number;
  /** Tickets of the event the watcher redeems. */
  watchTickets: number;
}

const quickSizes: Sizes = {
  rushMaxRate: 30_000,
  pgRushMaxRate: 20_000,
  rushRounds: 1,
  rushSeconds: 2,
  flaskSeconds: 2,
  roundMaxSeconds: 60,
  warmupTickets: 1_000,
  createTickets: 100_000,
  createRuns: 1,
  exportTickets: 100_000,
  exportRuns: 1,
  events: 10_000,
  readSamples: 200,
  readRuns: 1,
  walkMaxSeconds: 20,
  doorPageGuests: 50,
  doorRounds: 1,
  doorSeconds: 2,
  watchCreate: 100_000,
  watchExisting: 200_000,
  watchAdd: 50_000,
  watchTickets: 5_000,
};

const fullSizes: Sizes = {
  rushMaxRate: 25_000,
  pgRushMaxRate: 10_000,
  rushRounds: 5,
  rushSeconds: 3,
  flaskSeconds: 10,
  roundMaxSeconds: 180,
  warmupTickets: 5_000,
  createTickets: 1_000_000,
  createRuns: 3,
  exportTickets: 1_000_000,
  exportRuns: 3,
  events: 100_000,
  readSamples: 200,
  readRuns: 3,
  walkMaxSeconds: 90,
  doorPageGuests: 200,
  doorRounds: 5,
  doorSeconds: 3,
  watchCreate: 1_000_000,
  watchExisting: 2_000_000,
  watchAdd: 500_000,
  watchTickets: 20_000,
};

export const CONNECTIONS = 64;
export const DUPLICATE_TICKETS = 100;
/** The deep page starts after this share of the event's tickets (900,000 of 1,000,000). */
export const DEEP_SHARE = 0.9;
export const PAGE_LIMIT = 500;
export const SEARCH_COMMON = 'jazz';

export const targets = {
  rushRatio: 0.5,
  /** SQLite door rush p99 at 64 connections, ms. */
  rushP99Ms: 25,
  /** PostgreSQL door rush against pgbench's commit ceiling, same client count. */
  pgCeilingRatio: 1,
  duplicateRatio: 1,
  /** Door scans (POST /api/door/scans) against first scans of GET /redeem, same run. */
  doorRatio: 0.8,
  createSeconds: 5,
  createRatio: 2,
  csvSeconds: 5,
  csvRssMb: 200,
  p95Ms: 20,
  /** 500 guests in 20 minutes through one door. */
  secondsPerGuest: 2,
  /** Redeems and /healthz while a big write runs (issue 11). */
  watchP99Ms: 100,
  watchMaxMs: 250,
};

export interface Options {
  quick: boolean;
  /** The parts named by `--only`, or undefined for all of them. */
  only?: string[];
  /** Where PostgreSQL databases are created, or undefined to leave PostgreSQL out. */
  pgUrl?: string;
  /** The markdown report's path. */
  out: string;
  sizes: Sizes;
  /**
   * The whole run must end within 15 minutes (2 for --quick) even on a loaded machine: past this
   * many minutes, repeats beyond the first are skipped and PostgreSQL configurations not yet
   * started are left out (and the report says so).
   */
  softDeadlineMin: number;
}

/** Reads the command line (--quick, --only rush,create,scale,door,page,watch, --out <file>, --no-pg) and the environment. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const quick = argv.includes('--quick');
  const optionValue = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = optionValue('--only')?.split(',');
  const outArg = optionValue('--out');
  // A partial or quick run must not overwrite the real figures in docs/.
  const out = outArg
    ? path.resolve(outArg)
    : quick || only
      ? path.join(os.tmpdir(), 'admit-performance.md')
      : path.join(root, 'docs', 'performance.md');
  return {
    quick,
    only,
    pgUrl: argv.includes('--no-pg') ? undefined : (env.ADMIT_BENCH_PG_URL ?? env.ADMIT_TEST_PG_URL),
    out,
    sizes: quick ? quickSizes : fullSizes,
    softDeadlineMin: quick ? 1.5 : 14,
  };
}

/** Whether this run includes `part`. */
export function wants(options: Options, part: Part): boolean {
  return !options.only || options.only.includes(part);
}

export interface Clock {
  /** Minutes since the run started. */
  minutes: () => number;
  /** Whether the run has used its time budget. */
  late: () => boolean;
  /** Prints a progress line stamped with the seconds since the start. */
  log: (message: string) => void;
}

/** Starts the run's clock now. */
export function startClock(softDeadlineMin: number): Clock {
  const started = Date.now();
  const minutes = () => (Date.now() - started) / 60_000;
  return {
    minutes,
    late: () => minutes() > softDeadlineMin,
    log: (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`),
  };
}

/** What every part is given: the options, the clock, and the processes to kill on Ctrl-C. */
export interface Bench {
  options: Options;
  clock: Clock;
  running: Set<Proc>;
}
