import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt with N=2^15, r=8, p=1 (32 MiB of memory a hash): OWASP's recommended floor.
const N = 32768;
const r = 8;
const p = 1;
const keyLength = 32;
const maxmem = 64 * 1024 * 1024;

/**
 * How many hashes run at once in this process. scrypt runs on libuv's thread pool (4 threads by
 * default), which static files, DNS and other fs work share: with every thread busy hashing, they
 * all wait. Two at a time leaves the rest free and caps hashing memory at 2 × 32 MiB.
 */
export const HASHING_SLOTS = 2;

/** A counting semaphore: at most `size` holders, the others wait in arrival order. */
class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

const slots = new Semaphore(HASHING_SLOTS);

/**
 * Proof that the caller holds a hashing slot, handed out by withHashingSlot and passed down to the
 * hashing inside it. (Passed explicitly: AsyncLocalStorage would do it implicitly, but it turns on
 * promise hooks for the whole process, a cost every redemption would pay.)
 */
export interface HashingSlot {
  readonly held: true;
}

/**
 * Runs `fn` holding one of the process's hashing slots (queued until one is free). hashPassword and
 * verifyPassword take a slot themselves; called inside `fn` they use this one. The login throttle
 * checks and counts inside the slot, so concurrent guesses cannot all pass its check at once.
 */
export async function withHashingSlot<T>(fn: (slot: HashingSlot) => Promise<T>): Promise<T> {
  await slots.acquire();
  try {
    return await fn({ held: true });
  } finally {
    slots.release();
  }
}

function derive(
  password: string,
  salt: Buffer,
  n: number,
  rr: number,
  pp: number,
  slot: HashingSlot | undefined,
): Promise<Buffer> {
  const run = () =>
    new Promise<Buffer>((resolve, reject) => {
      scrypt(password.normalize('NFKC'), salt, keyLength, { N: n, r: rr, p: pp, maxmem }, (err, key) =>
        err ? reject(err) : resolve(key),
      );
    });
  return slot ? run() : withHashingSlot(run);
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string, slot?: HashingSlot): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p, slot);
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string, slot?: HashingSlot): Promise<boolean> {
  const [scheme, n, rr, pp, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(rr), Number(pp), slot);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of a random password, verified against when the user does not exist so timing is the same. */
export const decoyHash = hashPassword(randomBytes(16).toString('hex'));
