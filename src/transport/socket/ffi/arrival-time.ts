/**
 * When a datagram reached the socket, not when JavaScript got round to reading it: the kernel's
 * receive timestamp (Linux SIOCGSTAMPNS, the stamp of the last datagram read; ping(8) measures
 * its round trips from the same kind of stamp). Without it a round trip would include the wake-up
 * of the poll thread and the event loop, several times the kernel's own answer on loopback.
 *
 * The stamp is on the kernel's CLOCK_REALTIME; it is carried over to `wallClockNs()`'s clock
 * (the one sends are stamped with) as an age: now on that clock minus (CLOCK_REALTIME now minus
 * the stamp). Elsewhere (macOS) `arrival` gives undefined and callers use the read time.
 */
import koffi from 'koffi';
import { posixConstants } from './constants.js';

/** linux/sockios.h: SIOCGSTAMPNS_OLD, a struct timespec of longs (the 64-bit layout this supports). */
const SIOCGSTAMPNS = 0x8907;
const CLOCK_REALTIME = 0;

type CFunction = (...args: unknown[]) => unknown;

interface Bindings {
  readonly ioctl: CFunction;
  readonly clockGettime: CFunction;
}

let bindings: Bindings | null | undefined;

function bind(): Bindings | null {
  const c = posixConstants();
  if (c?.os !== 'linux' || koffi.sizeof('long') !== 8) return null;
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(c.libc);
  } catch {
    lib = koffi.load(null);
  }
  return {
    // Declared with a fixed pointer argument: the same calling convention as the variadic one on x86_64 and arm64 Linux.
    ioctl: lib.func('int ioctl(int fd, unsigned long request, void *arg)') as unknown as CFunction,
    clockGettime: lib.func('int clock_gettime(int clock, void *ts)') as unknown as CFunction,
  };
}

/** Arrival times for datagrams read from one socket. */
export class ArrivalClock {
  readonly #b: Bindings | null;
  readonly #stamp = new BigInt64Array(2);
  readonly #now = new BigInt64Array(2);

  constructor() {
    this.#b = bindings === undefined ? (bindings = bind()) : bindings;
  }

  /**
   * Ask the kernel to stamp what `fd` receives (the first SIOCGSTAMPNS turns stamping on).
   * Returns false where there are no stamps.
   */
  enable(fd: number): boolean {
    if (!this.#b) return false;
    return Number(this.#b.ioctl(fd, SIOCGSTAMPNS, this.#stamp)) === 0;
  }

  /**
   * When the datagram just read from `fd` arrived, on the clock `now` reads (wallClockNs);
   * undefined when unknown. CLOCK_REALTIME is read right before `now()`, so the two readings
   * are microseconds apart even while the code is still cold.
   */
  arrival(fd: number, now: () => bigint): bigint | undefined {
    const b = this.#b;
    if (!b || Number(b.ioctl(fd, SIOCGSTAMPNS, this.#stamp)) !== 0 || Number(b.clockGettime(CLOCK_REALTIME, this.#now)) !== 0) return undefined;
    const anchored = now();
    const age = (this.#now[0] - this.#stamp[0]) * 1_000_000_000n + (this.#now[1] - this.#stamp[1]);
    // A stamp from the future, or older than a minute, is not this datagram's: use the read time.
    if (age < 0n || age > 60_000_000_000n) return undefined;
    return anchored - age;
  }
}
