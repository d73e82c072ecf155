/**
 * The hand-written yardstick for an ICMP destination unreachable message (RFC 792) quoting a
 * whole IPv4 + UDP datagram: the outer IPv4 header, the ICMP header (type 3, the unused word),
 * the quoted IPv4 and UDP headers with their own checksums, and the ICMP checksum over all of it.
 * The decoder reads every field of all four headers and verifies all four checksums.
 */
import { be16, be32, decodeIpv4, fold, parseIpv4, put16, put32, sum16, type BaselinePacket, type IpIn, type UdpIn } from './baseline.js';

/** The 20-byte IPv4 header at `o`, checksum included; returns the pseudo-header address sum. */
function writeIpv4At(b: Buffer, o: number, ip: IpIn, protocol: number, totalLength: number): number {
  const src = parseIpv4(ip.src);
  const dst = parseIpv4(ip.dst);
  b[o] = 0x45;
  b[o + 1] = 0;
  put16(b, o + 2, totalLength);
  put16(b, o + 4, ip.id);
  b[o + 6] = 0;
  b[o + 7] = 0;
  b[o + 8] = ip.ttl;
  b[o + 9] = protocol;
  put32(b, o + 12, src);
  put32(b, o + 16, dst);
  const addrs = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
  put16(b, o + 10, fold(0x4500 + totalLength + ip.id + ((ip.ttl << 8) | protocol) + addrs));
  return addrs;
}

/** IPv4 + ICMP destination unreachable (code 3, port unreachable) quoting IPv4 + UDP + payload whole. */
export function encodePortUnreachable(outer: IpIn, inner: IpIn, udp: UdpIn, payload: Uint8Array): Buffer {
  const udpLength = 8 + payload.length;
  const quoted = 20 + udpLength;
  const total = 28 + quoted;
  const b = Buffer.allocUnsafe(total);
  writeIpv4At(b, 0, outer, 1, total);
  b[20] = 3;
  b[21] = 3;
  put32(b, 24, 0); // unused (RFC 4884 length 0, next-hop MTU 0)
  const addrs = writeIpv4At(b, 28, inner, 17, quoted);
  put16(b, 48, udp.srcPort);
  put16(b, 50, udp.dstPort);
  put16(b, 52, udpLength);
  b.set(payload, 56);
  const ck = fold(sum16(payload, 0, payload.length, addrs + 17 + udpLength + udp.srcPort + udp.dstPort + udpLength));
  put16(b, 54, ck === 0 ? 0xffff : ck);
  b[22] = 0;
  b[23] = 0;
  put16(b, 22, fold(sum16(b, 20, total, 0)));
  return b;
}

export interface BaselineQuote {
  outer: BaselinePacket['ip'];
  type: number;
  code: number;
  checksum: number;
  unused: number;
  checksumOk: boolean;
  /** The quoted datagram, decoded as IPv4 + UDP. */
  quoted: BaselinePacket;
}

/** Decode IPv4 + ICMP error + quoted IPv4/UDP; throws on malformed headers. */
export function decodePortUnreachable(b: Uint8Array): BaselineQuote {
  if (b.length < 28 || b[0] !== 0x45 || b[9] !== 1) throw new RangeError('not IPv4 (no options) + ICMP');
  const totalLength = be16(b, 2);
  if (totalLength > b.length) throw new RangeError(`ipv4: total length ${totalLength}`);
  const ff = be16(b, 6);
  const outer: BaselinePacket['ip'] = {
    version: 4,
    ihl: 5,
    dscp: b[1] >>> 2,
    ecn: b[1] & 3,
    totalLength,
    id: be16(b, 4),
    flags: ff >>> 13,
    fragmentOffset: ff & 0x1fff,
    ttl: b[8],
    protocol: 1,
    checksum: be16(b, 10),
    src: `${b[12]}.${b[13]}.${b[14]}.${b[15]}`,
    dst: `${b[16]}.${b[17]}.${b[18]}.${b[19]}`,
    checksumOk: fold(sum16(b, 0, 20, 0)) === 0,
  };
  return {
    outer,
    type: b[20],
    code: b[21],
    checksum: be16(b, 22),
    unused: be32(b, 24),
    checksumOk: fold(sum16(b, 20, totalLength, 0)) === 0,
    quoted: decodeIpv4(b.subarray(28, totalLength)),
  };
}
