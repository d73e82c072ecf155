/** Linux rules: raw(7) and the kernel's header-included send path. */
import { LINUX_PRIVILEGE_REMEDY } from '../errors.js';
import { isBroadcast, protocolName, type Rule } from './rules.js';
import { LINUX } from './sources.js';
import type { IpFacts } from '../ip-header.js';
import { internetChecksum } from '../../codec/checksum.js';

/** One field Linux rewrites in a header-included IPv4 datagram (raw(7)). */
export interface HdrinclRewrite {
  readonly field: 'totalLength' | 'id' | 'src' | 'checksum';
  /** The value as built. */
  readonly value: number | string;
  /** The value on the wire, when it is known in advance (not for a kernel-chosen id or source). */
  readonly becomes?: number;
  /** The change in words, e.g. `totalLength 999 becomes 21`. */
  readonly text: string;
}

/**
 * The fields Linux rewrites in a header-included IPv4 datagram before it leaves (raw(7), and
 * raw_send_hdrinc): the total length always, a zero source address, a zero id unless DF is set
 * (ip_select_ident leaves a DF datagram's zero id alone), and the checksum over the result
 * (reported only when the checksum as built was wrong).
 *
 * The one place this is computed: the LINUX_HDRINCL_REWRITES warning is written from it, and
 * the raw transport's `notHonoured` entries for IP_HDRINCL sends are made from it
 * (fidelity.ts `ipv4HdrinclChanges`).
 */
export function ipv4HdrinclRewrites(bytes: Uint8Array, h: IpFacts): HdrinclRewrite[] {
  const changes: HdrinclRewrite[] = [];
  if (h.ihl < 5) return changes; // the kernel fills nothing in when the header is shorter than struct iphdr
  const df = bytes.length > 6 && (bytes[6] & 0x40) !== 0;
  const idFilled = h.id === 0 && !df;
  if (h.totalLength !== bytes.length) changes.push({ field: 'totalLength', value: h.totalLength, becomes: bytes.length, text: `totalLength ${h.totalLength} becomes ${bytes.length}` });
  if (idFilled) changes.push({ field: 'id', value: 0, text: 'id 0 is replaced by a kernel-chosen identification' });
  if (h.src === '0.0.0.0') changes.push({ field: 'src', value: h.src, text: 'src 0.0.0.0 is replaced by the outgoing interface address' });
  // The kernel always writes the checksum over the header it sends. Only a checksum that was
  // wrong as built is a difference worth reporting: a right one changes only because of the
  // fields above, which are reported themselves.
  const headerBytes = bytes.subarray(0, Math.min(h.ihl * 4, bytes.length));
  if (internetChecksum(headerBytes) !== 0) {
    const header = Uint8Array.from(headerBytes);
    header[2] = bytes.length >> 8;
    header[3] = bytes.length & 0xff;
    header[10] = 0;
    header[11] = 0;
    const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
    if (idFilled || h.src === '0.0.0.0') changes.push({ field: 'checksum', value: h.checksum, text: `checksum ${hex(h.checksum)} is recomputed` });
    else changes.push({ field: 'checksum', value: h.checksum, becomes: internetChecksum(header), text: `checksum ${hex(h.checksum)} becomes ${hex(internetChecksum(header))}` });
  }
  return changes;
}

/** The changes of `ipv4HdrinclRewrites` in words. */
export function linuxHdrinclChanges(bytes: Uint8Array, h: IpFacts): string[] {
  return ipv4HdrinclRewrites(bytes, h).map((c) => c.text);
}

