/**
 * The one interface every way of sending packets implements, and its types; `openTransport`
 * (`transports/open-transport.ts`) picks an implementation. `send` resolves with what was sent
 * or throws: nothing is dropped silently. `receive` yields packets decoded with the codec; each
 * receive() sees what arrives after it was called.
 */
import type { P } from 'ts-pattern';
import type { StepBase } from '../builders/packet.js';
import type { DecodedPacket } from '../codec/decode.js';
import type { Finding } from './preflight/types.js';

/**
 * What can be sent: a builder step (`ipv4().icmp()...`), the bytes of a packet (IPv4 or IPv6
 * by the version nibble), or bytes with the name of their first layer (e.g. `ethernet`).
 */
export type Sendable = StepBase | Uint8Array | FramedBytes;

/** Bytes whose first layer is named, e.g. an Ethernet frame read from a capture: `{ bytes, firstLayer: 'ethernet' }`. */
export interface FramedBytes {
  readonly bytes: Uint8Array;
  readonly firstLayer: string;
}

/** One field of a packet that did not go out as built, and why. */
export interface NotHonoured {
  /** Layer name, e.g. `ipv6`. */
  readonly layer: string;
  /** Field name, e.g. `flowLabel`. */
  readonly field: string;
  /** The value in the packet as built. */
  readonly value: string | number;
  /** What happened instead, e.g. `the kernel writes the flow label (0) on a raw IPv6 socket without IPV6_HDRINCL`. */
  readonly reason: string;
}

/** Per-send options of a transport: the destination, and `force` past pre-flight errors. */
export interface SendOptions {
  /** Where to send; default: the destination address in the packet's IP header. Allows a zone (`fe80::1%eth0`). */
  readonly destination?: string;
  /** Raw transport: make the system calls even when pre-flight finds errors (they are reported in `findings`). */
  readonly force?: boolean;
}

/** Options of `sendMany`: `force` past pre-flight errors, and carrying on past failed system calls. */
export interface SendManyOptions {
  /** Raw transport: send even when pre-flight finds errors in some packets. */
  readonly force?: boolean;
  /**
   * Raw and link transports: instead of throwing at the first packet the OS refuses (after the
   * backpressure retries), call this and go on with the next; the result's `sent` and `bytes`
   * then count what went out. `kind` is what the error's errnoName (TransportError) or code
   * (LinkError) would be; `error()` makes that error, with its remedy. Make it only for the
   * failures you show: making one per packet costs more than the system call. Pre-flight
   * refusals and sockets that cannot be opened still throw, before anything is sent.
   */
  readonly onFailure?: (index: number, kind: string, error: () => Error) => void;
}

/** What one send did. */
export interface SendResult {
  /** The packet as built (the IP header included, even when the kernel wrote its own). */
  readonly bytes: Uint8Array;
  /** Bytes the OS or file accepted (raw without header inclusion: what follows the IP header). */
  readonly sentBytes: number;
  /** The address it was sent to (undefined for a file transport with a non-IP packet). */
  readonly destination: string | undefined;
  /** IP version of the packet (undefined when it is not an IP packet). */
  readonly family: 4 | 6 | undefined;
  /** Wall-clock time of the send, in nanoseconds since the Unix epoch (the clock of `receivedAt`). */
  readonly sentAt: bigint;
  /** How many times the send met backpressure (ENOBUFS/EAGAIN), waited and retried. */
  readonly retries: number;
  /** Fields that did not go out as built; empty when the packet went out byte for byte. */
  readonly notHonoured: readonly NotHonoured[];
  /**
   * Raw transport: pre-flight findings that did not stop the send: warnings, and errors a
   * forced send overrode (infos left out). Fields the OS rewrites are in `notHonoured` instead.
   */
  readonly findings?: readonly Finding[];
}

/** What one sendMany did. Throws instead when a packet could not be sent (the error says how many were). */
export interface SendManyResult {
  /** Packets sent (all of them, unless `onFailure` was given: otherwise sendMany throws). */
  readonly sent: number;
  /** Sum of `sentBytes`. */
  readonly bytes: number;
  /** Backpressure waits (ENOBUFS/EAGAIN) over the whole batch. */
  readonly retries: number;
  /** System calls (or file writes) used: fewer than `sent` when batched (sendmmsg). */
  readonly calls: number;
  /** Fields not honoured, with the index of the packet in the batch. */
  readonly notHonoured: readonly (NotHonoured & { readonly index: number })[];
  /** Raw transport: pre-flight warnings (and overridden errors), with the index of the packet in the batch. */
  readonly findings?: readonly (Finding & { readonly index: number })[];
  /** Time of the first and after the last send, in nanoseconds since the Unix epoch. */
  readonly startedAt: bigint;
  readonly endedAt: bigint;
}

