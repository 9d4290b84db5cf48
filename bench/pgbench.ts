/**
 * The commit ceiling of a PostgreSQL door rush, measured with `pgbench` (it ships with
 * PostgreSQL's client package): one conditional UPDATE per transaction on a table shaped like
 * `tickets` (the same columns and a unique text id; ids in ascending order, which only makes the
 * table quick to fill), each transaction on a row never touched
 * before, with as many clients as the rush has connections. What one redemption per commit costs
 * the database alone, without HTTP or Node.js.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where pgbench is: PATH, then the PostgreSQL 15-17 binaries of Debian's packages. */
export function findPgbench(): string | undefined {
  const candidates = [
    process.env.PGBENCH_PATH,
    '/usr/bin/pgbench',
    ...[17, 16, 15].map((v) => `/usr/lib/postgresql/${v}/bin/pgbench`),
  ];
  return candidates.find((p): p is string => !!p && fs.existsSync(p));
}

/**
 * pgbench, installed with apt-get (`postgresql-client`) when missing and the bench runs as root.
 * Returns its path, or why there is none.
 */
export function ensurePgbench(log: (message: string) => void = console.log): { path?: string; why?: string } {
  const found = findPgbench();
  if (found) return { path: found };
  if (process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/apt-get')) {
    return { why: 'pgbench is not installed (Debian package postgresql-client) and cannot be installed here' };
  }
  log('pgbench is missing: apt-get install -y postgresql-client');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql-client'], { stdio: 'pipe', env });
  } catch (error) {
    return { why: `apt-get install postgresql-client failed: ${String(error).split('\n')[0]}` };
  }
  const installed = findPgbench();
  return installed ? { path: installed } : { why: 'postgresql-client installed no pgbench' };
}

export interface PgbenchResult {
  clients: number;
  transactions: number;
  seconds: number;
  tps: number;
  /** pgbench's average latency, ms. */
  latencyMs: number;
  failed: number;
}

const TABLE = 'pgbench_tickets';

/**
 * A ceiling table of `rows` rows in the database at `url`, shaped like `tickets`: each run takes
 * rows it never took before (`base` moves on), so every UPDATE really writes, like a first scan.
 */
export class PgbenchCeiling {
  private base = 0;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-pgbench-'));

  private constructor(
    private readonly binary: string,
    private readonly url: string,
    private readonly rows: number,
  ) {
    fs.writeFileSync(
      path.join(this.dir, 'redeem.sql'),
      [
        '\\set k :k + 1',
        '\\set n :base + :client_id + :clients * :k',
        `update ${TABLE} set redeemed_at = '2026-12-01T20:00:00.000Z', redeem_key = null where seq = :n and redeemed_at is null;`,
        '',
      ].join('\n'),
    );
  }

  static async create(binary: string, url: string, rows: number): Promise<PgbenchCeiling> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`drop table if exists ${TABLE}`);
      await client.query(`create table ${TABLE} (
        seq integer primary key,
        id varchar(36) not null unique,
        event_seq integer not null,
        batch_seq integer not null,
        redeemed_at varchar(30),
        redeem_key varchar(200),
        duplicate_scans integer not null default 0,
        redeemed_door_seq integer)`);
      await client.query(
        `insert into ${TABLE} (seq, id, event_seq, batch_seq)
         select g, '00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'), 1, 1
         from generate_series(1, $1::integer) g`,
        [rows],
      );
      await client.query(`vacuum analyze ${TABLE}`);
    } finally {
      await client.end();
    }
    return new PgbenchCeiling(binary, url, rows);
  }

  /** One pgbench run of `seconds` with `clients` clients on rows not taken yet. */
  async measure(clients: number, seconds: number): Promise<PgbenchResult> {
    let stdout: string;
    try {
      ({ stdout } = await run(
        this.binary,
        [
          '-n',
          `-c${clients}`,
          `-j${Math.min(clients, os.cpus().length)}`,
          `-T${seconds}`,
          '-D',
          'k=0',
          '-D',
          `base=${this.base}`,
          '-D',
          `clients=${clients}`,
          '-f',
          path.join(this.dir, 'redeem.sql'),
          this.url,
        ],
        { maxBuffer: 1 << 20, env: { ...process.env, PGAPPNAME: 'admit-bench-pgbench' } },
      ));
    } finally {
      // The next run starts past the highest row this one took (clients are not exactly even),
      // even when this one failed part of the way.
      await this.moveOn(clients);
    }
    const transactions = Number(/actually processed: (\d+)/.exec(stdout)?.[1] ?? Number.NaN);
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN);
    const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1] ?? Number.NaN);
    const failed = Number(/failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
    return { clients, transactions, seconds, tps, latencyMs, failed };
  }

  private async moveOn(clients: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ top: number | null }>(
        `select max(seq) as top from ${TABLE} where seq > $1 and redeemed_at is not null`,
        [this.base],
      );
      this.base = Math.max(this.base, Number(rows[0]?.top ?? 0)) + clients + 1;
    } finally {
      await client.end();
    }
    if (this.base > this.rows) throw new Error(`pgbench ran out of fresh rows (${this.rows})`);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
