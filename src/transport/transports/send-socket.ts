/**
 * Which raw socket a datagram is sent on, and the bytes handed to sendto: the one definition
 * of the defaults, shared by the raw transport (what `send` opens) and `rawcraft preflight`
 * (what it checks), so that pre-flight answers for the socket a send would really use.
 *
 * - IPv4: IP_HDRINCL (the header as built) unless `hdrincl` is false.
 * - IPv6: IPV6_HDRINCL when `ipv6Hdrincl` is true, or, left out, on Linux when a per-protocol
 *   socket could not send the datagram as built: an extension header follows the IPv6 header
 *   (a raw socket for "protocol 0" does not exist), or the flow label or payload length is set
 *   to what the kernel would not write. Otherwise a raw socket for the upper protocol, where
 *   the kernel writes the IPv6 header.
 */
import { IPPROTO_RAW } from '../socket/ip-hdrincl.js';
import type { IpFacts } from '../ip-header.js';
import type { SocketSettings } from '../preflight/types.js';

/** The header-inclusion choices of the raw transport (RawTransportOptions). */
export interface HeaderInclusion {
  /** IPv4: IP_HDRINCL (default true). */
  readonly hdrincl?: boolean;
  /** IPv6: IPV6_HDRINCL; left out: only when a per-protocol socket cannot send the datagram as built (Linux). */
  readonly ipv6Hdrincl?: boolean;
}

/** IPv6 extension headers (IANA "IPv6 Extension Header Types"), ESP aside: a raw socket cannot be opened for them. */
export const IPV6_EXTENSION_HEADERS: ReadonlySet<number> = new Set([0, 43, 44, 51, 60, 135, 139, 140]);

/** Does the datagram go out with its IP header as built? `os`: the sending OS (`linux`, `darwin`, `win32`, or a pre-flight platform's `os`). */
export function includesHeader(ip: IpFacts, bytes: Uint8Array, choice: HeaderInclusion, os: string): boolean {
  if (ip.family === 4) return choice.hdrincl !== false;
  if (choice.ipv6Hdrincl !== undefined) return choice.ipv6Hdrincl;
  return os === 'linux' && needsIpv6Hdrincl(ip, bytes);
}

/** Can a per-protocol IPv6 raw socket (the kernel writes the header) not send this datagram as built? */
export function needsIpv6Hdrincl(ip: IpFacts, bytes: Uint8Array): boolean {
  return IPV6_EXTENSION_HEADERS.has(ip.protocol) || ip.flowLabel !== 0 || ip.payloadLength !== bytes.length - 40;
}

/** The socket a datagram is sent on and the bytes given to sendto (the payload when the OS writes the header). */
export function sendSocket(ip: IpFacts, bytes: Uint8Array, choice: HeaderInclusion & { readonly broadcast?: boolean }, os: string): { socket: SocketSettings; bytes: Uint8Array } {
  const hdrincl = includesHeader(ip, bytes, choice, os);
  const socket: SocketSettings = { family: ip.family, protocol: hdrincl ? IPPROTO_RAW : ip.protocol, hdrincl, broadcast: !!choice.broadcast };
  const payload = hdrincl ? bytes : bytes.subarray(ip.family === 4 ? Math.min(ip.headerLength, bytes.length) : Math.min(40, bytes.length));
  return { socket, bytes: payload };
}
