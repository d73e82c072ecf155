/**
 * `WindowsRawSocket`: a SOCK_RAW socket through Winsock (ws2_32.dll) and koffi, with the same
 * public shape as the POSIX `RawSocket`.
 *
 * - Pre-flight first: opening runs the socket-level rules (privileges, protocol 0, binding a
 *   TCP socket, IPV6_HDRINCL), each send the packet rules (TCP data on client Windows, UDP
 *   from a foreign source, broadcast without SO_BROADCAST, 65,467-byte limit...). Error-level
 *   findings throw a PreflightError carrying all findings, before any Winsock call, unless
 *   `force` is set.
 * - The socket is non-blocking (FIONBIO): a full send buffer surfaces as WSAEWOULDBLOCK
 *   (backpressure) instead of blocking the event loop.
 * - Receiving never blocks the event loop: WSAPoll runs on koffi's worker thread in short
 *   slices, then recvfrom drains what is there. Every raw socket of a protocol gets every
 *   matching datagram (the document's "Send and Receive Operations"), so receive() takes a filter.
 * - IPv4 datagrams arrive with their header, IPv6 ones without (`includesIpHeader`).
 */
import { impliesHdrincl } from '../ip-hdrincl.js';
import { TransportArgumentError } from '../../errors.js';
import { plainIntOptions, validateCommonOptions, type CommonSocketOptions } from '../socket-options.js';
import { raceWake, receiveLoop, RECEIVE_BUFFER_SIZE, wakeAll, wallClockNs } from '../receive-loop.js';
import { decodeSockaddr, encodeSockaddr, parseIp, SOCKADDR_STORAGE_SIZE, type SockaddrLayout } from '../sockaddr.js';
import { PreflightGuard } from '../../preflight/preflight.js';
import { ipFacts } from '../../ip-header.js';
import type { Finding, PreflightContextInput } from '../../preflight/types.js';
import { detectWine } from '../../preflight/context.js';
import { WIN } from './constants.js';
import { WinsockError } from './winsock-error.js';
import type { WinsockCall, WinsockContext } from './wsa-errors.js';
import { loadWs2, WsaStartupFailure, type Ws2 } from './ws2_32.js';

/** How a Windows raw socket is opened: the options shared with POSIX, and the Windows ones. */
export interface WindowsRawSocketOptions extends CommonSocketOptions {
  /** SIO_RCVALL: receive every packet through the interface of the bound address (needs `bind` and Administrator). */
  receiveAll?: boolean;
  /** Make the calls even when pre-flight finds errors (the findings are still in `findings`). */
  force?: boolean;
  /** Pre-flight context overrides (platform, privileges, interfaces); detected when left out. */
  context?: PreflightContextInput;
}

/** One datagram for `WindowsRawSocket.sendMany`: its bytes and destination. */
export interface WindowsDatagram {
  readonly bytes: Uint8Array;
  /** Omit on a socket opened with `connect`. */
  readonly destination?: string;
}

/** A datagram a `WindowsRawSocket` received: its bytes, sender, and whether the IP header is included. */
export interface WindowsReceivedDatagram {
  /** A copy of the datagram (IPv4: from the IPv4 header on; IPv6: what follows the IPv6 headers). */
  readonly bytes: Buffer;
  readonly from: string;
  readonly family: 4 | 6;
  readonly includesIpHeader: boolean;
  /** Wall-clock time it was read, nanoseconds since the Unix epoch (microsecond precision). */
  readonly receivedAt: bigint;
}

/** How `WindowsRawSocket.receive()` waits: timeout, abort signal, filter. */
export interface WindowsReceiveOptions {
  /** End the iteration (normally) this many milliseconds after receive() was called. */
  timeoutMs?: number;
  /** Abort the iteration; it then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Keep only datagrams for which this returns true (other programs' traffic arrives too). */
  filter?: (datagram: WindowsReceivedDatagram) => boolean;
}

