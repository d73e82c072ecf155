/**
 * `RawSocket`: a SOCK_RAW socket driven through koffi, without native compilation.
 *
 * - Sending is a synchronous sendto(2) with MSG_DONTWAIT: a full send queue surfaces as a
 *   backpressure error instead of blocking the event loop. The sockaddr for a destination is
 *   encoded once and cached, so a send allocates nothing beyond the caller's packet. On Linux
 *   a datagram dropped by a full queue discipline only fails (ENOBUFS) with `reportDrops`.
 * - Receiving never blocks the event loop: poll(2) runs on koffi's worker thread in short
 *   slices, then non-blocking reads drain what is there: recvmmsg(2) batches on Linux, each
 *   datagram with the kernel's arrival stamp (receivedAt), recvfrom(2) elsewhere. dropped()
 *   reads the kernel's count of datagrams a full receive queue refused.
 * - Sending many: sendmmsg(2) on Linux, 1024 per call (send-many.ts).
 * - What the kernel delivers: IPv4 raw sockets include the IPv4 header, IPv6 raw sockets
 *   deliver only what follows the IPv6 header(s) (`includesIpHeader` says which).
 * - Pre-flight only when asked (`preflight` option): this is the byte-level layer, and the raw
 *   transport, which always runs pre-flight, does it itself before any system call (including
 *   its route lookups). Asked, open() checks the socket-level rules before socket() and each
 *   send the datagram before sendto, throwing a PreflightError on errors unless forced (the
 *   same behaviour as WindowsRawSocket, which always runs it).
 */
import { impliesHdrincl } from './ip-hdrincl.js';
import { readFileSync, readlinkSync } from 'node:fs';
import { loadLibc, type Libc } from './ffi/libc.js';
import { TransportArgumentError, TransportError, type TransportErrorContext, type TransportSyscall } from '../errors.js';
import { decodeSockaddr, encodeSockaddr, parseIp, SOCKADDR_STORAGE_SIZE, type IpFamily } from './sockaddr.js';
import { SocketFd } from './socket-fd.js';
import { POLL_SLICE_MS } from './poller.js';
import { plainIntOptions, validateCommonOptions, type CommonSocketOptions } from './socket-options.js';
import { raceWake, receiveLoop, RECEIVE_BUFFER_SIZE, wakeAll, wallClockNs } from './receive-loop.js';
import { canUseSendmmsg, MmsgBatch, SENDMMSG_MAX } from './send-many.js';
import { ArrivalClock } from './ffi/arrival-time.js';
import { MmsgReceiver } from './recv-many.js';
import { routeMtu } from './path-mtu.js';
import { toDarwinHdrincl } from './darwin-hdrincl.js';
import { PreflightGuard } from '../preflight/preflight.js';
import type { Finding, PreflightContextInput } from '../preflight/types.js';

/** How a POSIX raw socket is opened: the options shared with Windows, and the POSIX ones. */
export interface RawSocketOptions extends CommonSocketOptions {
  /** Send and receive only through this interface (SO_BINDTODEVICE on Linux, IP_BOUND_IF on macOS). */
  interface?: string;
  /**
   * Linux: make drops visible (IP_RECVERR / IPV6_RECVERR). Without it the kernel reports a
   * datagram that a full queue discipline dropped after sendto accepted it as sent (raw(7):
   * ENOBUFS is only returned with IP_RECVERR); with it, the send fails with ENOBUFS. Meant for
   * sockets that only send: the error queue it fills is never read, and a socket that polls
   * would see POLLERR for it. The raw transport sets it on its sending sockets. Other systems
   * report ENOBUFS anyway: ignored there.
   */
  reportDrops?: boolean;
  /**
   * Run pre-flight (default: not): `true` against this machine, or with a context (e.g.
   * `{ context: { platform: 'windows-11' } }`) and `force` (make the calls despite errors).
   * Errors throw a PreflightError before socket() / sendto.
   */
  preflight?: boolean | { readonly context?: PreflightContextInput; readonly force?: boolean };
}

