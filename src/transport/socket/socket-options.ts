/** Checks of the raw-socket options the POSIX and Windows sockets share. */
import { TransportArgumentError } from '../errors.js';

/**
 * How a raw socket is opened: the options RawSocket (POSIX) and WindowsRawSocket (Winsock)
 * share, with one meaning on both (each adds its own: `RawSocketOptions`,
 * `WindowsRawSocketOptions`). An option an OS lacks fails with a TransportError, never silently.
 */
export interface CommonSocketOptions {
  /** 4 for AF_INET, 6 for AF_INET6. */
  family: 4 | 6;
  /** IP protocol number (1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6, 132 SCTP, 255 IPPROTO_RAW...). Windows refuses 0. */
  protocol: number;
  /**
   * The caller supplies the IP header (IP_HDRINCL / IPV6_HDRINCL; the latter Linux >= 4.5 and
   * Windows only). Protocol 255 (IPPROTO_RAW) implies it: IPv4 everywhere, IPv6 on Linux
   * (`impliesHdrincl`). Linux still fills in the IPv4 checksum and total length, and the id
   * and source address when they are 0 (raw(7)).
   */
  hdrincl?: boolean;
  /** Allow sending to broadcast addresses (SO_BROADCAST). */
  broadcast?: boolean;
  /** Local address: only datagrams to it are received; sets the source when the OS builds the header. */
  bind?: string;
  /** Peer address: only datagrams from it are received, and send() may omit the destination. */
  connect?: string;
  /** IPv4 time to live (IP_TTL), 1..255. Ignored by the kernel with hdrincl. */
  ttl?: number;
  /** IPv4 type of service byte (IP_TOS), 0..255 (Windows may ignore it). */
  tos?: number;
  /** IPv6 hop limit (IPV6_UNICAST_HOPS), 0..255. */
  hopLimit?: number;
  /** IPv6 traffic class (IPV6_TCLASS), 0..255. */
  trafficClass?: number;
  /** Set DF / forbid fragmentation (IP_MTU_DISCOVER=DO on Linux, IP_DONTFRAG / IP_DONTFRAGMENT / IPV6_DONTFRAG). */
  dontFragment?: boolean;
  /**
   * IPv6 only: byte offset of a 16-bit checksum the OS fills in and verifies (IPV6_CHECKSUM),
   * e.g. 6 for UDP. ICMPv6 sockets always get their checksum computed; leave this unset for them.
   */
  checksumOffset?: number;
  /** SO_SNDBUF in bytes. */
  sendBufferSize?: number;
  /** SO_RCVBUF in bytes. */
  receiveBufferSize?: number;
}

/**
 * Throws TransportArgumentError unless `opts` is an object with family 4 or 6, a protocol
 * 0..255, and the numeric options in range and for the socket's family.
 */
export function validateCommonOptions(opts: CommonSocketOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new TransportArgumentError('options', opts, 'an object');
  if (opts.family !== 4 && opts.family !== 6) throw new TransportArgumentError('family', opts.family, '4 or 6');
  const int = (name: keyof CommonSocketOptions, min = 0, max = 255) => {
    const v = opts[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new TransportArgumentError(name, v, `an integer ${min}..${max}`);
    }
  };
  const onlyFor = (name: keyof CommonSocketOptions, family: 4 | 6) => {
    if (opts[name] !== undefined && opts.family !== family) {
      throw new TransportArgumentError(name, opts[name], `nothing: ${name} applies to IPv${family} sockets only`);
    }
  };
  int('protocol');
  if (opts.protocol === undefined) throw new TransportArgumentError('protocol', undefined, 'an integer 0..255');
  int('ttl', 1, 255);
  int('tos');
  int('hopLimit');
  int('trafficClass');
  int('checksumOffset', 0, 65534);
  int('sendBufferSize', 1, 0x7fffffff);
  int('receiveBufferSize', 1, 0x7fffffff);
  onlyFor('ttl', 4);
  onlyFor('tos', 4);
  onlyFor('hopLimit', 6);
  onlyFor('trafficClass', 6);
  onlyFor('checksumOffset', 6);
}

/** The option numbers `plainIntOptions` needs: each platform's constant table has them. */
export interface PlainOptionNumbers {
  readonly SOL_SOCKET: number;
  readonly SO_BROADCAST: number;
  readonly SO_SNDBUF: number;
  readonly SO_RCVBUF: number;
  readonly IPPROTO_IP: number;
  readonly IP_TTL: number;
  readonly IP_TOS: number;
  readonly IPPROTO_IPV6: number;
  readonly IPV6_UNICAST_HOPS: number;
  readonly IPV6_TCLASS: number;
  readonly IPV6_CHECKSUM: number;
}

/** One integer setsockopt: level, name, the name errors show, the value, and the value as the user gave it. */
export interface IntOption {
  readonly level: number;
  readonly name: number;
  readonly option: string;
  readonly value: number;
  readonly shown: number | boolean;
}

/**
 * The options every platform sets the same way, one integer each, in the order they are set
 * (POSIX and Winsock alike). HDRINCL, don't-fragment and the others differ per platform and stay
 * with each socket.
 */
export function plainIntOptions(opts: CommonSocketOptions, c: PlainOptionNumbers): IntOption[] {
  const out: IntOption[] = [];
  const add = (level: number, name: number, option: string, value: number | boolean | undefined) => {
    if (value !== undefined) out.push({ level, name, option, value: typeof value === 'boolean' ? (value ? 1 : 0) : value, shown: value });
  };
  add(c.SOL_SOCKET, c.SO_BROADCAST, 'SO_BROADCAST', opts.broadcast);
  add(c.SOL_SOCKET, c.SO_SNDBUF, 'SO_SNDBUF', opts.sendBufferSize);
  add(c.SOL_SOCKET, c.SO_RCVBUF, 'SO_RCVBUF', opts.receiveBufferSize);
  add(c.IPPROTO_IP, c.IP_TTL, 'IP_TTL', opts.ttl);
  add(c.IPPROTO_IP, c.IP_TOS, 'IP_TOS', opts.tos);
  add(c.IPPROTO_IPV6, c.IPV6_UNICAST_HOPS, 'IPV6_UNICAST_HOPS', opts.hopLimit);
  add(c.IPPROTO_IPV6, c.IPV6_TCLASS, 'IPV6_TCLASS', opts.trafficClass);
  add(c.IPPROTO_IPV6, c.IPV6_CHECKSUM, 'IPV6_CHECKSUM', opts.checksumOffset);
  return out;
}
