/**
 * The `raw` transport: RawSockets chosen per packet from its first layer.
 *
 * - IPv4, by default through one IPPROTO_RAW socket (IP_HDRINCL): our header goes out as
 *   built, except what the kernel always writes (checksum, total length, a zero id or source;
 *   reported in `notHonoured`). With `hdrincl: false` the kernel writes the header: the packet's
 *   TTL, TOS and DF go through socket options and the rest is reported.
 * - IPv6 through a per-protocol socket (hop limit and traffic class by socket options), or
 *   through IPV6_HDRINCL (Linux >= 4.5), header as built: always with `ipv6Hdrincl: true`, and
 *   by default for what a per-protocol socket cannot send as built (extension headers, a flow
 *   label, a hand-set payload length). The choice is send-socket.ts's, shared with pre-flight.
 * - Receiving opens fresh sockets for each receive() call, so concurrent receives (and
 *   request()s) each see every packet; they are closed when the iteration ends.
 * - Pre-flight first, always: each send checks the datagram against the rules for the context
 *   (this machine, or `context`) before any system call (route lookup, socket(), sendto), and
 *   every socket the transport opens is checked before socket(). Error-level findings throw a
 *   PreflightError carrying all findings, unless `force` is set on the transport or the send.
 *   Warnings never block: they come back in the result's `findings`, except the header fields
 *   Linux rewrites under IP_HDRINCL, which are reported once, per field, in `notHonoured`.
 *   The byte-level sockets leave pre-flight to the transport: RawSocket runs it only when asked
 *   (its `preflight` option), and WindowsRawSocket, which always runs it, is opened forced,
 *   since the transport has decided already.
 * - The sockets are RawSocket (Linux, macOS) or, on Windows, WindowsRawSocket (Winsock), chosen
 *   by `process.platform`.
 */
import { performance } from 'node:perf_hooks';
import { RawSocket, type OutgoingDatagram, type RawSocketOptions, type ReceivedDatagram } from '../socket/raw-socket.js';
import { WindowsRawSocket } from '../socket/windows/windows-raw-socket.js';
import { TransportArgumentError, TransportClosedError, TransportError } from '../errors.js';
import { RawcraftError } from '../../codec/errors.js';
import { hasErrors, preflight, preflightSocket, PreflightError } from '../preflight/preflight.js';
import { platformName, resolveContext } from '../preflight/context.js';
import type { Finding, PreflightContext, PreflightContextInput, SocketSettings } from '../preflight/types.js';
import { backoff, backpressurePolicy, isBackpressureErrno, retryOnBackpressure, type BackpressurePolicy } from './backpressure.js';
import { nowNs, outgoing, type Outgoing } from './outgoing.js';
import type { IpFacts } from '../ip-header.js';
import { compileFilter, decodeReceived, releasing } from '../request/received.js';
import { RECEIVE_BURST } from '../socket/receive-loop.js';
import { SourceCache } from './route.js';
import { leavesSourceOutOf, withSourceFilled } from './source.js';
import { includesHeader, IPV6_EXTENSION_HEADERS, sendSocket } from './send-socket.js';
import { impliesHdrincl, IPPROTO_RAW } from '../socket/ip-hdrincl.js';
import { isBuilderStep, type StepBase } from '../../builders/packet.js';
import { ipv4HdrinclChanges, ipv4KernelChanges, ipv6ChecksumOffset, ipv6KernelChanges, sourceChange } from './fidelity.js';
import type {
  ListenSpec,
  NotHonoured,
  ReceivedPacket,
  Sendable,
  SendManyOptions,
  SendManyResult,
  SendOptions,
  SendResult,
  Transport,
  TransportReceiveOptions,
} from '../transport.js';

/** Options of the raw-socket transport: header inclusion, interface, broadcast, buffers, backpressure, pre-flight context and `force`. */
export interface RawTransportOptions {
  readonly kind: 'raw';
  /** IPv4: send the header as built through IP_HDRINCL (default true), or let the kernel write it (false). */
  readonly hdrincl?: boolean;
  /**
   * IPv6: send the header as built through IPV6_HDRINCL (Linux >= 4.5), or (false) through a
   * per-protocol socket where the kernel writes the header. Default: IPV6_HDRINCL on Linux for
   * the datagrams a per-protocol socket cannot send as built (extension headers, a flow label).
   */
  readonly ipv6Hdrincl?: boolean;
  /** Send and receive only through this interface (SO_BINDTODEVICE / IP_BOUND_IF). */
  readonly interface?: string;
  /** Allow broadcast destinations (SO_BROADCAST). */
  readonly broadcast?: boolean;
  /** SO_SNDBUF of the sending sockets. */
  readonly sendBufferSize?: number;
  /** SO_RCVBUF of the receiving sockets. */
  readonly receiveBufferSize?: number;
  /** ENOBUFS/EAGAIN handling (default: 8 retries, waiting 1, 2, 4... up to 64 ms). */
  readonly backpressure?: Partial<BackpressurePolicy>;
  /**
   * Make the system calls even when pre-flight finds errors (default false); the findings are
   * still reported in each result's `findings`. A single send can be forced with `send(p, { force: true })`.
   */
  readonly force?: boolean;
  /**
   * What pre-flight checks against: by default this machine (detected); any part can be given,
   * e.g. `{ platform: 'windows-11' }` to refuse what a Windows 11 client would refuse. Its
   * `socket` part is ignored: the transport fills it in for each socket it uses.
   */
  readonly context?: PreflightContextInput;
}