/** Per-send options of a socket opened with `preflight`. */
export interface RawSendOptions {
  /** Send even when pre-flight finds errors. */
  readonly force?: boolean;
}

/** One datagram handed to `sendMany`. */
export interface OutgoingDatagram {
  readonly bytes: Uint8Array;
  /** Omit on a socket opened with `connect`. */
  readonly destination?: string;
}

/** One datagram the kernel delivered. */
export interface ReceivedDatagram {
  /** A copy of the datagram (IPv4: from the IPv4 header on; IPv6: the payload after the IPv6 headers). */
  readonly bytes: Buffer;
  /** Source address from recvfrom. */
  readonly from: string;
  readonly family: 4 | 6;
  /** True for IPv4 raw sockets (header included), false for IPv6 ones (kernel strips it). */
  readonly includesIpHeader: boolean;
  /**
   * When the datagram arrived, in nanoseconds since the Unix epoch: on Linux from the kernel's
   * receive timestamp (so a round trip leaves out the time JavaScript took to wake up), elsewhere
   * the time it was read (microsecond precision). On the clock sends are stamped with.
   */
  readonly receivedAt: bigint;
}

/** How `RawSocket.receive()` waits: timeout, abort signal, filter. */
export interface ReceiveOptions {
  /** End the iteration (normally, no error) this many milliseconds after receive() was called. */
  timeoutMs?: number;
  /** Abort the iteration; it then rejects with `signal.reason` at once. */
  signal?: AbortSignal;
  /** Skip datagrams for which this returns false (e.g. other processes' ICMP traffic). */
  filter?: (datagram: ReceivedDatagram) => boolean;
}

/** What sendManyUntilError achieved: datagrams sent, and the errno of the one that failed (0: none). */
export interface SendManyOutcome {
  readonly sent: number;
  readonly errno: number;
  /** The errno's name, e.g. ENETUNREACH ('' when none failed). */
  readonly errnoName: string;
  /** System calls made (sendmmsg, or sendto where there is none), the failed one included. */
  readonly calls: number;
}

/** Cached sockaddrs per socket; the cache is cleared when it grows past this. */
const SOCKADDR_CACHE_MAX = 1024;

/** Sockets with a poll in flight: a strong reference so they cannot be collected meanwhile. */
const polling = new Set<RawSocket>();

/** Closes descriptors of sockets that were dropped without close(). */
const leaked = new FinalizationRegistry<SocketFd>((fd) => fd.close());

interface CachedSockaddr {
  readonly sockaddr: Buffer;
  /** Native address of `sockaddr`, computed lazily for sendmmsg. */
  address: bigint | undefined;
}

/**
 * A raw IP socket on Linux or macOS (SOCK_RAW through koffi and libc): send and receive datagrams byte for byte.
 * @throws {@link TransportError} a system call failed: `syscall`, `errnoName` and a remedy (EPERM: the setcap command).
 * @throws {@link TransportArgumentError} a bad option or address.
 * @throws {@link PreflightError} opened with `{ preflight: true }`: error-level findings, unless forced.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#raw-socket}
 */
export class RawSocket implements Disposable, AsyncDisposable {
  readonly family: 4 | 6;
  readonly protocol: number;
  readonly hdrincl: boolean;
  readonly #libc: Libc;
  readonly #fd: SocketFd;
  readonly #sockaddrs = new Map<string, CachedSockaddr>();
  /** Wake-up callbacks of receive loops waiting for a poll; close() calls them. */
  readonly #wakers = new Set<() => void>();
  #closed = false;
  #receiveBuffer: Buffer | undefined;
  readonly #fromBuffer = Buffer.alloc(SOCKADDR_STORAGE_SIZE);
  readonly #fromLength = new Uint32Array(1);
  #batch: MmsgBatch | undefined;
  /** Linux: recvmmsg with arrival stamps, set up by the first receive() (null: not available, recvfrom then). */
  #receiver: MmsgReceiver | null | undefined;
  readonly #arrivals = new ArrivalClock();
  /** Datagrams of the last recvmmsg not handed out yet: slots #next..#queued-1. */
  #queued = 0;
  #next = 0;
  /** Read time of the last recvmmsg, for datagrams without a stamp. */
  #readAt = 0n;
  /** Set when opened with `preflight`. */
  readonly #guard: PreflightGuard | undefined;
  readonly #force: boolean;
  /** Socket-level pre-flight findings from open() (empty without the `preflight` option). */
  readonly findings: readonly Finding[];

