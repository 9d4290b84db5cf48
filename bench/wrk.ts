/**
 * wrk, the C load generator (Debian package `wrk`), driven from the bench: a Lua script sends one
 * request per ticket id from a file (each request takes the next id), as GET /redeem/:id or as a
 * door scan (POST /api/door/scans with a fresh time-ordered scanId). One wrk thread: its Lua state
 * hands out the ids in order over all connections. When the ids run out the script switches to
 * GET /healthz and says so, so a run that outlasted its ids is reported, not miscounted.
 */
import { execFile } from 'node:child_process';
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
  p50: number;
  p99: number;
  /** The run outlasted its ids (the rate is then not one of first scans alone). */
  exhausted: boolean;
}

const script = `
local ids = {}
for line in io.lines(os.getenv("ADMIT_IDS")) do ids[#ids + 1] = line end
local mode = os.getenv("ADMIT_MODE")
local auth = "Bearer " .. (os.getenv("ADMIT_TOKEN") or "")
local i = 0
local exhausted = 0
local count = 0
math.randomseed(os.time())
local function hex(n)
  local t = {}
  for k = 1, n do t[k] = string.format("%x", math.random(0, 15)) end
  return table.concat(t)
end
-- A time-ordered UUID (v7), as the door page draws scan ids: seconds from the clock, then a counter.
local function v7()
  count = count + 1
  local ms = os.time() * 1000 + (count % 1000)
  local high = math.floor(ms / 65536)
  return string.format("%08x-%04x-7%s-%s%s-%s", high, ms % 65536, hex(3), ({"8","9","a","b"})[math.random(1, 4)], hex(3), hex(12))
end
request = function()
  i = i + 1
  local id = ids[i]
  if id == nil then
    exhausted = 1
    return wrk.format("GET", "/healthz")
  end
  if mode == "door" then
    local body = '{"code":"' .. id .. '","scanId":"' .. v7() .. '"}'
    return wrk.format("POST", "/api/door/scans", { ["Content-Type"] = "application/json", ["Authorization"] = auth }, body)
  end
  return wrk.format("GET", "/redeem/" .. id)
end
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
done = function(summary, latency, requests)
  for _, t in ipairs(threads) do
    if t:get("exhausted") == 1 then io.write("ADMIT_EXHAUSTED\\n") end
  end
  io.write(string.format("ADMIT_LATENCY %f %f\\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
`;

/** Whether wrk is installed here. */
export function hasWrk(): boolean {
  return fs.existsSync(wrkPath);
}

/** Sends one request per id with `connections` connections for `seconds` (one wrk thread). */
export async function wrkIds(options: {
  url: string;
  ids: readonly string[];
  mode: 'redeem' | 'door';
  token?: string;
  connections: number;
  seconds: number;
}): Promise<WrkResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-wrk-'));
  try {
    const idsFile = path.join(dir, 'ids.txt');
    const scriptFile = path.join(dir, 'ids.lua');
    fs.writeFileSync(idsFile, `${options.ids.join('\n')}\n`);
    fs.writeFileSync(scriptFile, script);
    const { stdout } = await run(
      wrkPath,
      ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '10s', '-s', scriptFile, options.url],
      {
        env: { ...process.env, ADMIT_IDS: idsFile, ADMIT_MODE: options.mode, ADMIT_TOKEN: options.token ?? '' },
        maxBuffer: 1 << 20,
      },
    );
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
  return {
    requests,
    seconds,
    rps: requests / seconds,
    non2xx,
    errors,
    p50: Number(latency?.[1] ?? Number.NaN),
    p99: Number(latency?.[2] ?? Number.NaN),
    exhausted: stdout.includes('ADMIT_EXHAUSTED'),
  };
}