/** What a raw receive read, and what the kernel dropped before it could. */
export interface RawReceiveStats {
  /** Datagrams read from the sockets (before the filter). */
  readonly received: number;
  /**
   * Datagrams the kernel dropped on these sockets because their receive queue was full (Linux,
   * from /proc/net/raw and raw6); undefined where the OS does not say. Raise the transport's
   * `receiveBufferSize` when it is not 0.
   */
  readonly dropped: number | undefined;
}

/** What the raw transport's `receive()` adds to a transport's: a callback with the receive statistics. */
export interface RawReceiveOptions extends TransportReceiveOptions {
  /** Called once when the iteration ends (normally, by break, or by an error), before the sockets close. */
  readonly onStats?: (stats: RawReceiveStats) => void;
}

/** Sum of the sockets' drop counters; undefined if any cannot be read. */
function droppedOn(sockets: readonly { socket: TransportSocket }[]): number | undefined {
  let sum = 0;
  for (const { socket } of sockets) {
    const d = socket instanceof RawSocket ? socket.dropped() : undefined;
    if (d === undefined) return undefined;
    sum += d;
  }
  return sum;
}

/** Which raw sockets a RawTransport uses: POSIX ones (RawSocket) or Winsock ones (WindowsRawSocket). */
export type RawSocketBackend = 'posix' | 'winsock';

/**
 * The backend for a `process.platform` value: Winsock on win32, POSIX everywhere else.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#raw-transport}
 */
export function rawSocketBackend(platform: string = process.platform): RawSocketBackend {
  return platform === 'win32' ? 'winsock' : 'posix';
}

/** What the transport needs of a raw socket; RawSocket and WindowsRawSocket both have it. */
interface TransportSocket extends AsyncDisposable {
  send(bytes: Uint8Array, destination?: string): number;
  sendMany(packets: readonly OutgoingDatagram[]): number;
  receive(opts?: { timeoutMs?: number; signal?: AbortSignal }): AsyncIterator<ReceivedDatagram>;
  close(): void;
}

const OPENERS: Record<RawSocketBackend, (options: RawSocketOptions, context: PreflightContext) => TransportSocket> = {
  posix: (options) => RawSocket.open(options),
  // Forced: the transport has run pre-flight (or been told to skip its verdict) already.
  winsock: (options, context) => WindowsRawSocket.open({ ...options, force: true, context }),
};

/**
 * Pre-flight findings the send result carries: warnings, and errors a forced send overrode.
 * Infos are left out (they hold for every send), and so is LINUX_HDRINCL_REWRITES: those
 * fields are in `notHonoured`, computed by the same function (preflight/linux.ts).
 */
function reported(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity !== 'info' && f.code !== 'LINUX_HDRINCL_REWRITES');
}

/** Sending sockets kept open at most (each distinct TTL/hop limit without header inclusion needs one). */
const MAX_SEND_SOCKETS = 64;

/** Datagrams per sendmmsg call (RawSocket splits larger batches). */
const SENDMMSG_BATCH = 1024;
const ICMP = 1;
const ICMPV6 = 58;

interface Plan {
  readonly socket: TransportSocket;
  readonly payload: Uint8Array;
  readonly destination: string;
  readonly family: 4 | 6;
  readonly notHonoured: readonly NotHonoured[];
}

/** What sendMany decided for one packet object: checked, planned, and the datagram handed to the socket. */
/**
 * What sendMany decided for one packet object: checked, planned, and (being an OutgoingDatagram
 * once planned) what the socket is handed, so the batch needs one array, not three.
 */
interface Decision {
  readonly out: Outgoing;
  /** The first index the packet object appeared at. */
  readonly index: number;
  readonly findings: readonly Finding[];
  plan: Plan | undefined;
  /** How many times the call gives this packet. */
  uses: number;
  /** The plan's payload and destination (empty until planned). */
  bytes: Uint8Array;
  destination: string | undefined;
}

const UNPLANNED = new Uint8Array(0);

