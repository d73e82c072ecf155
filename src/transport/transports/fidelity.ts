/**
 * What the kernel changes in a packet sent through a raw socket, per way of sending, so a
 * send result can say which fields did not go out as built (Linux raw(7), ip(7), ipv6(7)).
 */
import { finishChecksum, pseudoHeaderTail, sumWords } from '../../codec/checksum.js';
import { ipFacts, type IpFacts } from '../ip-header.js';
import { ipv4HdrinclRewrites } from '../preflight/linux.js';
import type { NotHonoured } from '../transport.js';

const TCP = 6;
const UDP = 17;
const ICMPV6 = 58;

/**
 * IPv4 with IP_HDRINCL: the kernel still writes the total length and the checksum, and fills in
 * a zero source and (without DF) a zero id. Not computed here: this is `ipv4HdrinclRewrites`
 * of pre-flight (preflight/linux.ts), the same list the LINUX_HDRINCL_REWRITES warning is
 * written from, turned into `notHonoured` entries. The raw transport reports these fields
 * only here, never a second time as a pre-flight warning.
 */
export function ipv4HdrinclChanges(bytes: Uint8Array): NotHonoured[] {
  const h = ipFacts(bytes);
  if (!h || h.family !== 4) return [];
  return ipv4HdrinclRewrites(bytes, h).map((c): NotHonoured => {
    const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
    switch (c.field) {
      case 'checksum':
        return {
          layer: 'ipv4',
          field: 'checksum',
          value: c.value,
          reason:
            c.becomes !== undefined
              ? `the kernel computes the header checksum even with IP_HDRINCL (${hex(c.becomes)}, not ${hex(Number(c.value))})`
              : 'the kernel computes the header checksum even with IP_HDRINCL, over the fields it fills in',
        };
      case 'totalLength':
        return { layer: 'ipv4', field: 'totalLength', value: c.value, reason: `the kernel writes the real length (${c.becomes}) even with IP_HDRINCL` };
      case 'id':
        return { layer: 'ipv4', field: 'id', value: c.value, reason: 'the kernel fills in a zero id with IP_HDRINCL (unless DF is set)' };
      case 'src':
        return { layer: 'ipv4', field: 'src', value: c.value, reason: 'the kernel fills in a zero source address with IP_HDRINCL' };
    }
  });
}

/** IPv4 without IP_HDRINCL: the kernel writes a 20-byte header; TTL, TOS and DF come from socket options. */
export function ipv4KernelChanges(ip: IpFacts, length: number): NotHonoured[] {
  const out: NotHonoured[] = [];
  const why = 'the kernel writes the IPv4 header without IP_HDRINCL';
  if (ip.headerLength > 20) out.push({ layer: 'ipv4', field: 'options', value: `${ip.headerLength - 20} bytes`, reason: `not sent: ${why} (20 bytes, no options)` });
  if (ip.id !== 0) out.push({ layer: 'ipv4', field: 'id', value: ip.id, reason: `${why} and picks the id` });
  if (ip.evil) out.push({ layer: 'ipv4', field: 'flags', value: 'evil', reason: `${why}: the reserved bit cannot be set` });
  if (ip.mf) out.push({ layer: 'ipv4', field: 'flags', value: 'mf', reason: `${why}: it fragments by itself` });
  if (ip.fragmentOffset) out.push({ layer: 'ipv4', field: 'fragmentOffset', value: ip.fragmentOffset, reason: `${why}: it fragments by itself` });
  if (ip.ttl === 0) out.push({ layer: 'ipv4', field: 'ttl', value: 0, reason: 'IP_TTL cannot be 0: the kernel uses its default TTL' });
  if (!ip.checksumValid) out.push(ipv4(ip, `${why} and computes the checksum`));
  if (ip.totalLength !== length) out.push({ layer: 'ipv4', field: 'totalLength', value: ip.totalLength, reason: `${why} with the real length (${length - ip.headerLength + 20})` });
  return out;
}

/** IPv6 through a per-protocol raw socket: the kernel writes the IPv6 header; hop limit and traffic class come from socket options. */
export function ipv6KernelChanges(ip: IpFacts, packet: Uint8Array): NotHonoured[] {
  const out: NotHonoured[] = [];
  const why = 'the kernel writes the IPv6 header on a raw IPv6 socket without IPV6_HDRINCL';
  if (ip.flowLabel !== 0) out.push({ layer: 'ipv6', field: 'flowLabel', value: ip.flowLabel, reason: `${why}: the flow label cannot be set (open the transport with ipv6Hdrincl: true, Linux only)` });
  if (ip.payloadLength !== packet.length - 40) {
    out.push({ layer: 'ipv6', field: 'payloadLength', value: ip.payloadLength, reason: `${why} with the real payload length (${packet.length - 40})` });
  }
  if (ip.protocol === ICMPV6 && packet.length >= 44 && !upperChecksumValid(packet)) {
    const value = (packet[42] << 8) | packet[43];
    out.push({ layer: 'icmpv6', field: 'checksum', value, reason: `the kernel computes ICMPv6 checksums on raw sockets (0x${value.toString(16).padStart(4, '0')} is not the right value)` });
  }
  return out;
}

/** The source address: honoured when it is what the kernel will use. */
export function sourceChange(ip: IpFacts, kernelSource: string | undefined, detail: string): NotHonoured | undefined {
  if (kernelSource === undefined || kernelSource === ip.src) return undefined;
  return { layer: ip.family === 4 ? 'ipv4' : 'ipv6', field: 'src', value: ip.src, reason: `the kernel writes the source address ${kernelSource} (${detail})` };
}

/**
 * Offset of a UDP or TCP checksum the kernel may recompute for its own source address
 * (IPV6_CHECKSUM), when the packet's checksum is correct; undefined otherwise (a deliberately
 * wrong checksum is sent as built).
 */
export function ipv6ChecksumOffset(ip: IpFacts, packet: Uint8Array): number | undefined {
  if (ip.protocol !== UDP && ip.protocol !== TCP) return undefined;
  return upperChecksumValid(packet) ? (ip.protocol === UDP ? 6 : 16) : undefined;
}

/** Does the upper-layer checksum right after a 40-byte IPv6 header verify over the pseudo-header? */
function upperChecksumValid(packet: Uint8Array): boolean {
  const protocol = packet[6];
  const length = packet.length - 40;
  const at = protocol === UDP ? 6 : protocol === TCP ? 16 : 2;
  if (length < at + 2) return false;
  const sum = sumWords(packet, 8, 40) + pseudoHeaderTail(protocol, length) + sumWords(packet, 40, packet.length);
  return finishChecksum(sum) === 0 && !(protocol === UDP && packet[40 + 6] === 0 && packet[40 + 7] === 0);
}

function ipv4(ip: IpFacts, reason: string): NotHonoured {
  return { layer: 'ipv4', field: 'checksum', value: ip.checksum, reason: `${reason} (0x${ip.checksum.toString(16).padStart(4, '0')} is not the right value)` };
}
