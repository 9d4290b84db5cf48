/**
 * The verdicts of `npm run bench`: one row per measure with the same run's reference and the
 * target, printed as a text table and rendered in the markdown report.
 */
import { f, median, n0, percentile } from './lib.js';
import { CONNECTIONS, DUPLICATE_TICKETS, type Options, PAGE_LIMIT, SEARCH_COMMON, targets } from './options.js';
import type { Load, Results, RushRound } from './results.js';
import { type Latencies, watchMet } from './watch.js';

export type Verdict = 'PASS' | 'MISS' | 'FAIL' | '';
export interface Row {
  measure: string;
  admit: string;
  reference: string;
  ratio: string;
  target: string;
  verdict: Verdict;
}

const verdict = (ok: boolean): Verdict => (ok ? 'PASS' : 'MISS');

/** The table's rows: door rush and duplicate storm per configuration, creation, export, reads, then errors. */
export function buildRows(results: Results, { sizes }: Options): Row[] {
  const out: Row[] = [];
  for (const r of results.rush) {
    const okPerSec = median(r.rounds.map((x) => x.admit.okPerSec));
    const bareRps = median(r.rounds.map((x) => x.bare.rps));
    // Each round pairs Admit with the bare route seconds apart; the median of the paired ratios
    // cancels most of the drift of a busy machine.
    const ratio = median(r.rounds.map((x) => x.admit.okPerSec / x.bare.rps));
    const ok = r.rounds.reduce((s, x) => s + x.admit.ok, 0) + (r.flask?.load.ok ?? 0);
    const non2xx = r.rounds.reduce((s, x) => s + x.admit.non2xx, 0) + (r.flask?.load.non2xx ?? 0);
    const errors = r.rounds.reduce((s, x) => s + x.admit.errors, 0) + (r.flask?.load.errors ?? 0);
    const short = r.rounds.some((x) => x.admit.exhausted || x.door.exhausted) || !!r.flask?.load.exhausted;
    const p99 = median(r.rounds.map((x) => x.admit.p99));
    const sqlite = r.store === 'sqlite';
    out.push({
      measure: `Door rush, ${r.label}: redeems/s (GET /redeem, fresh tickets, ${CONNECTIONS} conns, wrk)`,
      admit: `${n0(okPerSec)}; p50 / p99 ${f(median(r.rounds.map((x) => x.admit.p50)))} / ${f(p99)} ms`,
      reference: `bare route ${n0(bareRps)} req/s, p50 / p99 ${f(median(r.rounds.map((x) => x.bare.p50)))} / ${f(median(r.rounds.map((x) => x.bare.p99)))} ms`,
      ratio: `${f(ratio, 2)}×`,
      target: sqlite ? `≥ ${targets.rushRatio}× bare, p99 ≤ ${targets.rushP99Ms} ms` : 'report',
      verdict: sqlite ? verdict(ratio >= targets.rushRatio && p99 <= targets.rushP99Ms && !short) : '',
    });
    if (r.rounds.some((x) => x.pgbench)) {
      const withBench = r.rounds.filter((x) => x.pgbench);
      const tps = median(withBench.map((x) => x.pgbench?.tps ?? Number.NaN));
      const pgRatio = median(withBench.map((x) => x.admit.okPerSec / (x.pgbench?.tps ?? Number.NaN)));
      const withPool = r.rounds.filter((x) => x.pgbenchPool);
      const poolTps = median(withPool.map((x) => x.pgbenchPool?.tps ?? Number.NaN));
      const poolRatio = median(withPool.map((x) => x.admit.okPerSec / (x.pgbenchPool?.tps ?? Number.NaN)));
      const poolClients = withPool[0]?.pgbenchPool?.clients ?? 0;
      out.push({
        measure: `Door rush, ${r.label}: redeems/s against pgbench's commit ceiling (one conditional UPDATE a transaction)`,
        admit: n0(okPerSec),
        reference: `pgbench ${CONNECTIONS} clients ${n0(tps)} tps; ${poolClients} clients (the pool) ${n0(poolTps)} tps (${f(poolRatio, 2)}×)${withBench.length < r.rounds.length ? `; pgbench ran in ${withBench.length} of ${r.rounds.length} rounds` : ''}`,
        ratio: `${f(pgRatio, 2)}×`,
        target: `≥ ${targets.pgCeilingRatio}× pgbench, ${CONNECTIONS} clients`,
        verdict: verdict(pgRatio >= targets.pgCeilingRatio),
      });
    }
    const issuedNote = ok === r.used ? '' : ` (${n0(r.used - ok)} more sent, in flight when wrk stopped)`;
    out.push({
      measure: `Door rush, ${r.label}: non-2xx / errors; event's redeemedTickets against 200s`,
      admit: `${n0(non2xx)} / ${n0(errors)}; ${n0(r.redeemedTickets)} redeemed, ${n0(ok)} 200s${issuedNote}`,
      reference: `${n0(r.used)} distinct tickets sent`,
      ratio: '',
      target: '0 non-2xx; 200s ≤ redeemed ≤ sent',
      verdict:
        non2xx === 0 && errors === 0 && ok <= r.redeemedTickets && r.redeemedTickets <= r.used && !short
          ? 'PASS'
          : 'FAIL',
    });
    const dupRate = (x: RushRound) => x.duplicate.non2xx / x.duplicate.seconds;
    const dup = median(r.rounds.map(dupRate));
    const dupRatio = median(r.rounds.map((x) => dupRate(x) / x.admit.okPerSec));
    const dup2xx = r.rounds.reduce((s, x) => s + x.duplicate.ok, 0);
    const dupErrors = r.rounds.reduce((s, x) => s + x.duplicate.errors, 0);
    const dupOther = dup2xx + dupErrors;
    const bareRounds = r.rounds.filter((x) => x.bare410);
    const bare410Ratio = bareRounds.length
      ? median(bareRounds.map((x) => (x.bare410 as Load).rps / x.bare.rps))
      : undefined;
    out.push({
      measure: `Duplicate storm, ${r.label}: 410s/s (${DUPLICATE_TICKETS} redeemed tickets)`,
      admit: `${n0(dup)}; p50 / p99 ${f(median(r.rounds.map((x) => x.duplicate.p50)))} / ${f(median(r.rounds.map((x) => x.duplicate.p99)))} ms${dupOther ? ` (${n0(dup2xx)} 2xx, ${n0(dupErrors)} socket errors)` : ''}`,
      reference: `first scans ${n0(okPerSec)} 200s/s${bare410Ratio === undefined ? '' : `; bare route with the 410 body: ${f(bare410Ratio, 2)}× its 200 rate`}`,
      // Rounded down, so a ratio shown as 1.00× really is at least 1.
      ratio: `${f(Math.floor(dupRatio * 100) / 100, 2)}×`,
      target: '≥ 1× first scans',
      verdict: verdict(dupRatio >= targets.duplicateRatio && dupOther === 0),
    });
    const doorRatio = median(r.rounds.map((x) => x.door.okPerSec / x.admit.okPerSec));
    const doorRefused = r.rounds.reduce((s, x) => s + x.door.non2xx + x.door.errors, 0);
    out.push({
      measure: `Door scans, ${r.label}: admitted/s (POST /api/door/scans, fresh tickets, ${CONNECTIONS} conns, wrk)`,
      admit: `${n0(median(r.rounds.map((x) => x.door.okPerSec)))}; p50 / p99 ${f(median(r.rounds.map((x) => x.door.p50)))} / ${f(median(r.rounds.map((x) => x.door.p99)))} ms${doorRefused ? `; ${n0(doorRefused)} non-2xx or errors` : ''}`,
      reference: `GET /redeem ${n0(okPerSec)}/s; door event admitted ${n0(r.doorAdmitted)} of ${n0(r.doorSent ?? 0)} sent`,
      ratio: `${f(Math.floor(doorRatio * 100) / 100, 2)}×`,
      target: `≥ ${targets.doorRatio}× GET /redeem`,
      verdict: verdict(doorRatio >= targets.doorRatio && doorRefused === 0),
    });
    if (r.flask) {
      const l = r.flask.load;
      out.push({
        measure: `Door rush, ${r.label}: \`wrk -t${r.flask.threads} -c${r.flask.connections} -d${r.flask.seconds}s\`, redeems/s`,
        admit: `${n0(l.okPerSec)}; p50 / p99 ${f(l.p50)} / ${f(l.p99)} ms`,
        reference: 'the original Flask implementation: about 300/s',
        ratio: `${f(l.okPerSec / 300, 0)}×`,
        target: 'report',
        verdict: '',
      });
    }
  }
  for (const d of results.doorScans) {
    const ratio = median(d.rounds.map((x) => x.door.rps / x.redeem.rps));
    const refused = d.rounds.reduce((s, x) => s + x.door.non2xx + x.door.errors + x.redeem.errors, 0);
    const short = d.rounds.some((x) => x.door.exhausted || x.redeem.exhausted);
    out.push({
      measure: `Door scans, ${d.label}: admitted/s (POST /api/door/scans vs GET /redeem, wrk)`,
      admit: `${n0(median(d.rounds.map((x) => x.door.rps)))}; p50 / p99 ${f(median(d.rounds.map((x) => x.door.p50)), 1)} / ${f(median(d.rounds.map((x) => x.door.p99)), 1)} ms`,
      reference: `GET /redeem ${n0(median(d.rounds.map((x) => x.redeem.rps)))}/s, p50 / p99 ${f(median(d.rounds.map((x) => x.redeem.p50)), 1)} / ${f(median(d.rounds.map((x) => x.redeem.p99)), 1)} ms; admitted ${n0(d.admitted)}`,
      ratio: `${f(Math.floor(ratio * 100) / 100, 2)}×`,
      target: `≥ ${targets.doorRatio}× GET /redeem`,
      verdict: verdict(ratio >= targets.doorRatio && refused === 0 && !short),
    });
  }
  const p = results.doorPage;
  if (p) {
    const perGuest = p.totalMs / 1000 / p.guests;
    out.push({
      measure: `Door page: seconds a guest, ${n0(p.guests)} guests by keyboard wedge, back to back`,
      admit: `${f(perGuest, 2)} s; scan → verdict median ${f(median(p.scanToVerdictMs), 0)} ms, p95 ${f(percentile(p.scanToVerdictMs, 95), 0)} ms`,
      reference: `verdict shown ${f(p.verdictToReadyMs / 1000, 1)} s when left alone; admitted ${n0(p.admitted)} of ${n0(p.guests)}`,
      ratio: '',
      target: `≤ ${targets.secondsPerGuest} s a guest`,
      verdict: verdict(perGuest <= targets.secondsPerGuest && p.admitted === p.guests),
    });
  }
  const c = results.creation;
  if (c) {
    const admit = median(c.adminMs) / 1000;
    const raw = median(c.rawMs) / 1000;
    out.push({
      measure: `Creation: ${n0(c.tickets)} tickets, seconds (rows/s)`,
      admit: `${f(admit, 2)} s (${n0(c.tickets / admit)}/s)`,
      reference: `raw insert ${f(raw, 2)} s (${n0(c.tickets / raw)}/s)`,
      ratio: `${f(admit / raw, 2)}×`,
      target: `≤ ${targets.createSeconds} s and ≤ ${targets.createRatio}× raw`,
      verdict: verdict(admit <= targets.createSeconds && admit / raw <= targets.createRatio),
    });
  }
  const s = results.scale;
  if (s) {
    const seconds = median(s.csv.map((d) => d.ms)) / 1000;
    const mbps = median(s.csv.map((d) => d.bytes / 1e6 / (d.ms / 1000)));
    const peak = Math.max(...s.csv.map((d) => d.peakRssMb));
    const before = s.csv[0]?.rssBeforeMb ?? Number.NaN;
    out.push({
      measure: `Export: CSV of ${n0(s.tickets)} tickets (${f((s.csv[0]?.bytes ?? 0) / 1e6)} MB)`,
      admit: `${f(seconds, 2)} s, ${f(mbps)} MB/s`,
      reference: '',
      ratio: '',
      target: `≤ ${targets.csvSeconds} s`,
      verdict: verdict(seconds <= targets.csvSeconds),
    });
    out.push({
      measure: 'Export: server RSS before / peak during download',
      admit: `${f(before, 0)} / ${f(peak, 0)} MB`,
      reference: '',
      ratio: '',
      target: `< ${targets.csvRssMb} MB`,
      verdict: verdict(peak < targets.csvRssMb),
    });
    const p95Row = (measure: string, values: number[], reference = ''): Row => ({
      measure,
      admit: `${f(median(values))} ms`,
      reference,
      ratio: '',
      target: `≤ ${targets.p95Ms} ms`,
      verdict: verdict(median(values) <= targets.p95Ms),
    });
    out.push(
      p95Row(
        `Reads: event search p95, ${n0(s.events)} events, q=${SEARCH_COMMON}`,
        s.searchP95,
        `${n0(s.searchMatches)} matches`,
      ),
    );
    out.push(
      p95Row(
        `Reads: event search p95, ${n0(s.events)} events, q=${s.searchRare}`,
        s.searchRareP95,
        `${n0(s.searchRareMatches)} match${s.searchRareMatches === 1 ? '' : 'es'}`,
      ),
    );
    out.push(p95Row(`Reads: event status p95, ${n0(s.tickets)}-ticket event`, s.statusP95));
    out.push(
      p95Row(
        `Reads: tickets page p95 after ticket ${n0(s.deepWalk.startsAt)} (limit ${PAGE_LIMIT})`,
        s.deepP95,
        `walk ${f(s.deepWalk.ms / s.deepWalk.pages)} ms/page${s.deepWalk.startsAt < s.deepWalk.target ? `; walk stopped by its ${sizes.walkMaxSeconds} s budget before ${n0(s.deepWalk.target)}` : ''}`,
      ),
    );
  }
  for (const w of results.watch ?? []) {
    const pair = (l: Latencies) => `${f(l.p99, 0)} / ${f(l.max, 0)} ms`;
    for (const write of w.writes) {
      const failed = write.redeem.failed + write.healthz.failed;
      out.push({
        measure: `Watch, ${w.label}: redeems / healthz p99 / max while ${write.what}`,
        admit: `${pair(write.redeem)}; ${pair(write.healthz)}${failed ? `; ${n0(failed)} failed` : ''}`,
        reference: `idle ${pair(w.idle.redeem)}; ${pair(w.idle.healthz)}; write took ${f(write.seconds, 1)} s`,
        ratio: '',
        target: `p99 ≤ ${targets.watchP99Ms} ms, max ≤ ${targets.watchMaxMs} ms`,
        verdict: verdict(watchMet(write)),
      });
    }
  }
  for (const e of results.errors) {
    out.push({ measure: 'ERROR', admit: e.slice(0, 200), reference: '', ratio: '', target: '', verdict: 'FAIL' });
  }
  return out;
}