/**
 * Must this packet be encoded and checked each time it appears? Only an object with an encode()
 * that is not the builder's own: a builder step encodes to the same bytes every time, so a step
 * given many times is decided once, like bytes.
 */
function isStep(p: Sendable): boolean {
  return !(p instanceof Uint8Array) && typeof (p as StepBase).encode === 'function' && !isBuilderStep(p);
}

/** What sendRange achieved: datagrams sent, and the failure that stopped it, if any. */
interface RangeOutcome {
  readonly sent: number;
  /** System calls made. */
  readonly calls: number;
  /** The failed datagram's errno name (or error code); '' when none failed. */
  readonly kind: string;
  /** Its error, made on demand: a RawSocket failure costs only an errno until someone asks. */
  readonly error: (() => unknown) | undefined;
}

/** Other sockets' calls are counted as sendmmsg batches would be. */
const ALL_SENT = (sent: number): RangeOutcome => ({ sent, calls: Math.ceil(sent / SENDMMSG_BATCH), kind: '', error: undefined });

/**
 * `datagrams[start..end)` on one socket, up to the first failure; `sent` counts from `start`.
 * RawSocket takes the range without a copy and reports a failure as an errno.
 */
function sendRange(socket: TransportSocket, datagrams: readonly OutgoingDatagram[], start: number, end: number): RangeOutcome {
  if (socket instanceof RawSocket) {
    const r = socket.sendManyUntilError(datagrams, {}, start, end);
    if (r.errno === 0) return { sent: r.sent, calls: r.calls, kind: '', error: undefined };
    return { sent: r.sent, calls: r.calls, kind: r.errnoName, error: () => socket.sendError(r.errno, datagrams, start + r.sent) };
  }
  try {
    return ALL_SENT(socket.sendMany(start === 0 && end === datagrams.length ? datagrams : datagrams.slice(start, end)));
  } catch (error) {
    // Other sockets count `index` from `start`.
    const sent = error instanceof TransportError && error.index !== undefined ? error.index : 0;
    const kind = error instanceof TransportError ? error.errnoName : error instanceof RawcraftError ? error.code : '';
    return { sent, calls: Math.ceil(sent / SENDMMSG_BATCH) + 1, kind, error: () => error };
  }
}

/**
 * The raw-socket transport: sends datagrams through the OS's raw sockets, after pre-flight.
 * @throws {@link PreflightError} the OS would refuse the datagram (every finding attached), unless `force`.
 * @throws {@link TransportError} a system call failed, with a remedy.
 * @throws {@link TransportArgumentError} a bad option or destination.
 * @throws {@link TransportClosedError} a send or receive after `close()`.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#raw-transport}
 */
export class RawTransport implements Transport {
  readonly kind = 'raw';
  /** `winsock` on Windows (WindowsRawSocket), `posix` elsewhere (RawSocket). */
  readonly backend: RawSocketBackend;
  readonly #options: RawTransportOptions;
  readonly #policy: BackpressurePolicy;
  readonly #open: (options: RawSocketOptions, context: PreflightContext) => TransportSocket;
  /** The pre-flight context without its socket part, resolved (detected) at the first use. */
  #context: PreflightContext | undefined;
  readonly #senders = new Map<string, TransportSocket>();
  readonly #receivers = new Set<TransportSocket>();
  /** Family/protocol pairs sent on: the default of what receive() listens to. */
  readonly #sentOn = new Map<string, ListenSpec>();
  /** Source addresses that could not be bound (not local): not tried again. */
  readonly #unbindable = new Set<string>();
  readonly #sources = new SourceCache();
  /** `process.platform` of the sockets: IPv6 header inclusion by default is Linux's. */
  readonly #platform: string;
  #closed = false;

