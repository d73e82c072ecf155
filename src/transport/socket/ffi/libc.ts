/**
 * koffi bindings to the handful of libc socket calls the raw-socket layer uses.
 *
 * Convention: every wrapper returns the C result on success and `-errno` on failure, with
 * errno read by `koffi.errno()` immediately after the call (nothing else runs in between,
 * so no other libc call can overwrite it). That keeps the send path allocation-free.
 * The library is loaded lazily, on first use, so importing rawcraft never fails on an OS
 * without bindings.
 */
import koffi from 'koffi';
import { posixConstants, type PosixConstants } from './constants.js';

export interface Libc {
  readonly constants: PosixConstants;
  socket(domain: number, type: number, protocol: number): number;
  /** setsockopt with an `int` option value. */
  setsockoptInt(fd: number, level: number, name: number, value: number): number;
  /** setsockopt with a raw byte option value (e.g. an interface name). */
  setsockoptBytes(fd: number, level: number, name: number, value: Uint8Array): number;
  /** getsockopt of an `int` option into `out[0]`. */
  getsockoptInt(fd: number, level: number, name: number, out: Int32Array): number;
  bind(fd: number, addr: Uint8Array, addrlen: number): number;
  connect(fd: number, addr: Uint8Array, addrlen: number): number;
  /** `addr` null sends on a connected socket. */
  sendto(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array | null, addrlen: number): number;
  /** Linux only (undefined elsewhere). `msgvec` is a packed `struct mmsghdr[]`. */
  readonly sendmmsg: ((fd: number, msgvec: Uint8Array, vlen: number, flags: number) => number) | undefined;
  /** `addrlen[0]` is in/out: capacity of `addr` before, bytes written after. */
  recvfrom(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array, addrlen: Uint32Array): number;
  /**
   * poll() run on one of koffi's worker threads, so waiting never blocks the event loop.
   * `pollfd` is a packed `struct pollfd` that must stay untouched until the promise settles.
   */
  pollAsync(pollfd: Uint8Array, nfds: number, timeoutMs: number): Promise<number>;
  close(fd: number): number;
  /** fcntl(fd, F_SETFD, FD_CLOEXEC), for systems without SOCK_CLOEXEC. */
  setCloexec(fd: number): number;
  /** 0 when there is no such interface (the C function does not use -errno). */
  ifNameToIndex(name: string): number;
  strerror(errno: number): string;
  /** `EPERM`, `EACCES`... from koffi's table for this OS; `E<number>` when unknown. */
  errnoName(errno: number): string;
  /**
   * Address of a byte array's data, for building C structs that point at JS memory
   * (sendmmsg). Valid while the array is alive; V8 never moves an array once it has
   * been handed out this way.
   */
  addressOf(bytes: Uint8Array): bigint;
  /** sizeof(void *). */
  readonly pointerSize: number;
}

let cached: Libc | undefined;

/** Load libc on first call; throws a plain Error on an OS without bindings (callers wrap it). */
export function loadLibc(): Libc {
  if (cached) return cached;
  const c = posixConstants();
  if (!c) throw new Error(`raw sockets are not implemented on ${process.platform} (only Linux and macOS)`);
  cached = bind(c);
  return cached;
}

// koffi functions are untyped; this is the shape we call them through, internally only.
type CFunction = ((...args: unknown[]) => unknown) & {
  async: (...args: unknown[]) => void;
};

function bind(c: PosixConstants): Libc {
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(c.libc);
  } catch {
    // e.g. musl (Alpine) has no libc.so.6: the process's own symbols include libc's.
    lib = koffi.load(null);
  }
  const f = (proto: string): CFunction => lib.func(proto) as unknown as CFunction;

  // ssize_t is declared as intptr_t: same size on every LP64 system, and koffi returns a number.
  const socket = f('int socket(int domain, int type, int protocol)');
  const setsockopt = f('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)');
  const getsockopt = f('int getsockopt(int fd, int level, int name, void *value, void *len)');
  const bindFn = f('int bind(int fd, const void *addr, uint32_t addrlen)');
  const connect = f('int connect(int fd, const void *addr, uint32_t addrlen)');
  const sendto = f('intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)');
  const recvfrom = f('intptr_t recvfrom(int fd, void *buf, size_t len, int flags, void *addr, void *addrlen)');
  const poll = f(`int poll(void *fds, ${c.nfdsType} nfds, int timeout)`);
  const close = f('int close(int fd)');
  const fcntl = f('int fcntl(int fd, int cmd, ...)');
  const ifNameToIndex = f('unsigned int if_nametoindex(const char *name)');
  const strerror = f('const char *strerror(int errnum)');
  const sendmmsg = c.os === 'linux' ? f('int sendmmsg(int fd, void *msgvec, unsigned int vlen, int flags)') : undefined;

  // Read errno right after the call: -errno on failure, the result otherwise.
  const check = (r: unknown): number => {
    const n = Number(r);
    return n < 0 ? -koffi.errno() : n;
  };

  const intBuf = new Int32Array(1); // setsockopt copies the value in; reusing one cell is safe
  const lenBuf = new Uint32Array(1);

  const names = new Map<number, string>();
  for (const [name, value] of Object.entries(koffi.os.errno)) {
    // EAGAIN and EWOULDBLOCK (etc.) share a value; keep the first, which is the usual name.
    if (!names.has(value)) names.set(value, name);
  }
  // Sockets document EOPNOTSUPP; Linux shares its value with ENOTSUP, which koffi lists first.
  names.set(c.errno.EOPNOTSUPP, 'EOPNOTSUPP');

  return {
    constants: c,
    socket: (domain, type, protocol) => check(socket(domain, type, protocol)),
    setsockoptInt: (fd, level, name, value) => {
      intBuf[0] = value;
      return check(setsockopt(fd, level, name, intBuf, 4));
    },
    setsockoptBytes: (fd, level, name, value) => check(setsockopt(fd, level, name, value, value.length)),
    getsockoptInt: (fd, level, name, out) => {
      lenBuf[0] = 4;
      return check(getsockopt(fd, level, name, out, lenBuf));
    },
    bind: (fd, addr, addrlen) => check(bindFn(fd, addr, addrlen)),
    connect: (fd, addr, addrlen) => check(connect(fd, addr, addrlen)),
    sendto: (fd, buf, len, flags, addr, addrlen) => check(sendto(fd, buf, len, flags, addr, addrlen)),
    sendmmsg: sendmmsg && ((fd, msgvec, vlen, flags) => check(sendmmsg(fd, msgvec, vlen, flags))),
    recvfrom: (fd, buf, len, flags, addr, addrlen) => check(recvfrom(fd, buf, len, flags, addr, addrlen)),
    pollAsync: (pollfd, nfds, timeoutMs) =>
      new Promise<number>((resolve, reject) => {
        poll.async(pollfd, nfds, timeoutMs, (err: unknown, r: unknown) => {
          // koffi restores the worker thread's errno before calling back, so this is poll's errno.
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          else resolve(check(r));
        });
      }),
    close: (fd) => check(close(fd)),
    setCloexec: (fd) => check(fcntl(fd, c.F_SETFD, 'int', c.FD_CLOEXEC)),
    ifNameToIndex: (name) => Number(ifNameToIndex(name)),
    strerror: (errno) => String(strerror(errno)),
    errnoName: (errno) => names.get(errno) ?? `E${errno}`,
    addressOf: (bytes) => koffi.address(bytes),
    pointerSize: koffi.sizeof('void *'),
  };
}
