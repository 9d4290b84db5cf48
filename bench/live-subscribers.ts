/**
 * The subscribers of bench/live.ts, in a process of their own (run at low priority, so that their
 * cost is counted apart from the server's): opens LIVE_COUNT streams of LIVE_URL with a lean
 * client (raw sockets; per chunk only the last `id:` is looked for), and answers on stdout:
 * `open` once all are open, then for `report\n` on stdin one JSON line of each sampled stream's
 * (id, time) pairs and the CPU time this process used; `close\n` ends it.
 */
import net from 'node:net';

const url = new URL(process.env.LIVE_URL as string);
const count = Number(process.env.LIVE_COUNT ?? 500);
const token = process.env.LIVE_TOKEN as string;
const sampleEvery = 10;

interface Sub {
  socket: net.Socket;
  frames: [number, number][];
  tail: string;
}
const subs: Sub[] = [];

function open(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const sub: Sub = { socket, frames: [], tail: '' };
    const sampled = i % sampleEvery === 0;
    let opened = false;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (!opened) {
        if (!chunk.startsWith('HTTP/1.1 200')) return reject(new Error(chunk.slice(0, 200)));
        opened = true;
        resolve();
      }
      if (!sampled) return;
      // The last id in what arrived so far: frames come whole or split, ids only grow.
      const text = sub.tail + chunk;
      const at = text.lastIndexOf('\nid: ');
      const start = at === -1 ? (text.startsWith('id: ') ? 0 : -1) : at + 1;
      if (start !== -1) {
        const end = text.indexOf('\n', start + 4);
        if (end !== -1) sub.frames.push([Number(text.slice(start + 4, end)), Date.now()]);
      }
      sub.tail = text.slice(-40);
    });
    socket.on('error', reject);
    socket.write(
      `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    subs.push(sub);
  });
}

async function main() {
  for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: 50 }, (_v, j) => open(i + j)));
  process.stdout.write('open\n');
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    input += chunk;
    let cut = input.indexOf('\n');
    while (cut !== -1) {
      const line = input.slice(0, cut);
      input = input.slice(cut + 1);
      if (line === 'report') {
        const cpu = process.cpuUsage();
        const sampled = subs.filter((_s, i) => i % sampleEvery === 0).map((s) => s.frames);
        process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, streams: sampled })}\n`);
      } else if (line === 'close') {
        for (const s of subs) s.socket.destroy();
        process.exit(0);
      }
      cut = input.indexOf('\n');
    }
  });
}
void main().catch((err) => {
  process.stderr.write(`${err}\n`);
  process.exit(1);
});
