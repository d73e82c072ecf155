/**
 * Kernel arrival stamps (SO_TIMESTAMPNS, CLOCK_REALTIME) carried over to the clock sends are
 * stamped with (`wallClockNs`, anchored at process start): as an age, CLOCK_REALTIME now minus
 * the stamp, taken from that clock's reading right after. ping(8) measures round trips from the
 * same kind of stamp; without it a round trip would include the wake-up of the poll thread and
 * of the event loop, several times the kernel's own answer on loopback. Linux only.
 */
import koffi from 'koffi';
import { posixConstants } from './constants.js';

const CLOCK_REALTIME = 0;

type CFunction = (...args: unknown[]) => unknown;
let clockGettime: CFunction | null | undefined;

function bind(): CFunction | null {
  const c = posixConstants();
  if (c?.os !== 'linux' || koffi.sizeof('long') !== 8) return null;
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(c.libc);
  } catch {
    lib = koffi.load(null);
  }
  return lib.func('int clock_gettime(int clock, void *ts)') as unknown as CFunction;
}

/** Converts kernel stamps read in one batch; `anchor()` once per batch, then `local()` per stamp. */
export class ArrivalClock {
  readonly #clock: CFunction | null;
  readonly #now = new BigInt64Array(2);
  #realNs = 0n;
  #anchoredNs = 0n;

  constructor() {
    this.#clock = clockGettime === undefined ? (clockGettime = bind()) : clockGettime;
  }

  get available(): boolean {
    return this.#clock !== null;
  }

  /** Read both clocks (CLOCK_REALTIME first, then `now`, microseconds apart). */
  anchor(now: () => bigint): void {
    if (!this.#clock || Number(this.#clock(CLOCK_REALTIME, this.#now)) !== 0) {
      this.#realNs = 0n;
      return;
    }
    this.#anchoredNs = now();
    this.#realNs = this.#now[0] * 1_000_000_000n + this.#now[1];
  }

  /** A CLOCK_REALTIME stamp on the anchored clock; undefined when there is no anchor or the stamp is not plausible. */
  local(seconds: bigint, nanoseconds: bigint): bigint | undefined {
    if (this.#realNs === 0n || seconds === 0n) return undefined;
    const age = this.#realNs - (seconds * 1_000_000_000n + nanoseconds);
    // A stamp from the future, or older than a minute, is not this datagram's: use the read time.
    if (age < 0n || age > 60_000_000_000n) return undefined;
    return this.#anchoredNs - age;
  }
}
