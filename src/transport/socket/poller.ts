/**
 * One poll(2) loop for every raw socket of the process, run on koffi's worker thread in
 * short slices so the event loop never blocks.
 *
 * Why shared: koffi's async calls run on libuv's thread pool (4 threads by default). One
 * 50 ms poll per receiving socket would tie up a pool thread each, so with more than a few
 * sockets the polls would queue behind each other (and behind fs/dns/crypto work). A single
 * poll over all waiting descriptors uses one pool thread, however many sockets there are.
 *
 * While a slice runs, its descriptors belong to the worker thread: SocketFd defers close(2)
 * until the slice that includes it has returned.
 */
import type { Libc } from './ffi/libc.js';

/** Length of one poll() slice: bounds how long close() may wait before releasing an fd. */
export const POLL_SLICE_MS = 50;
const POLLFD_SIZE = 8; // struct pollfd { int fd; short events; short revents; }

/** Something the poller can wait on. */
export interface Pollable {
  /** The descriptor, or -1 when it must not be polled any more (close requested). */
  readonly fd: number;
}

type Resolve = (result: number) => void;

export class Poller {
  /** Waiting for the next slice (handles that arrived while a slice was running go here). */
  #queued = new Map<Pollable, Resolve[]>();
  /** The handles inside the running slice; undefined when idle. */
  #running: ReadonlySet<Pollable> | undefined;
  #pollfds = Buffer.alloc(16 * POLLFD_SIZE);
  readonly #le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

  constructor(private readonly libc: Libc) {}

  /**
   * Resolves after the next slice that covers `handle`: with its revents (> 0 readable or
   * error pending, 0 nothing this slice), or -errno if poll() itself failed.
   */
  wait(handle: Pollable): Promise<number> {
    return new Promise<number>((resolve) => {
      const list = this.#queued.get(handle);
      if (list) list.push(resolve);
      else this.#queued.set(handle, [resolve]);
      this.#kick();
    });
  }

  /** True while a slice that includes `handle` is running on the worker thread. */
  isPolling(handle: Pollable): boolean {
    return this.#running?.has(handle) ?? false;
  }

  #kick(): void {
    if (this.#running || this.#queued.size === 0) return;
    const batch = this.#queued;
    this.#queued = new Map();
    const handles: Pollable[] = [];
    for (const [handle, resolvers] of batch) {
      if (handle.fd < 0) for (const r of resolvers) r(0); // closed meanwhile: nothing to poll
      else handles.push(handle);
    }
    if (handles.length === 0) return;

    if (this.#pollfds.length < handles.length * POLLFD_SIZE) this.#pollfds = Buffer.alloc(handles.length * 2 * POLLFD_SIZE);
    const view = new DataView(this.#pollfds.buffer, this.#pollfds.byteOffset, handles.length * POLLFD_SIZE);
    handles.forEach((h, i) => {
      view.setInt32(i * POLLFD_SIZE, h.fd, this.#le);
      view.setInt16(i * POLLFD_SIZE + 4, this.libc.constants.POLLIN, this.#le);
      view.setInt16(i * POLLFD_SIZE + 6, 0, this.#le);
    });

    this.#running = new Set(handles);
    const finish = (result: number) => {
      this.#running = undefined;
      const eintr = result === -this.libc.constants.errno.EINTR;
      handles.forEach((h, i) => {
        const revents = result < 0 ? (eintr ? 0 : result) : view.getInt16(i * POLLFD_SIZE + 6, this.#le);
        for (const r of batch.get(h)!) r(revents);
      });
      this.#kick(); // those that queued up during this slice
    };
    // The buffer is not touched again until this call returns (#running guards #kick).
    this.libc.pollAsync(this.#pollfds, handles.length, POLL_SLICE_MS).then(finish, () => finish(-this.libc.constants.errno.EINVAL));
  }
}

const pollers = new WeakMap<Libc, Poller>();

/** The process-wide poller for this libc binding. */
export function pollerFor(libc: Libc): Poller {
  let p = pollers.get(libc);
  if (!p) {
    p = new Poller(libc);
    pollers.set(libc, p);
  }
  return p;
}
