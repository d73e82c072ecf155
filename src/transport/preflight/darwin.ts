/** macOS rules: BSD raw IP sockets (ip(4)), RFC 3542 IPv6 raw sockets. */
import { isBroadcast, protocolName, type Rule } from './rules.js';
import { DARWIN, RFC3542 } from './sources.js';

export const DARWIN_RULES: readonly Rule[] = [
  {
    id: 'MACOS_ROOT_REQUIRED',
    platforms: ['macos'],
    severity: 'error',
    scope: 'socket',
    source: DARWIN.privilege,
    remedy: 'Run as root (sudo). macOS has no per-program capability for raw sockets; for ICMP echo alone, an unprivileged SOCK_DGRAM ICMP socket works.',
    check: ({ context }) => {
      if (context.privileges === 'elevated') return undefined;
      if (context.privileges === 'unknown')
        return { severity: 'warning', message: "Raw sockets need root on macOS, and this process's rights could not be determined: without them socket() fails with EACCES." };
      return { message: 'Raw sockets need root on macOS, and this process is not root: socket() fails with EACCES.' };
    },
  },
  {
    id: 'MACOS_HDRINCL_BYTE_ORDER',
    platforms: ['macos'],
    severity: 'info',
    scope: 'packet',
    source: DARWIN.byteOrder,
    remedy:
      "Nothing to do with rawcraft's RawSocket, which swaps the two fields for you; if you hand the bytes to another sender, swap bytes 2-3 (total length) and 6-7 (flags and fragment offset) first.",
    check: ({ packet, socket }) =>
      packet?.hdrincl && socket.family === 4 && !packet.headerProblem
        ? { message: 'With IP_HDRINCL macOS reads the total length and the fragment offset/flags in host byte order (little-endian), not network order.' }
        : undefined,
  },
  {
    id: 'MACOS_HDRINCL_HEADER',
    platforms: ['macos'],
    severity: 'error',
    scope: 'packet',
    source: DARWIN.hdrincl,
    remedy: 'With hdrincl, hand sendto a whole datagram starting with its IPv4 header (build it with ipv4(...)).',
    check: ({ packet, socket }) =>
      packet?.hdrincl && socket.family === 4 && packet.headerProblem
        ? { message: `With IP_HDRINCL the data must start with an IPv4 header, but ${packet.headerProblem}: sendto fails with EINVAL.` }
        : undefined,
  },
  {
    id: 'MACOS_NO_IPV6_HDRINCL',
    platforms: ['macos'],
    severity: 'error',
    scope: 'socket',
    source: DARWIN.noIpv6Hdrincl,
    remedy:
      "Send through the link transport ({ kind: 'link' }), which injects the whole frame with libpcap, IPv6 header as built; or let the kernel build the IPv6 header: open the socket without hdrincl for the upper protocol, set hopLimit / trafficClass as socket options, bind() to choose the source, and send what follows the IPv6 header.",
    check: ({ socket }) =>
      socket.family === 6 && socket.hdrincl
        ? { message: 'macOS does not take an IPv6 header from the user: there is no IPV6_HDRINCL (setsockopt fails with ENOPROTOOPT).' }
        : undefined,
  },
  {
    id: 'MACOS_BROADCAST',
    platforms: ['macos'],
    severity: 'error',
    scope: 'packet',
    source: DARWIN.broadcast,
    remedy: 'Enable SO_BROADCAST on the socket ({ broadcast: true }).',
    check: ({ packet, socket, context }) =>
      packet && !socket.broadcast && isBroadcast(packet.destination, context.interfaces)
        ? { message: `${packet.destination} is a broadcast address and SO_BROADCAST is off: sendto fails with EACCES.` }
        : undefined,
  },
  {
    id: 'MACOS_RECEIVE',
    platforms: ['macos'],
    severity: 'info',
    scope: 'socket',
    source: { document: RFC3542, section: 'Section 3, IPv6 Raw Sockets', quote: DARWIN.noIpv6Hdrincl.quote },
    remedy: 'Pass receive({ filter }) a test for the datagrams you expect; bind() or connect() narrows by address.',
    check: ({ socket }) => ({
      message: `Every raw socket open for ${protocolName(socket.protocol)} gets a copy of every matching datagram; ${socket.family === 4 ? 'IPv4 ones arrive with their IPv4 header' : 'IPv6 ones arrive without their IPv6 header'}.`,
    }),
  },
];
