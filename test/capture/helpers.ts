/** Shared test data and small utilities for the capture tests (not a test file itself). */
import { Readable } from 'node:stream';
import type { CaptureRecord } from '../../src/capture/index.js';

/** Bytes from hex text; whitespace is ignored so vectors can be laid out field by field. */
export function hexBytes(...fields: string[]): Buffer {
  return Buffer.from(fields.join('').replace(/\s+/g, ''), 'hex');
}

/*
 * Hand-written IPv4/UDP packets (RFC 791 header, RFC 768 UDP header), addresses from the
 * documentation range 192.0.2.0/24 (RFC 5737). Checksums were computed by hand with the
 * RFC 1071 one's-complement sum and are re-verified by `ipv4UdpChecksumsOk` below.
 */
export const PACKET_A = hexBytes(
  '45 00 0020', // version 4, IHL 5, DSCP 0, total length 32
  '1234 4000', // identification 0x1234, flags DF, fragment offset 0
  '40 11 a495', // TTL 64, protocol 17 (UDP), header checksum 0xa495
  'c0000201', // source 192.0.2.1
  'c0000202', // destination 192.0.2.2
  '9c40 9c41 000c 647f', // UDP 40000 -> 40001, length 12, checksum 0x647f
  '70696e67', // payload "ping"
);
export const PACKET_B = hexBytes(
  '45 00 0020',
  '1235 4000',
  '40 11 a494', // header checksum 0xa494
  'c0000202', // source 192.0.2.2
  'c0000201', // destination 192.0.2.1
  '9c41 9c40 000c 6479', // UDP 40001 -> 40000, length 12, checksum 0x6479
  '706f6e67', // payload "pong"
);
export const PACKET_C = hexBytes(
  '45 00 0024', // total length 36
  '0001 4000',
  '40 11 b6a9', // header checksum 0xb6a9
  'c000020a', // source 192.0.2.10
  'c0000214', // destination 192.0.2.20
  'c350 c351 0010 3272', // UDP 50000 -> 50001, length 16, checksum 0x3272
  '7261776372616674', // payload "rawcraft"
);

export const PACKETS = [PACKET_A, PACKET_B, PACKET_C];
export const ADDRESSES: Array<[string, string]> = [
  ['192.0.2.1', '192.0.2.2'],
  ['192.0.2.2', '192.0.2.1'],
  ['192.0.2.10', '192.0.2.20'],
];

function onesComplementSum(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** True when both the IPv4 header checksum and the UDP checksum (with pseudo-header) verify. */
export function ipv4UdpChecksumsOk(packet: Buffer): boolean {
  const headerLength = (packet[0] & 0x0f) * 4;
  const udp = packet.subarray(headerLength);
  const pseudo = Buffer.concat([packet.subarray(12, 20), Buffer.from([0, 17]), udp.subarray(4, 6)]);
  return onesComplementSum(packet.subarray(0, headerLength)) === 0xffff && onesComplementSum(Buffer.concat([pseudo, udp])) === 0xffff;
}

/** Ethernet II frame (IEEE 802.3) with locally administered MACs and EtherType IPv4. */
export function ethernetFrame(packet: Buffer): Buffer {
  return Buffer.concat([hexBytes('020000000002', '020000000001', '0800'), packet]);
}

/** Linux cooked v1 header (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html): sent by us, Ethernet, IPv4. */
export function linuxSllFrame(packet: Buffer): Buffer {
  return Buffer.concat([
    hexBytes(
      '0004', // packet type 4: sent by us
      '0001', // ARPHRD_ETHER
      '0006', // link-layer address length
      '020000000001 0000', // address, padded to 8 bytes
      '0800', // protocol: IPv4
    ),
    packet,
  ]);
}

/** A byte stream that delivers `buf` in chunks of `size` bytes (Readable.from keeps each Buffer as one chunk). */
export function chunkedStream(buf: Buffer, size: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
    })(),
  );
}

export async function collect(records: AsyncIterable<CaptureRecord>): Promise<CaptureRecord[]> {
  const out: CaptureRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

/** The error a function throws (or undefined), for asserting on typed errors. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
