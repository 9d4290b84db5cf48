/**
 * wrk, the C load generator (Debian package `wrk`), driven from the bench: a Lua script sends one
 * request per ticket id from a file, as GET /redeem/:id or as a door scan (POST /api/door/scans
 * with a fresh time-ordered scanId). Modes: `redeem` and `door` take each id once, in order
 * (with several wrk threads, thread k of n takes ids k, k + n, ...); `cycle` goes round the ids
 * again and again (the duplicate storm, and the bare route, which must cost wrk the same Lua work
 * a request as the server's loads). When the ids run out the script switches to GET /healthz and
 * says so, so a run that outlasted its ids is reported, not miscounted.
 *
 * wrk is installed with apt-get when missing and the bench runs as root (`ensureWrk`).
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const wrkPath = process.env.WRK_PATH ?? '/usr/bin/wrk';

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  non2xx: number;
  errors: number;
  /** Latency percentiles in milliseconds, over all the run's requests. */
  p50: number;
  p99: number;
  /** The run outlasted its ids (the rate is then not one of first scans alone). */
  exhausted: boolean;
  /**
   * Ids handed out (sent, including the requests still in flight when wrk stopped, and the one
   * each thread draws while wrk sets it up and never sends: test/bench-wrk.test.ts).
   */
  issued: number;
  /** One past the highest position in `ids` handed out: where the next run should start. */
  next: number;
}

export type WrkMode = 'redeem' | 'door' | 'cycle';

const script = `
local ids = {}
for line in io.lines(os.getenv("ADMIT_IDS")) do ids[#ids + 1] = line end
local mode = os.getenv("ADMIT_MODE")
local doorHeaders = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. (os.getenv("ADMIT_TOKEN") or "") }
-- Set per thread by setup(): this thread takes positions tid, tid + nthreads, ...
tid = tid or 1
nthreads = nthreads or 1
issued = 0
last = 0
exhausted = 0
local count = 0
-- A time-ordered UUID (v7), as the door page draws scan ids: seconds from the clock, then a counter,
-- then random bits, in one string.format (drawn per request: the load generator's own cost).
local function v7()
  count = count + 1
  local ms = os.time() * 1000 + (count % 1000)
  return string.format("%08x-%04x-7%03x-%x%03x-%06x%06x", math.floor(ms / 65536), ms % 65536,
    math.random(0, 4095), math.random(8, 11), math.random(0, 4095), math.random(0, 16777215), math.random(0, 16777215))
end
init = function(args)
  math.randomseed(os.time() + tid * 7919)
end
request = function()
  local pos
  if mode == "cycle" then
    pos = ((issued * nthreads + tid - 1) % #ids) + 1
  else
    pos = issued * nthreads + tid
  end
  local id = ids[pos]
  if id == nil then
    exhausted = 1
    return wrk.format("GET", "/healthz")
  end
  issued = issued + 1
  if pos > last then last = pos end
  if mode == "door" then
    local body = '{"code":"' .. id .. '","scanId":"' .. v7() .. '"}'
    return wrk.format("POST", "/api/door/scans", doorHeaders, body)
  end
  return wrk.format("GET", "/redeem/" .. id)
end
local threads = {}
setup = function(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
  thread:set("nthreads", tonumber(os.getenv("ADMIT_THREADS")))
end
done = function(summary, latency, requests)
  local total, highest = 0, 0
  for _, t in ipairs(threads) do
    if t:get("exhausted") == 1 then io.write("ADMIT_EXHAUSTED\\n") end
    total = total + t:get("issued")
    if t:get("last") > highest then highest = t:get("last") end
  end
  io.write(string.format("ADMIT_ISSUED %d %d\\n", total, highest))
  io.write(string.format("ADMIT_LATENCY %f %f\\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
`;

/** Whether wrk is installed here. */
export function hasWrk(): boolean {
  return fs.existsSync(wrkPath);
}

/**
 * wrk, installed with apt-get (Debian package `wrk`) when it is missing and this process runs as
 * root. Returns undefined when wrk is there, or why it is not (the parts that need it say so in
 * the report instead of measuring with something else).
 */
export function ensureWrk(log: (message: string) => void = console.log): string | undefined {
  if (hasWrk()) return undefined;
  if (process.env.WRK_PATH) return `no wrk at WRK_PATH=${wrkPath}`;
  if (process.getuid?.() !== 0)
    return `wrk is not installed and the bench is not root: run \`sudo apt-get install wrk\``;
  if (!fs.existsSync('/usr/bin/apt-get')) return 'wrk is not installed and there is no apt-get here: install wrk';
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: 'pipe',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    });
  log('wrk is missing: apt-get install -y wrk');
  try {
    apt(['install', '-y', '--no-install-recommends', 'wrk']);
  } catch {
    try {
      log('apt-get install failed: apt-get update, then again');
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', 'wrk']);
    } catch (error) {
      return `apt-get install wrk failed: ${
        String((error as { stderr?: Buffer }).stderr ?? error)
          .trim()
          .split('\n')
          .slice(-1)[0]
      }`;
    }
  }
  return hasWrk() ? undefined : `apt-get installed wrk, yet there is no ${wrkPath}`;
}

/** Sends one request per id with `connections` connections for `seconds` (one wrk thread unless told). */
export async function wrkIds(options: {
  url: string;
  ids: readonly string[];
  mode: WrkMode;
  token?: string;
  connections: number;
  seconds: number;
  threads?: number;
}): Promise<WrkResult> {
  const threads = options.threads ?? 1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-wrk-'));
  try {
    const idsFile = path.join(dir, 'ids.txt');
    const scriptFile = path.join(dir, 'ids.lua');
    fs.writeFileSync(idsFile, `${options.ids.join('\n')}\n`);
    fs.writeFileSync(scriptFile, script);
    const args = [`-t${threads}`, `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '10s'];
    const { stdout } = await run(wrkPath, [...args, '-s', scriptFile, options.url], {
      env: {
        ...process.env,
        ADMIT_IDS: idsFile,
        ADMIT_MODE: options.mode,
        ADMIT_TOKEN: options.token ?? '',
        ADMIT_THREADS: String(threads),
      },
      maxBuffer: 1 << 20,
    });
    return parseWrk(stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads wrk's summary (and the script's own lines) back. */
export function parseWrk(stdout: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(stdout);
  if (!total) throw new Error(`wrk printed no summary:\n${stdout}`);
  const unit = { ms: 0.001, s: 1, m: 60 }[total[3] as 'ms' | 's' | 'm'];
  const requests = Number(total[1]);
  const seconds = Number(total[2]) * unit;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const errors = socket ? socket.slice(1).reduce((s, n) => s + Number(n), 0) : 0;
  const latency = /ADMIT_LATENCY ([\d.]+) ([\d.]+)/.exec(stdout);
  const issued = /ADMIT_ISSUED (\d+) (\d+)/.exec(stdout);
  return {
    requests,
    seconds,
    rps: requests / seconds,
    non2xx,
    errors,
    p50: Number(latency?.[1] ?? Number.NaN),
    p99: Number(latency?.[2] ?? Number.NaN),
    exhausted: stdout.includes('ADMIT_EXHAUSTED'),
    issued: Number(issued?.[1] ?? Number.NaN),
    next: Number(issued?.[2] ?? Number.NaN),
  };
}