  private constructor(libc: Libc, fd: number, opts: RawSocketOptions, hdrincl: boolean, guard: PreflightGuard | undefined, findings: readonly Finding[]) {
    this.#libc = libc;
    this.#guard = guard;
    this.#force = typeof opts.preflight === 'object' && !!opts.preflight.force;
    this.findings = findings;
    this.#fd = new SocketFd(libc, fd);
    this.family = opts.family;
    this.protocol = opts.protocol;
    this.hdrincl = hdrincl;
    leaked.register(this, this.#fd, this);
  }

  /** Open a raw socket. Throws TransportArgumentError for bad options, TransportError when the OS refuses. */
  static open(opts: RawSocketOptions): RawSocket {
    validateOptions(opts);
    let guard: PreflightGuard | undefined;
    let findings: readonly Finding[] = [];
    if (opts.preflight) {
      const p = opts.preflight === true ? {} : opts.preflight;
      guard = new PreflightGuard(
        {
          family: opts.family,
          protocol: opts.protocol,
          hdrincl: opts.hdrincl ?? impliesHdrincl(opts.protocol, opts.family, process.platform),
          broadcast: !!opts.broadcast,
          ...(opts.bind !== undefined && { bind: opts.bind }),
          ...(opts.connect !== undefined && { connect: opts.connect }),
        },
        p.context,
      );
      findings = guard.checkOpen(!!p.force);
    }
    let libc: Libc;
    try {
      libc = loadLibc();
    } catch (err) {
      throw new TransportError({
        syscall: 'dlopen',
        errno: 0,
        errnoName: 'ENOTSUP',
        description: err instanceof Error ? err.message : String(err),
        platform: process.platform,
        family: opts.family,
        protocol: opts.protocol,
      });
    }
    const c = libc.constants;
    const family = opts.family;
    const hdrincl = opts.hdrincl ?? impliesHdrincl(opts.protocol, family, c.os);
    const ctx: TransportErrorContext = { family, protocol: opts.protocol };

    const fd = libc.socket(family === 4 ? c.AF_INET : c.AF_INET6, c.SOCK_RAW | c.SOCK_CLOEXEC, opts.protocol);
    if (fd < 0) throw makeError(libc, 'socket', -fd, ctx);

    // From here on, any failure must close the fd before throwing.
    try {
      if (c.SOCK_CLOEXEC === 0) check(libc, 'fcntl', libc.setCloexec(fd), ctx);
      const setInt = (level: number, name: number, optName: string, value: number, shown: number | boolean = value) =>
        check(libc, 'setsockopt', libc.setsockoptInt(fd, level, name, value), { ...ctx, option: optName, optionValue: shown });
      const unsupported = (optName: string): never => {
        throw makeError(libc, 'setsockopt', c.errno.ENOPROTOOPT, { ...ctx, option: optName });
      };

      if (opts.hdrincl !== undefined) {
        if (family === 4) setInt(c.IPPROTO_IP, c.IP_HDRINCL, 'IP_HDRINCL', hdrincl ? 1 : 0, hdrincl);
        else if (c.IPV6_HDRINCL !== undefined) setInt(c.IPPROTO_IPV6, c.IPV6_HDRINCL, 'IPV6_HDRINCL', hdrincl ? 1 : 0, hdrincl);
        else if (hdrincl) unsupported('IPV6_HDRINCL');
      }
      for (const o of plainIntOptions(opts, c)) setInt(o.level, o.name, o.option, o.value, o.shown);
      if (opts.dontFragment !== undefined) {
        const on = opts.dontFragment;
        if (family === 6) setInt(c.IPPROTO_IPV6, c.IPV6_DONTFRAG, 'IPV6_DONTFRAG', on ? 1 : 0, on);
        else if (c.IP_MTU_DISCOVER !== undefined && c.IP_PMTUDISC_DO !== undefined && c.IP_PMTUDISC_DONT !== undefined)
          setInt(c.IPPROTO_IP, c.IP_MTU_DISCOVER, 'IP_MTU_DISCOVER', on ? c.IP_PMTUDISC_DO : c.IP_PMTUDISC_DONT, on);
        else if (c.IP_DONTFRAG !== undefined) setInt(c.IPPROTO_IP, c.IP_DONTFRAG, 'IP_DONTFRAG', on ? 1 : 0, on);
        else unsupported('IP_DONTFRAG');
      }
      if (opts.reportDrops) {
        if (family === 4 && c.IP_RECVERR !== undefined) setInt(c.IPPROTO_IP, c.IP_RECVERR, 'IP_RECVERR', 1, true);
        if (family === 6 && c.IPV6_RECVERR !== undefined) setInt(c.IPPROTO_IPV6, c.IPV6_RECVERR, 'IPV6_RECVERR', 1, true);
      }
      if (opts.interface !== undefined) bindToInterface(libc, fd, family, opts.interface, ctx);
      if (opts.bind !== undefined) {
        const sa = sockaddrFor(libc, family, opts.bind, 'bind');
        check(libc, 'bind', libc.bind(fd, sa, sa.length), { ...ctx, address: opts.bind });
      }
      if (opts.connect !== undefined) {
        const sa = sockaddrFor(libc, family, opts.connect, 'connect');
        check(libc, 'connect', libc.connect(fd, sa, sa.length), { ...ctx, address: opts.connect });
      }
    } catch (err) {
      libc.close(fd);
      throw err;
    }
    return new RawSocket(libc, fd, opts, hdrincl, guard, findings);
  }

  /** The descriptor, or -1 once closed. */
  get fd(): number {
    return this.#fd.fd;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Send one datagram; returns the bytes the kernel accepted. `destination` is an IP address
   * of the socket's family (`fe80::1%eth0` zones allowed); omit it on a connected socket.
   * Never blocks: a full send queue throws a TransportError (ENOBUFS/EAGAIN, backpressure).
   */
  send(bytes: Uint8Array, destination?: string, options: RawSendOptions = {}): number {
    this.#guard?.checkSend(bytes, destination, this.#force || !!options.force);
    return this.#sendOne(this.#openFd('sendto'), bytes, destination);
  }

  /** Pre-flight findings for a datagram on this socket, without sending it (empty without the `preflight` option). */
  check(bytes: Uint8Array, destination?: string): Finding[] {
    return this.#guard ? this.#guard.checkSend(bytes, destination, true) : [];
  }

  /**
   * Send a batch; returns how many were sent (all of them, unless it throws). Uses one
   * sendmmsg(2) per 1024 datagrams on Linux, a sendto loop elsewhere. A failure throws a
   * TransportError whose `index` is the failing datagram; the ones before it were sent.
   * `start` and `end` send only `packets[start..end)` (indexes in errors still count from 0).
   * Nothing is allocated and nothing called in C per datagram (send-many.ts: slots hold a copy, or point at a datagram sent again).
   */
  sendMany(packets: readonly OutgoingDatagram[], options: RawSendOptions = {}, start = 0, end = packets.length): number {
    const r = this.sendManyUntilError(packets, options, start, end);
    if (r.errno !== 0) throw this.sendError(r.errno, packets, start + r.sent);
    return r.sent;
  }

  /**
   * Make the sendmmsg structures now (1024 slots, a few milliseconds the first time) rather
   * than in the first sendMany: for a caller that times its sends (RawTransport.prepare).
   */
  prepareSendMany(): void {
    if (canUseSendmmsg(this.#libc)) this.#batch ??= new MmsgBatch(this.#libc, SENDMMSG_MAX);
  }

  /**
   * sendMany without the throw: sends `packets[start..end)` up to the first datagram the OS
   * refuses and returns how many went out before it and its errno (0: all went out). For a
   * caller that counts failures by the thousand: no TransportError is made unless it asks
   * (sendError), since making one costs more than the system call.
   * Pre-flight (the `preflight` option) still throws, before anything is sent.
   */
  sendManyUntilError(packets: readonly OutgoingDatagram[], options: RawSendOptions = {}, start = 0, end = packets.length): SendManyOutcome {
    // With pre-flight, the whole batch is checked before the first datagram is sent.
    if (this.#guard) for (let i = start; i < end; i++) this.#guard.checkSend(packets[i].bytes, packets[i].destination, this.#force || !!options.force);
    const fd = this.#openFd('sendmmsg');
    const libc = this.#libc;
    if (!canUseSendmmsg(libc)) {
      for (let i = start; i < end; i++) {
        const errno = this.#sendOneErrno(fd, packets[i].bytes, packets[i].destination);
        if (errno !== 0) return { sent: i - start, errno, errnoName: libc.errnoName(errno), calls: i - start + 1 };
      }
      return { sent: end - start, errno: 0, errnoName: '', calls: end - start };
    }
    const batch = (this.#batch ??= new MmsgBatch(libc, SENDMMSG_MAX));
    const flags = libc.constants.MSG_DONTWAIT;
    // The C structs hold raw pointers to the sockaddrs; `entry` (and the batch's slots) keep
    // them reachable during the call even if the sockaddr cache is cleared meanwhile.
    let lastDestination: string | undefined;
    let entry: CachedSockaddr | undefined;
    let sent = start;
    let calls = 0;
    while (sent < end) {
      const count = Math.min(SENDMMSG_MAX, end - sent);
      batch.begin();
      for (let i = 0; i < count; i++) {
        const p = packets[sent + i];
        const destination = p.destination;
        if (destination === undefined) {
          batch.set(i, p.bytes, null, 0n);
        } else {
          if (destination !== lastDestination || entry === undefined) {
            entry = this.#sockaddr(destination);
            entry.address ??= libc.addressOf(entry.sockaddr);
            lastDestination = destination;
          }
          batch.set(i, p.bytes, entry.sockaddr, entry.address!);
        }
      }
      // `packets` keeps every packet alive for the duration of this synchronous call.
      const r = libc.sendmmsg!(fd, batch.view(count), count, flags);
      calls++;
      // 0 for a non-empty batch should not happen; report it as backpressure rather than loop.
      if (r <= 0) {
        const errno = r < 0 ? -r : libc.constants.errno.EAGAIN;
        return { sent: sent - start, errno, errnoName: libc.errnoName(errno), calls };
      }
      // A short count means message #r failed; the next round retries it and reports its errno.
      sent += r;
    }
    return { sent: sent - start, errno: 0, errnoName: '', calls };
  }

  /** The TransportError for `packets[index]` failing with `errno` in sendMany (its `index` says which; the ones before it were sent). */
  sendError(errno: number, packets: readonly OutgoingDatagram[], index: number): TransportError {
    const p = packets[index];
    const sa = p.destination === undefined ? null : this.#sockaddr(p.destination).sockaddr;
    return this.#sendError(canUseSendmmsg(this.#libc) ? 'sendmmsg' : 'sendto', errno, p.bytes.length, p.destination, sa, index);
  }

  /**
   * Datagrams as they arrive. Ends on timeout or close(); rejects with `signal.reason` on abort.
   * Several loops on one socket share its datagrams (each is read once).
   */
  receive(opts: ReceiveOptions = {}): AsyncGenerator<ReceivedDatagram, void, undefined> {
    if (this.#receiver === undefined && !this.#closed) this.#receiver = MmsgReceiver.open(this.#libc, this.#fd.fd) ?? null;
    return receiveLoop({ closed: () => this.#closed, tryReceive: () => this.#tryReceive(), waitReadable: (ms, signal) => this.#waitReadable(ms, signal) }, opts);
  }

  /**
   * One non-blocking read for a caller that runs its own loop (the raw transport): the next
   * datagram, or undefined when none is queued (or the socket is closed). Throws on errors.
   */
  tryReceive(): ReceivedDatagram | undefined {
    if (this.#closed) return undefined;
    if (this.#receiver === undefined) this.#receiver = MmsgReceiver.open(this.#libc, this.#fd.fd) ?? null;
    return this.#tryReceive();
  }

  /** Wait (at most one poll slice, or `remainingMs`) until the socket may be readable, is closed, or `signal` aborts. */
  waitReadable(remainingMs: number, signal?: AbortSignal): Promise<void> {
    return this.#waitReadable(remainingMs, signal);
  }

  /**
   * Datagrams the kernel dropped for this socket because its receive queue was full (Linux:
   * the socket's `drops` in /proc/net/raw or raw6); undefined where that cannot be read.
   */
  dropped(): number | undefined {
    if (this.#closed) return undefined;
    return socketDrops(this.#fd.fd, this.family);
  }

  /** Close the socket. Idempotent. Pending receive loops end at once; the fd itself is released as soon as no poll uses it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    leaked.unregister(this);
    this.#fd.close();
    // Reads end with close (every read checks #closed first): the next socket may take the slots.
    this.#receiver?.release();
    this.#receiver = null;
    wakeAll(this.#wakers);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** close(), then wait until the descriptor is really released. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.#fd.closed;
  }

  #sendOne(fd: number, bytes: Uint8Array, destination: string | undefined): number {
    const sa = destination === undefined ? null : this.#sockaddr(destination).sockaddr;
    const packet = this.#outgoing(bytes);
    const n = this.#libc.sendto(fd, packet, packet.length, this.#libc.constants.MSG_DONTWAIT, sa, sa ? sa.length : 0);
    if (n < 0) throw this.#sendError('sendto', -n, bytes.length, destination, sa);
    return n;
  }

  /** One sendto for sendManyUntilError: its errno, 0 when it went out. */
  #sendOneErrno(fd: number, bytes: Uint8Array, destination: string | undefined): number {
    const sa = destination === undefined ? null : this.#sockaddr(destination).sockaddr;
    const packet = this.#outgoing(bytes);
    const n = this.#libc.sendto(fd, packet, packet.length, this.#libc.constants.MSG_DONTWAIT, sa, sa ? sa.length : 0);
    return n < 0 ? -n : 0;
  }

  /** One non-blocking recvfrom; undefined when nothing is queued. */
  #tryReceive(): ReceivedDatagram | undefined {
    if (this.#receiver) return this.#tryReceiveMany(this.#receiver);
    const libc = this.#libc;
    const c = libc.constants;
    const buf = (this.#receiveBuffer ??= Buffer.alloc(RECEIVE_BUFFER_SIZE));
    for (;;) {
      this.#fromLength[0] = SOCKADDR_STORAGE_SIZE;
      const n = libc.recvfrom(this.#fd.fd, buf, buf.length, c.MSG_DONTWAIT, this.#fromBuffer, this.#fromLength);
      if (n >= 0) {
        const bytes = Buffer.allocUnsafe(n);
        buf.copy(bytes, 0, 0, n);
        const from = decodeSockaddr(c, this.#fromBuffer, this.#fromLength[0]);
        return {
          bytes,
          from: from?.address ?? '',
          family: this.family,
          includesIpHeader: this.family === 4,
          receivedAt: wallClockNs(),
        };
      }
      const errno = -n;
      if (errno === c.errno.EAGAIN || errno === c.errno.EINTR) return undefined;
      // Errors reported for earlier sends (ICMP unreachable on a connected socket...) are
      // consumed by this read; they are not about receiving, so keep going.
      if (SOFT_RECEIVE_ERRORS.has(libc.errnoName(errno))) continue;
      throw makeError(libc, 'recvfrom', errno, { family: this.family, protocol: this.protocol });
    }
  }

  /** The next datagram of the last recvmmsg, reading another batch when they are used up; undefined when nothing is queued. */
  #tryReceiveMany(receiver: MmsgReceiver): ReceivedDatagram | undefined {
    const libc = this.#libc;
    const c = libc.constants;
    for (;;) {
      if (this.#next < this.#queued) {
        const slot = receiver.slot(this.#next++);
        const bytes = Buffer.allocUnsafe(slot.data.length);
        slot.data.copy(bytes);
        const from = decodeSockaddr(c, slot.name, slot.nameLength);
        return {
          bytes,
          from: from?.address ?? '',
          family: this.family,
          includesIpHeader: this.family === 4,
          receivedAt: this.#arrivals.local(slot.seconds, slot.nanoseconds) ?? this.#readAt,
        };
      }
      receiver.settle();
      const n = receiver.read(this.#fd.fd);
      if (n > 0) {
        this.#queued = n;
        this.#next = 0;
        this.#arrivals.anchor(wallClockNs);
        this.#readAt = wallClockNs();
        continue;
      }
      if (n === 0 || n === -c.errno.EINTR) return undefined;
      const errno = -n;
      // As with recvfrom: errors reported for earlier sends are consumed by this read; keep going.
      if (SOFT_RECEIVE_ERRORS.has(libc.errnoName(errno))) continue;
      throw makeError(libc, 'recvfrom', errno, { family: this.family, protocol: this.protocol });
    }
  }

  /** Wait for readability (one poll slice, shared by all sockets), close(), abort, or the deadline, whichever comes first. */
  async #waitReadable(remainingMs: number, signal: AbortSignal | undefined): Promise<void> {
    const poll = this.#fd.waitReadable();
    polling.add(this);
    // Released when the poll itself returns, even if this loop stopped waiting earlier.
    poll.then(
      () => this.#pollDone(),
      () => this.#pollDone(),
    );
    const r = await raceWake(poll, this.#wakers, remainingMs, POLL_SLICE_MS, signal);
    if (typeof r === 'number' && r < 0 && r !== -this.#libc.constants.errno.EINTR && !this.#closed) {
      throw makeError(this.#libc, 'poll', -r, { family: this.family, protocol: this.protocol });
    }
  }

  #pollDone(): void {
    if (!this.#fd.polling) polling.delete(this);
  }

  #openFd(syscall: TransportSyscall): number {
    if (this.#closed) throw makeError(this.#libc, syscall, this.#libc.constants.errno.EBADF, { family: this.family });
    return this.#fd.fd;
  }

  #sockaddr(destination: string): CachedSockaddr {
    let entry = this.#sockaddrs.get(destination);
    if (!entry) {
      if (this.#sockaddrs.size >= SOCKADDR_CACHE_MAX) this.#sockaddrs.clear();
      entry = { sockaddr: sockaddrFor(this.#libc, this.family, destination, 'destination'), address: undefined };
      this.#sockaddrs.set(destination, entry);
    }
    return entry;
  }

  #outgoing(bytes: Uint8Array): Uint8Array {
    return this.hdrincl && this.family === 4 && this.#libc.constants.os === 'darwin' ? toDarwinHdrincl(bytes) : bytes;
  }

  #sendError(
    syscall: 'sendto' | 'sendmmsg',
    errno: number,
    size: number,
    destination: string | undefined,
    sockaddr: Uint8Array | null,
    index?: number,
  ): TransportError {
    const libc = this.#libc;
    // Only for EMSGSIZE: look up the route MTU so the message can name it.
    const mtu = errno === libc.constants.errno.EMSGSIZE && sockaddr ? routeMtu(libc, this.family, sockaddr) : undefined;
    return makeError(libc, syscall, errno, {
      family: this.family,
      protocol: this.protocol,
      size,
      ...(destination !== undefined && { address: destination }),
      ...(mtu !== undefined && { mtu }),
      ...(index !== undefined && { index }),
    });
  }
}

/** The `drops` column of this socket's row in /proc/net/raw (raw6), found by the socket's inode. */
function socketDrops(fd: number, family: 4 | 6): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
    if (inode === undefined) return undefined;
    for (const line of readFileSync(family === 4 ? '/proc/net/raw' : '/proc/net/raw6', 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[9] === inode) return Number(fields[12]);
    }
  } catch {
    // /proc not mounted, or the table changed shape: unknown.
  }
  return undefined;
}

const SOFT_RECEIVE_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EMSGSIZE', 'EPROTO']);

function makeError(libc: Libc, syscall: TransportSyscall, errno: number, ctx: TransportErrorContext): TransportError {
  return new TransportError({
    ...ctx,
    syscall,
    errno,
    errnoName: libc.errnoName(errno),
    description: libc.strerror(errno),
    platform: process.platform,
  });
}

/** Throw for a negative (-errno) result. */
function check(libc: Libc, syscall: TransportSyscall, result: number, ctx: TransportErrorContext): void {
  if (result < 0) throw makeError(libc, syscall, -result, ctx);
}

function sockaddrFor(libc: Libc, family: IpFamily, text: string, argument: string): Buffer {
  const parsed = typeof text === 'string' ? parseIp(text) : undefined;
  if (!parsed) throw new TransportArgumentError(argument, text, `an IPv${family} address`);
  if (parsed.family !== family) {
    throw new TransportArgumentError(argument, text, `an IPv${family} address (the socket is IPv${family})`);
  }
  let scopeId = 0;
  if (parsed.zone !== undefined) {
    scopeId = /^[0-9]+$/.test(parsed.zone) ? Number(parsed.zone) : libc.ifNameToIndex(parsed.zone);
    if (scopeId === 0) {
      throw makeError(libc, 'if_nametoindex', libc.constants.errno.ENODEV, { family, interface: parsed.zone, address: text });
    }
  }
  return encodeSockaddr(libc.constants, family, parsed.bytes, scopeId);
}

function bindToInterface(libc: Libc, fd: number, family: IpFamily, name: string, ctx: TransportErrorContext): void {
  const c = libc.constants;
  if (c.SO_BINDTODEVICE !== undefined) {
    // Linux reads at most IFNAMSIZ-1 bytes; the kernel answers ENODEV for unknown names.
    const value = Buffer.from(`${name}\0`, 'utf8');
    check(libc, 'setsockopt', libc.setsockoptBytes(fd, c.SOL_SOCKET, c.SO_BINDTODEVICE, value), {
      ...ctx,
      option: 'SO_BINDTODEVICE',
      optionValue: name,
      interface: name,
    });
    return;
  }
  const option = family === 4 ? c.IP_BOUND_IF : c.IPV6_BOUND_IF;
  const optName = family === 4 ? 'IP_BOUND_IF' : 'IPV6_BOUND_IF';
  if (option === undefined) throw makeError(libc, 'setsockopt', c.errno.ENOPROTOOPT, { ...ctx, option: optName });
  const index = libc.ifNameToIndex(name);
  // if_nametoindex reports failure as 0; name it ENODEV like Linux does.
  if (index === 0) throw makeError(libc, 'if_nametoindex', c.errno.ENODEV, { ...ctx, interface: name });
  check(libc, 'setsockopt', libc.setsockoptInt(fd, family === 4 ? c.IPPROTO_IP : c.IPPROTO_IPV6, option, index), {
    ...ctx,
    option: optName,
    optionValue: name,
    interface: name,
  });
}

function validateOptions(opts: RawSocketOptions): void {
  validateCommonOptions(opts);
  if (opts.checksumOffset !== undefined && opts.checksumOffset % 2 !== 0) {
    throw new TransportArgumentError('checksumOffset', opts.checksumOffset, 'an even byte offset');
  }
  if (opts.preflight !== undefined && typeof opts.preflight !== 'boolean' && (typeof opts.preflight !== 'object' || opts.preflight === null)) {
    throw new TransportArgumentError('preflight', opts.preflight, 'true, false or { context?, force? }');
  }
  if (opts.interface !== undefined && (typeof opts.interface !== 'string' || opts.interface === '' || opts.interface.includes('\0'))) {
    throw new TransportArgumentError('interface', opts.interface, 'an interface name such as "eth0"');
  }
}
