/** Packets and contexts for the pre-flight tests. Addresses are documentation ranges: nothing here is sent. */
import { ipv4 } from '../../src/builders/packet.js';
import type { PreflightContextInput } from '../../src/transport/preflight/types.js';

/** The local addresses of the imaginary machine the tests check against. */
export const LOCAL = ['127.0.0.1/8', '192.0.2.10/24', '::1/128'];

export const tcpSyn = (src = '192.0.2.10', dst = '198.51.100.7') => ipv4({ src, dst, id: 0x1234 }).tcp({ srcPort: 40000, dstPort: 80 }).encode();
export const udp = (src = '192.0.2.10', dst = '198.51.100.7') => ipv4({ src, dst, id: 0x1234 }).udp({ srcPort: 40000, dstPort: 53 }).payload('q').encode();
export const icmp = (dst = '198.51.100.7', src = '192.0.2.10') => ipv4({ src, dst, id: 0x1234 }).icmp().payload('ping').encode();

/** A minimal IPv6 datagram (no extension headers) carrying `payload` as `nextHeader`. */
export function ipv6(nextHeader: number, payload: Uint8Array, src = [0x20, 0x01, 0x0d, 0xb8], dst = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]): Buffer {
  const b = Buffer.alloc(40 + payload.length);
  b.writeUInt32BE(0x60000000, 0);
  b.writeUInt16BE(payload.length, 4);
  b[6] = nextHeader;
  b[7] = 64;
  b.set(src, 8);
  b[23] = 1;
  b.set(dst, 24);
  b.set(payload, 40);
  return b;
}

/** An explicit context: nothing detected. */
export function ctx(platform: string, socket: PreflightContextInput['socket'] = {}, more: Partial<PreflightContextInput> = {}): PreflightContextInput {
  return { platform, privileges: 'elevated', interfaces: LOCAL, socket, ...more };
}