/** The rows as a fixed-width text table for the console. */
export function formatTextTable(table: Row[]): string {
  const header: Row = {
    measure: 'Measure',
    admit: 'Admit',
    reference: 'Reference (same run)',
    ratio: 'Ratio',
    target: 'Target',
    verdict: '' as Verdict,
  };
  const all = [header, ...table];
  const keys = ['measure', 'admit', 'reference', 'ratio', 'target', 'verdict'] as const;
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  return all
    .map((r, i) => {
      const line = keys.map((k, j) => r[k].padEnd(widths[j] as number)).join('  ');
      return i === 0 ? `${line}\n${'-'.repeat(line.length)}` : line;
    })
    .join('\n');
}

/** The run's notes, in the order they arose: door-rush rounds cut short, then PostgreSQL configurations left out. */
export function listNotes(results: Results, { sizes, softDeadlineMin }: Options): string[] {
  return [
    ...results.rush
      .filter((r) => r.rounds.length < sizes.rushRounds)
      .map((r) => `${r.label}: ${r.rounds.length} of ${sizes.rushRounds} door-rush rounds run (time budget).`),
    ...results.pgLeftOut.map(
      (workers) => `PostgreSQL WORKERS=${workers} was left out: the run had used its ${softDeadlineMin}-minute budget.`,
    ),
  ];
}
