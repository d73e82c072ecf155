/**
 * Owns one file descriptor and the rule that keeps it safe to close:
 * while a poll() on koffi's worker thread includes the fd, closing it would let the kernel
 * hand the same number to the next open() with the worker still polling it. So close()
 * during a wait is deferred until that poll slice has returned, and `closed` resolves when
 * the descriptor is really released.
 */
import type { Libc } from './ffi/libc.js';
import { pollerFor, type Poller, type Pollable } from './poller.js';

export class SocketFd implements Pollable {
  #fd: number;
  #closeRequested = false;
  /** This fd's share of the current or next poll slice. */
  #pending: Promise<number> | undefined;
  readonly #poller: Poller;
  #resolveClosed!: () => void;
  /** Resolves once close(2) has been called on the descriptor. */
  readonly closed: Promise<void>;

  /** `release` frees the descriptor (default close(2); a pcap handle's is freed by pcap_close). */
  constructor(
    libc: Libc,
    fd: number,
    private readonly release: (fd: number) => void = (n) => void libc.close(n),
  ) {
    this.#fd = fd;
    this.#poller = pollerFor(libc);
    this.closed = new Promise<void>((resolve) => (this.#resolveClosed = resolve));
  }

  /** The descriptor, or -1 once close was requested (no new work may start on it then). */
  get fd(): number {
    return this.#closeRequested ? -1 : this.#fd;
  }

  /** True while this fd waits in, or for, a poll slice. */
  get polling(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * Wait for the next poll slice covering this fd (at most ~50 ms). Callers that arrive while
   * one is pending share it. Resolves with revents (> 0 readable or error pending, 0 nothing),
   * or -errno when poll() failed.
   */
  waitReadable(): Promise<number> {
    if (this.#pending) return this.#pending;
    if (this.#closeRequested) return Promise.resolve(0);
    const p = this.#poller.wait(this).then((result) => {
      this.#pending = undefined;
      if (this.#closeRequested) this.#releaseIfIdle();
      return result;
    });
    this.#pending = p;
    return p;
  }

  /** Close now, or as soon as the poll slice using the fd returns. Idempotent. */
  close(): void {
    if (this.#closeRequested) return;
    this.#closeRequested = true;
    this.#releaseIfIdle();
  }

  #releaseIfIdle(): void {
    if (this.#fd < 0 || this.#pending || this.#poller.isPolling(this)) return;
    // close(2) releases the descriptor on Linux and macOS even when it reports an error.
    this.release(this.#fd);
    this.#fd = -1;
    this.#resolveClosed();
  }
}
