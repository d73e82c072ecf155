/**
 * Owns one file descriptor and the rule that keeps it safe to close:
 * a poll() on koffi's worker thread may be using the fd, and closing it then would let the
 * kernel hand the same number to the next open() while the worker still polls it. So at
 * most one poll runs per fd, close() during that poll is deferred until the poll returns,
 * and `closed` resolves when the descriptor is really released.
 */
import type { Libc } from './ffi/libc.js';

export class SocketFd {
  #fd: number;
  #closeRequested = false;
  #poll: Promise<number> | undefined;
  /** struct pollfd { int fd; short events; short revents; } - written once, read by the worker. */
  readonly #pollfd = Buffer.alloc(8);
  #resolveClosed!: () => void;
  /** Resolves once close(2) has been called on the descriptor. */
  readonly closed: Promise<void>;

  constructor(
    private readonly libc: Libc,
    fd: number,
  ) {
    this.#fd = fd;
    this.closed = new Promise<void>((resolve) => (this.#resolveClosed = resolve));
    // Host byte order, as C sees the struct.
    const view = new DataView(this.#pollfd.buffer, this.#pollfd.byteOffset, 8);
    view.setInt32(0, fd, isLittleEndian);
    view.setInt16(4, libc.constants.POLLIN, isLittleEndian);
  }

  /** The descriptor, or -1 once close was requested (callers must not start new work then). */
  get fd(): number {
    return this.#closeRequested ? -1 : this.#fd;
  }

  get closeRequested(): boolean {
    return this.#closeRequested;
  }

  /**
   * Wait up to `timeoutMs` for the fd to become readable, on a worker thread.
   * Callers that arrive while a poll is running share it instead of starting another.
   * Resolves with poll's result: > 0 readable (or error pending), 0 timeout, -errno on failure.
   */
  waitReadable(timeoutMs: number): Promise<number> {
    if (this.#poll) return this.#poll;
    if (this.#closeRequested) return Promise.resolve(0);
    const p = this.libc.pollAsync(this.#pollfd, 1, Math.max(0, Math.ceil(timeoutMs))).then(
      (r) => this.#settle(r),
      (err: unknown) => {
        this.#settle(0);
        throw err;
      },
    );
    this.#poll = p;
    return p;
  }

  /** True while a poll on the worker thread uses the fd. */
  get polling(): boolean {
    return this.#poll !== undefined;
  }

  /** Close now, or as soon as the running poll returns. Idempotent. */
  close(): void {
    if (this.#closeRequested) return;
    this.#closeRequested = true;
    if (!this.#poll) this.#release();
  }

  #settle(result: number): number {
    this.#poll = undefined;
    if (this.#closeRequested) this.#release();
    return result;
  }

  #release(): void {
    if (this.#fd < 0) return;
    // close(2) releases the descriptor on Linux and macOS even when it reports an error.
    this.libc.close(this.#fd);
    this.#fd = -1;
    this.#resolveClosed();
  }
}

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