/** One received packet, decoded. */
export interface ReceivedPacket {
  /** The bytes as delivered: IPv4 raw sockets include the IPv4 header, IPv6 ones start after the IPv6 header(s). */
  readonly bytes: Uint8Array;
  /** `bytes` decoded (lax: problems are in `packet.issues`, never thrown). */
  readonly packet: DecodedPacket;
  /** The layer decoding started with: `ipv4`/`ipv6` when the IP header is included, else the upper layer (`icmpv6`, `udp`...). */
  readonly firstLayer: string;
  /** True when `bytes` start with the IP header; false for IPv6 raw sockets, which deliver only the payload. */
  readonly includesIpHeader: boolean;
  /** Source address (from the socket, or from the packet's IP header). '' when unknown. */
  readonly from: string;
  /** IP version (undefined for a non-IP frame on a memory transport). */
  readonly family: 4 | 6 | undefined;
  /** IP protocol the packet was received for (the raw socket's protocol), when known. */
  readonly protocol: number | undefined;
  /** Wall-clock receive time in nanoseconds since the Unix epoch. */
  readonly receivedAt: bigint;
}

/**
 * Which packets a receive keeps: a predicate, or a ts-pattern pattern matched (with
 * `isMatching`) against the decoded packet, e.g.
 * `{ layers: [{ layer: 'ipv4' }, { layer: 'icmp', fields: { type: 'echo-reply' } }, ...P.array()] }`.
 */
export type PacketFilter = ((packet: DecodedPacket, received: ReceivedPacket) => boolean) | P.Pattern<DecodedPacket>;

/** A family and IP protocol to listen to (raw transports open one socket per entry). */
export interface ListenSpec {
  readonly family: 4 | 6;
  readonly protocol: number;
}

/** How a transport's `receive()` waits: a filter, timeout, abort signal, and how many packets to take. */
export interface TransportReceiveOptions {
  /** Keep only the packets this accepts; the rest are dropped. */
  readonly filter?: PacketFilter;
  /** End the iteration (normally) this many milliseconds after receive() was called. */
  readonly timeoutMs?: number;
  /** Abort: the iteration rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** End after this many packets that passed the filter. */
  readonly count?: number;
  /**
   * Raw transports: what to listen to. Default: every family/protocol this transport has sent
   * on plus ICMP/ICMPv6 of those families; ICMP and ICMPv6 when it has sent nothing yet.
   * Other transports ignore it.
   */
  readonly protocols?: readonly ListenSpec[];
}

/**
 * Every way of sending implements this; write your own to plug into request(), ping() and the
 * rest (docs/writing-a-transport.md walks through the example below, a UDP tunnel).
 *
 * @example
 * {@includeCode ../../examples/udp-tunnel-transport.ts#transport}
 */
export interface Transport extends AsyncDisposable {
  /** `raw`, `pcap`, `pcapng`, `memory`, or a user-defined name. */
  readonly kind: string;
  readonly closed: boolean;
  /** Send one packet; resolves with what was sent, or throws. */
  send(packet: Sendable, options?: SendOptions): Promise<SendResult>;
  /** Send many packets in order, batched where the transport can (raw: sendmmsg). */
  sendMany(packets: Iterable<Sendable>, options?: SendManyOptions): Promise<SendManyResult>;
  /**
   * Optional: do what a send of these packets does before its first system call (pre-flight,
   * routes, opening sockets or interfaces), without sending, so that the sends that follow
   * only send and a socket that cannot be opened fails before anything went out. Packets
   * pre-flight refuses are left for their send to report.
   */
  prepare?(packets: Iterable<Sendable>, options?: SendManyOptions): Promise<void>;
  /**
   * Packets as they arrive, decoded. Listening starts when receive() is called (not at the
   * first `next()`), so a caller can call receive() and then send, without a race.
   * Ends on timeout, count, or close(); rejects on abort. Transports that cannot receive throw.
   */
  receive(options?: TransportReceiveOptions): AsyncIterable<ReceivedPacket>;
  /** Release everything; pending receives end. Idempotent. */
  close(): Promise<void>;
}