export interface SendOptions {
  /** Send even when pre-flight finds errors. */
  force?: boolean;
}

/** Winsock sockaddrs: Linux-like layout (u16 family, no length byte), AF_INET6 = 23. */
export const WINSOCK_SOCKADDR: SockaddrLayout = { AF_INET: WIN.AF_INET, AF_INET6: WIN.AF_INET6, sockaddrHasLen: false };

const POLL_SLICE_MS = 50;
const WSAEWOULDBLOCK = 10035;
const WSAEINTR = 10004;
/** Errors recvfrom reports for earlier sends (ICMP errors); not about receiving. */
const SOFT_RECEIVE_ERRORS = new Set([10054, 10052, 10051, 10065, 10061, 10040]);
/** WSAPOLLFD: SOCKET fd (8 bytes on 64-bit), SHORT events, SHORT revents, padded to 16. */
const POLLFD_SIZE = 16;

const leaked = new FinalizationRegistry<{ ws2: Ws2; handle: number }>((h) => {
  h.ws2.closesocket(h.handle);
});

function loadOrThrow(ctx: WinsockContext): Ws2 {
  try {
    return loadWs2();
  } catch (err) {
    if (err instanceof WsaStartupFailure) throw new WinsockError({ ...ctx, call: 'WSAStartup', wsaCode: err.wsaCode });
    throw new WinsockError({ ...ctx, call: 'LoadLibrary', wsaCode: 0, detail: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * A raw IP socket on Windows (Winsock through koffi), checked by pre-flight before each call.
 * @throws {@link PreflightError} at `open` or a send: error-level findings, unless `force`.
 * @throws {@link WinsockError} a Winsock call failed (WSA code, name and a remedy).
 * @throws {@link TransportArgumentError} a bad option or address.
 * @example
 * {@includeCode ../../../../examples/api-preflight.ts#winsock}
 */
export class WindowsRawSocket implements Disposable, AsyncDisposable {
  readonly family: 4 | 6;
  readonly protocol: number;
  readonly hdrincl: boolean;
  /** Socket-level pre-flight findings from open() (warnings and infos; errors too when forced). */
  readonly findings: readonly Finding[];
  readonly #ws2: Ws2;
  readonly #guard: PreflightGuard;
  readonly #force: boolean;
  readonly #wine: string | undefined;
  #handle: number;
  #closed = false;
  #poll: Promise<number> | undefined;
  readonly #pollfd = Buffer.alloc(POLLFD_SIZE);
  readonly #wakers = new Set<() => void>();
  readonly #sockaddrs = new Map<string, Buffer>();
  #receiveBuffer: Buffer | undefined;
  readonly #from = Buffer.alloc(SOCKADDR_STORAGE_SIZE);
  readonly #fromLen = new Int32Array(1);
  #hopLimit: number | undefined;
  #trafficClass: number | undefined;

  private constructor(ws2: Ws2, handle: number, opts: WindowsRawSocketOptions, hdrincl: boolean, guard: PreflightGuard, findings: readonly Finding[], wine: string | undefined) {
    this.#ws2 = ws2;
    this.#handle = handle;
    this.family = opts.family;
    this.protocol = opts.protocol;
    this.hdrincl = hdrincl;
    this.#guard = guard;
    this.findings = findings;
    this.#force = !!opts.force;
    this.#wine = wine;
    this.#hopLimit = opts.hopLimit;
    this.#trafficClass = opts.trafficClass ?? 0; // the default traffic class is 0: no setsockopt until a packet asks for another
    leaked.register(this, { ws2, handle }, this);
  }

  /**
   * Open a raw socket. Throws TransportArgumentError for bad options, PreflightError when
   * pre-flight finds errors (before any Winsock call), WinsockError when Windows refuses.
   */
  static open(opts: WindowsRawSocketOptions): WindowsRawSocket {
    validateOptions(opts);
    const family = opts.family;
    const hdrincl = opts.hdrincl ?? impliesHdrincl(opts.protocol, family, 'win32');
    const guard = new PreflightGuard(
      {
        family,
        protocol: opts.protocol,
        hdrincl,
        broadcast: !!opts.broadcast,
        ...(opts.bind !== undefined ? { bind: opts.bind } : {}),
        ...(opts.connect !== undefined ? { connect: opts.connect } : {}),
      },
      opts.context,
    );
    const findings = guard.checkOpen(!!opts.force);
    const wine = detectWine();
    const ctx: WinsockContext = { family, protocol: opts.protocol, ...(wine ? { wine } : {}) };
    const ws2 = loadOrThrow(ctx);

    const s = ws2.socket(family === 4 ? WIN.AF_INET : WIN.AF_INET6, WIN.SOCK_RAW, opts.protocol);
    if (s < 0) throw new WinsockError({ ...ctx, call: 'WSASocketW', wsaCode: -s });
    try {
      const fail = (call: WinsockCall, r: number, extra: WinsockContext = {}): void => {
        if (r < 0) throw new WinsockError({ ...ctx, ...extra, call, wsaCode: -r });
      };
      const setInt = (level: number, name: number, option: string, value: number) =>
        fail('setsockopt', ws2.setsockoptInt(s, level, name, value), { option });
      fail('ioctlsocket', ws2.setNonBlocking(s, true), { option: 'FIONBIO' });
      if (hdrincl || opts.hdrincl !== undefined) {
        if (family === 4) setInt(WIN.IPPROTO_IP, WIN.IP_HDRINCL, 'IP_HDRINCL', hdrincl ? 1 : 0);
        else setInt(WIN.IPPROTO_IPV6, WIN.IPV6_HDRINCL, 'IPV6_HDRINCL', hdrincl ? 1 : 0);
      }
      for (const o of plainIntOptions(opts, WIN)) setInt(o.level, o.name, o.option, o.value);
      if (opts.dontFragment !== undefined) {
        if (family === 4) setInt(WIN.IPPROTO_IP, WIN.IP_DONTFRAGMENT, 'IP_DONTFRAGMENT', opts.dontFragment ? 1 : 0);
        else setInt(WIN.IPPROTO_IPV6, WIN.IPV6_DONTFRAG, 'IPV6_DONTFRAG', opts.dontFragment ? 1 : 0);
      }
      if (opts.bind !== undefined) {
        const sa = sockaddrFor(family, opts.bind, 'bind');
        fail('bind', ws2.bind(s, sa, sa.length), { address: opts.bind });
      }
      if (opts.receiveAll) fail('WSAIoctl', ws2.ioctlInt(s, WIN.SIO_RCVALL, WIN.RCVALL_ON), { option: 'SIO_RCVALL' });
      if (opts.connect !== undefined) {
        const sa = sockaddrFor(family, opts.connect, 'connect');
        fail('connect', ws2.connect(s, sa, sa.length), { address: opts.connect });
      }
    } catch (err) {
      ws2.closesocket(s);
      throw err;
    }
    return new WindowsRawSocket(ws2, s, opts, hdrincl, guard, findings, wine);
  }

  /** The SOCKET handle, or -1 once closed. */
  get fd(): number {
    return this.#closed ? -1 : this.#handle;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Pre-flight findings for a datagram on this socket, without sending it. */
  check(bytes: Uint8Array, destination?: string): Finding[] {
    return this.#guard.checkSend(bytes, destination, true);
  }

  /**
   * Send one datagram; returns the bytes Windows accepted. Pre-flight runs first and throws a
   * PreflightError (no Winsock call made) on error-level findings unless forced.
   */
  send(bytes: Uint8Array, destination?: string, options: SendOptions = {}): number {
    this.#guard.checkSend(bytes, destination, this.#force || !!options.force);
    return this.#sendto(bytes, destination);
  }

  /** Send a batch with send(); returns how many were sent. A failure throws for that datagram (the ones before it were sent). */
  sendMany(packets: readonly WindowsDatagram[], options: SendOptions = {}): number {
    for (const p of packets) this.send(p.bytes, p.destination, options);
    return packets.length;
  }

  /**
   * Send a whole IPv6 datagram without IPV6_HDRINCL, the way the document recommends: the
   * header is stripped, its hop limit and traffic class become IPV6_UNICAST_HOPS and
   * IPV6_TCLASS, and the rest goes to its destination. The socket must be IPv6, without
   * hdrincl, open for the header's next header; the source address is the bound one (or the
   * route's), and the flow label is not kept.
   */
  sendIpv6(packet: Uint8Array, options: SendOptions = {}): number {
    if (this.family !== 6 || this.hdrincl) {
      throw new TransportArgumentError('socket', `family ${this.family}${this.hdrincl ? ' with hdrincl' : ''}`, 'an IPv6 socket opened without hdrincl');
    }
    const h = ipFacts(packet);
    if (!h || h.family !== 6) throw new TransportArgumentError('packet', packet, 'an IPv6 datagram (40-byte header, version 6)');
    if (h.protocol !== this.protocol) {
      throw new TransportArgumentError(
        'packet',
        `next header ${h.protocol}`,
        `next header ${this.protocol}, the socket's protocol (extension headers cannot be sent this way)`,
      );
    }
    const payload = packet.subarray(40);
    this.#guard.checkSend(payload, h.dst, this.#force || !!options.force);
    const s = this.#open('setsockopt');
    if (this.#hopLimit !== h.ttl) {
      this.#set(s, WIN.IPPROTO_IPV6, WIN.IPV6_UNICAST_HOPS, 'IPV6_UNICAST_HOPS', h.ttl);
      this.#hopLimit = h.ttl;
    }
    if (this.#trafficClass !== h.tos) {
      this.#set(s, WIN.IPPROTO_IPV6, WIN.IPV6_TCLASS, 'IPV6_TCLASS', h.tos);
      this.#trafficClass = h.tos;
    }
    return this.#sendto(payload, h.dst);
  }

  /** Datagrams as they arrive. Ends on timeout or close(); rejects with `signal.reason` on abort. */
  receive(opts: WindowsReceiveOptions = {}): AsyncGenerator<WindowsReceivedDatagram, void, undefined> {
    return receiveLoop({ closed: () => this.#closed, tryReceive: () => this.#tryReceive(), waitReadable: (ms, signal) => this.#waitReadable(ms, signal) }, opts);
  }

  /** Close the socket. Idempotent; receive loops end at once, the handle is released when no WSAPoll uses it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    leaked.unregister(this);
    if (!this.#poll) this.#release();
    wakeAll(this.#wakers);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    if (this.#poll) await this.#poll.catch(() => 0);
  }

  #release(): void {
    if (this.#handle < 0) return;
    this.#ws2.closesocket(this.#handle);
    this.#handle = -1;
  }

  #open(call: WinsockCall): number {
    // WSAENOTSOCK: what Windows says for a closed handle.
    if (this.#closed) throw new WinsockError({ call, wsaCode: 10038, family: this.family, protocol: this.protocol });
    return this.#handle;
  }

  #set(s: number, level: number, name: number, option: string, value: number): void {
    const r = this.#ws2.setsockoptInt(s, level, name, value);
    if (r < 0) throw this.#error('setsockopt', -r, { option });
  }

  #sendto(bytes: Uint8Array, destination: string | undefined): number {
    const s = this.#open('sendto');
    const sa = destination === undefined ? null : this.#sockaddr(destination);
    const n = this.#ws2.sendto(s, bytes, bytes.length, sa, sa ? sa.length : 0);
    if (n < 0) throw this.#error('sendto', -n, { size: bytes.length, ...(destination !== undefined ? { address: destination } : {}) });
    return n;
  }

  #error(call: WinsockCall, code: number, extra: WinsockContext = {}): WinsockError {
    return new WinsockError({ family: this.family, protocol: this.protocol, ...(this.#wine ? { wine: this.#wine } : {}), ...extra, call, wsaCode: code });
  }

  #sockaddr(destination: string): Buffer {
    let sa = this.#sockaddrs.get(destination);
    if (!sa) {
      if (this.#sockaddrs.size >= 1024) this.#sockaddrs.clear();
      sa = sockaddrFor(this.family, destination, 'destination');
      this.#sockaddrs.set(destination, sa);
    }
    return sa;
  }

  #tryReceive(): WindowsReceivedDatagram | undefined {
    const buf = (this.#receiveBuffer ??= Buffer.alloc(RECEIVE_BUFFER_SIZE));
    for (;;) {
      if (this.#closed) return undefined;
      this.#fromLen[0] = this.#from.length;
      const n = this.#ws2.recvfrom(this.#handle, buf, buf.length, this.#from, this.#fromLen);
      if (n >= 0) {
        const bytes = Buffer.allocUnsafe(n);
        buf.copy(bytes, 0, 0, n);
        const from = decodeSockaddr(WINSOCK_SOCKADDR, this.#from, this.#fromLen[0]);
        return { bytes, from: from?.address ?? '', family: this.family, includesIpHeader: this.family === 4, receivedAt: wallClockNs() };
      }
      const code = -n;
      if (code === WSAEWOULDBLOCK || code === WSAEINTR) return undefined;
      if (SOFT_RECEIVE_ERRORS.has(code)) continue;
      throw this.#error('recvfrom', code);
    }
  }

  /** One WSAPoll slice on the worker thread (shared by this socket's loops), or until close/abort/deadline. */
  async #waitReadable(remainingMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (!this.#poll) {
      this.#pollfd.writeBigInt64LE(BigInt(this.#handle), 0);
      this.#pollfd.writeInt16LE(WIN.POLLIN, 8);
      this.#pollfd.writeInt16LE(0, 10);
      const poll = this.#ws2.pollAsync(this.#pollfd, 1, POLL_SLICE_MS);
      this.#poll = poll;
      const done = () => {
        this.#poll = undefined;
        if (this.#closed) this.#release();
      };
      poll.then(done, done);
    }
    const r = await raceWake(this.#poll, this.#wakers, remainingMs, POLL_SLICE_MS, signal);
    if (typeof r === 'number' && r < 0 && !this.#closed) throw this.#error('WSAPoll', -r);
  }
}

function sockaddrFor(family: 4 | 6, text: string, argument: string): Buffer {
  const parsed = typeof text === 'string' ? parseIp(text) : undefined;
  if (!parsed) throw new TransportArgumentError(argument, text, `an IPv${family} address`);
  if (parsed.family !== family) throw new TransportArgumentError(argument, text, `an IPv${family} address (the socket is IPv${family})`);
  let scope = 0;
  if (parsed.zone !== undefined) {
    if (!/^[0-9]+$/.test(parsed.zone)) throw new TransportArgumentError(argument, text, 'a numeric zone on Windows (fe80::1%12: the interface index from `netsh interface ipv6 show interfaces`)');
    scope = Number(parsed.zone);
  }
  return encodeSockaddr(WINSOCK_SOCKADDR, family, parsed.bytes, scope);
}

function validateOptions(opts: WindowsRawSocketOptions): void {
  validateCommonOptions(opts);
  if ('interface' in opts) {
    throw new TransportArgumentError('interface', (opts as { interface?: unknown }).interface, 'nothing on Windows: bind to the interface\'s address instead ({ bind })');
  }
  if (opts.receiveAll && opts.bind === undefined) {
    throw new TransportArgumentError('receiveAll', true, 'a socket with { bind: <a local interface address> } (SIO_RCVALL captures on the bound interface)');
  }
}