/** `6.1.0-18-amd64` → [6, 1]; undefined when it does not start with numbers. */
function kernelVersion(release: string | undefined): [number, number] | undefined {
  const m = release ? /^([0-9]+)\.([0-9]+)/.exec(release) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export const LINUX_RULES: readonly Rule[] = [
  {
    id: 'LINUX_CAP_NET_RAW',
    platforms: ['linux'],
    severity: 'error',
    scope: 'socket',
    source: LINUX.privilege,
    remedy: LINUX_PRIVILEGE_REMEDY,
    check: ({ context }) => {
      if (context.privileges === 'elevated') return undefined;
      if (context.privileges === 'unknown')
        return { severity: 'warning', message: 'Raw sockets need root or CAP_NET_RAW, and this process\'s rights could not be determined: without them socket() fails with EPERM.' };
      return { message: 'Raw sockets need root or CAP_NET_RAW, and this process has neither: socket() fails with EPERM.' };
    },
  },
  {
    id: 'LINUX_HDRINCL_HEADER',
    platforms: ['linux'],
    severity: 'error',
    scope: 'packet',
    source: LINUX.hdrincl,
    remedy: 'With hdrincl, hand sendto a whole datagram starting with its IP header (build it with ipv4(...)), or turn hdrincl off and send only the payload.',
    check: ({ packet, socket }) => {
      if (!packet?.hdrincl || !packet.headerProblem) return undefined;
      return {
        message: `With ${socket.family === 6 ? 'IPV6_HDRINCL' : 'IP_HDRINCL'} the packet must contain an IPv${socket.family} header, but ${packet.headerProblem}: sendto fails with EINVAL, or the datagram leaves malformed.`,
        ...(socket.family === 4 && packet.length >= 1 && packet.bytes[0] >> 4 === 4 ? { source: LINUX.hdrinclShort } : {}),
      };
    },
  },
  {
    id: 'LINUX_HDRINCL_REWRITES',
    platforms: ['linux'],
    severity: 'warning',
    scope: 'packet',
    source: LINUX.hdrinclRewrites,
    remedy:
      "To put the header on the wire as built, send through the link transport ({ kind: 'link' }): it injects the whole frame with libpcap, so the kernel rewrites nothing; to keep id and source on a raw socket, set them non-zero.",
    check: ({ packet, socket }) => {
      const h = packet?.header;
      if (!packet?.hdrincl || packet.headerProblem || socket.family !== 4 || !h || h.family !== 4) return undefined;
      const changes = linuxHdrinclChanges(packet.bytes, h);
      if (!changes.length) return undefined;
      return { message: `Linux rewrites the header before sending, so the datagram will not leave as built: ${changes.join('; ')}.` };
    },
  },
  {
    id: 'LINUX_IPV6_HDRINCL',
    platforms: ['linux'],
    severity: 'info',
    scope: 'socket',
    source: LINUX.ipv6Hdrincl,
    remedy: 'On kernels before 4.5, let the kernel build the IPv6 header (ipv6Hdrincl: false) and set hopLimit / trafficClass as socket options.',
    check: ({ socket, context }) => {
      if (socket.family !== 6 || !socket.hdrincl) return undefined;
      const kernel = context.platform.os === 'linux' ? context.platform.kernel : undefined;
      const v = kernelVersion(kernel);
      if (v && (v[0] < 4 || (v[0] === 4 && v[1] < 5)))
        return { severity: 'error', message: `Linux ${kernel} predates IPV6_HDRINCL (4.5): setsockopt fails with ENOPROTOOPT.` };
      return { message: `Linux takes the IPv6 header from your data with IPV6_HDRINCL${v ? '' : ' (kernel 4.5 or later)'}, as built.` };
    },
  },
  {
    id: 'LINUX_BROADCAST',
    platforms: ['linux'],
    severity: 'error',
    scope: 'packet',
    source: LINUX.broadcast,
    remedy: 'Enable SO_BROADCAST on the socket ({ broadcast: true }).',
    check: ({ packet, socket, context }) =>
      packet && !socket.broadcast && isBroadcast(packet.destination, context.interfaces)
        ? { message: `${packet.destination} is a broadcast address and SO_BROADCAST is off: sendto fails with EACCES.` }
        : undefined,
  },
  {
    id: 'LINUX_RECEIVE',
    platforms: ['linux'],
    severity: 'info',
    scope: 'socket',
    source: LINUX.receive,
    remedy: 'Pass receive({ filter }) a test for the datagrams you expect; bind() or connect() narrows by address.',
    check: ({ socket }) =>
      socket.protocol === 255
        ? {
            message: 'An IPPROTO_RAW (255) socket only sends: "Receiving of all IP protocols via IPPROTO_RAW is not possible using raw sockets" (raw(7)).',
            remedy: 'To see replies, open a second raw socket for their protocol (1 for ICMP, 6 for TCP...) and filter in receive({ filter }).',
          }
        : {
            message: `Every raw socket open for ${protocolName(socket.protocol)} gets a copy of every matching datagram; ${socket.family === 4 ? 'IPv4 ones arrive with their IPv4 header' : 'IPv6 ones arrive without their IPv6 header'}.`,
          },
  },
];