  /** `platform` (default `process.platform`) picks the sockets: WindowsRawSocket on win32, RawSocket elsewhere. */
  constructor(options: RawTransportOptions, platform: string = process.platform) {
    if (options.interface !== undefined && (typeof options.interface !== 'string' || options.interface === '')) {
      throw new TransportArgumentError('interface', options.interface, 'an interface name such as "eth0"');
    }
    this.#options = options;
    this.#policy = backpressurePolicy(options.backpressure);
    this.backend = rawSocketBackend(platform);
    this.#open = OPENERS[this.backend];
    this.#platform = platform;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async send(packet: Sendable, options: SendOptions = {}): Promise<SendResult> {
    this.#check('send');
    const force = !!(this.#options.force || options.force);
    const out = outgoing(leavesSourceOutOf(packet) ? await this.#sourced(packet as StepBase) : packet);
    const findings = this.#preflight(out, options.destination, force);
    const plan = await this.#plan(out, options.destination, force);
    let sentAt = 0n;
    const { value, retries } = await retryOnBackpressure(() => {
      sentAt = nowNs();
      return plan.socket.send(plan.payload, plan.destination);
    }, this.#policy);
    return { bytes: out.bytes, sentBytes: value, destination: plan.destination, family: plan.family, sentAt, retries, notHonoured: plan.notHonoured, findings };
  }

  async sendMany(packets: Iterable<Sendable>, options: SendManyOptions = {}): Promise<SendManyResult> {
    this.#check('send');
    const force = !!(this.#options.force || options.force);
    // Pre-flight for the whole batch before any system call: a refused packet refuses the batch.
    // Decided once per packet object: the same Uint8Array, { bytes, firstLayer } object or builder
    // step given again in this call shares the first one's findings, notes, socket and datagram,
    // so a batch of one datagram repeated costs an identity check per packet. Only other objects
    // with an encode() are encoded (and checked) each time.
    const decided = new Map<object, Decision>();
    // An indexed loop over an array: for-of's iterator in this async function costs more than the rest of the per-packet work.
    const list: readonly Sendable[] = Array.isArray(packets) ? packets : [...packets];
    const order = new Array<Decision>(list.length);
    const fresh: Decision[] = [];
    const findings: (Finding & { index: number })[] = [];
    // The packet before: a batch of one object repeated skips even the map lookup.
    let lastPacket: Sendable | undefined;
    let last: Decision | undefined;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      const index = i;
      let d: Decision | undefined = p === lastPacket ? last : undefined;
      if (d === undefined) {
        const step = isStep(p);
        d = step ? undefined : decided.get(p);
        if (d === undefined) {
          const out = outgoing(leavesSourceOutOf(p) ? await this.#sourced(p as StepBase) : p);
          let found: Finding[];
          try {
            found = this.#preflight(out, undefined, force, index);
          } catch (error) {
            // Nothing has been sent yet: say which packet is at fault.
            if (error instanceof TransportArgumentError) throw new TransportArgumentError(`packets[${index}]: ${error.argument}`, error.value, error.allowed);
            throw error;
          }
          d = { out, index, findings: found, plan: undefined, uses: 0, bytes: UNPLANNED, destination: undefined };
          if (!step) decided.set(p, d);
          fresh.push(d);
        }
        // Those are encoded each time: never reused, not even when given twice in a row.
        lastPacket = step ? undefined : p;
        last = d;
      }
      if (d.findings.length > 0) for (const f of d.findings) findings.push({ ...f, index });
      d.uses++;
      order[i] = d;
    }
    for (const d of fresh) {
      try {
        d.plan = await this.#plan(d.out, undefined, force);
      } catch (error) {
        // Nothing has been sent yet: say which packet is at fault.
        if (error instanceof TransportArgumentError) throw new TransportArgumentError(`packets[${d.index}]: ${error.argument}`, error.value, error.allowed);
        throw error;
      }
      d.bytes = d.plan.payload;
      d.destination = d.plan.destination;
    }
    const startedAt = nowNs();
    let bytes = 0;
    let retries = 0;
    let calls = 0;
    const notHonoured: (NotHonoured & { index: number })[] = [];
    const n = order.length;
    // Per distinct packet, not per packet: a batch of one datagram repeated needs no pass over it here.
    let noted = false;
    let oneSocket = true;
    for (const d of fresh) {
      bytes += d.plan!.payload.length * d.uses;
      if (d.plan!.notHonoured.length > 0) noted = true;
      if (d.plan!.socket !== fresh[0].plan!.socket) oneSocket = false;
    }
    if (noted) {
      for (let index = 0; index < n; index++) for (const x of order[index].plan!.notHonoured) notHonoured.push({ ...x, index });
    }
    // Consecutive packets for the same socket go out in one batch (sendmmsg on Linux).
    const onFailure = options.onFailure;
    let failed = 0;
    for (let start = 0; start < n; ) {
      const socket = order[start].plan!.socket;
      let end = oneSocket ? n : start + 1;
      while (end < n && order[end].plan!.socket === socket) end++;
      // On backpressure, wait and resume after the packets already sent. The retry budget is
      // per stall: any progress starts it afresh.
      let done = start;
      let stalled = 0;
      // After a failure, one datagram per call, doubling with each call that fails nothing: when
      // every datagram fails (an interface gone down), a call costs one datagram, not a batch.
      let window = Infinity;
      while (done < end) {
        const r = sendRange(socket, order, done, Math.min(end, done + window));
        calls += r.calls;
        done += r.sent;
        if (r.sent > 0) stalled = 0;
        if (r.error === undefined) {
          window *= 2;
          continue;
        }
        if (isBackpressureErrno(r.kind) && stalled < this.#policy.maxRetries) {
          await backoff(this.#policy, stalled++);
          retries++;
          continue;
        }
        window = 1;
        const error = r.error;
        const at = done;
        const made = () => {
          const e = error();
          return e instanceof TransportError ? reindexed(e, at) : e;
        };
        // Without onFailure a failure ends the batch, as does an error that is no system call's (kind '').
        if (onFailure === undefined || r.kind === '') throw made();
        // Carry on after the failed packet; its error is made only if the caller asks.
        onFailure(at, r.kind, made as () => Error);
        bytes -= order[at].plan!.payload.length;
        failed++;
        done++;
        stalled = 0;
      }
      start = end;
    }
    return { sent: n - failed, bytes, retries, calls, notHonoured, findings, startedAt, endedAt: nowNs() };
  }

  /**
   * What a send of these packets does before its first system call, without sending: the
   * pre-flight context, each distinct packet's pre-flight, and the sockets they go out on
   * (checked, then opened, with their sendmmsg structures). A packet pre-flight refuses is skipped (its send reports it); a
   * socket that cannot be opened throws, as the send would.
   */
  async prepare(packets: Iterable<Sendable>, options: SendManyOptions = {}): Promise<void> {
    this.#check('send');
    const force = !!(this.#options.force || options.force);
    const seen = new Set<Sendable>();
    for (const p of packets) {
      if (seen.has(p)) continue;
      seen.add(p);
      const out = outgoing(leavesSourceOutOf(p) ? await this.#sourced(p as StepBase) : p);
      try {
        this.#preflight(out, undefined, force);
      } catch (error) {
        if (error instanceof PreflightError) continue;
        throw error;
      }
      const { socket } = await this.#plan(out, undefined, force);
      if (socket instanceof RawSocket) socket.prepareSendMany();
    }
  }

  receive(options: RawReceiveOptions = {}): AsyncIterable<ReceivedPacket> {
    this.#check('receive');
    validateReceive(options);
    const explicit = options.protocols !== undefined;
    const specs = explicit ? dedupe(options.protocols!) : this.#defaultListen();
    if (specs.length === 0) throw new TransportArgumentError('protocols', options.protocols, 'at least one { family, protocol }');
    const sockets: { socket: TransportSocket; spec: ListenSpec }[] = [];
    try {
      for (const spec of specs) {
        if (spec.protocol === IPPROTO_RAW) throw new TransportArgumentError('protocols', spec, 'a protocol other than 255 (IPPROTO_RAW sockets are send-only)');
        try {
          sockets.push({ socket: this.#openSocket(this.#socketOptions(spec.family, spec.protocol, { receive: true }), !!this.#options.force), spec });
        } catch (error) {
          // Defaults include ICMPv6: a host without IPv6 still receives ICMP.
          if (!explicit && error instanceof TransportError && error.errnoName === 'EAFNOSUPPORT' && specs.length > 1) continue;
          throw error;
        }
      }
    } catch (error) {
      for (const s of sockets) s.socket.close();
      throw error;
    }
    for (const s of sockets) this.#receivers.add(s.socket);
    const deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
    // What was read and what the kernel dropped, reported once when the iteration ends (before the sockets close).
    const tally = { received: 0 };
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      try {
        if (options.onStats) options.onStats({ received: tally.received, dropped: droppedOn(sockets) });
      } finally {
        this.#release(sockets);
      }
    };
    const direct = sockets.every((s) => s.socket instanceof RawSocket);
    const loop = direct ? this.#receiveDirect(sockets as { socket: RawSocket; spec: ListenSpec }[], options, deadline, tally, finish) : this.#receiveLoop(sockets, options, deadline, tally, finish);
    return releasing(loop, finish);
  }

  /**
   * The receive loop on POSIX sockets: reads them in turn without waiting (recvmmsg batches on
   * Linux) and waits for readability only when all are empty, so a flood costs one decode and
   * one yield per packet, no promise per socket read.
   */
  async *#receiveDirect(
    sockets: readonly { socket: RawSocket; spec: ListenSpec }[],
    options: TransportReceiveOptions,
    deadline: number | undefined,
    tally: { received: number },
    finish: () => void,
  ): AsyncGenerator<ReceivedPacket, void, undefined> {
    const filter = compileFilter(options.filter);
    let count = 0;
    let burst = 0;
    try {
      for (;;) {
        options.signal?.throwIfAborted();
        let got = false;
        for (const { socket, spec } of sockets) {
          if (socket.closed) return;
          const d = socket.tryReceive();
          if (d === undefined) continue;
          got = true;
          tally.received++;
          const received = decodeReceived({ bytes: d.bytes, includesIpHeader: d.includesIpHeader, family: d.family, protocol: spec.protocol, from: d.from, receivedAt: d.receivedAt });
          if (filter && !filter(received)) continue;
          yield received;
          if (options.count !== undefined && ++count >= options.count) return;
        }
        if (got) {
          // Under a flood, reads never wait; let timers and I/O run now and then.
          if (++burst % RECEIVE_BURST === 0) await new Promise((resolve) => setImmediate(resolve));
          if (deadline !== undefined && performance.now() >= deadline) return;
          continue;
        }
        const remaining = deadline === undefined ? Infinity : deadline - performance.now();
        if (remaining <= 0) return;
        await Promise.race(sockets.map(({ socket }) => socket.waitReadable(remaining, options.signal)));
      }
    } finally {
      finish();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const all = [...this.#senders.values(), ...this.#receivers];
    this.#senders.clear();
    this.#receivers.clear();
    await Promise.all(all.map((s) => s[Symbol.asyncDispose]()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async *#receiveLoop(
    sockets: readonly { socket: TransportSocket; spec: ListenSpec }[],
    options: TransportReceiveOptions,
    deadline: number | undefined,
    tally: { received: number },
    finish: () => void,
  ): AsyncGenerator<ReceivedPacket, void, undefined> {
    const filter = compileFilter(options.filter);
    type Step = { index: number; result?: IteratorResult<ReceivedDatagram>; error?: unknown };
    const iterators: AsyncIterator<ReceivedDatagram>[] = [];
    const pending = new Map<number, Promise<Step>>();
    const arm = (index: number) => {
      // Never rejects: a failure is carried in the step and rethrown when it is the one raced.
      pending.set(
        index,
        iterators[index].next().then(
          (result) => ({ index, result }),
          (error: unknown) => ({ index, error }),
        ),
      );
    };
    try {
      const timeoutMs = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
      sockets.forEach(({ socket }, i) => {
        iterators.push(socket.receive({ ...(timeoutMs !== undefined && { timeoutMs }), ...(options.signal && { signal: options.signal }) }));
        arm(i);
      });
      let count = 0;
      while (pending.size > 0) {
        const step = await Promise.race(pending.values());
        if (step.error !== undefined) throw step.error;
        if (step.result!.done) {
          pending.delete(step.index);
          continue;
        }
        arm(step.index);
        const d = step.result!.value;
        tally.received++;
        const { spec } = sockets[step.index];
        const received = decodeReceived({
          bytes: d.bytes,
          includesIpHeader: d.includesIpHeader,
          family: d.family,
          protocol: spec.protocol,
          from: d.from,
          receivedAt: d.receivedAt,
        });
        if (filter && !filter(received)) continue;
        yield received;
        if (options.count !== undefined && ++count >= options.count) return;
      }
    } finally {
      finish();
    }
  }

  #release(sockets: readonly { socket: TransportSocket }[]): void {
    for (const { socket } of sockets) {
      socket.close();
      this.#receivers.delete(socket);
    }
  }

  /** A builder step whose first IP layer leaves the source out: the source the kernel would use towards its destination. */
  #sourced(packet: StepBase): Promise<Sendable> {
    return withSourceFilled(packet, (destination, family) => this.#sources.get(destination, family));
  }

  /** The pre-flight context for a socket: the transport's (resolved once) with these settings. */
  #contextFor(socket: SocketSettings): PreflightContext {
    this.#context ??= resolveContext({ ...this.#options.context, socket: {} });
    return { ...this.#context, socket };
  }

  /**
   * Pre-flight for one packet, as it will go out: the socket the transport will use for it and
   * the bytes handed to sendto. Runs before any system call; throws PreflightError on errors
   * unless forced. Returns the findings the result reports. Socket-level rules run here too,
   * so a cached socket is checked on every send; the bound address is checked at open.
   */
  #preflight(out: Outgoing, destinationOverride: string | undefined, force: boolean, index?: number): Finding[] {
    const ip = out.ip;
    if (!ip) return []; // #plan refuses it, before any system call
    const { socket, bytes } = sendSocket(ip, out.bytes, this.#options, this.#platform);
    const context = this.#contextFor(socket);
    const findings = preflight({ bytes, destination: destinationOverride ?? ip.dst }, context);
    if (!force && hasErrors(findings)) {
      throw new PreflightError(findings, platformName(context.platform), index === undefined ? 'the datagram' : `packet #${index} of the batch`, index);
    }
    return reported(findings);
  }

  /** Socket-level pre-flight, then socket(): nothing is opened when pre-flight refuses. */
  #openSocket(options: RawSocketOptions, force: boolean): TransportSocket {
    const settings: SocketSettings = {
      family: options.family,
      protocol: options.protocol,
      hdrincl: options.hdrincl ?? impliesHdrincl(options.protocol, options.family, this.#platform),
      broadcast: !!options.broadcast,
      ...(options.bind !== undefined && { bind: options.bind }),
      ...(options.connect !== undefined && { connect: options.connect }),
    };
    const context = this.#contextFor(settings);
    const findings = preflightSocket(context);
    if (!force && hasErrors(findings)) throw new PreflightError(findings, platformName(context.platform), 'the socket');
    return this.#open(options, context);
  }

  /** Choose the socket and the bytes for one packet. */
  async #plan(out: Outgoing, destinationOverride: string | undefined, force: boolean): Promise<Plan> {
    const ip = out.ip;
    if (!ip) {
      throw new TransportArgumentError(
        'packet',
        `a packet starting with ${out.firstLayer}`,
        'an IPv4 or IPv6 datagram: raw sockets send IP (build from ipv4() / packet().ipv6(), or strip the link-layer header)',
      );
    }
    const destination = destinationOverride ?? ip.dst;
    if (ip.family === 4) {
      this.#noteSent(4, ip.protocol);
      if (this.#options.hdrincl !== false) {
        return { socket: this.#sender('4/raw', () => this.#socketOptions(4, IPPROTO_RAW), force), payload: out.bytes, destination, family: 4, notHonoured: ipv4HdrinclChanges(out.bytes) };
      }
      const notHonoured = ipv4KernelChanges(ip, out.bytes.length);
      const extra: Partial<RawSocketOptions> = { tos: ip.tos, dontFragment: ip.df, ...(ip.ttl > 0 && { ttl: ip.ttl }) };
      const socket = await this.#kernelSocket(ip, destination, extra, notHonoured, 'without IP_HDRINCL', force);
      return { socket, payload: out.bytes.subarray(Math.min(ip.headerLength, out.bytes.length)), destination, family: 4, notHonoured };
    }
    this.#noteSent(6, ip.protocol);
    if (includesHeader(ip, out.bytes, this.#options, this.#platform)) {
      return { socket: this.#sender('6/raw', () => this.#socketOptions(6, IPPROTO_RAW, { hdrincl: true }), force), payload: out.bytes, destination, family: 6, notHonoured: [] };
    }
    if (IPV6_EXTENSION_HEADERS.has(ip.protocol)) {
      // A per-protocol socket would be one for "protocol" 0, 43...: socket() refuses it, and the kernel could not add the header anyway.
      throw new TransportArgumentError('ipv6Hdrincl', false, `IPV6_HDRINCL (ipv6Hdrincl: true, or left out on Linux): next header ${ip.protocol} is an extension header, which only IPV6_HDRINCL sends as built`);
    }
    const notHonoured = ipv6KernelChanges(ip, out.bytes);
    const checksumOffset = ipv6ChecksumOffset(ip, out.bytes);
    const extra: Partial<RawSocketOptions> = { hopLimit: ip.ttl, trafficClass: ip.tos, ...(checksumOffset !== undefined && { checksumOffset }) };
    const socket = await this.#kernelSocket(ip, destination, extra, notHonoured, 'without IPV6_HDRINCL', force);
    return { socket, payload: out.bytes.subarray(40), destination, family: 6, notHonoured };
  }

  /**
   * A per-protocol socket for the kernel-writes-the-header modes. The packet's source is
   * honoured by binding to it when it differs from the route's source and is a local address.
   */
  async #kernelSocket(ip: IpFacts, destination: string, extra: Partial<RawSocketOptions>, notHonoured: NotHonoured[], mode: string, force: boolean): Promise<TransportSocket> {
    const family = ip.family;
    const routeSource = await this.#sources.get(destination, family);
    const unspecified = ip.src === '0.0.0.0' || ip.src === '::';
    let bind: string | undefined;
    if (!unspecified && routeSource !== undefined && ip.src !== routeSource && !this.#unbindable.has(ip.src) && !loopbackToElsewhere(ip.src, destination)) bind = ip.src;
    const key = `${family}/${ip.protocol}/${JSON.stringify(extra)}/${bind ?? ''}`;
    if (bind !== undefined) {
      try {
        return this.#sender(key, () => ({ ...this.#socketOptions(family, ip.protocol), ...extra, bind }), force);
      } catch (error) {
        // bind() failed, or pre-flight says it would (Windows refuses to bind raw TCP sockets): go unbound.
        if (!isBindFailure(error)) throw error;
        this.#unbindable.add(ip.src);
      }
    }
    const detail = unspecified ? `the packet leaves it to the kernel, on a raw socket ${mode}` : `the packet's source is not an address this host can send from, on a raw socket ${mode}`;
    const change = sourceChange(ip, routeSource, detail);
    if (change) notHonoured.push(change);
    return this.#sender(`${family}/${ip.protocol}/${JSON.stringify(extra)}/`, () => ({ ...this.#socketOptions(family, ip.protocol), ...extra }), force);
  }

  /** A cached sending socket; the least recently used one is closed beyond MAX_SEND_SOCKETS. */
  #sender(key: string, options: () => RawSocketOptions, force: boolean): TransportSocket {
    let socket = this.#senders.get(key);
    if (socket) {
      this.#senders.delete(key);
    } else {
      socket = this.#openSocket(options(), force);
      if (this.#senders.size >= MAX_SEND_SOCKETS) {
        const [oldKey, old] = this.#senders.entries().next().value as [string, TransportSocket];
        this.#senders.delete(oldKey);
        old.close();
      }
    }
    this.#senders.set(key, socket);
    return socket;
  }

  #socketOptions(family: 4 | 6, protocol: number, how: { receive?: boolean; hdrincl?: boolean } = {}): RawSocketOptions {
    const o = this.#options;
    return {
      family,
      protocol,
      ...(how.hdrincl && { hdrincl: true }),
      ...(o.interface !== undefined && { interface: o.interface }),
      ...(how.receive
        ? o.receiveBufferSize !== undefined && { receiveBufferSize: o.receiveBufferSize }
        : {
            ...(o.broadcast !== undefined && { broadcast: o.broadcast }),
            ...(o.sendBufferSize !== undefined && { sendBufferSize: o.sendBufferSize }),
            // A datagram a full queue drops fails with ENOBUFS (and is retried) instead of counting as sent.
            reportDrops: true,
            // Sending sockets are never read: keep their receive queue at the kernel's minimum.
            ...(protocol !== IPPROTO_RAW && { receiveBufferSize: 1 }),
          }),
    };
  }

  #noteSent(family: 4 | 6, protocol: number): void {
    const key = `${family}/${protocol}`;
    if (!this.#sentOn.has(key)) this.#sentOn.set(key, { family, protocol });
  }

  #defaultListen(): ListenSpec[] {
    if (this.#sentOn.size === 0) return [{ family: 4, protocol: ICMP }, { family: 6, protocol: ICMPV6 }];
    const specs: ListenSpec[] = [];
    for (const s of this.#sentOn.values()) {
      specs.push(s, { family: s.family, protocol: s.family === 4 ? ICMP : ICMPV6 });
    }
    return dedupe(specs.filter((s) => s.protocol !== IPPROTO_RAW));
  }

  #check(operation: string): void {
    if (this.#closed) throw new TransportClosedError('raw', operation);
  }
}

function dedupe(specs: readonly ListenSpec[]): ListenSpec[] {
  const seen = new Map<string, ListenSpec>();
  for (const s of specs) {
    if (s.family !== 4 && s.family !== 6) throw new TransportArgumentError('protocols.family', s.family, '4 or 6');
    if (!Number.isInteger(s.protocol) || s.protocol < 0 || s.protocol > 255) throw new TransportArgumentError('protocols.protocol', s.protocol, 'an integer 0..255');
    seen.set(`${s.family}/${s.protocol}`, { family: s.family, protocol: s.protocol });
  }
  return [...seen.values()];
}

function validateReceive(o: TransportReceiveOptions): void {
  if (o.timeoutMs !== undefined && !(typeof o.timeoutMs === 'number' && o.timeoutMs >= 0)) {
    throw new TransportArgumentError('timeoutMs', o.timeoutMs, 'a number of milliseconds >= 0');
  }
  if (o.count !== undefined && !(Number.isInteger(o.count) && o.count > 0)) throw new TransportArgumentError('count', o.count, 'an integer > 0');
}

/** A builder step whose first layer is IPv4 or IPv6 without a source (bytes always have one). */

/** bind() refused by the OS (TransportError or WinsockError), or by pre-flight for that reason alone. */
function isBindFailure(error: unknown): boolean {
  if (error instanceof PreflightError) return error.errors.every((f) => f.code === 'WIN_TCP_BIND');
  return error instanceof RawcraftError && (error as RawcraftError & { syscall?: string }).syscall === 'bind';
}

/** A loopback source cannot leave the host (Linux refuses or drops it): do not bind to it for another destination. */
function loopbackToElsewhere(src: string, dst: string): boolean {
  const loop = (a: string) => a.startsWith('127.') || a === '::1';
  return loop(src) && !loop(dst);
}

/** The same TransportError with `index` counted from the start of the whole sendMany call. */
function reindexed(error: TransportError, index: number): TransportError {
  if (error.index === index) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object) as TransportError;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  Object.defineProperty(copy, 'index', { value: index, enumerable: true });
  Object.defineProperty(copy, 'message', { value: error.message.replace(/packet #\d+ of the batch/, `packet #${index} of the batch`), enumerable: false });
  return copy;
}
