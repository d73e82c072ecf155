/**
 * The receive loop shared by the raw sockets (POSIX and Windows): non-blocking reads back to
 * back, then a wait for readability that close(), an abort or the deadline cut short.
 */
import { performance } from 'node:perf_hooks';
import { TransportArgumentError } from '../errors.js';

/** Largest IP datagram (IPv4 total length / IPv6 payload without jumbograms). */
export const RECEIVE_BUFFER_SIZE = 65536;
/** Datagrams read back to back before the loop yields to the event loop once. */
export const RECEIVE_BURST = 64;

export interface ReceiveLoopOptions<T> {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly filter?: (datagram: T) => boolean;
}

/** What the loop needs from a socket. */
export interface ReceiveSource<T> {
  /** Whether close() was called: the loop then ends. */
  closed(): boolean;
  /** One non-blocking read; undefined when nothing is queued. */
  tryReceive(): T | undefined;
  /** Wait for readability, close(), abort, or `remainingMs`, whichever comes first. */
  waitReadable(remainingMs: number, signal: AbortSignal | undefined): Promise<void>;
}

/**
 * Datagrams as they arrive. Ends on timeout or close(); rejects with `signal.reason` on abort.
 * Throws TransportArgumentError at once unless `timeoutMs` is absent or a number >= 0.
 */
export function receiveLoop<T>(source: ReceiveSource<T>, opts: ReceiveLoopOptions<T>): AsyncGenerator<T, void, undefined> {
  if (opts.timeoutMs !== undefined && !(opts.timeoutMs >= 0)) {
    throw new TransportArgumentError('timeoutMs', opts.timeoutMs, 'a number of milliseconds >= 0');
  }
  return loop(source, opts);
}

async function* loop<T>(source: ReceiveSource<T>, opts: ReceiveLoopOptions<T>): AsyncGenerator<T, void, undefined> {
  const { signal, filter } = opts;
  const deadline = opts.timeoutMs === undefined ? Infinity : performance.now() + opts.timeoutMs;
  let burst = 0;
  for (;;) {
    signal?.throwIfAborted();
    if (source.closed()) return;
    const datagram = source.tryReceive();
    if (datagram) {
      if (!filter || filter(datagram)) yield datagram;
      // Under a flood, reads never wait; let timers and I/O run now and then.
      if (++burst % RECEIVE_BURST === 0) await new Promise((resolve) => setImmediate(resolve));
      if (performance.now() >= deadline) return;
      continue;
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) return;
    await source.waitReadable(remaining, signal);
  }
}

/** Wake every loop waiting in raceWake on `wakers` (close() does, so they end at once). */
export function wakeAll(wakers: Set<() => void>): void {
  for (const wake of wakers) wake();
  wakers.clear();
}

/**
 * Wait for `poll` (one slice of `sliceMs`), a waker in `wakers` (close() calls them all), an
 * abort of `signal`, or `remainingMs` when shorter than the slice. Resolves with the poll's
 * result, or undefined when woken first.
 */
export async function raceWake<R>(poll: Promise<R>, wakers: Set<() => void>, remainingMs: number, sliceMs: number, signal: AbortSignal | undefined): Promise<R | void> {
  let wake!: () => void;
  const woken = new Promise<void>((resolve) => (wake = resolve));
  wakers.add(wake);
  signal?.addEventListener('abort', wake, { once: true });
  // A timer only if the deadline falls inside this slice; unref'd so it never holds the process.
  const timer = remainingMs < sliceMs ? setTimeout(wake, remainingMs).unref() : undefined;
  try {
    return await Promise.race([poll, woken]);
  } finally {
    wakers.delete(wake);
    signal?.removeEventListener('abort', wake);
    if (timer) clearTimeout(timer);
  }
}

/** Nanoseconds since the Unix epoch, from the monotonic clock anchored at process start. */
export function wallClockNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}
